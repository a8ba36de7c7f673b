// `log` and `logDict`: where values land (callbackMetrics, loggedMetrics, progressBarMetrics) and how epochs reduce them.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy, CSVLogger, type Batch } from '../index';
import { BoringModel, boringLoader, inputOf, loaderInputs, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('log options in trainingStep', () => {
  class Logs extends BoringModel {
    override trainingStep(batch: Batch, i: number) {
      this.log('both', i, { onStep: true, onEpoch: true, progBar: true });
      this.log('stepOnly', tf.scalar(i * 10)); // trainingStep default: onStep only
      this.log('epochOnly', i, { onStep: false, onEpoch: true });
      this.log('hidden', 7, { logger: false });
      return this.lossOf(batch);
    }
  }

  it('onStep + onEpoch gives `_step` and `_epoch` names; defaults, progBar and logger:false route as Lightning', async () => {
    const logger = new CSVLogger();
    const trainer = quietTrainer({ maxEpochs: 1, logEveryNSteps: 1, logger });
    await trainer.fit(new Logs({ log: false }), { trainDataloaders: boringLoader(8) });
    const cb = trainer.callbackMetrics;
    expect(cb.both_step).toBe(3); // the last step
    expect(cb.both_epoch).toBe(1.5); // mean of 0..3, equal batch sizes
    expect(cb.both).toBe(1.5); // the bare name holds the epoch value once the epoch ends
    expect(cb.stepOnly).toBe(30);
    expect(cb.stepOnly_step).toBeUndefined(); // no suffix without onEpoch
    expect(cb.epochOnly).toBe(1.5);
    expect(cb.hidden).toBe(7);

    const logged = trainer.loggedMetrics;
    expect(Object.keys(logged).sort()).toEqual(['both_epoch', 'both_step', 'epoch', 'epochOnly', 'stepOnly']);
    expect(logger.series('both_step').map((r) => r.value)).toEqual([0, 1, 2, 3]);
    expect(logger.series('both_epoch').map((r) => r.value)).toEqual([1.5]);
    expect(logger.series('hidden')).toEqual([]);

    expect(Object.keys(trainer.progressBarMetrics).sort()).toEqual(['both_epoch', 'both_step']);
  });

  it('int32 and bool scalar tensors log next to float ones, on step and on epoch', async () => {
    class Counts extends BoringModel {
      override trainingStep(batch: Batch, i: number) {
        const loss = this.lossOf(batch);
        this.log('loss', loss);
        this.log('count', tf.scalar(i, 'int32'), { onEpoch: true, reduceFx: 'sum' });
        this.log('odd', tf.scalar(i % 2 === 1, 'bool'));
        return loss;
      }
    }
    const trainer = quietTrainer({ maxEpochs: 1 });
    const model = new Counts({ log: false });
    const loader = boringLoader(8);
    const before = tf.memory().numTensors;
    await trainer.fit(model, { trainDataloaders: loader });
    expect(trainer.callbackMetrics.count_step).toBe(3);
    expect(trainer.callbackMetrics.count_epoch).toBe(6);
    expect(trainer.callbackMetrics.odd).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('logging the same name with different options in one epoch is an error naming it', async () => {
    class Conflicting extends BoringModel {
      override trainingStep(batch: Batch, i: number) {
        this.log('x', 1, { onEpoch: i === 1 });
        return this.lossOf(batch);
      }
    }
    await expect(quietTrainer({ maxEpochs: 1 }).fit(new Conflicting(), { trainDataloaders: boringLoader(4) })).rejects.toThrow(/`log\("x"\)` twice/);
  });

  it('onStep is refused in epoch-level hooks', async () => {
    class BadHook extends BoringModel {
      override onTrainEpochEnd(): void {
        this.log('late', 1, { onStep: true });
      }
    }
    await expect(quietTrainer({ maxEpochs: 1 }).fit(new BadHook(), { trainDataloaders: boringLoader(4) })).rejects.toThrow(
      /can't `log\("late", \.\.\., \{onStep: true\}\)` inside `onTrainEpochEnd`/,
    );
  });
});

describe('reduceFx over a validation epoch (batch sizes 2, 2, 1)', () => {
  class Reduces extends BoringModel {
    override validationStep(_batch: Batch, i: number) {
      for (const fx of ['mean', 'sum', 'max', 'min'] as const) {
        this.log(`n_${fx}`, i, { reduceFx: fx });
        this.log(`t_${fx}`, tf.scalar(i), { reduceFx: fx });
      }
      this.logDict({ dictNumber: 4, dictTensor: tf.scalar(i * 2) });
    }
  }

  it("'mean' is weighted by batch size; 'sum', 'max', 'min' are plain; numbers and tensors agree; logDict logs each", async () => {
    const [r] = await quietTrainer().validate(new Reduces(), { dataloaders: boringLoader(5, { batchSize: 2 }) });
    const expected = { mean: (0 * 2 + 1 * 2 + 2 * 1) / 5, sum: 3, max: 2, min: 0 };
    for (const [fx, v] of Object.entries(expected)) {
      expect(r![`n_${fx}`]).toBeCloseTo(v, 6);
      expect(r![`t_${fx}`]).toBeCloseTo(v, 6);
    }
    expect(r!.dictNumber).toBe(4);
    expect(r!.dictTensor).toBeCloseTo(1.6, 6); // (0·2 + 2·2 + 4·1) / 5
  });

  it('an explicit batchSize overrides the batch’s own for the weighted mean', async () => {
    class Weighted extends BoringModel {
      override validationStep(_batch: Batch, i: number) {
        this.log('w', i, { batchSize: i === 0 ? 3 : 1 });
      }
    }
    const [r] = await quietTrainer().validate(new Weighted(), { dataloaders: boringLoader(4, { batchSize: 2 }) });
    expect(r!.w).toBeCloseTo((0 * 3 + 1 * 1) / 4, 6);
  });

  it('an unknown reduceFx is refused with its value', async () => {
    class Median extends BoringModel {
      override validationStep() {
        this.log('m', 1, { reduceFx: 'median' as never });
      }
    }
    await expect(quietTrainer().validate(new Median(), { dataloaders: boringLoader(2) })).rejects.toThrow(/`reduceFx` must be .* got "median"/);
  });
});

describe('logging a Metric object', () => {
  /** Binary accuracy of "first input feature > 0" as a predictor of "second feature > 0". */
  class WithAccuracy extends BoringModel {
    readonly acc = new Accuracy({ task: 'binary' });
    override validationStep(batch: Batch) {
      const x = inputOf(batch);
      const preds = tf.sigmoid(tf.mul(x.slice([0, 0], [-1, 1]).reshape([-1]), 50));
      const target = tf.cast(tf.greater(x.slice([0, 1], [-1, 1]).reshape([-1]), 0), 'int32');
      this.acc.update(preds, target);
      this.log('val_acc', this.acc);
    }
  }

  it('logs its epoch value (computed over every batch) and resets it for the next epoch', async () => {
    const loader = boringLoader(10, { batchSize: 3 });
    const x = Array.from(loaderInputs(loader).dataSync());
    let hits = 0;
    for (let r = 0; r < 10; r++) hits += x[r * 32]! > 0 === x[r * 32 + 1]! > 0 ? 1 : 0;
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(10); // a value a per-batch mean would likely get wrong

    const model = new WithAccuracy();
    const trainer = quietTrainer();
    const [first] = await trainer.validate(model, { dataloaders: loader });
    expect(first!.val_acc).toBeCloseTo(hits / 10, 6);
    expect(trainer.callbackMetrics.val_acc).toBeCloseTo(hits / 10, 6);
    const [second] = await trainer.validate(model, { dataloaders: loader });
    expect(second!.val_acc).toBeCloseTo(hits / 10, 6); // not accumulated across runs
  });

  it('is refused on step', async () => {
    class OnStep extends BoringModel {
      readonly acc = new Accuracy({ task: 'binary' });
      override validationStep() {
        this.log('acc', this.acc, { onStep: true });
      }
    }
    await expect(quietTrainer().validate(new OnStep(), { dataloaders: boringLoader(2) })).rejects.toThrow(/log it with onStep: false/);
  });
});

describe('metrics in fit', () => {
  it('validation epoch metrics reach callbackMetrics and the logger; progBar ones the progress bar', async () => {
    class Val extends BoringModel {
      override validationStep(batch: Batch) {
        this.log('val_loss', this.lossOf(batch), { progBar: true });
      }
    }
    const logger = new CSVLogger();
    const trainer = quietTrainer({ maxEpochs: 2, logger });
    const model = new Val({ log: false });
    await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(4) });
    const [fresh] = await quietTrainer().validate(model, { dataloaders: boringLoader(4) });
    expect(trainer.callbackMetrics.val_loss).toBeCloseTo(fresh!.val_loss!, 6);
    expect(trainer.progressBarMetrics.val_loss).toBeCloseTo(fresh!.val_loss!, 6);
    expect(logger.series('val_loss')).toHaveLength(2);
  });
});
