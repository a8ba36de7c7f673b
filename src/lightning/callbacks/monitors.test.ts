// GradNormMonitor, HistogramMonitor, DeviceStatsMonitor: values against plain JS, no leaks, no extra readbacks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceStatsMonitor, GradNormMonitor, HistogramMonitor, LambdaCallback, type Callback } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';
import { histogramOf, normOf, readHistogram } from './stats';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The reference: the same binning rule as `histogramOf`, in float64 JS. */
function jsHistogram(values: ArrayLike<number>, bins: number): { min: number; max: number; counts: number[] } {
  const xs = Array.from(values);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const range = Math.max(max - min, 1e-12);
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[Math.min(bins - 1, Math.max(0, Math.floor(((x - min) * bins) / range)))]! += 1;
  return { min, max, counts };
}

const jsNorm = (xs: ArrayLike<number>, p: number): number =>
  p === Infinity ? Math.max(...Array.from(xs, Math.abs)) : Array.from(xs).reduce((s, x) => s + Math.abs(x) ** p, 0) ** (1 / p);

describe('stats on known tensors', () => {
  it('bins a tensor as the plain-JS reference does (max in the last bin, a constant in bin 0)', () => {
    const cases: Array<[number[], number]> = [
      [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4],
      [[-3.5, 0.25, 0.25, 1, 7, -2], 5],
      [[2, 2, 2], 3],
      [[-1, 1], 1],
    ];
    for (const [xs, bins] of cases) {
      const t = tf.tensor(xs);
      const h = histogramOf(t, bins);
      const got = readHistogram(h.dataSync() as Float32Array, 0, bins);
      expect(got).toEqual(jsHistogram(xs, bins));
      expect(got.counts.reduce((a, b) => a + b, 0)).toBe(xs.length);
      t.dispose();
      h.dispose();
    }
    expect(jsHistogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4).counts).toEqual([3, 2, 2, 3]);
  });

  it('computes 1-, 2-, 3- and ∞-norms as the reference', () => {
    const xs = [3, -4, 0.5, -12, 1];
    const t = tf.tensor2d(xs, [1, 5]);
    for (const p of [1, 2, 3, Infinity]) {
      const n = normOf(t, p);
      expect(n.dataSync()[0]).toBeCloseTo(jsNorm(xs, p), 4);
      n.dispose();
    }
    t.dispose();
  });
});

/** Gradients and weights as the optimizer is about to see them, read synchronously (test only). */
function captureBeforeStep(): { cb: Callback; seen: Array<{ step: number; grads: Record<string, Float32Array>; weights: Record<string, Float32Array> }> } {
  const seen: Array<{ step: number; grads: Record<string, Float32Array>; weights: Record<string, Float32Array> }> = [];
  const cb = new LambdaCallback({
    onBeforeOptimizerStep: (trainer, _m, optimizer) => {
      const grads: Record<string, Float32Array> = {};
      const weights: Record<string, Float32Array> = {};
      for (const [k, g] of Object.entries(trainer.gradients)) grads[k] = g.dataSync() as Float32Array;
      for (const v of optimizer.params) weights[v.name] = v.dataSync() as Float32Array;
      seen.push({ step: trainer.globalStep, grads, weights });
    },
  });
  return { cb, seen };
}

