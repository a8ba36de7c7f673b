import type { SeriesPoint } from '../../store';

/**
 * TensorBoard's smoothing: an exponential moving average with weight `w` in
 * [0, 1), debiased so the first points are not pulled towards zero.
 */
export function smooth(points: readonly SeriesPoint[], w: number): SeriesPoint[] {
  if (!(w > 0)) return points.slice();
  const out: SeriesPoint[] = new Array(points.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.value)) {
      out[i] = p;
      continue;
    }
    last = last * w + (1 - w) * p.value;
    n += 1;
    out[i] = { step: p.step, value: last / (1 - w ** n) };
  }
  return out;
}
