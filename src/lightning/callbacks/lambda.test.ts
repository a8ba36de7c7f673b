// LambdaCallback: functions as hooks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaCallback, type LightningModule, type Trainer } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('LambdaCallback', () => {
  it('calls the given functions with the trainer, the module and the hook arguments', async () => {
    const epochs: number[] = [];
    const batchIdx: number[] = [];
    let seen: [Trainer, LightningModule] | null = null;
    const cb = new LambdaCallback({
      onFitStart: (t, m) => void (seen = [t, m]),
      onTrainEpochEnd: (t) => void epochs.push(t.currentEpoch),
      onTrainBatchStart: (_t, _m, _batch, i) => void batchIdx.push(i),
    });
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [cb] });
    await trainer.fit(model, { trainDataloaders: boringLoader(4) });
    expect(seen).toEqual([trainer, model]);
    expect(epochs).toEqual([0, 1]);
    expect(batchIdx).toEqual([0, 1, 0, 1]);
  });

  it('an awaited async hook finishes before the next hook runs', async () => {
    const order: string[] = [];
    const cb = new LambdaCallback({
      onTrainStart: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('trainStart');
      },
      onTrainBatchStart: () => void order.push('batch'),
    });
    await quietTrainer({ maxEpochs: 1, callbacks: [cb] }).fit(new BoringModel(), { trainDataloaders: boringLoader(2) });
    expect(order).toEqual(['trainStart', 'batch']);
  });

  it('rejects names that are not hooks and values that are not functions', () => {
    expect(() => new LambdaCallback({ onTrainEpochEnded: () => {} } as never)).toThrow(/`onTrainEpochEnded` is not a Callback hook/);
    expect(() => new LambdaCallback({ onFitStart: 3 } as never)).toThrow(/`onFitStart` must be a function/);
  });
});
