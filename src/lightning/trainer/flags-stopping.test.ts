// When fit stops: maxEpochs, minEpochs, maxSteps, minSteps, maxTime, shouldStop, fastDevRun; and `state`.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback, EarlyStopping, LambdaCallback, ModelCheckpoint, type Trainer, type TrainerState } from '../index';
import { BoringModel, boringLoader, HookCounter, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Asks the trainer to stop after every training batch. */
class StopEveryBatch extends Callback {
  override onTrainBatchEnd(trainer: Trainer): void {
    trainer.shouldStop = true;
  }
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin: the Timer must see wall time pass within one batch */
  }
}

describe('maxEpochs / maxSteps', () => {
  it('maxEpochs: 3 runs exactly three epochs of every batch', async () => {
    const counter = new HookCounter(['onTrainEpochStart']);
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 3, callbacks: [counter] });
    await trainer.fit(model, { trainDataloaders: boringLoader(8, { batchSize: 2 }) });
    expect(counter.counts.onTrainEpochStart).toBe(3);
    expect(trainer.currentEpoch).toBe(3);
    expect(trainer.globalStep).toBe(12);
    expect(model.calls.trainingStep).toBe(12);
  });

  it('maxEpochs: 0 trains nothing', async () => {
    const model = new BoringModel();
    const trainer = quietTrainer({ maxEpochs: 0 });
    await trainer.fit(model, { trainDataloaders: boringLoader(8) });
    expect(model.calls.trainingStep).toBe(0);
    expect(trainer.globalStep).toBe(0);
  });

  it('maxSteps: 5 stops in the middle of the second epoch, even with maxEpochs: -1', async () => {
    const model = new BoringModel();
    const trainer = quietTrainer({ maxSteps: 5, maxEpochs: -1 });
    await trainer.fit(model, { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(5);
    expect(model.calls.trainingStep).toBe(5);
  });

  it('maxSteps wins over a larger maxEpochs, and maxEpochs over a larger maxSteps', async () => {
    const a = quietTrainer({ maxSteps: 3, maxEpochs: 10 });
    await a.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(a.globalStep).toBe(3);
    const b = quietTrainer({ maxSteps: 100, maxEpochs: 2 });
    await b.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(b.globalStep).toBe(8);
  });
});

