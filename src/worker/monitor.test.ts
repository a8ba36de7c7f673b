// The run's monitor events: gradient norms per parameter, histograms, device stats, epoch timing.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, tinyConfig } from './session-fixture';
import { MONITOR_INTERVALS } from './monitor';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TrainingSession: monitor events', () => {
  it('streams gradient norms, histograms, device stats and epoch times with the run id', async () => {
    const h = new Harness();
    await h.run('mon', { ...tinyConfig, maxSteps: -1, maxEpochs: 2 });
    const updates = h.ofType('monitor', 'mon').map((e) => e.monitor);
    expect(updates.length).toBeGreaterThan(0);
    const norms = updates.flatMap((u) => u.gradNorms);
    expect(norms.map((n) => n.step).every((s) => s % MONITOR_INTERVALS.gradNormSteps === 0)).toBe(true);
    expect(norms[0]!.step).toBe(0);
    const names = Object.keys(norms[0]!.norms);
    expect(names.length).toBeGreaterThanOrEqual(2); // a kernel and a bias at least
    expect(norms.every((n) => Number.isFinite(n.total) && n.total > 0)).toBe(true);
    const hist = updates.flatMap((u) => u.histograms);
    expect(hist[0]!.step).toBe(0);
    const p = hist[0]!.params[0]!;
    expect(p.weights.counts).toHaveLength(MONITOR_INTERVALS.histogramBins);
    expect(p.grads.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const device = updates.flatMap((u) => u.device);
    expect(device.length).toBeGreaterThan(0);
    expect(device.every((d) => d.numTensors > 0 && d.numBytes > 0)).toBe(true);
    const epochs = updates.flatMap((u) => u.epochs);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(epochs.every((e) => e.epochMs >= e.trainMs && e.trainMs > 0 && e.validationMs >= 0)).toBe(true);
    expect(updates.every((u) => u.leak === null)).toBe(true);
  });
});
