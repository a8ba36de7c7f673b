/**
 * A two-feature table's decision boundary, as TensorFlow Playground shows it:
 * the model's prediction over the feature plane (colour: class; strength:
 * confidence) under the training points, redrawn after every epoch. Axes,
 * points, legend and tooltips are recharts; the grid is a canvas image under
 * its plot area (see BoundaryChart).
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../../store';
import { ChartToolbar } from '../charts/ChartToolbar';
import { toCsv } from '../charts/csv';
import type { BoundaryReport } from '../../worker/protocol';

const PALETTE = ['#2f6fed', '#e07a16', '#2a9d5b', '#c8334a', '#7b4fd1', '#1b9bb0', '#a06b00', '#d14fa5'];

interface Point {
  x: number;
  y: number;
  fill: string;
  label: string;
}

function colourOf(b: BoundaryReport, k: number): { fill: string; opacity: number; label: string } {
  if (b.task === 'classification') {
    const c = b.classes![k]!;
    const p = b.confidence![k]!;
    // 1/numClasses is no preference at all: fade it out.
    const floor = 1 / Math.max(2, b.labels.length);
    return { fill: PALETTE[c % PALETTE.length]!, opacity: 0.12 + 0.5 * Math.max(0, (p - floor) / (1 - floor)), label: `the model says class ${b.labels[c] ?? c} (${(100 * p).toFixed(0)}%)` };
  }
  const v = b.values![k]!;
  return { fill: v >= 0 ? PALETTE[1]! : PALETTE[0]!, opacity: 0.15 + 0.45 * Math.min(1, Math.abs(v)), label: `the model says ${v.toPrecision(3)}` };
}

function pointsOf(b: BoundaryReport): Point[][] {
  const groups = b.task === 'classification' ? b.labels.map(() => [] as Point[]) : [[] as Point[]];
  for (let i = 0; i < b.points.x.length; i++) {
    const t = b.points.target[i]!;
    const g = b.task === 'classification' ? t : 0;
    groups[g]?.push({ x: b.points.x[i]!, y: b.points.y[i]!, fill: b.task === 'classification' ? PALETTE[t % PALETTE.length]! : '#333', label: b.task === 'classification' ? `a training point of class ${b.labels[t] ?? t}` : `a training point, target ${t.toPrecision(3)}` });
  }
  return groups;
}

const tick = (v: number) => String(Number(v.toPrecision(2)));

const HEIGHT = 340;
const MARGIN = { top: 8, right: 16, bottom: 24, left: 8 };
const Y_AXIS_WIDTH = 52;
const X_AXIS_HEIGHT = 30;
const LEGEND_HEIGHT = 24;

/** The grid as a size × size image (each pixel one cell), blended over white as the page is. */
function paint(canvas: HTMLCanvasElement, b: BoundaryReport): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(b.size, b.size);
  for (let k = 0; k < b.size * b.size; k++) {
    const { fill, opacity } = colourOf(b, k);
    const n = parseInt(fill.slice(1), 16);
    img.data[k * 4] = Math.round(255 + ((n >> 16) - 255) * opacity);
    img.data[k * 4 + 1] = Math.round(255 + (((n >> 8) & 255) - 255) * opacity);
    img.data[k * 4 + 2] = Math.round(255 + ((n & 255) - 255) * opacity);
    img.data[k * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * The grid is one small canvas image under the plot area: 2,304 SVG cells cost recharts about a
 * second of main-thread time per redraw here. Recharts draws the axes, the points, their tooltips and
 * the legend on top; a hover anywhere in the plot says what the model predicts there.
 */
const BoundaryChart = memo(function BoundaryChart({ b }: { b: BoundaryReport }) {
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ left: number; top: number; text: string } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const groups = useMemo(() => pointsOf(b), [b]);
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right - Y_AXIS_WIDTH);
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT - LEGEND_HEIGHT;
  const plotLeft = MARGIN.left + Y_AXIS_WIDTH;
  const plotTop = MARGIN.top + LEGEND_HEIGHT;
  useEffect(() => {
    if (canvas.current) paint(canvas.current, b);
  }, [b]);
  const onMove = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - r.left - plotLeft) / plotW;
    const fy = (e.clientY - r.top - plotTop) / plotH;
    if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) {
      setHover(null);
      return;
    }
    const k = Math.floor(fy * b.size) * b.size + Math.floor(fx * b.size);
    const x = b.xRange[0] + fx * (b.xRange[1] - b.xRange[0]);
    const y = b.yRange[1] - fy * (b.yRange[1] - b.yRange[0]);
    setHover({ left: e.clientX - r.left + 14, top: e.clientY - r.top - 34, text: `${b.axes[0]} ${tick(x)}, ${b.axes[1]} ${tick(y)}: ${colourOf(b, k).label}` });
  };
  return (
    <div className="boundary-plot" onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
      <canvas ref={canvas} width={b.size} height={b.size} className="boundary-grid chart-underlay" style={{ left: plotLeft, top: plotTop, width: plotW, height: plotH }} aria-hidden="true" />
      <ResponsiveContainer width="100%" height={HEIGHT} onResize={(w) => setWidth(w)}>
        <ScatterChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="2 4" />
          <XAxis type="number" dataKey="x" name={b.axes[0]} domain={b.xRange} height={X_AXIS_HEIGHT} tickFormatter={tick} allowDataOverflow label={{ value: b.axes[0], position: 'insideBottom', offset: -14 }} />
          <YAxis type="number" dataKey="y" name={b.axes[1]} domain={b.yRange} width={Y_AXIS_WIDTH} tickFormatter={tick} allowDataOverflow label={{ value: b.axes[1], angle: -90, position: 'insideLeft' }} />
          <Tooltip
            isAnimationActive={false}
            content={({ payload }) => {
              const p = payload?.[0]?.payload as Point | undefined;
              return p ? (
                <div className="chart-tooltip">
                  {b.axes[0]} {tick(p.x)}, {b.axes[1]} {tick(p.y)}: {p.label}
                </div>
              ) : null;
            }}
          />
          <Legend verticalAlign="top" height={LEGEND_HEIGHT} />
          {groups.map((g, k) => (
            <Scatter key={k} name={b.task === 'classification' ? `class ${b.labels[k]}` : 'points'} data={g} fill={b.task === 'classification' ? PALETTE[k % PALETTE.length] : '#333'} stroke="#fff" strokeWidth={1} isAnimationActive={false} r={3} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      {hover && (
        <div className="chart-tooltip boundary-tooltip" data-testid="boundary.tooltip" style={{ left: hover.left, top: hover.top }}>
          {hover.text}
        </div>
      )}
    </div>
  );
});

/** The latest decision picture of the run on screen (nothing for datasets without two features). */
export function Boundary() {
  const b = useStore((s) => s.boundary);
  const figure = useRef<HTMLElement>(null);
  if (!b) return null;
  const csv = () => toCsv([b.axes[0], b.axes[1], 'target'], Array.from(b.points.x, (x, i) => [x, b.points.y[i]!, b.task === 'classification' ? (b.labels[b.points.target[i]!] ?? b.points.target[i]!) : b.points.target[i]!]));
  return (
    <figure className="chart boundary" data-testid="train.boundary" data-epoch={b.epoch} ref={figure}>
      <figcaption>
        Decision boundary after epoch {b.epoch + 1} <span className="muted small">(the model over the {b.axes[0]}–{b.axes[1]} plane, under the training points)</span>
        <ChartToolbar name={`decision boundary epoch ${b.epoch + 1}`} target={figure} csv={csv} testId="train.boundary" />
      </figcaption>
      <BoundaryChart b={b} />
    </figure>
  );
}
