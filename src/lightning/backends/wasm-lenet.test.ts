import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { lenet5, patchDataset } from './lenet-test-utils';

describe('LeNet-5 on wasm', () => {
  let data: { xs: tf.Tensor4D; ys: tf.Tensor2D };

  beforeAll(async () => {
    await useWasmBackendInNode();
    data = patchDataset(512);
  });

  afterAll(() => {
    tf.dispose([data.xs, data.ys]);
  });

  it('trains with falling loss and leaves no tensors behind', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = lenet5();
    const before = tf.memory().numTensors;
    const history = await model.fit(data.xs, data.ys, { epochs: 4, batchSize: 64, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    // Optimizer slots (Adam's two moments per weight) are created once; nothing else may stay.
    const weights = model.trainableWeights.length;
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * weights + 2);

    const start = performance.now();
    await model.fit(data.xs, data.ys, { epochs: 2, batchSize: 64, shuffle: false, verbose: 0 });
    const samplesPerSecond = (2 * 512) / ((performance.now() - start) / 1000);
    console.log(`LeNet-5 training on wasm in Node: ${samplesPerSecond.toFixed(0)} samples/s (batch 64, 1 thread)`);
    expect(samplesPerSecond).toBeGreaterThan(0);
    model.dispose();
  });
});
