import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../../store';
import { downsample } from './downsample';

const MAX_DRAWN = 300;

/** Live training and validation loss by step. Draws a downsampled copy; the store keeps every point. */
export function LossChart() {
  const train = useStore((s) => s.series.train_loss);
  const val = useStore((s) => s.series.val_loss);
  const data = useMemo(() => {
    const rows = new Map<number, { step: number; train_loss?: number; val_loss?: number }>();
    for (const p of downsample(train ?? [], MAX_DRAWN)) rows.set(p.step, { step: p.step, train_loss: p.value });
    for (const p of val ?? []) rows.set(p.step, { ...(rows.get(p.step) ?? { step: p.step }), val_loss: p.value });
    return [...rows.values()].sort((a, b) => a.step - b.step);
  }, [train, val]);

  return (
    <figure className="chart" data-testid="chart.loss" aria-label="Loss by step">
      <figcaption>Loss</figcaption>
      {data.length === 0 ? (
        <p className="chart-empty">The loss appears here once training starts.</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} stroke="var(--muted)" fontSize={12} />
            <YAxis stroke="var(--muted)" fontSize={12} width={48} domain={[0, 'auto']} />
            <Tooltip isAnimationActive={false} />
            <Legend />
            <Line type="linear" dataKey="train_loss" name="train loss" stroke="var(--accent)" dot={false} isAnimationActive={false} connectNulls />
            <Line type="linear" dataKey="val_loss" name="validation loss" stroke="var(--accent-2)" dot isAnimationActive={false} connectNulls />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
