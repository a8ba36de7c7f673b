import type { SeriesPoint } from '../../store';

/**
 * Indices of at most `max` of `n` values for drawing, keeping the first and
 * last and, in each bucket, the value farthest from the bucket's mean (so
 * spikes stay visible). Works on any array-like of values, so a chart can
 * downsample a cached typed array without making point objects.
 */
export function downsampleIndices(values: ArrayLike<number>, max: number, n = values.length): number[] {
  return pick(n, max, (i) => values[i]!);
}

function pick(n: number, max: number, at: (i: number) => number): number[] {
  if (n <= max || max < 3) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [0];
  const buckets = max - 2;
  const size = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(b * size);
    const hi = Math.min(n - 1, 1 + Math.floor((b + 1) * size));
    let mean = 0;
    let count = 0;
    for (let i = lo; i < hi; i++) {
      const v = at(i);
      if (Number.isFinite(v)) {
        mean += v;
        count++;
      }
    }
    mean /= Math.max(1, count);
    let best = lo;
    let far = -1;
    for (let i = lo; i < hi; i++) {
      const v = at(i);
      // A NaN is kept over anything else: it breaks the line, and a chart must show that break.
      const d = Number.isFinite(v) ? Math.abs(v - mean) : Infinity;
      if (d > far) {
        far = d;
        best = i;
      }
    }
    out.push(best);
  }
  out.push(n - 1);
  return out;
}

/**
 * At most `max` points for drawing (see downsampleIndices). The store keeps
 * every point; only the chart sees fewer.
 */
export function downsample(points: readonly SeriesPoint[], max: number): SeriesPoint[] {
  if (points.length <= max || max < 3) return points.slice();
  return pick(points.length, max, (i) => points[i]!.value).map((i) => points[i]!);
}
