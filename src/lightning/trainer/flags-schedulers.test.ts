// LR schedulers from configureOptimizers: interval, frequency, ReduceLROnPlateau and its monitor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaCallback, ReduceLROnPlateau, SGD, StepLR, type LRSchedulerConfig, type OptimizerConfig } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type SchedulerSpec = Omit<LRSchedulerConfig, 'scheduler'> & { plateau?: boolean };

/** SGD(lr 1) with StepLR(stepSize 1, gamma 0.5) or ReduceLROnPlateau(factor 0.5, patience 0). */
function scheduled(spec: SchedulerSpec, valScript?: number[]): BoringModel {
  const { plateau, ...rest } = spec;
  return new BoringModel({
    valScript,
    optimizer: (params): OptimizerConfig => {
      const optimizer = new SGD(params, { lr: 1 });
      const scheduler = plateau ? new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 0 }) : new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
      return { optimizer, lrScheduler: { scheduler, ...rest } };
    },
  });
}

/** The LR seen at the start of every epoch and every batch. */
function lrRecorder() {
  const epochs: number[] = [];
  const batches: number[] = [];
  const cb = new LambdaCallback({
    onTrainEpochStart: (t) => void epochs.push(t.optimizers[0]!.paramGroups[0]!.lr),
    onTrainBatchStart: (t) => void batches.push(t.optimizers[0]!.paramGroups[0]!.lr),
  });
  return { cb, epochs, batches };
}

describe('LR schedulers', () => {
  it("interval 'epoch' (the default) steps after every epoch", async () => {
    const rec = lrRecorder();
    const model = scheduled({});
    await quietTrainer({ maxEpochs: 3, callbacks: [rec.cb] }).fit(model, { trainDataloaders: boringLoader(4) });
    expect(rec.epochs).toEqual([1, 0.5, 0.25]);
    expect(rec.batches).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(model.lrSchedulers()[0]!.lastEpoch).toBe(3);
  });

  it("interval 'step' steps after every optimizer step", async () => {
    const rec = lrRecorder();
    await quietTrainer({ maxEpochs: 2, callbacks: [rec.cb] }).fit(scheduled({ interval: 'step' }), { trainDataloaders: boringLoader(4) });
    expect(rec.batches).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it("interval 'step' with accumulateGradBatches steps only when the optimizer does", async () => {
    const rec = lrRecorder();
    await quietTrainer({ maxEpochs: 1, accumulateGradBatches: 2, callbacks: [rec.cb] }).fit(scheduled({ interval: 'step' }), {
      trainDataloaders: boringLoader(8),
    });
    expect(rec.batches).toEqual([1, 1, 0.5, 0.5]);
  });

  it('frequency 2 steps every second interval', async () => {
    const steps = lrRecorder();
    await quietTrainer({ maxEpochs: 2, callbacks: [steps.cb] }).fit(scheduled({ interval: 'step', frequency: 2 }), { trainDataloaders: boringLoader(8) });
    expect(steps.batches).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
    const epochs = lrRecorder();
    await quietTrainer({ maxEpochs: 4, callbacks: [epochs.cb] }).fit(scheduled({ interval: 'epoch', frequency: 2 }), { trainDataloaders: boringLoader(2) });
    expect(epochs.epochs).toEqual([1, 1, 0.5, 0.5]);
  });

  it('an invalid interval or frequency is refused by name', async () => {
    await expect(quietTrainer({ maxEpochs: 1 }).fit(scheduled({ interval: 'batch' as never }), { trainDataloaders: boringLoader(2) })).rejects.toThrow(
      /`lrScheduler.interval` must be 'epoch' or 'step', got "batch"/,
    );
    await expect(quietTrainer({ maxEpochs: 1 }).fit(scheduled({ frequency: 0 }), { trainDataloaders: boringLoader(2) })).rejects.toThrow(
      /`lrScheduler.frequency` must be a positive integer, got 0/,
    );
  });
});

describe('ReduceLROnPlateau', () => {
  it('steps with the monitored metric at epoch end: a flat val_metric halves the LR from the second epoch on', async () => {
    const rec = lrRecorder();
    const model = scheduled({ plateau: true, monitor: 'val_metric' }, [1]);
    await quietTrainer({ maxEpochs: 4, callbacks: [rec.cb] }).fit(model, { trainDataloaders: boringLoader(2), valDataloaders: boringLoader(2) });
    expect(rec.epochs).toEqual([1, 1, 0.5, 0.25]);
  });

  it('keeps the LR while the metric improves', async () => {
    const rec = lrRecorder();
    const model = scheduled({ plateau: true, monitor: 'val_metric' }, [4, 3, 2, 1]);
    await quietTrainer({ maxEpochs: 4, callbacks: [rec.cb] }).fit(model, { trainDataloaders: boringLoader(2), valDataloaders: boringLoader(2) });
    expect(rec.epochs).toEqual([1, 1, 1, 1]);
  });

  it('without a monitor is an error that asks for one', async () => {
    await expect(quietTrainer({ maxEpochs: 1 }).fit(scheduled({ plateau: true }), { trainDataloaders: boringLoader(2) })).rejects.toThrow(
      /must include a `monitor`.*ReduceLROnPlateau/,
    );
  });

  it('a monitor that is never logged is an error naming it and the available metrics; strict: false skips the step', async () => {
    const strict = scheduled({ plateau: true, monitor: 'nope' }, [1]);
    await expect(quietTrainer({ maxEpochs: 2 }).fit(strict, { trainDataloaders: boringLoader(2), valDataloaders: boringLoader(2) })).rejects.toThrow(
      /ReduceLROnPlateau conditioned on metric "nope" which is not available\. Available metrics are: \[.*val_metric.*\]/,
    );
    const rec = lrRecorder();
    const lax = scheduled({ plateau: true, monitor: 'nope', strict: false }, [1]);
    await quietTrainer({ maxEpochs: 3, callbacks: [rec.cb] }).fit(lax, { trainDataloaders: boringLoader(2), valDataloaders: boringLoader(2) });
    expect(rec.epochs).toEqual([1, 1, 1]);
  });
});
