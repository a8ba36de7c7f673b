// Timer: measures stage times and stops fit once its duration has passed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaCallback, Timer } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin so that wall time passes inside a batch */
  }
}

const slowBatches = () => new LambdaCallback({ onTrainBatchEnd: () => busyWait(10) });

describe('Timer', () => {
  it('measures train and validation time, and stops counting when they end', async () => {
    const timer = new Timer();
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [slowBatches(), timer] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    const train = timer.timeElapsed('train');
    expect(train).toBeGreaterThanOrEqual(4 * 10); // 4 batches of at least 10 ms
    expect(timer.timeElapsed('validate')).toBeGreaterThan(0);
    expect(timer.timeElapsed('test')).toBe(0);
    expect(timer.timeRemaining()).toBeNull();
    busyWait(5);
    expect(timer.timeElapsed('train')).toBe(train);
  });

  it('a duration stops fit after the batch that exceeds it', async () => {
    const timer = new Timer({ duration: 5 });
    const trainer = quietTrainer({ maxEpochs: 10, callbacks: [slowBatches(), timer] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(1);
    expect(timer.timeRemaining()!).toBeLessThan(0);
  });

  it("interval 'epoch' only checks at epoch ends", async () => {
    const trainer = quietTrainer({ maxEpochs: 10, callbacks: [slowBatches(), new Timer({ duration: 5, interval: 'epoch' })] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(4);
    expect(trainer.currentEpoch).toBe(1);
  });

  it('restored elapsed time counts towards the duration (resumed runs)', async () => {
    const timer = new Timer({ duration: 60_000 });
    timer.loadStateDict({ timeElapsed: { train: 60_000 } });
    const trainer = quietTrainer({ maxEpochs: 10, callbacks: [timer] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(1);
    expect((timer.stateDict().timeElapsed as { train: number }).train).toBeGreaterThanOrEqual(60_000);
  });

  it('rejects a non-positive duration or an unknown interval', () => {
    expect(() => new Timer({ duration: 0 })).toThrow(/`duration` must be a positive number of milliseconds, got 0/);
    expect(() => new Timer({ interval: 'batch' as never })).toThrow(/`interval` must be 'step' or 'epoch', got "batch"/);
  });
});
