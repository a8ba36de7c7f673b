/**
 * The run's monitoring (issue #15): gradient norms per parameter over steps
 * (Lightning's grad_norm), a histogram of one parameter's weights or
 * gradients — the latest snapshot over a few past ones, TensorBoard's
 * Histograms — and device memory with the leak warning. recharts, without
 * animation or dots; data memoised per update.
 */
import { memo, useMemo, useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../../store';
import type { MonitorState } from '../../store/monitor';
import type { EpochTiming, HistogramData } from '../../worker/protocol';

const PALETTE = ['#2f6fed', '#e07a16', '#2a9d5b', '#c8334a', '#7b4fd1', '#1b9bb0', '#a06b00', '#d14fa5'];
const HEIGHT = 220;
const tick = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? String(Number(v.toPrecision(2))) : v.toExponential(0));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

/** "1.2 s (train 1.0 s, validation 0.2 s)": an epoch's wall time and its phases. */
export function epochTimeText(t: EpochTiming): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `${s(t.epochMs)} (train ${s(t.trainMs)}, validation ${s(t.validationMs)})`;
}

const GradNorms = memo(function GradNorms({ points }: { points: MonitorState['gradNorms'] }) {
  const names = useMemo(() => Object.keys(points[0]?.norms ?? {}), [points]);
  const data = useMemo(() => points.map((p) => ({ step: p.step, total: p.total, ...p.norms })), [points]);
  return (
    <figure className="chart" data-testid="monitor.gradnorms" data-points={points.length}>
      <figcaption>
        Gradient norms <span className="muted small">(L2 per parameter and in total, before the optimizer step)</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickFormatter={tick} fontSize={11} />
          <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow tickFormatter={tick} fontSize={11} width={48} />
          <Tooltip formatter={(v) => tick(Number(v))} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line dataKey="total" stroke="#111" strokeWidth={2} dot={false} isAnimationActive={false} />
          {names.map((n, i) => (
            <Line key={n} dataKey={n} stroke={PALETTE[i % PALETTE.length]} dot={false} isAnimationActive={false} strokeWidth={1.25} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});

/** Bins of several snapshots on one axis: each snapshot's counts placed at its own bin centres, resampled to a shared grid. */
function histogramRows(hists: Array<{ step: number; h: HistogramData }>): { rows: Array<Record<string, number>>; keys: string[] } {
  const lo = Math.min(...hists.map((x) => x.h.min));
  const hi = Math.max(...hists.map((x) => x.h.max));
  const bins = hists[0]?.h.counts.length ?? 1;
  const width = (hi - lo) / bins || 1;
  const rows = Array.from({ length: bins }, (_, i) => ({ x: lo + (i + 0.5) * width }) as Record<string, number>);
  const keys = hists.map((x) => `step ${x.step}`);
  hists.forEach(({ h }, k) => {
    const w = (h.max - h.min) / h.counts.length;
    h.counts.forEach((c, i) => {
      const centre = h.min + (i + 0.5) * w;
      const j = Math.min(bins - 1, Math.max(0, Math.floor((centre - lo) / width)));
      rows[j]![keys[k]!] = (rows[j]![keys[k]!] ?? 0) + c;
    });
  });
  return { rows, keys };
}

const Histograms = memo(function Histograms({ snapshots }: { snapshots: MonitorState['histograms'] }) {
  const names = useMemo(() => snapshots.at(-1)?.params.map((p) => p.name) ?? [], [snapshots]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [kind, setKind] = useState<'weights' | 'grads'>('weights');
  const name = chosen !== null && names.includes(chosen) ? chosen : (names[0] ?? '');
  const { rows, keys } = useMemo(
    () => histogramRows(snapshots.flatMap((s) => s.params.filter((p) => p.name === name).map((p) => ({ step: s.step, h: p[kind] })))),
    [snapshots, name, kind],
  );
  const latest = keys.length - 1;
  return (
    <figure className="chart" data-testid="monitor.histogram" data-snapshots={keys.length}>
      <figcaption>
        Histogram <span className="muted small">(the latest snapshot and a few past ones)</span>
      </figcaption>
      <div className="chart-controls">
        <label>
          Parameter{' '}
          <select data-testid="monitor.histogram.param" value={name} onChange={(e) => setChosen(e.target.value)}>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Of{' '}
          <select data-testid="monitor.histogram.kind" value={kind} onChange={(e) => setKind(e.target.value as 'weights' | 'grads')}>
            <option value="weights">weights</option>
            <option value="grads">gradients</option>
          </select>
        </label>
      </div>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <ComposedChart data={rows} barCategoryGap={1} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          <XAxis dataKey="x" tickFormatter={tick} fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} width={48} />
          <Tooltip formatter={(v) => String(v)} labelFormatter={(x) => `≈ ${tick(Number(x))}`} isAnimationActive={false} />
          {keys[latest] && <Bar dataKey={keys[latest]} fill="#2f6fed" fillOpacity={0.85} isAnimationActive={false} />}
          {keys.slice(0, latest).map((k, i) => (
            <Line key={k} dataKey={k} type="monotone" stroke="#7b4fd1" strokeOpacity={0.2 + (0.6 * (i + 1)) / Math.max(1, latest)} dot={false} isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <p className="muted small" data-testid="monitor.histogram.legend">
        Bars: step {snapshots.at(-1)?.step}
        {latest > 0 ? ` · lines, lighter = older: steps ${snapshots.slice(0, -1).map((s) => s.step).join(', ')}` : ''}
      </p>
    </figure>
  );
});

const DeviceStats = memo(function DeviceStats({ device, leak }: { device: MonitorState['device']; leak: string | null }) {
  const data = useMemo(() => device.map((d) => ({ step: d.step, tensors: d.numTensors, MB: d.numBytes / 2 ** 20 })), [device]);
  const last = device.at(-1);
  return (
    <figure className="chart" data-testid="monitor.device">
      <figcaption>
        Device memory{' '}
        {last && (
          <span className="muted small" data-testid="monitor.device.now">
            {last.numTensors} tensors · {mb(last.numBytes)}
            {last.gpuBytes !== null ? ` · GPU buffers ${mb(last.gpuBytes)}` : ''}
          </span>
        )}
      </figcaption>
      {leak && (
        <p className="notice" role="status" data-testid="monitor.leak">
          Possible leak: {leak}.
        </p>
      )}
      <ResponsiveContainer width="100%" height={HEIGHT * 0.7}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} fontSize={11} />
          <YAxis yAxisId="t" allowDecimals={false} fontSize={11} width={48} />
          <YAxis yAxisId="b" orientation="right" tickFormatter={tick} fontSize={11} width={48} />
          <Tooltip formatter={(v) => tick(Number(v))} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line yAxisId="t" dataKey="tensors" stroke={PALETTE[0]} dot={false} isAnimationActive={false} />
          <Line yAxisId="b" dataKey="MB" stroke={PALETTE[1]} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});

/** The Monitor panel of the Train step (nothing until the run's first report). */
export function Monitor() {
  const m = useStore((s) => s.monitor);
  if (!m) return null;
  return (
    <section className="monitor" data-testid="train.monitor" aria-label="Monitor">
      <h3>Monitor</h3>
      {m.gradNorms.length > 0 && <GradNorms points={m.gradNorms} />}
      {m.histograms.length > 0 && <Histograms snapshots={m.histograms} />}
      {m.device.length > 0 && <DeviceStats device={m.device} leak={m.leak} />}
    </section>
  );
}
