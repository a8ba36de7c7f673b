// Loop-shaping flags: valCheckInterval, checkValEveryNEpoch, numSanityValSteps, limit*Batches, overfitBatches.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback, Trainer, type Batch, type LightningModule } from '../index';
import { BoringModel, boringLoader, HookCounter, inputOf, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Validation runs during fit (sanity checks excluded), with the epoch and global step of each. */
function valRuns(counter: HookCounter): Array<{ epoch: number; step: number }> {
  return counter
    .of('onValidationStart')
    .filter((e) => e.stage !== 'sanity_check')
    .map(({ epoch, step }) => ({ epoch, step }));
}

describe('valCheckInterval', () => {
  it('0.5 validates twice an epoch: after half the batches and at the end', async () => {
    const counter = new HookCounter(['onValidationStart']);
    const trainer = quietTrainer({ maxEpochs: 2, valCheckInterval: 0.5, callbacks: [counter] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8), valDataloaders: boringLoader(2) });
    expect(valRuns(counter)).toEqual([
      { epoch: 0, step: 2 },
      { epoch: 0, step: 4 },
      { epoch: 1, step: 6 },
      { epoch: 1, step: 8 },
    ]);
  });

  it('an integer N validates every N training batches', async () => {
    const counter = new HookCounter(['onValidationStart']);
    const trainer = quietTrainer({ maxEpochs: 1, valCheckInterval: 2, callbacks: [counter] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(12), valDataloaders: boringLoader(2) });
    expect(valRuns(counter).map((r) => r.step)).toEqual([2, 4, 6]);
  });

  it('an integer larger than the epoch is an error naming valCheckInterval, unless checkValEveryNEpoch is null', async () => {
    const fails = quietTrainer({ maxEpochs: 1, valCheckInterval: 5 });
    await expect(fails.fit(new BoringModel(), { trainDataloaders: boringLoader(8), valDataloaders: boringLoader(2) })).rejects.toThrow(
      /`valCheckInterval` \(5\) must be less than or equal to the number of training batches \(4\)/,
    );
    const counter = new HookCounter(['onValidationStart']);
    const across = quietTrainer({ maxEpochs: 3, valCheckInterval: 5, checkValEveryNEpoch: null, callbacks: [counter] });
    await across.fit(new BoringModel(), { trainDataloaders: boringLoader(8), valDataloaders: boringLoader(2) });
    // 12 batches in all, counted across epochs: validation after batch 5 and batch 10.
    expect(valRuns(counter)).toEqual([
      { epoch: 1, step: 5 },
      { epoch: 2, step: 10 },
    ]);
  });
});

describe('checkValEveryNEpoch', () => {
  it('2 validates at the end of every second epoch only', async () => {
    const counter = new HookCounter(['onValidationStart']);
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 5, checkValEveryNEpoch: 2, callbacks: [counter] });
    await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(6) });
    expect(valRuns(counter).map((r) => r.epoch)).toEqual([1, 3]);
    expect(model.calls.validationStep).toBe(6); // 2 runs × 3 batches
  });
});

describe('numSanityValSteps', () => {
  /** Counts validation steps run during the sanity check and records callbackMetrics when training starts. */
  class SanitySpy extends Callback {
    steps = 0;
    checks = 0;
    metricsAtTrainStart: Record<string, number> | null = null;
    override onSanityCheckStart(): void {
      this.checks += 1;
    }
    override onValidationBatchEnd(trainer: Trainer): void {
      if (trainer.sanityChecking) this.steps += 1;
    }
    override onTrainStart(trainer: Trainer): void {
      this.metricsAtTrainStart = { ...trainer.callbackMetrics };
    }
  }

  const run = async (numSanityValSteps: number | undefined) => {
    const spy = new SanitySpy();
    // numSanityValSteps undefined: the Trainer's default.
    const trainer = quietTrainer({ maxEpochs: 1, callbacks: [spy], numSanityValSteps });
    // Two val loaders of 5 batches each: the limit applies per loader.
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4), valDataloaders: [boringLoader(10), boringLoader(10, { seed: 1 })] });
    return spy;
  };

  it('0 skips the sanity check', async () => {
    const spy = await run(0);
    expect(spy.checks).toBe(0);
    expect(spy.steps).toBe(0);
  });

  it('2 (the default) runs 2 batches of each validation loader', async () => {
    expect((await run(2)).steps).toBe(4);
    expect((await run(undefined)).steps).toBe(4);
  });

  it('-1 runs every validation batch', async () => {
    expect((await run(-1)).steps).toBe(10);
  });

  it('its logged results are discarded before training starts', async () => {
    const spy = await run(2);
    expect(spy.checks).toBe(1);
    expect(spy.metricsAtTrainStart).toEqual({});
  });
});

