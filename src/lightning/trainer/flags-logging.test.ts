// Logging and output flags: logEveryNSteps, logger, enableModelSummary, enableCheckpointing, callbacks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSVLogger, EarlyStopping, LambdaCallback, ModelCheckpoint, type Callback } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('logEveryNSteps', () => {
  it('sends step metrics to the logger every N steps, at Lightning’s step indices', async () => {
    const logger = new CSVLogger();
    await quietTrainer({ maxEpochs: 2, logEveryNSteps: 2, logger }).fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(logger.series('train_loss').map((r) => r.step)).toEqual([1, 3, 5, 7]);
  });

  it('the default (50) sends none of 8 steps, while callbackMetrics still has the latest value', async () => {
    const logger = new CSVLogger();
    const trainer = quietTrainer({ maxEpochs: 2, logger });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(logger.series('train_loss')).toEqual([]);
    expect(trainer.callbackMetrics.train_loss).toBeGreaterThan(0);
  });
});

describe('logger', () => {
  it('a CSVLogger receives hyperparameters, epoch-tagged rows, and renders them as CSV', async () => {
    const logger = new CSVLogger({ name: 'boring', version: 3 });
    const model = new BoringModel();
    model.saveHyperparameters({ lr: 0.1, hidden: 2 });
    const trainer = quietTrainer({ maxEpochs: 2, logEveryNSteps: 1, logger });
    await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(4) });
    expect(trainer.logger).toBe(logger);
    expect(logger.hparams).toEqual({ lr: 0.1, hidden: 2 });
    expect(logger.status).toBe('success');
    expect(logger.series('train_loss').map((r) => r.step)).toEqual([0, 1, 2, 3]);
    // Lightning logs validation before counting the step that triggered it: steps 1 and 3, not 2 and 4.
    expect(logger.series('val_loss').map((r) => r.step)).toEqual([1, 3]);
    expect(logger.series('epoch').map((r) => r.value)).toContain(1);
    const csv = logger.toCSV().trimEnd().split('\n');
    expect(csv[0]).toBe('step,epoch,train_loss,val_loss');
    expect(csv).toHaveLength(logger.rows.length + 1);
    expect(csv[1]).toMatch(/^0,0,[0-9.]+,$/);
  });

  it('true gives a default CSVLogger; false gives none', async () => {
    const withDefault = quietTrainer({ logger: true });
    expect(withDefault.logger).toBeInstanceOf(CSVLogger);
    const none = quietTrainer({ maxEpochs: 1, logger: false });
    await none.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(none.loggers).toEqual([]);
    expect(none.logger).toBeNull();
  });

  it('a list of loggers all receive the same rows', async () => {
    const a = new CSVLogger();
    const b = new CSVLogger();
    await quietTrainer({ maxEpochs: 1, logEveryNSteps: 1, logger: [a, b] }).fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(a.rows.length).toBeGreaterThan(0);
    expect(b.rows).toEqual(a.rows);
  });

  it('a run that fails finalizes the logger as failed', async () => {
    class Broken extends BoringModel {
      override trainingStep(): never {
        throw new Error('boom');
      }
    }
    const logger = new CSVLogger();
    await expect(quietTrainer({ maxEpochs: 1, logger }).fit(new Broken(), { trainDataloaders: boringLoader(4) })).rejects.toThrow('boom');
    expect(logger.status).toBe('failed');
  });
});

describe('enableModelSummary', () => {
  it('prints the summary with parameter counts through `print` when fit starts', async () => {
    const printed: string[] = [];
    const trainer = quietTrainer({ maxEpochs: 1, enableModelSummary: undefined, print: (m) => printed.push(m) }); // the default
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    const summary = printed.find((m) => m.includes('Trainable params'));
    expect(summary).toBeDefined();
    expect(summary).toMatch(/66\s+Trainable params/); // 32 × 2 weights + 2 biases
    expect(summary).toMatch(/66\s+Total params/);
  });

  it('false prints no summary', async () => {
    const printed: string[] = [];
    const trainer = quietTrainer({ maxEpochs: 1, enableModelSummary: false, print: (m) => printed.push(m) });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(printed.some((m) => m.includes('Trainable params'))).toBe(false);
  });
});

describe('enableCheckpointing', () => {
  it('default: a ModelCheckpoint saves the latest epoch to the storage', async () => {
    const trainer = quietTrainer({ maxEpochs: 2, enableCheckpointing: undefined }); // the default
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.checkpointCallback).toBeInstanceOf(ModelCheckpoint);
    expect(await trainer.checkpointStorage.list()).toEqual(['checkpoints/epoch=1-step=4.ckpt']);
    expect(trainer.checkpointCallback!.bestModelPath).toBe('checkpoints/epoch=1-step=4.ckpt');
  });

  it('false: no ModelCheckpoint and nothing saved', async () => {
    const trainer = quietTrainer({ maxEpochs: 2, enableCheckpointing: false });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.checkpointCallback).toBeNull();
    expect(await trainer.checkpointStorage.list()).toEqual([]);
  });

  it('a ModelCheckpoint given in callbacks is used instead of the default one', async () => {
    const mine = new ModelCheckpoint({ dirpath: 'mine' });
    const trainer = quietTrainer({ maxEpochs: 1, enableCheckpointing: true, callbacks: [mine] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.checkpointCallbacks).toEqual([mine]);
    expect(await trainer.checkpointStorage.list()).toEqual(['mine/epoch=0-step=2.ckpt']);
  });
});

describe('callbacks', () => {
  it('the given callbacks are called, in the order given', async () => {
    const order: string[] = [];
    const a = new LambdaCallback({ onTrainEpochEnd: () => void order.push('a') });
    const b = new LambdaCallback({ onTrainEpochEnd: () => void order.push('b') });
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [a, b] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.callbacks.slice(0, 2)).toEqual([a, b]);
    expect(order).toEqual(['a', 'b', 'a', 'b']);
  });

  it("the module's configureCallbacks replaces a trainer callback of the same type", async () => {
    const fromTrainer = new EarlyStopping({ monitor: 'train_loss', patience: 100 });
    const fromModule = new EarlyStopping({ monitor: 'train_loss', stoppingThreshold: 1e9 });
    class WithCallbacks extends BoringModel {
      override configureCallbacks(): Callback[] {
        return [fromModule];
      }
    }
    const trainer = quietTrainer({ maxEpochs: 5, callbacks: [fromTrainer] });
    await trainer.fit(new WithCallbacks(), { trainDataloaders: boringLoader(4) });
    expect(trainer.callbacks).toContain(fromModule);
    expect(trainer.callbacks).not.toContain(fromTrainer);
    expect(trainer.currentEpoch).toBe(1); // the module's callback stopped at once
  });
});
