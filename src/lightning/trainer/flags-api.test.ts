// The Trainer's entry points: fit (loaders or datamodule), validate, test, predict, and failures.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback, LightningDataModule, seedEverything, unseed, type Batch, type DataLoader, type LightningModule, type Stage, type Trainer } from '../index';
import { BoringModel, boringLoader, inputOf, loaderInputs, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class BoringDataModule extends LightningDataModule {
  readonly stages: Stage[] = [];
  readonly teardowns: Stage[] = [];
  exceptions: unknown[] = [];
  override setup(stage: Stage): void {
    this.stages.push(stage);
  }
  override teardown(stage: Stage): void {
    this.teardowns.push(stage);
  }
  override trainDataloader(): DataLoader {
    return boringLoader(8);
  }
  override valDataloader(): DataLoader {
    return boringLoader(6, { seed: 1 });
  }
  override testDataloader(): DataLoader {
    return boringLoader(4, { seed: 2 });
  }
  override predictDataloader(): DataLoader {
    return boringLoader(3, { seed: 3 });
  }
  override onException(error: unknown): void {
    this.exceptions.push(error);
  }
}

describe('fit', () => {
  it('takes trainDataloaders and valDataloaders', async () => {
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 2 });
    await trainer.fit(model, { trainDataloaders: boringLoader(8), valDataloaders: boringLoader(6) });
    expect(model.calls.trainingStep).toBe(8);
    expect(model.calls.validationStep).toBe(6);
    expect(trainer.callbackMetrics.val_loss).toBeGreaterThan(0);
  });

  it('takes a datamodule: its loaders are used and setup/teardown get the stage of each entry point', async () => {
    const model = new BoringModel();
    const dm = new BoringDataModule();
    const trainer = quietTrainer({ maxEpochs: 1 });
    await trainer.fit(model, { datamodule: dm });
    expect(model.calls.trainingStep).toBe(4);
    expect(model.calls.validationStep).toBe(3);
    await trainer.validate(model, { datamodule: dm });
    await trainer.test(model, { datamodule: dm });
    const preds = (await trainer.predict(model, { datamodule: dm })) as tf.Tensor[];
    expect(model.calls.testStep).toBe(2);
    expect(preds).toHaveLength(2);
    tf.dispose(preds);
    expect(dm.stages).toEqual(['fit', 'validate', 'test', 'predict']);
    expect(dm.teardowns).toEqual(['fit', 'validate', 'test', 'predict']);
    expect(dm.trainer).toBe(trainer);
  });

  it('without any training loader is an error that says what is missing', async () => {
    await expect(quietTrainer({ maxEpochs: 1 }).fit(new BoringModel())).rejects.toThrow(/`fit` needs `trainDataloaders` or a datamodule/);
  });
});

describe('validate and test', () => {
  it('return one dict of epoch metrics per dataloader', async () => {
    const model = new BoringModel();
    const trainer = quietTrainer();
    const val = await trainer.validate(model, { dataloaders: boringLoader(6) });
    expect(val).toHaveLength(1);
    expect(Object.keys(val[0]!)).toEqual(['val_loss']);
    const test = await trainer.test(model, { dataloaders: boringLoader(6) });
    expect(Object.keys(test[0]!)).toEqual(['test_loss']);
    // Same weights, same data: the same number.
    expect(test[0]!.test_loss).toBeCloseTo(val[0]!.val_loss!, 6);
  });

  it('with 2 dataloaders, suffix each metric with /dataloader_idx_N and split them per loader', async () => {
    // Seeded weights: with random ones the two loaders' losses can agree to 3 digits by chance.
    seedEverything(3);
    const model = new BoringModel();
    unseed();
    const trainer = quietTrainer();
    const a = boringLoader(6, { seed: 1 });
    const b = boringLoader(4, { seed: 2 });
    const [onlyA] = await trainer.validate(model, { dataloaders: a });
    const [onlyB] = await trainer.validate(model, { dataloaders: b });
    const both = await trainer.validate(model, { dataloaders: [a, b] });
    expect(both).toHaveLength(2);
    expect(Object.keys(both[0]!)).toEqual(['val_loss/dataloader_idx_0']);
    expect(Object.keys(both[1]!)).toEqual(['val_loss/dataloader_idx_1']);
    expect(both[0]!['val_loss/dataloader_idx_0']).toBeCloseTo(onlyA!.val_loss!, 6);
    expect(both[1]!['val_loss/dataloader_idx_1']).toBeCloseTo(onlyB!.val_loss!, 6);
    expect(onlyA!.val_loss).not.toBeCloseTo(onlyB!.val_loss!, 3);

    const tests = await trainer.test(model, { dataloaders: [a, b] });
    expect(tests.map((r) => Object.keys(r))).toEqual([['test_loss/dataloader_idx_0'], ['test_loss/dataloader_idx_1']]);
  });

  it('need the step to be implemented', async () => {
    class NoTest extends BoringModel {}
    (NoTest.prototype as { testStep?: unknown }).testStep = undefined;
    await expect(quietTrainer().test(new NoTest(), { dataloaders: boringLoader(2) })).rejects.toThrow(/`test` needs `testStep` to be implemented by NoTest/);
  });

  it('do not change the weights', async () => {
    const model = new BoringModel();
    const before = model.parameters().map((p) => Array.from(p.dataSync()));
    await quietTrainer().validate(model, { dataloaders: boringLoader(6) });
    expect(model.parameters().map((p) => Array.from(p.dataSync()))).toEqual(before);
  });
});

