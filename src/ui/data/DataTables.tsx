import type { DatasetReport } from '../../worker/protocol';
import { formatMetric } from '../format';
import { ClassBalance } from './ClassBalance';

/** Column statistics, class balance and the first rows of a table. Every name and value renders as text. */
export function DataTables({ report }: { report: DatasetReport }) {
  const t = report.table!;
  const stats = (c: (typeof t.columns)[number]) => {
    if (c.summary) return `min ${formatMetric(c.summary.min)} · max ${formatMetric(c.summary.max)} · mean ${formatMetric(c.summary.mean)}`;
    if (c.top?.length) return c.top.map((x) => `${x.value} (${x.count})`).join(', ');
    return '';
  };
  const dropped = new Map(t.dropped.map((d) => [d.column, d.reason]));
  return (
    <>
      <h3>Columns</h3>
      <div className="scroll">
        <table className="grid" data-testid="data.columns">
          <thead>
            <tr>
              <th>column</th>
              <th>type</th>
              <th>missing</th>
              <th>unique</th>
              <th>values</th>
              <th>use</th>
            </tr>
          </thead>
          <tbody>
            {t.columns.map((c) => (
              <tr key={c.name} data-testid={`data.column.${c.name}`}>
                <th scope="row">{c.name}</th>
                <td>{c.type}</td>
                <td className="num">{c.missing}</td>
                <td className="num">{c.unique}</td>
                <td className="clip">{stats(c)}</td>
                <td className="muted">{c.name === t.target ? 'target' : (dropped.get(c.name) ?? c.excludedReason ?? 'feature')}</td>
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
              {t.columns.map((c) => (
                <th key={c.name}>{c.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.preview.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => (
                  <td key={j}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {t.notes.length > 0 && (
        <ul className="notes muted">
          {t.notes.map((n, k) => (
            <li key={k}>{n}</li>
          ))}
        </ul>
      )}
    </>
  );
}
