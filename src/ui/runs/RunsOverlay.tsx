import { useDeferredValue, useMemo, useRef } from 'react';
import { setOverlayMetric, useRunsStore, type RunEntry } from '../../store/runs';
import { ChartLegend, ChartToolbar, useHiddenSeries } from '../charts/ChartToolbar';
import { seriesCsv } from '../charts/csv';
import { LineRechart, type RechartLine } from '../charts/LineRechart';
import { formatMetric } from '../format';
import { runColor } from './colors';
import { metricNames, pickMetric } from './columns';

const HEIGHT = 240;

/**
 * The selected runs' curves of one metric on one recharts chart, by step;
 * each curve is downsampled to about one point per pixel (LineRechart). The
 * runs store copies a live run's series at most twice a second, so this
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
  const figure = useRef<HTMLElement>(null);
  const [hidden, toggle] = useHiddenSeries();
  const lines = useMemo<RechartLine[]>(
    () =>
      metric
        ? selected.map((r, i) => {
            const pts = r.series[metric] ?? [];
            // Sparse series (validation once per epoch) read better with dots.
            const span = pts.length ? pts[pts.length - 1]!.step - pts[0]!.step + 1 : 0;
            return { label: `#${r.number}`, points: pts, color: runColor(i), dots: pts.length > 0 && pts.length * 3 <= span, smoothed: false };
          })
        : [],
    [selected, metric],
  );

  const drawn = metric ? selected.filter((r) => (r.series[metric]?.length ?? 0) > 0) : [];
  return (
    <figure className="chart runs-overlay" data-testid="runs.overlay" data-metric={metric ?? ''} data-runs={drawn.length} ref={figure}>
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
        <ChartLegend items={lines} hidden={hidden} onToggle={toggle} testId="runs.overlay" />
        <ChartToolbar name={`runs ${metric ?? 'metric'} by step`} target={figure} csv={() => seriesCsv(lines)} testId="runs.overlay" />
      </figcaption>
      <div className="chart-box">
        <LineRechart lines={lines} xLabel="step" height={HEIGHT} hidden={hidden} ariaLabel={describe(metric, drawn)} />
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