describe('predict', () => {
  it('returns the predictions of every batch, in order', async () => {
    const model = new BoringModel();
    const loader = boringLoader(5, { batchSize: 2 });
    const preds = (await quietTrainer().predict(model, { dataloaders: loader })) as tf.Tensor[];
    expect(preds.map((p) => p.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    const x = loaderInputs(loader);
    const expected = model.forward(x);
    const got = tf.concat(preds);
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([...preds, expected, got]);
    expect(model.training).toBe(false); // predict leaves the module in eval mode, as Lightning
  });

  it('returns one list per dataloader when given several', async () => {
    const preds = (await quietTrainer().predict(new BoringModel(), { dataloaders: [boringLoader(4), boringLoader(2)] })) as tf.Tensor[][];
    expect(preds.map((l) => l.length)).toEqual([2, 1]);
    tf.dispose(preds.flat());
  });
});

describe('an exception during fit', () => {
  it('calls onException on callbacks, the module and the datamodule, and rejects fit with it', async () => {
    const error = new Error('trainingStep failed at batch 1');
    const seen: Array<[string, unknown]> = [];
    class Failing extends BoringModel {
      override trainingStep(batch: Batch, batchIdx: number) {
        if (batchIdx === 1) throw error;
        return super.trainingStep(batch, batchIdx);
      }
      override onException(e: unknown): void {
        seen.push(['module', e]);
      }
    }
    class Watcher extends Callback {
      override onException(_t: Trainer, _m: LightningModule, e: unknown): void {
        seen.push(['callback', e]);
      }
    }
    const dm = new BoringDataModule();
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [new Watcher()] });
    await expect(trainer.fit(new Failing(), { datamodule: dm })).rejects.toBe(error);
    expect(seen).toEqual([
      ['callback', error],
      ['module', error],
    ]);
    expect(dm.exceptions).toEqual([error]);
    expect(trainer.state.status).toBe('interrupted');
    expect(trainer.globalStep).toBe(1);
  });

  it('leaves no tensors behind: gradients, the batch and the loss are freed', async () => {
    class FailingAfterBackward extends BoringModel {
      override onAfterBackward(): void {
        throw new Error('after backward');
      }
    }
    const trainer = quietTrainer({ maxEpochs: 1 });
    const loader = boringLoader(4);
    const model = new FailingAfterBackward();
    const before = tf.memory().numTensors;
    await expect(trainer.fit(model, { trainDataloaders: loader })).rejects.toThrow('after backward');
    expect(trainer.gradients).toEqual({});
    // The optimizer has not created state yet, so anything left is the failed step's: the batch and the loss.
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('inputOf (fixture)', () => {
  it('takes the first tensor of a batch', () => {
    const t = tf.zeros([1]);
    expect(inputOf([t])).toBe(t);
    expect(inputOf(t)).toBe(t);
    t.dispose();
  });
});
