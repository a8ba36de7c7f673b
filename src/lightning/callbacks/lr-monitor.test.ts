// LearningRateMonitor: logs `lr-<Optimizer>` following the scheduler, per epoch or per step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSVLogger, LearningRateMonitor, SGD, StepLR, type LRSchedulerConfig } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** SGD(lr 0.1, momentum 0.9) halved by StepLR every interval. */
function withStepLR(config: Omit<LRSchedulerConfig, 'scheduler'> = {}): BoringModel {
  return new BoringModel({
    log: false,
    optimizer: (params) => {
      const optimizer = new SGD(params, { lr: 0.1, momentum: 0.9 });
      return { optimizer, lrScheduler: { scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }), ...config } };
    },
  });
}

async function fitWith(monitor: LearningRateMonitor, model: BoringModel, options: Record<string, unknown> = {}) {
  const logger = new CSVLogger();
  const trainer = quietTrainer({ maxEpochs: 3, logger, callbacks: [monitor], ...options });
  await trainer.fit(model, { trainDataloaders: boringLoader(4) });
  return logger;
}

describe('LearningRateMonitor', () => {
  it('logs lr-SGD at the start of every epoch, following an epoch StepLR', async () => {
    const monitor = new LearningRateMonitor();
    const logger = await fitWith(monitor, withStepLR());
    expect(logger.series('lr-SGD')).toEqual([
      { step: 0, value: 0.1 },
      { step: 2, value: 0.05 },
      { step: 4, value: 0.025 },
    ]);
    expect(monitor.lrs['lr-SGD']).toEqual([0.1, 0.05, 0.025]);
  });

  it("loggingInterval 'step' logs every logEveryNSteps steps, following a step StepLR", async () => {
    const monitor = new LearningRateMonitor({ loggingInterval: 'step' });
    const logger = await fitWith(monitor, withStepLR({ interval: 'step' }), { maxEpochs: 2, logEveryNSteps: 1 });
    expect(logger.series('lr-SGD').map((r) => r.value)).toEqual([0.1, 0.05, 0.025, 0.0125]);
    expect(logger.series('lr-SGD').map((r) => r.step)).toEqual([0, 1, 2, 3]);
  });

  it('logAtEnd repeats the last rates at the last step, so the curve spans the run', async () => {
    const monitor = new LearningRateMonitor({ logAtEnd: true });
    const logger = await fitWith(monitor, withStepLR());
    expect(logger.series('lr-SGD')).toEqual([
      { step: 0, value: 0.1 },
      { step: 2, value: 0.05 },
      { step: 4, value: 0.025 },
      // The last epoch's rate (not the 0.0125 the scheduler moved to after it), at the run's last step.
      { step: 6, value: 0.025 },
    ]);
  });

  it('without a scheduler still logs the constant LR once an epoch', async () => {
    const monitor = new LearningRateMonitor();
    const logger = await fitWith(monitor, new BoringModel({ lr: 0.3, log: false }));
    expect(logger.series('lr-SGD').map((r) => r.value)).toEqual([0.3, 0.3, 0.3]);
  });

  it("uses the scheduler's name, logs momentum with logMomentum, and one series per param group", async () => {
    const named = await fitWith(new LearningRateMonitor({ logMomentum: true }), withStepLR({ name: 'my-lr' }), { maxEpochs: 1 });
    expect(named.series('my-lr').map((r) => r.value)).toEqual([0.1]);
    expect(named.series('my-lr-momentum').map((r) => r.value)).toEqual([0.9]);

    const groups = new BoringModel({
      log: false,
      optimizer: (params) => new SGD([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.5 }], { lr: 0.1 }),
    });
    const logger = await fitWith(new LearningRateMonitor(), groups, { maxEpochs: 1 });
    expect(logger.series('lr-SGD/pg1').map((r) => r.value)).toEqual([0.1]);
    expect(logger.series('lr-SGD/pg2').map((r) => r.value)).toEqual([0.5]);
  });

  it('needs a logger, and a valid loggingInterval', async () => {
    const trainer = quietTrainer({ maxEpochs: 1, logger: false, callbacks: [new LearningRateMonitor()] });
    await expect(trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(2) })).rejects.toThrow(/Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger/);
    expect(() => new LearningRateMonitor({ loggingInterval: 'batch' as never })).toThrow(/`loggingInterval` must be 'step', 'epoch' or null, got "batch"/);
  });
});
