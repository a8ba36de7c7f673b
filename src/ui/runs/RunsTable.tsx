import { useMemo } from 'react';
import { deleteRun, setRunsSort, toggleRunSelected, useRunsStore, type RunEntry } from '../../store/runs';
import { ACTIVE_STATUSES } from '../../worker/protocol';
import { formatMetric } from '../format';
import { runColor } from './colors';
import { buildColumns, sortRuns, type Column } from './columns';

function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatStarted(t: number): string {
  const d = new Date(t);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

function cellText(col: Column, run: RunEntry): string {
  const v = col.value(run);
  if (v === null) return col.id === 'duration' && ACTIVE_STATUSES.includes(run.status) && !run.interrupted ? 'running' : '—';
  if (col.id === 'startedAt') return formatStarted(v as number);
  if (col.id === 'duration') return formatDuration(v as number);
  if (col.id.startsWith('metric:') && typeof v === 'number') return formatMetric(v);
  return String(v);
}

/** The runs, one row each: a checkbox for the overlay, facts, hyperparameters, final metrics, delete. */
export function RunsTable() {
  const runs = useRunsStore((s) => s.runs);
  const selected = useRunsStore((s) => s.selected);
  const sort = useRunsStore((s) => s.sort);
  const columns = useMemo(() => buildColumns(runs), [runs]);
  const rows = useMemo(() => sortRuns(runs, columns, sort), [runs, columns, sort]);

  if (runs.length === 0) {
    return (
      <p className="muted runs-empty" data-testid="runs.table">
        No runs yet. Every run you train appears here, and stays after a reload.
      </p>
    );
  }
  return (
    <div className="runs-scroll">
      <table className="runs-table" data-testid="runs.table">
        <thead>
          <tr>
            <th scope="col" className="runs-select-col">
              <span className="sr-only">Compare</span>
            </th>
            {columns.map((c) => (
              <th
                key={c.id}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={sort.column === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" className="runs-sort" data-testid={`runs.sort.${c.id}`} onClick={() => setRunsSort(c.id)} title={`Sort by ${c.label}`}>
                  {c.label}
                  <span aria-hidden="true">{sort.column === c.id ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
            <th scope="col">
              <span className="sr-only">Delete</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const at = selected.indexOf(r.id);
            const active = ACTIVE_STATUSES.includes(r.status) && !r.interrupted;
            return (
              <tr key={r.id} data-testid={`runs.row.${r.id}`} className={at >= 0 ? 'selected' : undefined}>
                <td className="runs-select-col">
                  <input
                    type="checkbox"
                    data-testid={`runs.select.${r.id}`}
                    checked={at >= 0}
                    onChange={(e) => toggleRunSelected(r.id, e.target.checked)}
                    aria-label={`Compare run #${r.number}`}
                    style={at >= 0 ? { accentColor: runColor(at) } : undefined}
                  />
                </td>
                {columns.map((c) => (
                  <td key={c.id} className={c.numeric ? 'num' : undefined} title={c.id === 'status' && r.error ? `${r.error.name}: ${r.error.message}` : undefined}>
                    {c.id === 'number' && at >= 0 && <span className="runs-swatch" style={{ background: runColor(at) }} aria-hidden="true" />}
                    {cellText(c, r)}
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    className="runs-delete"
                    data-testid={`runs.delete.${r.id}`}
                    disabled={active}
                    title={active ? 'Stop the run before deleting it' : `Delete run #${r.number}`}
                    aria-label={`Delete run #${r.number}`}
                    onClick={() => deleteRun(r.id)}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
