import { useEffect, useRef, useState } from 'react';
import { useStore, type SeriesPoint } from '../../store';
import { downsample } from './downsample';
import { drawLines, type PlotSeries } from './plot';

/** Redraw at most this often; drawing is cheap, but the data is not worth more. */
const REDRAW_MS = 250;

/** The latest value of `value`, passed on at most once per `ms` (the last change always arrives). */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  useEffect(() => {
    if (value === shown) return;
    const t = setTimeout(() => {
      lastAt.current = performance.now();
      setShown(value);
    }, Math.max(0, lastAt.current + ms - performance.now()));
    return () => clearTimeout(t);
  }, [value, shown, ms]);
  return shown;
}

/**
 * Live training and validation loss by step, drawn on a canvas.
 * Why not recharts here: on this project's 2-core machines one recharts
 * redraw of a 100-point line took 50–290 ms of main-thread time (selectors,
 * DOM text measurement, SVG commit), and the page must have no task over
 * 50 ms while training. A canvas redraw of thousands of points takes ~1 ms.
 */
export function LossChart() {
  const train = useThrottled(useStore((s) => s.series.train_loss), REDRAW_MS);
  const val = useThrottled(useStore((s) => s.series.val_loss), REDRAW_MS);
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
    const series: PlotSeries[] = [
      { points: downsample(train ?? ([] as SeriesPoint[]), Math.max(50, width)), color: color('--accent', '#2f6fed'), dots: false },
      { points: val ?? [], color: color('--accent-2', '#e07a16'), dots: true },
    ];
    drawLines(el, width, HEIGHT, series, { axis: color('--muted', '#5f6b7a'), grid: color('--grid', '#e6e9ee') });
  }, [train, val, width]);

  const empty = !train?.length && !val?.length;
  return (
    <figure className="chart" data-testid="chart.loss">
      <figcaption>
        Loss
        <span className="legend">
          <span className="key key-train">train</span>
          <span className="key key-val">validation</span>
        </span>
      </figcaption>
      <div className="chart-box">
        <canvas ref={canvas} className="plot" style={{ height: HEIGHT }} role="img" aria-label={describe(train, val)} />
        {empty && <p className="chart-empty">The loss appears here once training starts.</p>}
      </div>
    </figure>
  );
}

const HEIGHT = 260;

function describe(train: readonly SeriesPoint[] | undefined, val: readonly SeriesPoint[] | undefined): string {
  const last = (s: readonly SeriesPoint[] | undefined) => (s?.length ? s[s.length - 1]!.value.toPrecision(3) : 'none');
  return `Loss by step: ${train?.length ?? 0} training points, latest ${last(train)}; validation latest ${last(val)}`;
}
