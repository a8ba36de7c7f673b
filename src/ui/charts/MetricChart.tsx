import { useEffect, useRef, useState } from 'react';
import type { SeriesPoint } from '../../store';
import { downsample } from './downsample';
import { drawLines, type PlotSeries } from './plot';
import { smooth } from './smooth';

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

/**
 * A live line chart on a canvas: every point stays in the store, the chart
 * draws at most about one point per pixel (downsampled after smoothing).
 * Canvas, not recharts: a recharts redraw cost 50–290 ms of main-thread time
 * on this project's machines, and training must leave no task over 50 ms.
 */
export function MetricChart({ title, lines, options, testId, height = HEIGHT }: { title: string; lines: ChartLine[]; options: ChartOptions; testId: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const colors = useRef<{ dark: boolean; map: Map<string, string> } | null>(null);

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
    // Reading computed styles forces a style recalculation (~30 ms measured here): read each colour once per theme.
    const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
    if (!colors.current || colors.current.dark !== dark) colors.current = { dark, map: new Map() };
    const cache = colors.current.map;
    const color = (name: string) => {
      let v = cache.get(name);
      if (v === undefined) {
        v = getComputedStyle(el).getPropertyValue(name).trim() || '#888';
        cache.set(name, v);
      }
      return v;
    };
    const series: PlotSeries[] = lines.map((l) => {
      const raw = l.points ?? [];
      const sm = l.dots ? raw.slice() : smooth(raw, options.smoothing);
      const scaled = options.xScale === 1 ? sm : sm.map((p) => ({ step: p.step / options.xScale, value: p.value }));
      return { points: downsample(scaled, Math.max(50, width)), color: color(l.color), dots: l.dots ?? false };
    });
    drawLines(el, width, height, series, { axis: color('--muted'), grid: color('--grid') }, { logY: options.logY });
  }, [lines, width, options, height]);

  const empty = lines.every((l) => !l.points?.length);
  const last = (s: readonly SeriesPoint[] | undefined) => (s?.length ? s[s.length - 1]!.value.toPrecision(3) : 'none');
  const label = `${title} by ${options.xLabel}: ${lines.map((l) => `${l.label} ${l.points?.length ?? 0} points, latest ${last(l.points)}`).join('; ')}`;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        <span className="legend">
          {lines.map((l) => (
            <span key={l.label} className="key" style={{ ['--key' as string]: `var(${l.color})` }}>
              {l.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-box">
        <canvas ref={canvas} className="plot" style={{ height }} role="img" aria-label={label} />
        {empty && <p className="chart-empty">Appears once training starts.</p>}
      </div>
    </figure>
  );
}
