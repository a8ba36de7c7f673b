import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { restoreBuiltinConv2DBackpropInput } from './wasm-conv-input';
import { lenet5, patchDataset } from './lenet-test-utils';

type Variant = 'builtin' | 'composed';

function useVariant(variant: Variant): void {
  if (variant === 'builtin') restoreBuiltinConv2DBackpropInput();
  else registerWasmTrainingKernels();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

describe('LeNet-5 on wasm with the composed Conv2DBackpropInput', () => {
  let data: { xs: tf.Tensor4D; ys: tf.Tensor2D };
  let model: tf.Sequential;
  let initial: tf.Tensor[];
  let warmUpBatch: { xs: tf.Tensor; ys: tf.Tensor };

  /**
   * Trains from the same initial weights with a fresh Adam, so both kernels
   * start alike. A warm-up batch first (when timing) keeps the one-off cost
   * of building the train function out of the measurement.
   */
  async function train(variant: Variant, epochs: number, warmUp = false): Promise<{ losses: number[]; samplesPerSecond: number }> {
    useVariant(variant);
    model.setWeights(initial);
    model.optimizer.dispose();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    if (warmUp) await model.trainOnBatch(warmUpBatch.xs, warmUpBatch.ys);
    const start = performance.now();
    const history = await model.fit(data.xs, data.ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
    const seconds = (performance.now() - start) / 1000;
    return { losses: history.history.loss as number[], samplesPerSecond: (epochs * data.xs.shape[0]) / seconds };
  }

  beforeAll(async () => {
    await useWasmBackendInNode();
    data = patchDataset(1024);
    model = lenet5();
    initial = model.getWeights().map((w) => w.clone());
    warmUpBatch = { xs: data.xs.slice(0, 64), ys: data.ys.slice(0, 64) };
  });

  afterAll(() => {
    registerWasmTrainingKernels();
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys, warmUpBatch.xs, warmUpBatch.ys, ...initial]);
  });

  it('trains to the same losses as the built-in kernel (and logs both speeds)', async () => {
    const builtin = await train('builtin', 2);
    const composed = await train('composed', 2);
    expect(builtin.losses).toHaveLength(2);
    for (let i = 0; i < builtin.losses.length; i++) {
      expect(Math.abs(composed.losses[i] - builtin.losses[i])).toBeLessThan(1e-3 * Math.abs(builtin.losses[i]));
    }

    // Alternate the two kernels so that machine load affects both alike.
    const speeds: Record<Variant, number[]> = { builtin: [], composed: [] };
    for (let run = 0; run < 5; run++) {
      for (const variant of ['builtin', 'composed'] as const) speeds[variant].push((await train(variant, 1, true)).samplesPerSecond);
    }
    const before = median(speeds.builtin);
    const after = median(speeds.composed);
    console.log(
      `LeNet-5 training on wasm in Node (batch 64, Adam 1e-3, 1 thread), median of 5 one-epoch runs: ` +
      `built-in Conv2DBackpropInput ${before.toFixed(0)} samples/s, composed ${after.toFixed(0)} samples/s ` +
      `(${(after / before).toFixed(2)}x); runs: ${speeds.builtin.map((v) => v.toFixed(0)).join('/')} vs ` +
      `${speeds.composed.map((v) => v.toFixed(0)).join('/')}`,
    );
    expect(after).toBeGreaterThan(0);
  }, 120_000);

  it('runs Conv2DBackpropInput in every step (and logs its time per step)', async () => {
    const kernelMs: Record<Variant, number> = { builtin: 0, composed: 0 };
    const batch = warmUpBatch;
    for (const variant of ['builtin', 'composed', 'builtin', 'composed'] as const) {
      useVariant(variant);
      await model.trainOnBatch(batch.xs, batch.ys);
      const info = await tf.profile(async () => {
        await model.trainOnBatch(batch.xs, batch.ys);
      });
      const ms = info.kernels
        .filter((k) => k.name === 'Conv2DBackpropInput')
        .reduce((sum, k) => sum + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0), 0);
      expect(info.kernelNames).toContain('Conv2DBackpropInput');
      kernelMs[variant] = kernelMs[variant] === 0 ? ms : Math.min(kernelMs[variant], ms);
    }
    console.log(
      `Conv2DBackpropInput per LeNet-5 step (batch 64), best of 2: built-in ${kernelMs.builtin.toFixed(2)} ms, ` +
      `composed ${kernelMs.composed.toFixed(2)} ms`,
    );
    expect(kernelMs.composed).toBeGreaterThan(0);
  }, 60_000);
});
