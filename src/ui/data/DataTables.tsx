import { useState } from 'react';
import { configureData } from '../../store';
import type { ColumnChoice, DatasetReport } from '../../worker/protocol';
import { formatMetric } from '../format';
import { ClassBalance } from './ClassBalance';

type Column = NonNullable<DatasetReport['table']>['columns'][number];
/** Tables wider than this list their first columns until asked (a 2,000-column table would list them all). */
const COLLAPSE_AFTER = 50;
const TYPES = ['numeric', 'categorical', 'boolean', 'date', 'text', 'identifier'] as const;
const readsWordsAsMissing = (type: string) => type === 'numeric' || type === 'date' || type === 'boolean';

/** A column's choice with one field changed; the whole choice goes to the worker (it replaces the column's earlier one). */
function choose(name: string, current: ColumnChoice, change: Partial<ColumnChoice>): void {
  const next: ColumnChoice = { ...current, ...change };
  for (const k of Object.keys(next) as (keyof ColumnChoice)[]) if (next[k] === undefined || next[k] === false) delete next[k];
  void configureData({ columns: { [name]: next } });
}

/** Type, use and missing-word controls of one column row. */
function ColumnControls({ c, target, choice, reason }: { c: Column; target: boolean; choice: ColumnChoice; reason: string | undefined }) {
  const type = choice.type ?? c.type;
  const useDefault = c.excludedReason && !choice.type ? 'ignore' : 'feature';
  const use = choice.use ?? useDefault;
  const words = c.markers ?? [];
  const wordsMissing = readsWordsAsMissing(type) || Boolean(choice.markersMissing);
  return (
    <>
      <td>
        {target ? (
          <span className="muted">target</span>
        ) : (
          <>
            <select data-testid={`data.use.${c.name}`} aria-label={`use of ${c.name}`} value={use} onChange={(e) => choose(c.name, choice, { use: e.target.value === useDefault ? undefined : (e.target.value as ColumnChoice['use']) })}>
              <option value="feature">feature</option>
              <option value="ignore">ignore</option>
            </select>{' '}
            {reason && <div className="muted words" data-testid={`data.reason.${c.name}`}>{reason}</div>}
          </>
        )}
      </td>
      <td>
        <select data-testid={`data.type.${c.name}`} aria-label={`type of ${c.name}`} value={choice.type ?? ''} onChange={(e) => choose(c.name, choice, { type: (e.target.value || undefined) as ColumnChoice['type'] })}>
          <option value="">{c.type} (detected)</option>
          {TYPES.filter((t) => t !== c.type).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </td>
      <td className="num">
        {c.missing}
        {words.length > 0 && (
          <div className="words" data-testid={`data.words.${c.name}`}>
            <span className="muted">{words.map((w) => `"${w.value}" ×${w.count}`).join(', ')}</span>{' '}
            {readsWordsAsMissing(type) ? (
              <span className="muted">(read as missing)</span>
            ) : (
              <label className="inline" title="Whether these words mean a missing value or are categories of their own">
                <input type="checkbox" data-testid={`data.markers.${c.name}`} checked={wordsMissing} onChange={(e) => choose(c.name, choice, { markersMissing: e.target.checked })} /> words are missing
              </label>
            )}
          </div>
        )}
      </td>
      <td className="num">{c.unique}</td>
      <td className="clip">{stats(c)}</td>
    </>
  );
}

/** Days since 1970 as the date they are (UTC), e.g. 2020-12-31. */
const isoDate = (days: number) => new Date(Math.round(days * 86400000)).toISOString().slice(0, 10);

function stats(c: Column): string {
  if (c.summary && c.type === 'date') return `from ${isoDate(c.summary.min)} to ${isoDate(c.summary.max)}`;
  if (c.summary) return `min ${formatMetric(c.summary.min)} · max ${formatMetric(c.summary.max)} · mean ${formatMetric(c.summary.mean)}`;
  if (c.top?.length) return c.top.map((x) => `${x.value} (${x.count})`).join(', ');
  return '';
}

/** Column statistics, class balance and the first rows of a table. Every name and value renders as text. */
export function DataTables({ report }: { report: DatasetReport }) {
  const t = report.table!;
  const dropped = new Map(t.dropped.map((d) => [d.column, d.reason]));
  const [query, setQuery] = useState('');
  const [all, setAll] = useState(false);
  const many = t.columns.length > COLLAPSE_AFTER;
  const q = query.trim().toLowerCase();
  const matching = q ? t.columns.filter((c) => c.name.toLowerCase().includes(q)) : t.columns;
  // A wide table shows its first columns (and the target) until the user asks for all or searches.
  const shown = !many || all || q ? matching : matching.filter((c, i) => i < COLLAPSE_AFTER || c.name === t.target);
  const shownNames = new Set(shown.map((c) => c.name));
  const shownIndex = t.columns.flatMap((c, j) => (shownNames.has(c.name) ? [j] : []));
  return (
    <>
      <h3>Columns</h3>
      {many && (
        <div className="row" data-testid="data.columns.tools">
          <input type="search" data-testid="data.columns.search" aria-label="Find a column" placeholder={`find among ${t.columns.length} columns`} value={query} onChange={(e) => setQuery(e.target.value)} />
          <span className="muted" data-testid="data.columns.count">
            {shown.length} of {t.columns.length} columns shown
          </span>
          {!q && (
            <button type="button" data-testid="data.columns.all" onClick={() => setAll(!all)}>
              {all ? `Show the first ${COLLAPSE_AFTER}` : `Show all ${t.columns.length}`}
            </button>
          )}
        </div>
      )}
      <div className="scroll">
        <table className="grid" data-testid="data.columns">
          <thead>
            <tr>
              <th>column</th>
              <th>use</th>
              <th>type</th>
              <th>missing</th>
              <th>unique</th>
              <th>values</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.name} data-testid={`data.column.${c.name}`}>
                <th scope="row">{c.name}</th>
                <ColumnControls c={c} target={c.name === t.target} choice={t.choices[c.name] ?? {}} reason={dropped.get(c.name)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.classBalance.length > 0 && <ClassBalance target={t.target!} balance={report.classBalance} />}
      <h3>First rows</h3>
      <div className="scroll">
        <table className="grid" data-testid="data.preview">
          <thead>
            <tr>
              {shownIndex.map((j) => (
                <th key={j}>{t.columns[j]!.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.preview.map((row, i) => (
              <tr key={i}>
                {shownIndex.map((j) => (
                  <td key={j}>{row[j]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {t.notes.length > 0 && (
        <ul className="notes muted">
          {(all ? t.notes : t.notes.slice(0, COLLAPSE_AFTER)).map((n, k) => (
            <li key={k}>{n}</li>
          ))}
          {!all && t.notes.length > COLLAPSE_AFTER && <li>… and {t.notes.length - COLLAPSE_AFTER} more notes</li>}
        </ul>
      )}
    </>
  );
}
