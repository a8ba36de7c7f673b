import type { SeriesPoint } from '../../store';

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : String(v)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text: a header line, then one line per row, CRLF-free (`\n`), ending in a newline. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number | null | undefined)[]>): string {
  const lines = [header.map(field).join(',')];
  for (const r of rows) lines.push(r.map(field).join(','));
  return lines.join('\n') + '\n';
}

interface CsvSeries {
  label: string;
  points: readonly SeriesPoint[] | undefined;
}

/**
 * Every logged point of some series (not the downsampled ones drawn), one row
 * per step in ascending order, an empty cell where a series has no point at
 * that step. With `perEpoch` > 0 an `epoch` column (step / perEpoch) follows
 * the step.
 */
export function seriesCsv(series: readonly CsvSeries[], perEpoch = 0): string {
  const byStep = new Map<number, (number | undefined)[]>();
  series.forEach((s, k) => {
    for (const p of s.points ?? []) {
      let row = byStep.get(p.step);
      if (!row) byStep.set(p.step, (row = new Array<number | undefined>(series.length)));
      row[k] = p.value;
    }
  });
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const header = ['step', ...(perEpoch > 0 ? ['epoch'] : []), ...series.map((s) => s.label)];
  return toCsv(
    header,
    steps.map((step) => [step, ...(perEpoch > 0 ? [Number((step / perEpoch).toPrecision(12))] : []), ...byStep.get(step)!]),
  );
}
