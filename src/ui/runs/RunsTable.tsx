import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { deleteRun, setRunsSort, toggleRunSelected, useRunsStore, type RunEntry } from '../../store/runs';
import { ACTIVE_STATUSES } from '../../worker/protocol';
import { formatMetric } from '../format';
import { runColor } from './colors';
import { buildColumns, defaultVisible, sortRuns, visibleColumns, type Column } from './columns';

function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

// One formatter each, made on first use: `toLocaleTimeString()` builds a new
// Intl formatter per call, which took 14 ms of the click on Train per render
// of a few rows (profiled in headless Chromium).
let timeFormat: Intl.DateTimeFormat | null = null;
let dateTimeFormat: Intl.DateTimeFormat | null = null;

function formatStarted(t: number): string {
  const d = new Date(t);
  const now = new Date();
  const today = now.getFullYear() === d.getFullYear() && now.getMonth() === d.getMonth() && now.getDate() === d.getDate();
  if (today) return (timeFormat ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' })).format(d);
  return (dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' })).format(d);
}

function cellText(col: Column, run: RunEntry): string {
  const v = col.value(run);
  if (v === null) return col.id === 'duration' && ACTIVE_STATUSES.includes(run.status) && !run.interrupted ? 'running' : '—';
  if (col.id === 'startedAt') return formatStarted(v as number);
  if (col.id === 'duration') return formatDuration(v as number);
  if (col.id === 'epochTime' || col.id === 'trainTime' || col.id === 'validationTime') return `${((v as number) / 1000).toFixed(2)} s`;
  if (col.id.startsWith('metric:') && typeof v === 'number') return formatMetric(v);
  return String(v);
}

/** The same columns (ids, labels, alignment) as last time keep their identity, so unchanged rows skip rendering. */
function useStableColumns(runs: readonly RunEntry[]): Column[] {
  const last = useRef<{ key: string; columns: Column[] } | null>(null);
  return useMemo(() => {
    const columns = buildColumns(runs);
    const key = columns.map((c) => `${c.id}\u0000${c.label}\u0000${c.numeric ? 1 : 0}`).join('\u0001');
    if (last.current?.key !== key) last.current = { key, columns };
    return last.current.columns;
  }, [runs]);
}

/**
 * The runs, one row each: a checkbox for the overlay, facts, hyperparameters, final metrics, delete.
 *
 * The run list is deferred: the runs store updates synchronously inside the
 * click on Train and inside worker messages (zustand's useSyncExternalStore
 * renders are synchronous), so React renders new rows afterwards, in an
 * interruptible background render, instead of in those tasks. The selection
 * and sort are not: a ticked checkbox must show ticked at once.
 */
const CHOICE_KEY = 'volt.runs.columns';

function readChoice(): Record<string, boolean> {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(CHOICE_KEY) ?? '{}') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, boolean>) : {};
  } catch {
    return {};
  }
}

/** Which columns show: the person's choice (kept in localStorage), else the default set. */
function ColumnChooser({ columns, choice, onChange }: { columns: readonly Column[]; choice: Record<string, boolean>; onChange: (c: Record<string, boolean>) => void }) {
  const shown = visibleColumns(columns, choice).length;
  return (
    <details className="runs-columns" data-testid="runs.columns">
      <summary>
        Columns ({shown} of {columns.length})
      </summary>
      <div className="runs-columns-list">
        {columns
          .filter((c) => c.id !== 'number')
          .map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                data-testid={`runs.columns.${c.id}`}
                checked={choice[c.id] ?? defaultVisible(c)}
                onChange={(e) => onChange({ ...choice, [c.id]: e.target.checked })}
              />{' '}
              {c.label}
            </label>
          ))}
      </div>
    </details>
  );
}

export function RunsTable() {
  const runs = useDeferredValue(useRunsStore((s) => s.runs));
  const selected = useRunsStore((s) => s.selected);
  const sort = useRunsStore((s) => s.sort);
  const [choice, setChoice] = useState(readChoice);
  const all = useStableColumns(runs);
  const columns = useMemo(() => visibleColumns(all, choice), [all, choice]);
  const rows = useMemo(() => sortRuns(runs, all, sort), [runs, all, sort]);
  const choose = (next: Record<string, boolean>) => {
    setChoice(next);
    try {
      globalThis.localStorage?.setItem(CHOICE_KEY, JSON.stringify(next));
    } catch {
      // storage off: the choice lasts for this page
    }
  };
  return (
    <>
      {runs.length > 0 && <ColumnChooser columns={all} choice={choice} onChange={choose} />}
      <TableView rows={rows} columns={columns} selected={selected} sort={sort} />
    </>
  );
}

interface TableViewProps {
  rows: readonly RunEntry[];
  columns: readonly Column[];
  selected: readonly string[];
  sort: { column: string; dir: 'asc' | 'desc' };
}

const TableView = memo(function TableView({ rows, columns, selected, sort }: TableViewProps) {
  if (rows.length === 0) {
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
          {rows.map((r) => (
            <Row key={r.id} run={r} columns={columns} at={selected.indexOf(r.id)} />
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** One run; re-rendered only when its entry, the columns or its place in the selection change. */
const Row = memo(function Row({ run: r, columns, at }: { run: RunEntry; columns: readonly Column[]; at: number }) {
  const active = ACTIVE_STATUSES.includes(r.status) && !r.interrupted;
  return (
    <tr data-testid={`runs.row.${r.id}`} className={at >= 0 ? 'selected' : undefined}>
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
});
