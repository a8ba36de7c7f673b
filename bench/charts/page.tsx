// The chart bench page: the studio's four live charts (src/ui/charts/MetricChart,
// as TrainCharts lays them out) fed with 1k–100k logged points and updated at
// the studio's redraw rate, once drawn on canvas and once on recharts.
// Per update it times the main thread from the new series to the laid-out
// page: React's render and commit, the canvas drawing (in effects that
// flushSync runs at once) and the style/layout recharts' SVG needs.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import '../../src/ui/app.css';
import { MetricChart, type ChartLine, type ChartOptions, type Renderer } from '../../src/ui/charts/MetricChart';
import type { SeriesPoint } from '../../src/store';

interface ChartsPlan {
  sizes: number[];
  renderers: Renderer[];
  updates: number;
  intervalMs: number;
  /** Steps logged between two redraws (at 100 ms flushes, a fast MLP logs ~40 steps per 250 ms). */
  stepsPerUpdate: number;
}

interface ChartsCase {
  renderer: Renderer;
  points: number;
  updates: number;
  msPerUpdate: number[];
  longTasks: number;
  longestTaskMs: number;
}

declare global {
  interface Window {
    runChartsBench: (plan: ChartsPlan) => Promise<{ cases: ChartsCase[]; userAgent: string }>;
  }
}

const OPTIONS: ChartOptions = { xScale: 1, xLabel: 'step', smoothing: 0.6, logY: false };
const PLAIN: ChartOptions = { ...OPTIONS, smoothing: 0 };

/** Deterministic training-like curves: a decaying loss with noise, validation every 1/50th of the run. */
function makeSeries(n: number) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const s: Record<string, SeriesPoint[]> = { train_loss: [], val_loss: [], train_acc: [], val_acc: [], lr: [], throughput: [] };
  const valEvery = Math.max(1, Math.floor(n / 50));
  const push = (step: number) => {
    const t = step / Math.max(1, n);
    s.train_loss!.push({ step, value: 2.3 * Math.exp(-4 * t) + 0.05 + 0.1 * rand() });
    s.train_acc!.push({ step, value: Math.min(1, 0.1 + 0.85 * (1 - Math.exp(-5 * t)) + 0.03 * rand()) });
    s.lr!.push({ step, value: 1e-3 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))) });
    s.throughput!.push({ step, value: 15000 + 2000 * rand() });
    if (step % valEvery === 0) {
      s.val_loss!.push({ step, value: 2.3 * Math.exp(-4 * t) + 0.1 });
      s.val_acc!.push({ step, value: 0.1 + 0.83 * (1 - Math.exp(-5 * t)) });
    }
  };
  return { s, push };
}

function Charts({ s, renderer }: { s: Record<string, SeriesPoint[]>; renderer: Renderer }) {
  const pair = (name: string): ChartLine[] => [
    { label: 'train', points: s[`train_${name}`], color: '--accent' },
    { label: 'validation', points: s[`val_${name}`], color: '--accent-2', dots: true },
  ];
  return (
    <div className="chart-grid">
      <MetricChart title="Loss" testId="chart.loss" lines={pair('loss')} options={OPTIONS} renderer={renderer} />
      <MetricChart title="Accuracy" testId="chart.metric" lines={pair('acc')} options={OPTIONS} renderer={renderer} />
      <MetricChart title="Learning rate" testId="chart.lr" lines={[{ label: 'learning rate', points: s.lr, color: '--accent-3' }]} options={PLAIN} renderer={renderer} />
      <MetricChart title="Throughput" testId="chart.throughput" lines={[{ label: 'samples/s', points: s.throughput, color: '--accent-4' }]} options={PLAIN} renderer={renderer} />
    </div>
  );
}

const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runCase(renderer: Renderer, points: number, plan: ChartsPlan): Promise<ChartsCase> {
  const el = document.getElementById('root')!;
  const root = createRoot(el);
  const { s, push } = makeSeries(points + plan.updates * plan.stepsPerUpdate);
  let step = 0;
  for (; step < points; step++) push(step);
  // The store hands the charts new arrays each flush; copying them is the store's cost, not the charts'.
  const snapshot = () => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.slice()]));
  flushSync(() => root.render(<Charts s={snapshot()} renderer={renderer} />));
  for (let i = 0; i < 4; i++) await frame(); // ResizeObserver widths arrive, first full draw
  const long: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push(e.duration);
  });
  obs.observe({ type: 'longtask' });
  const ms: number[] = [];
  for (let u = 0; u < plan.updates; u++) {
    for (let k = 0; k < plan.stepsPerUpdate; k++) push(step++);
    const next = snapshot();
    const t0 = performance.now();
    flushSync(() => root.render(<Charts s={next} renderer={renderer} />));
    void document.body.offsetHeight; // style and layout of what changed, inside the timed span
    ms.push(performance.now() - t0);
    await sleep(plan.intervalMs);
  }
  await frame();
  obs.disconnect();
  root.unmount();
  await frame();
  return { renderer, points, updates: plan.updates, msPerUpdate: ms, longTasks: long.filter((d) => d > 50).length, longestTaskMs: long.length ? Math.max(...long) : 0 };
}

window.runChartsBench = async (plan) => {
  // A short discarded round first: the first renders of a page pay for JIT compilation and React's first mounts.
  for (const renderer of plan.renderers) await runCase(renderer, plan.sizes[0]!, { ...plan, updates: 4 });
  const cases: ChartsCase[] = [];
  for (const points of plan.sizes) for (const renderer of plan.renderers) cases.push(await runCase(renderer, points, plan));
  return { cases, userAgent: navigator.userAgent };
};
