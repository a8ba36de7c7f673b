import { memo, useMemo, useRef } from 'react';
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter as Points, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartToolbar } from '../charts/ChartToolbar';
import { toCsv } from '../charts/csv';
import { exactText, tickText } from '../charts/format';
import { niceTicks } from '../charts/plot';

const SIZE = 280;
/** SVG symbols past this many make a redraw slow: more points are thinned evenly (the CSV keeps all). */
const MAX_DRAWN = 1500;
const COLOUR = '#2f6fed';
const MARGIN = { top: 8, right: 14, bottom: 18, left: 14 };

interface Point {
  x: number;
  y: number;
}

/**
 * Points (x, y) on recharts with a reference line: y = x (predicted vs actual)
 * or y = 0 (residuals). Hovering a point shows its exact values; the toolbar
 * downloads the chart as PNG and every point as CSV.
 */
export const Scatter = memo(function Scatter({ title, xs, ys, xLabel, yLabel, reference, testId }: { title: string; xs: Float32Array; ys: Float32Array; xLabel: string; yLabel: string; reference: 'diagonal' | 'zero'; testId: string }) {
  const figure = useRef<HTMLElement>(null);
  const { points, xDomain, yDomain } = useMemo(() => {
    const stride = Math.max(1, Math.ceil(xs.length / MAX_DRAWN));
    const pts: Point[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    let ylo = Infinity;
    let yhi = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      lo = Math.min(lo, xs[i]!);
      hi = Math.max(hi, xs[i]!);
      ylo = Math.min(ylo, ys[i]!);
      yhi = Math.max(yhi, ys[i]!);
      if (i % stride === 0) pts.push({ x: xs[i]!, y: ys[i]! });
    }
    if (reference === 'diagonal') {
      lo = Math.min(lo, ylo);
      hi = Math.max(hi, yhi);
      ylo = lo;
      yhi = hi;
    } else {
      const m = Math.max(Math.abs(ylo), Math.abs(yhi), 1e-9);
      ylo = -m;
      yhi = m;
    }
    if (!(hi > lo)) hi = lo + 1;
    if (!(yhi > ylo)) yhi = ylo + 1;
    return { points: pts, xDomain: [lo, hi] as [number, number], yDomain: [ylo, yhi] as [number, number] };
  }, [xs, ys, reference]);
  const csv = () => toCsv([xLabel, yLabel], Array.from(xs, (x, i) => [x, ys[i]!]));
  const drawnNote = points.length < xs.length ? `, ${points.length} drawn` : '';
  return (
    <figure className="chart scatter" data-testid={testId} ref={figure}>
      <figcaption>
        {title}
        <ChartToolbar name={title} target={figure} csv={csv} testId={testId} />
      </figcaption>
      <div role="img" aria-label={`${yLabel} against ${xLabel}, ${xs.length} points${drawnNote}`} style={{ width: SIZE }}>
        <ResponsiveContainer width={SIZE} height={SIZE}>
          <ScatterChart margin={MARGIN}>
            <CartesianGrid stroke="#e6e9ee" />
            <XAxis type="number" dataKey="x" name={xLabel} domain={xDomain} ticks={niceTicks(xDomain[0], xDomain[1], 4)} tickFormatter={tickText} tick={{ fontSize: 11 }} label={{ value: xLabel, position: 'insideBottom', offset: -10, fontSize: 11 }} allowDataOverflow />
            <YAxis type="number" dataKey="y" name={yLabel} domain={yDomain} ticks={niceTicks(yDomain[0], yDomain[1], 4)} tickFormatter={tickText} tick={{ fontSize: 11 }} width={44} label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: -10, fontSize: 11 }} allowDataOverflow />
            {reference === 'diagonal' ? (
              <ReferenceLine segment={[{ x: xDomain[0], y: xDomain[0] }, { x: xDomain[1], y: xDomain[1] }]} stroke="#8a94a3" strokeDasharray="4 3" ifOverflow="hidden" />
            ) : (
              <ReferenceLine y={0} stroke="#8a94a3" strokeDasharray="4 3" />
            )}
            <Tooltip
              isAnimationActive={false}
              content={({ payload }) => {
                const p = payload?.[0]?.payload as Point | undefined;
                return p ? (
                  <div className="chart-tooltip" data-testid="chart.tooltip">
                    {xLabel} {exactText(p.x)}, {yLabel} {exactText(p.y)}
                  </div>
                ) : null;
              }}
            />
            <Points data={points} fill={COLOUR} fillOpacity={0.6} isAnimationActive={false} shape="circle" legendType="none" />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});