describe('GradNormMonitor and HistogramMonitor', () => {
  it('report per-parameter norms, the total and histograms equal to plain JS on the same gradients', async () => {
    const { cb, seen } = captureBeforeStep();
    const norms = new GradNormMonitor({ everyNSteps: 2 });
    const hist = new HistogramMonitor({ everyNSteps: 3, bins: 8 });
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [cb, norms, hist] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(12, { batchSize: 2 }) });

    expect(norms.history.map((r) => r.step)).toEqual([0, 2, 4, 6, 8, 10]);
    for (const r of norms.history) {
      const ref = seen.find((s) => s.step === r.step)!;
      const names = Object.keys(ref.grads);
      expect(Object.keys(r.norms).sort()).toEqual(names.sort());
      for (const n of names) expect(r.norms[n]).toBeCloseTo(jsNorm(ref.grads[n]!, 2), 4);
      expect(r.total).toBeCloseTo(jsNorm(names.map((n) => jsNorm(ref.grads[n]!, 2)), 2), 4);
    }
    expect(hist.snapshots.map((s) => s.step)).toEqual([0, 3, 6, 9]);
    for (const s of hist.snapshots) {
      const ref = seen.find((x) => x.step === s.step)!;
      for (const p of s.params) {
        const w = jsHistogram(ref.weights[p.name]!, 8);
        const g = jsHistogram(ref.grads[p.name]!, 8);
        expect(p.weights.min).toBeCloseTo(w.min, 5);
        expect(p.weights.max).toBeCloseTo(w.max, 5);
        expect(p.grads.min).toBeCloseTo(g.min, 5);
        // Float32 on the device vs float64 here: a value on a bin edge may move by one bin, never more.
        expect(p.weights.counts.reduce((a, b) => a + b, 0)).toBe(ref.weights[p.name]!.length);
        expect(p.weights.counts.map((c, i) => Math.abs(c - w.counts[i]!)).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
        expect(p.grads.counts.map((c, i) => Math.abs(c - g.counts[i]!)).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
      }
    }
    expect(hist.snapshots[0]!.params.map((p) => p.name).length).toBe(2); // kernel and bias
  });

  it('leak no tensors: the count after fit equals a run without them', async () => {
    const run = async (callbacks: Callback[]): Promise<number> => {
      const module = new BoringModel();
      const loader = boringLoader(12, { batchSize: 2 });
      const before = tf.memory().numTensors;
      await quietTrainer({ maxEpochs: 3, callbacks }).fit(module, { trainDataloaders: loader, valDataloaders: boringLoader(4) });
      const after = tf.memory().numTensors;
      module.layer.dispose();
      return after - before;
    };
    const plain = await run([]);
    const monitored = await run([new GradNormMonitor({ everyNSteps: 1 }), new HistogramMonitor({ everyNSteps: 1 }), new DeviceStatsMonitor({ everyNSteps: 1 })]);
    expect(monitored).toBe(plain);
  });

  it('add no readback: the backend reads as often with every monitor on every step as without', async () => {
    const backend = tf.backend() as unknown as { read: (...a: unknown[]) => unknown; readSync: (...a: unknown[]) => unknown };
    const read = backend.read;
    const readSync = backend.readSync;
    let reads = 0;
    backend.read = function (this: unknown, ...a: unknown[]) {
      reads += 1;
      return read.apply(this, a);
    };
    backend.readSync = function (this: unknown, ...a: unknown[]) {
      reads += 1;
      return readSync.apply(this, a);
    };
    try {
      const count = async (callbacks: Callback[]): Promise<number> => {
        reads = 0;
        // Flush only at epoch ends, so the count does not depend on timing.
        await quietTrainer({ maxEpochs: 2, flushIntervalMs: 1e9, callbacks }).fit(new BoringModel(), { trainDataloaders: boringLoader(20, { batchSize: 2 }) });
        return reads;
      };
      const plain = await count([]);
      const norms = new GradNormMonitor({ everyNSteps: 1 });
      const hist = new HistogramMonitor({ everyNSteps: 1 });
      const monitored = await count([norms, hist, new DeviceStatsMonitor({ everyNSteps: 1 })]);
      expect(plain).toBeGreaterThan(0);
      expect(monitored).toBe(plain);
      expect(norms.history).toHaveLength(20);
      expect(hist.snapshots).toHaveLength(20);
    } finally {
      backend.read = read;
      backend.readSync = readSync;
    }
  });
});

describe('DeviceStatsMonitor', () => {
  it('samples live tensors and bytes, and warns once when tensors grow across epochs', async () => {
    const kept: tf.Tensor[] = [];
    const leaky = new LambdaCallback({ onTrainEpochEnd: () => void kept.push(tf.zeros([4])) });
    const lines: string[] = [];
    const stats = new DeviceStatsMonitor({ everyNSteps: 2, onLeak: (m) => lines.push(m) });
    const clean = new DeviceStatsMonitor({ everyNSteps: 2 });
    await quietTrainer({ maxEpochs: 2, callbacks: [clean] }).fit(new BoringModel(), { trainDataloaders: boringLoader(8, { batchSize: 2 }) });
    expect(clean.leak).toBeNull();
    expect(clean.history.length).toBe(6); // 2 per epoch of 4 batches, plus each epoch's end
    expect(clean.history[0]!.numTensors).toBeGreaterThan(0);
    expect(clean.history[0]!.numBytes).toBeGreaterThan(0);
    expect(clean.history[0]!.gpuBytes).toBeNull(); // the CPU backend reports no GPU bytes

    await quietTrainer({ maxEpochs: 3, callbacks: [leaky, stats] }).fit(new BoringModel(), { trainDataloaders: boringLoader(8, { batchSize: 2 }) });
    expect(stats.leak).toMatch(/grew from \d+ to \d+ \(\+1\) between the starts of epochs 1 and 2/);
    expect(lines).toHaveLength(1);
    kept.forEach((t) => t.dispose());
  });
});
