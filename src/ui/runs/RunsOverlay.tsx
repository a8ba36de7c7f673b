import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { setOverlayMetric, useRunsStore, type RunEntry } from '../../store/runs';
import { downsample } from '../charts/downsample';
import { drawLines, type PlotSeries } from '../charts/plot';
import { formatMetric } from '../format';
import { runColor } from './colors';
import { metricNames, pickMetric } from './columns';

const HEIGHT = 240;

/**
 * The selected runs' curves of one metric on one canvas, by step. Canvas, not
 * recharts, for the reason LossChart gives (a recharts redraw is a long task
 * on these machines); each curve is downsampled to about one point per pixel.
 * The runs store copies a live run's series at most twice a second, so this
 * redraws at most that often while training.
 */
export function RunsOverlay() {
  const chosen = useRunsStore((s) => s.overlayMetric);
  const selectedIds = useRunsStore((s) => s.selected);
  const runs = useRunsStore((s) => s.runs);
  const selected = useRunsStore(useShallow((s) => s.selected.map((id) => s.runs.find((r) => r.id === id)).filter((r): r is RunEntry => r !== undefined)));
  const names = useMemo(() => metricNames(runs, selectedIds), [runs, selectedIds]);
  const metric = pickMetric(names, chosen);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    const style = getComputedStyle(el);
    const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const series: PlotSeries[] = metric
      ? selected.map((r, i) => {
          const pts = r.series[metric] ?? [];
          // Sparse series (validation once per epoch) read better with dots.
          const span = pts.length ? pts[pts.length - 1]!.step - pts[0]!.step + 1 : 0;
          return { points: downsample(pts, Math.max(50, width)), color: runColor(i), dots: pts.length > 0 && pts.length * 3 <= span };
        })
      : [];
    drawLines(el, width, HEIGHT, series, { axis: color('--muted', '#5f6b7a'), grid: color('--grid', '#e6e9ee') });
  }, [selected, metric, width]);

  const drawn = metric ? selected.filter((r) => (r.series[metric]?.length ?? 0) > 0) : [];
  return (
    <figure className="chart runs-overlay" data-testid="runs.overlay" data-metric={metric ?? ''} data-runs={drawn.length}>
      <figcaption>
        <label className="runs-metric">
          <span>Compare</span>
          <select data-testid="runs.metric" value={metric ?? ''} disabled={names.length === 0} onChange={(e) => setOverlayMetric(e.target.value)}>
            {names.length === 0 && <option value="">no metrics yet</option>}
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="legend">
          {selected.map((r, i) => (
            <span key={r.id} className="runs-key">
              <span className="runs-swatch" style={{ background: runColor(i) }} aria-hidden="true" />#{r.number}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-box">
        <canvas ref={canvas} className="plot" style={{ height: HEIGHT }} role="img" aria-label={describe(metric, drawn)} />
        {drawn.length === 0 && (
          <p className="chart-empty">{selected.length === 0 ? 'Tick runs in the table to compare their curves here.' : `The selected runs have no ${metric ?? 'metric'} points.`}</p>
        )}
      </div>
    </figure>
  );
}

function describe(metric: string | null, runs: readonly RunEntry[]): string {
  if (!metric || runs.length === 0) return 'Run comparison: nothing selected';
  const parts = runs.map((r) => {
    const pts = r.series[metric]!;
    return `#${r.number} ${pts.length} points, last ${formatMetric(pts[pts.length - 1]!.value)}`;
  });
  return `${metric} by step for ${runs.length} runs: ${parts.join('; ')}`;
}
