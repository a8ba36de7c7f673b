import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { SeriesPoint } from '../../store';
import { ChartLegend, ChartToolbar, useHiddenSeries } from './ChartToolbar';
import { seriesCsv } from './csv';
import { downsample } from './downsample';
import { exactText } from './format';
import { LineRechart, type RechartLine } from './LineRechart';
import { drawLines, type PlotLayout, type PlotSeries } from './plot';
import { SmoothCache } from './smooth';

export interface ChartLine {
  label: string;
  points: readonly SeriesPoint[] | undefined;
  /** CSS variable of the colour, e.g. '--accent'. */
  color: string;
  dots?: boolean;
}

export interface ChartOptions {
  /** Divide steps by this to get epochs (1 = by step). */
  xScale: number;
  xLabel: string;
  smoothing: number;
  logY: boolean;
}

/** How a live chart draws: its own canvas code, or recharts (SVG). See LIVE_RENDERER in TrainCharts. */
export type Renderer = 'canvas' | 'recharts';

/** The latest value of `value`, passed on at most once per `ms` (the last change always arrives). */
export function useThrottled<T>(value: T, ms: number): T {
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

const HEIGHT = 200;

/** CSS colour variables resolved once per colour scheme (getComputedStyle forces a style recalculation, ~30 ms measured here). */
function useColours(el: React.RefObject<HTMLElement | null>) {
  const cache = useRef<{ dark: boolean; map: Map<string, string> } | null>(null);
  return (name: string): string => {
    const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
    if (!cache.current || cache.current.dark !== dark) cache.current = { dark, map: new Map() };
    let v = cache.current.map.get(name);
    if (v === undefined && el.current) {
      v = getComputedStyle(el.current).getPropertyValue(name).trim() || '#888';
      cache.current.map.set(name, v);
    }
    return v ?? '#888';
  };
}

interface Hover {
  left: number;
  top: number;
  x: number;
  values: { label: string; value: number; step: number; color: string }[];
}

/** The point of `pts` (ascending steps) nearest to `step`. */
function nearest(pts: readonly SeriesPoint[], step: number): SeriesPoint | undefined {
  let lo = 0;
  let hi = pts.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]!.step < step) lo = mid + 1;
    else hi = mid;
  }
  const prev = pts[lo - 1];
  return prev && Math.abs(prev.step - step) < Math.abs(pts[lo]!.step - step) ? prev : pts[lo];
}

/**
 * A live line chart: every point stays in the store, the chart draws at most
 * about one point per pixel (downsampled after smoothing). A legend click
 * hides a series, a hover shows the logged values, the toolbar downloads the
 * chart as PNG and every logged point as CSV. `renderer` picks canvas or
 * recharts; bench/charts measures both side by side.
 */
export const MetricChart = memo(function MetricChart({ title, lines, options, testId, height = HEIGHT, renderer }: { title: string; lines: ChartLine[]; options: ChartOptions; testId: string; height?: number; renderer: Renderer }) {
  const figure = useRef<HTMLElement>(null);
  const colour = useColours(figure);
  const [hidden, toggle] = useHiddenSeries();
  const shown = useMemo(() => lines.filter((l) => !hidden.has(l.label)), [lines, hidden]);
  const csv = () => seriesCsv(lines, options.xLabel === 'epoch' ? options.xScale : 0);
  const legend = lines.map((l) => ({ label: l.label, color: `var(${l.color})` }));
  const empty = lines.every((l) => !l.points?.length);
  const last = (s: readonly SeriesPoint[] | undefined) => (s?.length ? s[s.length - 1]!.value.toPrecision(3) : 'none');
  const label = `${title} by ${options.xLabel}: ${lines.map((l) => `${l.label} ${l.points?.length ?? 0} points, latest ${last(l.points)}`).join('; ')}`;
  return (
    <figure className="chart" data-testid={testId} ref={figure} data-renderer={renderer} data-shown={shown.map((l) => l.label).join(',')}>
      <figcaption>
        {title}
        <ChartLegend items={legend} hidden={hidden} onToggle={toggle} testId={testId} />
        <ChartToolbar name={`${title} by ${options.xLabel}`} target={figure} csv={csv} testId={testId} />
      </figcaption>
      <div className="chart-box">
        {renderer === 'canvas' ? (
          <CanvasLines lines={shown} options={options} height={height} label={label} colour={colour} />
        ) : (
          <RechartLines lines={lines} options={options} height={height} label={label} colour={colour} hidden={hidden} />
        )}
        {empty && <p className="chart-empty">Appears once training starts.</p>}
      </div>
    </figure>
  );
});

