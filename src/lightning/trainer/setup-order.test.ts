import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { DataLoader, LightningModule, SGD, TensorDataset, type Batch } from '../index';
import { quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class Lazy extends LightningModule {
  net?: tf.Sequential;
  seen: { backendInConfigureModel?: string | null; steppingInConfigureOptimizers?: number } = {};
  override configureModel() {
    this.seen.backendInConfigureModel = this.trainer?.backend?.name ?? null;
    this.net ??= tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  }
  trainingStep(batch: Batch) {
    const [x, y] = batch as tf.Tensor[];
    return tf.losses.meanSquaredError(y!, this.net!.apply(x!) as tf.Tensor) as tf.Scalar;
  }
  override configureOptimizers() {
    this.seen.steppingInConfigureOptimizers = this.trainer!.estimatedSteppingBatches;
    return new SGD(this.parameters(), { lr: 0.1 });
  }
}

it('configureModel runs on the chosen backend, and estimatedSteppingBatches is known in configureOptimizers', async () => {
  const m = new Lazy();
  const t = quietTrainer({ maxEpochs: 3, accumulateGradBatches: 2 });
  const loader = new DataLoader(new TensorDataset(tf.randomNormal([40, 2]), tf.randomNormal([40, 1])), { batchSize: 10 });
  await t.fit(m, { trainDataloaders: loader });
  expect(m.seen.backendInConfigureModel).toBe('cpu');
  expect(m.seen.steppingInConfigureOptimizers).toBe(6); // 4 batches / 2 accumulated × 3 epochs
  expect(t.globalStep).toBe(6);
});
