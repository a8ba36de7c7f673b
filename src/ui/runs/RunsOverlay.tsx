import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
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
 * redraws at most that often while training, and only when a selected run
 * changed. Like the table, it renders from a deferred copy of the runs, after
 * the click or worker message that changed them.
 */
export function RunsOverlay() {
  const chosen = useRunsStore((s) => s.overlayMetric);
  const selectedIds = useRunsStore((s) => s.selected);
  const runs = useDeferredValue(useRunsStore((s) => s.runs));
  const selected = useSelectedRuns(runs, selectedIds);
  const names = useMemo(() => metricNames(runs, selectedIds), [runs, selectedIds]);
  const metric = pickMetric(names, chosen);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [scheme, setScheme] = useState(0);
  // Read once: getComputedStyle after a commit forces a style recalculation of the whole page inside that task.
  const colors = useRef<{ axis: string; grid: string } | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    ro.observe(el);
    // A switch to dark mode changes the CSS colours: read them again and redraw.
    const dark = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
    const onScheme = () => {
      colors.current = null;
      setScheme((n) => n + 1);
    };
    dark?.addEventListener('change', onScheme);
    return () => {
      ro.disconnect();
      dark?.removeEventListener('change', onScheme);
    };
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    if (!colors.current) {
      const style = getComputedStyle(el);
      const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
      colors.current = { axis: color('--muted', '#5f6b7a'), grid: color('--grid', '#e6e9ee') };
    }
    const series: PlotSeries[] = metric
      ? selected.map((r, i) => {
          const pts = r.series[metric] ?? [];
          // Sparse series (validation once per epoch) read better with dots.
          const span = pts.length ? pts[pts.length - 1]!.step - pts[0]!.step + 1 : 0;
          return { points: downsample(pts, Math.max(50, width)), color: runColor(i), dots: pts.length > 0 && pts.length * 3 <= span };
        })
      : [];
    drawLines(el, width, HEIGHT, series, colors.current);
  }, [selected, metric, width, scheme]);

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

/** The selected runs in selection order; the same array while none of them changed, so the canvas is not redrawn for others. */
function useSelectedRuns(runs: readonly RunEntry[], ids: readonly string[]): RunEntry[] {
  const last = useRef<RunEntry[]>([]);
  return useMemo(() => {
    const byId = new Map(runs.map((r) => [r.id, r]));
    const next = ids.map((id) => byId.get(id)).filter((r): r is RunEntry => r !== undefined);
    const prev = last.current;
    if (next.length !== prev.length || next.some((r, i) => r !== prev[i])) last.current = next;
    return last.current;
  }, [runs, ids]);
}

function describe(metric: string | null, runs: readonly RunEntry[]): string {
  if (!metric || runs.length === 0) return 'Run comparison: nothing selected';
  const parts = runs.map((r) => {
    const pts = r.series[metric]!;
    return `#${r.number} ${pts.length} points, last ${formatMetric(pts[pts.length - 1]!.value)}`;
  });
  return `${metric} by step for ${runs.length} runs: ${parts.join('; ')}`;
}