function RechartLines({ lines, options, height, label, colour, hidden }: { lines: ChartLine[]; options: ChartOptions; height: number; label: string; colour: (n: string) => string; hidden: ReadonlySet<string> }) {
  const [, redraw] = useState(0);
  // Colours resolve after the first commit (they are read from the figure's CSS).
  useEffect(() => redraw(1), []);
  const resolved = colour('--accent') !== '#888';
  const rlines = useMemo<RechartLine[]>(() => lines.map((l) => ({ label: l.label, points: l.points, color: colour(l.color), dots: l.dots, smoothed: !l.dots })), [lines, resolved]);
  return <LineRechart lines={rlines} xLabel={options.xLabel} xScale={options.xScale} smoothing={options.smoothing} logY={options.logY} height={height} hidden={hidden} ariaLabel={label} />;
}

function CanvasLines({ lines, options, height, label, colour }: { lines: ChartLine[]; options: ChartOptions; height: number; label: string; colour: (n: string) => string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<Hover | null>(null);
  const layout = useRef<PlotLayout | null>(null);
  const smoothed = useRef(new Map<string, SmoothCache>());

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
    const series: PlotSeries[] = lines.map((l) => {
      const raw = l.points ?? [];
      let cache = smoothed.current.get(l.label);
      if (!cache) smoothed.current.set(l.label, (cache = new SmoothCache()));
      const sm = l.dots ? raw : cache.get(raw, options.smoothing);
      const scaled = options.xScale === 1 ? sm : sm.map((p) => ({ step: p.step / options.xScale, value: p.value }));
      return { points: downsample(scaled, Math.max(50, width)), color: colour(l.color), dots: l.dots ?? false };
    });
    layout.current = drawLines(el, width, height, series, { axis: colour('--muted'), grid: colour('--grid') }, { logY: options.logY });
  }, [lines, width, options, height]);

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const at = layout.current;
    if (!at) return;
    const r = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - r.left - at.left) / at.width;
    if (fx < 0 || fx > 1) {
      setHover(null);
      return;
    }
    // The tooltip shows logged values (never smoothed ones) of the step nearest the pointer.
    const step = fx * at.maxStep * options.xScale;
    const values: Hover['values'] = [];
    let x = NaN;
    for (const l of lines) {
      const p = nearest(l.points ?? [], step);
      if (!p) continue;
      if (!Number.isFinite(x) || Math.abs(p.step - step) < Math.abs(x - step)) x = p.step;
      values.push({ label: l.label, value: p.value, step: p.step, color: colour(l.color) });
    }
    if (values.length === 0) return setHover(null);
    setHover({ left: Math.min(e.clientX - r.left + 12, r.width - 160), top: Math.max(0, e.clientY - r.top - 40), x: x / options.xScale, values });
  };

  return (
    <>
      <canvas ref={canvas} className="plot" style={{ height }} role="img" aria-label={label} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
      {hover && (
        <div className="chart-tooltip chart-hover" data-testid="chart.tooltip" style={{ left: hover.left, top: hover.top }}>
          <div>
            {options.xLabel} {exactText(hover.x)}
          </div>
          {hover.values.map((v) => (
            <div key={v.label} style={{ color: v.color }}>
              {v.label}: {exactText(v.value)}
              {v.step / options.xScale !== hover.x && <span className="muted"> ({options.xLabel} {exactText(v.step / options.xScale)})</span>}
            </div>
          ))}
        </div>
      )}
    </>
  );
}
