import type { SeriesPoint } from '../../store';

/**
 * At most `max` points for drawing, keeping the first and last and, in each
 * bucket, the point farthest from the bucket's mean (so spikes stay visible).
 * The store keeps every point; only the chart sees fewer.
 */
export function downsample(points: readonly SeriesPoint[], max: number): SeriesPoint[] {
  if (points.length <= max || max < 3) return points.slice();
  const out: SeriesPoint[] = [points[0]!];
  const buckets = max - 2;
  const size = (points.length - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(b * size);
    const hi = Math.min(points.length - 1, 1 + Math.floor((b + 1) * size));
    let mean = 0;
    for (let i = lo; i < hi; i++) mean += points[i]!.value;
    mean /= Math.max(1, hi - lo);
    let best = lo;
    for (let i = lo; i < hi; i++) if (Math.abs(points[i]!.value - mean) > Math.abs(points[best]!.value - mean)) best = i;
    out.push(points[best]!);
  }
  out.push(points[points.length - 1]!);
  return out;
}
