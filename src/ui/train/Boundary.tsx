/**
 * A two-feature table's decision boundary, as TensorFlow Playground shows it:
 * the model's prediction over the feature plane (colour: class; strength:
 * confidence) under the training points, redrawn after every epoch. Drawn with
 * recharts: the grid cells are squares of one scatter series, the points
 * another, so tooltips and the legend work as on every chart.
 */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../../store';
import type { BoundaryReport } from '../../worker/protocol';

const PALETTE = ['#2f6fed', '#e07a16', '#2a9d5b', '#c8334a', '#7b4fd1', '#1b9bb0', '#a06b00', '#d14fa5'];

interface Cell {
  x: number;
  y: number;
  fill: string;
  opacity: number;
  label: string;
}

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

function cellsOf(b: BoundaryReport): Cell[] {
  const cells: Cell[] = [];
  const dx = (b.xRange[1] - b.xRange[0]) / b.size;
  const dy = (b.yRange[1] - b.yRange[0]) / b.size;
  for (let j = 0; j < b.size; j++) {
    for (let i = 0; i < b.size; i++) {
      const k = j * b.size + i;
      cells.push({ x: b.xRange[0] + (i + 0.5) * dx, y: b.yRange[1] - (j + 0.5) * dy, ...colourOf(b, k) });
    }
  }
  return cells;
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

/** Squares exactly one grid cell in size (the plot area's size over the grid's; a hair more, so no seams show). */
function square(w: number, h: number) {
  return function CellShape(props: { cx?: number; cy?: number; payload?: Cell }) {
    const { cx = 0, cy = 0, payload } = props;
    return <rect x={cx - w / 2} y={cy - h / 2} width={w} height={h} fill={payload?.fill} fillOpacity={payload?.opacity} stroke="none" />;
  };
}

const BoundaryChart = memo(function BoundaryChart({ b }: { b: BoundaryReport }) {
  const [width, setWidth] = useState(0);
  const cells = useMemo(() => cellsOf(b), [b]);
  const groups = useMemo(() => pointsOf(b), [b]);
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right - Y_AXIS_WIDTH);
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT - LEGEND_HEIGHT;
  const shape = useMemo(() => square(plotW / b.size + 0.8, plotH / b.size + 0.8), [plotW, plotH, b.size]);
  return (
    <ResponsiveContainer width="100%" height={HEIGHT} onResize={(w) => setWidth(w)}>
      <ScatterChart margin={MARGIN}>
        <CartesianGrid strokeDasharray="2 4" />
        <XAxis type="number" dataKey="x" name={b.axes[0]} domain={b.xRange} height={X_AXIS_HEIGHT} tickFormatter={tick} allowDataOverflow label={{ value: b.axes[0], position: 'insideBottom', offset: -14 }} />
        <YAxis type="number" dataKey="y" name={b.axes[1]} domain={b.yRange} width={Y_AXIS_WIDTH} tickFormatter={tick} allowDataOverflow label={{ value: b.axes[1], angle: -90, position: 'insideLeft' }} />
        <Tooltip
          isAnimationActive={false}
          content={({ payload }) => {
            const p = payload?.[0]?.payload as (Cell & Point) | undefined;
            if (!p) return null;
            return (
              <div className="chart-tooltip" data-testid="boundary.tooltip">
                {b.axes[0]} {tick(p.x)}, {b.axes[1]} {tick(p.y)}: {p.label}
              </div>
            );
          }}
        />
        <Legend verticalAlign="top" height={LEGEND_HEIGHT} />
        <Scatter name="model" data={cells} shape={shape} isAnimationActive={false} legendType="square" fill={PALETTE[0]} />
        {groups.map((g, k) => (
          <Scatter key={k} name={b.task === 'classification' ? `class ${b.labels[k]}` : 'points'} data={g} fill={b.task === 'classification' ? PALETTE[k % PALETTE.length] : '#333'} stroke="#fff" strokeWidth={1} isAnimationActive={false} r={3} />
        ))}
      </ScatterChart>
    </ResponsiveContainer>
  );
});

/** The latest decision picture of the run on screen (nothing for datasets without two features). */
export function Boundary() {
  const b = useStore((s) => s.boundary);
  if (!b) return null;
  return (
    <figure className="chart boundary" data-testid="train.boundary" data-epoch={b.epoch}>
      <figcaption>
        Decision boundary after epoch {b.epoch + 1} <span className="muted small">(the model over the {b.axes[0]}–{b.axes[1]} plane, under the training points)</span>
      </figcaption>
      <BoundaryChart b={b} />
    </figure>
  );
}
