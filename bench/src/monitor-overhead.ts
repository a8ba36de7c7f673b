/**
 * What the studio's monitors cost per training step: the MLP 784-128-10 at
 * batch 64 (Adam 1e-3, random MNIST-shaped data), one epoch of 100 steps with
 * and without GradNormMonitor + HistogramMonitor + DeviceStatsMonitor at
 * their default intervals (10 / 50 / 10 steps). Runs alternate (A B B A ...)
 * so machine load drifts out; the overhead is the median of the per-pair
 * ratios. Run: `node bench/monitor-overhead.mjs [cpu|wasm] [pairs]`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useWasmBackendInNode } from '../../src/lightning/backends/node-wasm';
import { Callback, DataLoader, DeviceStatsMonitor, GradNormMonitor, HistogramMonitor, TensorDataset, Trainer } from '../../src/lightning/index';
import { histogramOf, normOf } from '../../src/lightning/callbacks/stats';
import { BenchModule, buildModel } from './models';

const STEPS = 100;
const BATCH = 64;

async function epochMs(x: tf.Tensor, y: tf.Tensor, monitors: boolean): Promise<number> {
  const net = buildModel('mlp', 1);
  const extra: Callback[] = monitors ? [new GradNormMonitor(), new HistogramMonitor(), new DeviceStatsMonitor()] : [];
  const trainer = new Trainer({ accelerator: tf.getBackend() as 'cpu', maxEpochs: 1, print: null, enableModelSummary: false, enableCheckpointing: false, logger: false, enableProgressBar: false, callbacks: extra });
  const module = new BenchModule(net);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: BATCH, shuffle: true, generator: 1 });
  const t0 = performance.now();
  await trainer.fit(module, { trainDataloaders: loader });
  const ms = performance.now() - t0;
  trainer.optimizers.forEach((o) => o.dispose());
  net.dispose();
  return ms;
}

/** The monitors' device work alone on MLP-shaped weights and gradients: ms per call of each, averaged over `n` calls. */
function isolatedMs(n: number): { norms: number; histograms: number } {
  const shapes = [[784, 128], [128], [128, 10], [10]];
  const ts = shapes.map((s) => tf.randomNormal(s));
  const time = (f: () => tf.Tensor) => {
    f().dispose(); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const out = f();
      out.dataSync(); // the backend finishes the work (on wasm/cpu it already has)
      out.dispose();
    }
    return (performance.now() - t0) / n;
  };
  const norms = time(() => tf.tidy(() => tf.stack(ts.map((t) => normOf(t, 2)))));
  const histograms = time(() => tf.tidy(() => tf.concat(ts.flatMap((t) => [histogramOf(t, 30), histogramOf(t, 30)]))));
  ts.forEach((t) => t.dispose());
  return { norms, histograms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'wasm';
  const pairs = Number(process.argv[3] ?? 8);
  if (backend === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await useWasmBackendInNode();
  } else await tf.setBackend(backend);
  const x = tf.randomUniform([STEPS * BATCH, 784]);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([STEPS * BATCH], 0, 10, 'int32') as tf.Tensor1D, 10));
  await epochMs(x, y, false); // warm-up
  await epochMs(x, y, true);
  const plain: number[] = [];
  const monitored: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    const r: Record<string, number> = {};
    for (const m of order) r[String(m)] = await epochMs(x, y, m);
    plain.push(r.false!);
    monitored.push(r.true!);
    ratios.push(r.true! / r.false!);
  }
  const line = (xs: number[]) => `${(median(xs) / STEPS).toFixed(2)} ms/step (${(Math.min(...xs) / STEPS).toFixed(2)}–${(Math.max(...xs) / STEPS).toFixed(2)})`;
  console.log(`backend ${tf.getBackend()}, MLP 784-128-10, batch ${BATCH}, ${STEPS} steps/epoch, ${pairs} pairs`);
  console.log(`without monitors: ${line(plain)}`);
  console.log(`with monitors:    ${line(monitored)}`);
  console.log(`overhead: median of per-pair ratios ${((median(ratios) - 1) * 100).toFixed(1)}% (pairs: ${ratios.map((q) => ((q - 1) * 100).toFixed(1)).join(', ')}%)`);
  const iso = isolatedMs(50);
  const perStep = iso.norms / 10 + iso.histograms / 50;
  console.log(
    `isolated: norms ${iso.norms.toFixed(3)} ms/call (every 10 steps), histograms of weights+grads ${iso.histograms.toFixed(3)} ms/call (every 50): ` +
      `${perStep.toFixed(3)} ms/step amortised = ${((100 * perStep) / (median(plain) / STEPS)).toFixed(2)}% of the median step`,
  );
  console.log(`tensors at end: ${tf.memory().numTensors - 2}`);
}

void main();
