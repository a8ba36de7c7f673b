import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '../../store';
import { downsample } from './downsample';
import { exactText, tickText } from './format';
import { smooth } from './smooth';

export interface RechartLine {
  label: string;
  points: readonly SeriesPoint[] | undefined;
  /** A resolved colour ('#2f6fed'): SVG attributes and the exported PNG do not see CSS variables. */
  color: string;
  dots?: boolean;
  /** Smooth this line with the chart's smoothing (sparse validation points are never smoothed). */
  smoothed?: boolean;
}

/** One row per drawn x: the drawn (smoothed) value of each line under its label, the logged one under `label\u0000raw`. */
type Row = Record<string, number | null>;

const RAW = '\u0000raw';
const MARGIN = { top: 6, right: 12, bottom: 0, left: 0 };

/**
 * Merges the lines' drawn points into rows keyed by x. Each line is smoothed,
 * scaled to the x unit and downsampled to about one point per pixel first, so
 * recharts sees at most ~width rows per line, however many points were logged.
 */
function rowsOf(lines: readonly RechartLine[], width: number, xScale: number, smoothing: number, logY: boolean): Row[] {
  const byX = new Map<number, Row>();
  for (const l of lines) {
    const raw = l.points ?? [];
    const drawn = l.smoothed === false ? raw : smooth(raw, smoothing);
    const rawAt = new Map<number, number>();
    const kept = downsample(drawn, Math.max(50, width));
    if (drawn !== raw) for (const p of kept) rawAt.set(p.step, NaN);
    if (drawn !== raw) for (const p of raw) if (rawAt.has(p.step)) rawAt.set(p.step, p.value);
    for (const p of kept) {
      const x = xScale === 1 ? p.step : p.step / xScale;
      let row = byX.get(x);
      if (!row) byX.set(x, (row = { x }));
      const ok = Number.isFinite(p.value) && (!logY || p.value > 0);
      row[l.label] = ok ? p.value : null;
      row[l.label + RAW] = drawn === raw ? p.value : (rawAt.get(p.step) ?? null);
    }
  }
  return [...byX.values()].sort((a, b) => a.x! - b.x!);
}

interface LineRechartProps {
  lines: readonly RechartLine[];
  xLabel: string;
  /** Divide steps by this to get the x unit (epochs); 1 = steps. */
  xScale?: number;
  smoothing?: number;
  logY?: boolean;
  height: number;
  hidden: ReadonlySet<string>;
  /** The points' cue for screen readers and tests (recharts' SVG has no text alternative of its own). */
  ariaLabel: string;
}

/**
 * Line series on recharts: no animation, no dots on dense lines, one memoised
 * array of at most ~width rows per line, props that keep their identity
 * between renders (so a parent's re-render that changed nothing redraws
 * nothing).
 */
export const LineRechart = memo(function LineRechart({ lines, xLabel, xScale = 1, smoothing = 0, logY = false, height, hidden, ariaLabel }: LineRechartProps) {
  const [width, setWidth] = useState(0);
  const rows = useMemo(() => (width > 0 ? rowsOf(lines, width, xScale, smoothing, logY) : []), [lines, width, xScale, smoothing, logY]);
  return (
    <div className="line-rechart" role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height={height} onResize={(w) => setWidth(Math.floor(w))}>
        <LineChart data={rows} margin={MARGIN}>
          <CartesianGrid stroke="#e6e9ee" vertical={false} />
          <XAxis type="number" dataKey="x" domain={[0, 'dataMax']} tickFormatter={tickText} allowDecimals={xLabel !== 'step'} tick={{ fontSize: 12 }} />
          <YAxis width={56} scale={logY ? 'log' : 'auto'} domain={logY ? ['auto', 'auto'] : [0, 'auto']} allowDataOverflow={logY} tickFormatter={tickText} tick={{ fontSize: 12 }} />
          <Tooltip isAnimationActive={false} content={<LineTooltip xLabel={xLabel} />} />
          {lines.map((l) => (
            <Line
              key={l.label}
              dataKey={l.label}
              name={l.label}
              stroke={l.color}
              fill={l.color}
              strokeWidth={1.5}
              dot={l.dots ? { r: 3, fill: l.color, stroke: l.color } : false}
              activeDot={{ r: 3 }}
              connectNulls
              hide={hidden.has(l.label)}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});

interface TooltipProps {
  xLabel: string;
  active?: boolean;
  label?: number | string;
  payload?: readonly { name?: string | number; value?: unknown; color?: string; payload?: Row }[];
}

/** The hovered x and each shown line's logged value there (and the smoothed one, where it differs). */
function LineTooltip({ xLabel, active, label, payload }: TooltipProps) {
  if (!active || !payload?.length) return null;
  const entries = payload.filter((p) => typeof p.value === 'number');
  if (entries.length === 0) return null;
  return (
    <div className="chart-tooltip" data-testid="chart.tooltip">
      <div>
        {xLabel} {exactText(Number(label))}
      </div>
      {entries.map((p) => {
        const raw = p.payload?.[`${p.name}${RAW}`];
        const drawn = p.value as number;
        return (
          <div key={String(p.name)} style={{ color: p.color }}>
            {p.name}: {exactText(typeof raw === 'number' && Number.isFinite(raw) ? raw : drawn)}
            {typeof raw === 'number' && Number.isFinite(raw) && raw !== drawn ? <span className="muted"> (smoothed {exactText(drawn)})</span> : null}
          </div>
        );
      })}
    </div>
  );
}
