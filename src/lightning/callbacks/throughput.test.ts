// ThroughputMonitor: samples and batches per second, measured and logged.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSVLogger, LambdaCallback, ThroughputMonitor } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin: bounds the throughput from above */
  }
}

describe('ThroughputMonitor', () => {
  it('measures samples/s and batches/s and logs them every logEveryNSteps steps', async () => {
    const monitor = new ThroughputMonitor({ windowSize: 4 });
    const logger = new CSVLogger();
    const slow = new LambdaCallback({ onTrainBatchEnd: () => busyWait(10) });
    const trainer = quietTrainer({ maxEpochs: 2, logEveryNSteps: 2, logger, callbacks: [slow, monitor] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8, { batchSize: 2 }) });

    expect(monitor.totalSamples).toBe(16);
    // At least 10 ms per batch of 2 samples: at most 200 samples/s and 100 batches/s.
    expect(monitor.samplesPerSec).toBeGreaterThan(0);
    expect(monitor.samplesPerSec).toBeLessThanOrEqual(200);
    expect(monitor.batchesPerSec).toBeLessThanOrEqual(100);
    expect(monitor.samplesPerSec).toBeCloseTo(monitor.batchesPerSec * 2, 6);

    const logged = logger.series('train/samples_per_sec');
    expect(logged.map((r) => r.step)).toEqual([1, 3, 5, 7]);
    expect(logged.every((r) => r.value > 0)).toBe(true);
    expect(logger.series('train/batches_per_sec')).toHaveLength(4);
  });

  it('counts samples with a custom batchSizeFn', async () => {
    const monitor = new ThroughputMonitor({ batchSizeFn: () => 10 });
    await quietTrainer({ maxEpochs: 1, callbacks: [monitor] }).fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect(monitor.totalSamples).toBe(40);
  });

  it('rejects a window smaller than 2', () => {
    expect(() => new ThroughputMonitor({ windowSize: 1 })).toThrow(/`windowSize` must be an integer >= 2, got 1/);
  });
});
