import { memo, useRef } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DatasetReport } from '../../worker/protocol';
import { ChartToolbar } from '../charts/ChartToolbar';
import { toCsv } from '../charts/csv';
import { tickText } from '../charts/format';

const ROW = 22;
const COLOUR = '#2f6fed';

/** Rows of the target's classes as horizontal bars (largest first, as the report orders them), with counts. */
export const ClassBalance = memo(function ClassBalance({ target, balance }: { target: string; balance: DatasetReport['classBalance'] }) {
  const figure = useRef<HTMLElement>(null);
  const total = balance.reduce((a, c) => a + c.count, 0);
  const rows = balance.map((c) => ({ value: String(c.value), count: c.count }));
  const csv = () => toCsv([target, 'count', 'share'], balance.map((c) => [c.value, c.count, total > 0 ? Number((c.count / total).toPrecision(6)) : 0]));
  const longest = Math.max(...rows.map((r) => r.value.length));
  return (
    <figure className="chart balance-chart" data-testid="data.balance" ref={figure}>
      <figcaption>
        Class balance of {target}
        <ChartToolbar name={`class balance of ${target}`} target={figure} csv={csv} testId="data.balance" />
      </figcaption>
      <div role="img" aria-label={`Class balance of ${target}: ${balance.map((c) => `${c.value} ${c.count}`).join(', ')}`}>
        <ResponsiveContainer width="100%" height={rows.length * ROW + 34}>
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 48, bottom: 4, left: 4 }} barCategoryGap={3}>
            <CartesianGrid stroke="#e6e9ee" horizontal={false} />
            <XAxis type="number" tickFormatter={tickText} tick={{ fontSize: 11 }} allowDecimals={false} />
            <YAxis type="category" dataKey="value" width={Math.min(180, 12 + 7 * longest)} tick={{ fontSize: 12 }} interval={0} />
            <Tooltip isAnimationActive={false} cursor={{ fill: 'rgba(47,111,237,0.08)' }} content={({ payload }) => {
              const r = payload?.[0]?.payload as { value: string; count: number } | undefined;
              return r ? (
                <div className="chart-tooltip" data-testid="chart.tooltip">
                  {r.value}: {r.count} rows ({total > 0 ? ((100 * r.count) / total).toFixed(1) : 0}%)
                </div>
              ) : null;
            }} />
            <Bar dataKey="count" name="rows" fill={COLOUR} fillOpacity={0.75} isAnimationActive={false}>
              <LabelList dataKey="count" position="right" fontSize={11} fill="#5f6b7a" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});