describe('minEpochs / minSteps keep training although a stop was requested', () => {
  // The validation loss is constant, so EarlyStopping(patience 1) asks to stop after epoch 1.
  const constantVal = () => new BoringModel({ valScript: [1] });

  it('without minEpochs, EarlyStopping stops after 2 epochs', async () => {
    const trainer = quietTrainer({ maxEpochs: 20, callbacks: [new EarlyStopping({ monitor: 'val_metric', patience: 1 })] });
    await trainer.fit(constantVal(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(trainer.currentEpoch).toBe(2);
  });

  it('minEpochs: 5 overrides the request until 5 epochs have run, and says so', async () => {
    const printed: string[] = [];
    const trainer = quietTrainer({
      maxEpochs: 20,
      minEpochs: 5,
      print: (m) => printed.push(m),
      callbacks: [new EarlyStopping({ monitor: 'val_metric', patience: 1 })],
    });
    await trainer.fit(constantVal(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(trainer.currentEpoch).toBe(5);
    expect(printed.some((m) => /minEpochs=5/.test(m))).toBe(true);
  });

  it('a stop requested after every batch ends fit after the first batch', async () => {
    const trainer = quietTrainer({ maxEpochs: 5, callbacks: [new StopEveryBatch()] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(1);
  });

  it('minSteps: 6 keeps training until 6 optimizer steps, across the epoch boundary', async () => {
    const trainer = quietTrainer({ maxEpochs: 5, minSteps: 6, callbacks: [new StopEveryBatch()] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(6);
  });
});

describe('shouldStop', () => {
  it('set from a callback at batch 1 stops at the end of that batch', async () => {
    const model = new BoringModel();
    const seen: number[] = [];
    const stopper = new LambdaCallback({
      onTrainBatchEnd: (trainer, _m, _o, _b, batchIdx) => {
        seen.push(batchIdx);
        if (batchIdx === 1) trainer.shouldStop = true;
      },
    });
    const trainer = quietTrainer({ maxEpochs: 3, callbacks: [stopper] });
    await trainer.fit(model, { trainDataloaders: boringLoader(8) });
    expect(seen).toEqual([0, 1]);
    expect(model.calls.trainingStep).toBe(2);
    expect(trainer.globalStep).toBe(2);
    expect(trainer.state.status).toBe('finished');
  });
});

describe('maxTime', () => {
  it('a tiny maxTime stops after the first batch (checked after every batch)', async () => {
    const slow = new LambdaCallback({ onTrainBatchEnd: () => busyWait(20) });
    const printed: string[] = [];
    const trainer = quietTrainer({ maxEpochs: 100, maxTime: 0.005, callbacks: [slow], print: (m) => printed.push(m) });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(1);
    expect(printed.some((m) => /Time limit reached/.test(m))).toBe(true);
  });

  it('a generous maxTime ("00:01:00:00") does not cut training short', async () => {
    const trainer = quietTrainer({ maxEpochs: 2, maxTime: '00:01:00:00' });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(8);
  });
});

describe('fastDevRun', () => {
  const stages = async (fastDevRun: boolean | number) => {
    const model = new BoringModel();
    const trainer = quietTrainer({
      fastDevRun,
      maxEpochs: 10,
      logger: true,
      enableCheckpointing: true,
      numSanityValSteps: 2,
      callbacks: [new EarlyStopping({ monitor: 'val_loss' })],
    });
    const counter = new HookCounter(['onSanityCheckStart']);
    trainer.callbacks.push(counter);
    await trainer.fit(model, { trainDataloaders: boringLoader(20), valDataloaders: boringLoader(20) });
    const fit = { ...model.calls };
    await trainer.test(model, { dataloaders: boringLoader(20) });
    const preds = (await trainer.predict(model, { dataloaders: boringLoader(20) })) as tf.Tensor[];
    tf.dispose(preds);
    const saved = await trainer.checkpointStorage.list();
    return { trainer, model, fit, preds: preds.length, saved, sanity: counter.counts.onSanityCheckStart ?? 0 };
  };

  it('true runs 1 batch of train, val, test and predict, with no logger, checkpoint, early stopping or sanity check', async () => {
    const r = await stages(true);
    expect(r.fit.trainingStep).toBe(1);
    expect(r.fit.validationStep).toBe(1);
    expect(r.model.calls.testStep).toBe(1);
    expect(r.preds).toBe(1);
    expect(r.trainer.globalStep).toBe(1);
    expect(r.trainer.currentEpoch).toBe(1);
    expect(r.trainer.loggers).toEqual([]);
    expect(r.trainer.logger).toBeNull();
    expect(r.trainer.callbacks.some((c) => c instanceof ModelCheckpoint || c instanceof EarlyStopping)).toBe(false);
    expect(r.saved).toEqual([]);
    expect(r.sanity).toBe(0);
  });

  it('3 runs 3 batches of each stage in one epoch', async () => {
    const r = await stages(3);
    expect(r.fit.trainingStep).toBe(3);
    expect(r.fit.validationStep).toBe(3);
    expect(r.model.calls.testStep).toBe(3);
    expect(r.preds).toBe(3);
    expect(r.trainer.globalStep).toBe(3);
    expect(r.trainer.loggers).toEqual([]);
    expect(r.saved).toEqual([]);
  });

  // Lightning's fast_dev_run also sets val_check_interval=1.0 and check_val_every_n_epoch=1,
  // so a config tuned for long runs still gets its one validation batch.
  it('overrides valCheckInterval and checkValEveryNEpoch so that validation still runs', async () => {
    for (const options of [{ valCheckInterval: 5 }, { checkValEveryNEpoch: 2 }]) {
      const model = new BoringModel();
      await quietTrainer({ fastDevRun: true, ...options }).fit(model, { trainDataloaders: boringLoader(20), valDataloaders: boringLoader(20) });
      expect(model.calls.validationStep, JSON.stringify(options)).toBe(1);
    }
  });
});

describe('state', () => {
  it('names the function, stage and status during fit/test and after', async () => {
    const seen: Record<string, TrainerState> = {};
    class Spy extends BoringModel {
      override trainingStep(batch: Parameters<BoringModel['trainingStep']>[0], i: number) {
        seen.train = { ...this.trainer!.state };
        return super.trainingStep(batch, i);
      }
      override validationStep(batch: Parameters<BoringModel['trainingStep']>[0], i: number, d: number) {
        seen[this.trainer!.sanityChecking ? 'sanity' : this.trainer!.state.fn === 'fit' ? 'val' : 'validate'] = { ...this.trainer!.state };
        return super.validationStep(batch, i, d);
      }
      override testStep(batch: Parameters<BoringModel['trainingStep']>[0], i: number, d: number) {
        seen.test = { ...this.trainer!.state };
        return super.testStep(batch, i, d);
      }
    }
    const model = new Spy();
    const trainer = quietTrainer({ maxEpochs: 1, numSanityValSteps: 1 });
    expect(trainer.state.status).toBe('initializing');
    await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(seen.train).toEqual({ fn: 'fit', stage: 'train', status: 'running' });
    expect(seen.sanity).toEqual({ fn: 'fit', stage: 'sanity_check', status: 'running' });
    expect(seen.val).toEqual({ fn: 'fit', stage: 'validate', status: 'running' });
    expect(trainer.state).toEqual({ fn: 'fit', stage: null, status: 'finished' });
    await trainer.test(model, { dataloaders: boringLoader(2) });
    expect(seen.test).toEqual({ fn: 'test', stage: 'test', status: 'running' });
    expect(trainer.state).toEqual({ fn: 'test', stage: null, status: 'finished' });
  });
});
