import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore, type SeriesPoint } from '../../store';
import { MetricChart, useThrottled, type ChartLine, type ChartOptions, type Renderer } from '../charts/MetricChart';

/** Redraw at most this often; drawing is cheap, but the data is not worth more. */
const REDRAW_MS = 250;

/**
 * The live charts' renderer, chosen by measurement (`npm run bench -- --only=charts`,
 * four charts updated at REDRAW_MS; numbers in ARCHITECTURE.md).
 */
const LIVE_RENDERER: Renderer = 'canvas';

/** The task's metric beside the loss: accuracy for classifiers, MAE for regressions. */
function metricName(names: string[]): string | null {
  for (const m of ['acc', 'mae', 'f1', 'r2']) if (names.includes(`train_${m}`) || names.includes(`val_${m}`)) return m;
  return null;
}

export function TrainCharts() {
  const series = useThrottled(useStore((s) => s.series), REDRAW_MS);
  const throughput = useThrottled(useStore((s) => s.throughput), REDRAW_MS);
  const perEpoch = useStore((s) => s.progress?.batchesPerEpoch ?? 0);
  const [xAxis, setXAxis] = useState<'step' | 'epoch'>('step');
  const [smoothing, setSmoothing] = useState(0.6);
  const [logY, setLogY] = useState(false);
  const names = useStore(useShallow((s) => Object.keys(s.series)));
  const metric = metricName(names);
  const lrNames = names.filter((n) => n === 'lr' || n.startsWith('lr-'));

  const base: ChartOptions = useMemo(
    () => ({ xScale: xAxis === 'epoch' && perEpoch > 0 ? perEpoch : 1, xLabel: xAxis === 'epoch' && perEpoch > 0 ? 'epoch' : 'step', smoothing, logY: false }),
    [xAxis, perEpoch, smoothing],
  );
  const lossOptions = useMemo(() => ({ ...base, logY }), [base, logY]);
  const plain = useMemo(() => ({ ...base, smoothing: 0 }), [base]);
  const pair = (name: string): ChartLine[] => [
    { label: 'train', points: series[`train_${name}`], color: '--accent' },
    { label: 'validation', points: series[`val_${name}`], color: '--accent-2', dots: true },
  ];
  const lossLines = useMemo(() => pair('loss'), [series]);
  const metricLines = useMemo(() => (metric ? pair(metric) : []), [series, metric]);
  // A rate holds until the next logged one (per epoch without a step-wise scheduler): drawn as steps, not ramps.
  const lrLines = useMemo<ChartLine[]>(() => lrNames.map((n) => ({ label: n === 'lr' ? 'learning rate' : n.slice(3), points: asSteps(series[n] as SeriesPoint[]), color: '--accent-3', dots: false })), [series, lrNames.join()]);
  const speedLines = useMemo<ChartLine[]>(() => [{ label: 'samples/s', points: throughput, color: '--accent-4' }], [throughput]);

  return (
    <section className="panel charts" aria-labelledby="charts-heading">
      <div className="chart-controls">
        <h2 id="charts-heading">Charts</h2>
        <label>
          x-axis{' '}
          <select data-testid="train.xaxis" value={xAxis} onChange={(e) => setXAxis(e.target.value as 'step' | 'epoch')}>
            <option value="step">step</option>
            <option value="epoch">epoch</option>
          </select>
        </label>
        <label>
          smoothing{' '}
          <input data-testid="train.smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />{' '}
          <span className="num">{smoothing.toFixed(2)}</span>
        </label>
        <label>
          <input data-testid="train.logscale" type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log-scale loss
        </label>
      </div>
      <div className="chart-grid">
        <MetricChart title="Loss" testId="chart.loss" renderer={LIVE_RENDERER} lines={lossLines} options={lossOptions} />
        <MetricChart title={metric ? metricTitle(metric) : 'Metric'} testId="chart.metric" renderer={LIVE_RENDERER} lines={metricLines} options={base} />
        <MetricChart title="Learning rate" testId="chart.lr" renderer={LIVE_RENDERER} lines={lrLines} options={plain} />
        <MetricChart title="Throughput (samples/s)" testId="chart.throughput" renderer={LIVE_RENDERER} lines={speedLines} options={plain} />
      </div>
    </section>
  );
}

function metricTitle(m: string): string {
  return { acc: 'Accuracy', mae: 'Mean absolute error', f1: 'F1', r2: 'R²' }[m] ?? m;
}

/** Points of a piecewise-constant series as a staircase: each value is held until the next one's step. */
function asSteps(points: readonly SeriesPoint[] | undefined): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  (points ?? []).forEach((p, i) => {
    const prev = points![i - 1];
    if (prev && prev.value !== p.value) out.push({ step: p.step, value: prev.value });
    out.push(p);
  });
  return out;
}