describe('limit*Batches', () => {
  const fitWith = async (options: Record<string, number>) => {
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 2, ...options });
    await trainer.fit(model, { trainDataloaders: boringLoader(20), valDataloaders: boringLoader(20) });
    return { model, trainer };
  };

  it('limitTrainBatches as a fraction and as a count', async () => {
    expect((await fitWith({ limitTrainBatches: 0.5 })).model.calls.trainingStep).toBe(10); // 5 of 10, 2 epochs
    expect((await fitWith({ limitTrainBatches: 3 })).model.calls.trainingStep).toBe(6);
    expect((await fitWith({ limitTrainBatches: 0.5 })).trainer.numTrainingBatches).toBe(5);
  });

  it('limitTrainBatches: 0 skips training', async () => {
    const { model, trainer } = await fitWith({ limitTrainBatches: 0 });
    expect(model.calls.trainingStep).toBe(0);
    expect(trainer.globalStep).toBe(0);
  });

  it('limitValBatches as a fraction and as a count; 0 disables validation', async () => {
    expect((await fitWith({ limitValBatches: 0.2 })).model.calls.validationStep).toBe(4); // 2 per epoch
    expect((await fitWith({ limitValBatches: 3 })).model.calls.validationStep).toBe(6);
    expect((await fitWith({ limitValBatches: 0 })).model.calls.validationStep).toBe(0);
  });

  it('a fraction that selects no batch is an error naming the option', async () => {
    await expect(fitWith({ limitTrainBatches: 0.01 })).rejects.toThrow(/`limitTrainBatches`=0\.01 selects no batch out of 10/);
  });

  it('limitTestBatches and limitPredictBatches, fraction and count', async () => {
    for (const [limit, expected] of [
      [0.3, 3],
      [4, 4],
    ] as const) {
      const model = new BoringModel();
      const trainer = quietTrainer({ limitTestBatches: limit, limitPredictBatches: limit });
      await trainer.test(model, { dataloaders: boringLoader(20) });
      expect(model.calls.testStep).toBe(expected);
      const preds = (await trainer.predict(model, { dataloaders: boringLoader(20) })) as tf.Tensor[];
      expect(preds).toHaveLength(expected);
      tf.dispose(preds);
    }
  });

  it('limitValBatches also limits trainer.validate', async () => {
    const model = new BoringModel();
    await quietTrainer({ limitValBatches: 0.5 }).validate(model, { dataloaders: boringLoader(20) });
    expect(model.calls.validationStep).toBe(5);
  });
});

describe('overfitBatches', () => {
  /** The first input value of every training batch, to identify batches. */
  class BatchIds extends Callback {
    readonly ids: number[][] = [];
    override onTrainEpochStart(): void {
      this.ids.push([]);
    }
    override onTrainBatchStart(_t: Trainer, _m: LightningModule, batch: Batch): void {
      this.ids[this.ids.length - 1]!.push(inputOf(batch).dataSync()[0]!);
    }
  }

  it('trains on the same first batches every epoch, unshuffled, and limits validation the same way', async () => {
    const ids = new BatchIds();
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 3, overfitBatches: 2, callbacks: [ids] });
    const train = boringLoader(20, { shuffle: true, generator: 5 });
    await trainer.fit(model, { trainDataloaders: train, valDataloaders: boringLoader(20) });
    const firstTwo = [...train.batches(0, { limit: 2, shuffle: false })].map((b) => {
      const v = inputOf(b).dataSync()[0]!;
      tf.dispose(b as tf.Tensor[]);
      return v;
    });
    expect(ids.ids).toEqual([firstTwo, firstTwo, firstTwo]);
    expect(model.calls.validationStep).toBe(6); // 2 batches × 3 epochs

    // Without the flag the same loader shuffles, so epochs differ.
    const plain = new BatchIds();
    await quietTrainer({ maxEpochs: 2, limitTrainBatches: 2, callbacks: [plain] }).fit(new BoringModel(), { trainDataloaders: train });
    expect(plain.ids[0]).not.toEqual(plain.ids[1]);
  });
});
