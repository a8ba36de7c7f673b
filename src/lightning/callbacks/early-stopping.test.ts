// EarlyStopping on scripted metric sequences: the epoch it stops at, for every option.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EarlyStopping, type EarlyStoppingOptions } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Fits with `val_metric` following `script` (one value per validation run)
 * and returns how many epochs ran and what the callback recorded.
 */
async function runScript(script: number[], options: Partial<EarlyStoppingOptions> = {}, trainerOptions: Record<string, unknown> = {}) {
  const es = new EarlyStopping({ monitor: 'val_metric', ...options });
  const trainer = quietTrainer({ maxEpochs: 20, callbacks: [es], ...trainerOptions });
  await trainer.fit(new BoringModel({ valScript: script, log: false }), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
  return { epochs: trainer.currentEpoch, es, trainer };
}

describe('EarlyStopping', () => {
  it('patience 2 (min): stops at the second check without improvement', async () => {
    const { epochs, es } = await runScript([5, 4, 4.5, 4.2, 3, 2, 1], { patience: 2 });
    expect(es.stoppedEpoch).toBe(3);
    expect(epochs).toBe(4);
    expect(es.bestScore).toBe(4);
    expect(es.waitCount).toBe(2);
    expect(es.stoppingReason).toMatch(/did not improve in the last 2 records/);
  });

  it('an improvement resets the wait count', async () => {
    const { es } = await runScript([5, 6, 4, 6, 6, 6], { patience: 2 });
    expect(es.stoppedEpoch).toBe(4); // wait: 1, 0 (4 is better), 1, 2
  });

  it('the default patience is 3', async () => {
    const { es } = await runScript([1, 2, 2, 2, 2, 2]);
    expect(es.stoppedEpoch).toBe(3);
  });

  it('minDelta: changes smaller than it do not count as improvements', async () => {
    const script = [5, 4.8, 4.6, 4.4, 4.2, 4.0, 3.8];
    const strict = await runScript(script, { patience: 2, minDelta: 0.5 });
    expect(strict.es.stoppedEpoch).toBe(2);
    const loose = await runScript(script, { patience: 2 }, { maxEpochs: script.length });
    expect(loose.epochs).toBe(script.length); // always improving without minDelta
    expect(loose.es.stoppingReason).toBeNull();
  });

  it("mode 'max': a rising metric is an improvement", async () => {
    const { es } = await runScript([0.1, 0.2, 0.3, 0.2, 0.1, 0.5], { patience: 2, mode: 'max' });
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestScore).toBe(0.3);
  });

  it('stoppingThreshold: stops as soon as the metric is better than it, whatever the patience', async () => {
    const { es } = await runScript([2, 1, 0.4, 0.3], { patience: 10, stoppingThreshold: 0.5 });
    expect(es.stoppedEpoch).toBe(2);
    expect(es.stoppingReason).toMatch(/Stopping threshold reached: val_metric = 0\.4 < 0\.5/);
  });

  it('divergenceThreshold: stops as soon as the metric is worse than it', async () => {
    const { es } = await runScript([1, 2, 11, 1], { patience: 10, divergenceThreshold: 10 });
    expect(es.stoppedEpoch).toBe(2);
    expect(es.stoppingReason).toMatch(/Divergence threshold reached: val_metric = 11 > 10/);
  });

  it('checkFinite (default true) stops on NaN; with false, NaN just counts as no improvement', async () => {
    const script = [1, NaN, 0.5, 0.4, 0.3];
    const on = await runScript(script, { patience: 5 });
    expect(on.es.stoppedEpoch).toBe(1);
    expect(on.es.stoppingReason).toMatch(/not finite/);
    const off = await runScript(script, { patience: 5, checkFinite: false }, { maxEpochs: script.length });
    expect(off.epochs).toBe(script.length);
    expect(off.es.stoppingReason).toBeNull();
    expect(off.es.bestScore).toBe(0.3);
  });

  it('strict: a metric that is never logged is an error listing the available ones; strict false ignores it', async () => {
    const es = new EarlyStopping({ monitor: 'missing' });
    const trainer = quietTrainer({ maxEpochs: 3, callbacks: [es] });
    await expect(trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) })).rejects.toThrow(
      /Early stopping conditioned on metric `missing` which is not available.*`val_loss`/,
    );
    const lax = quietTrainer({ maxEpochs: 3, callbacks: [new EarlyStopping({ monitor: 'missing', strict: false })] });
    await lax.fit(new BoringModel(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(lax.currentEpoch).toBe(3);
  });

  it('checks at validation end, mid-epoch, when validation runs twice an epoch (valCheckInterval 0.5)', async () => {
    // 2 batches an epoch, validation after each: best at run 0, wait 1 at run 1, wait 2 at run 2 (epoch 1, step 3).
    const { es, trainer } = await runScript([3, 3, 3, 3, 3], { patience: 2 }, { valCheckInterval: 0.5 });
    expect(es.stoppedEpoch).toBe(1);
    expect(trainer.globalStep).toBe(3); // stopped in the middle of epoch 1, right after that validation
  });

  it('does nothing during the sanity check', async () => {
    // The sanity check would see a non-finite value first; it must not stop training.
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 100 });
    class NaNFirst extends BoringModel {
      override validationStep() {
        this.log('val_loss', this.trainer!.sanityChecking ? NaN : 1);
      }
    }
    const trainer = quietTrainer({ maxEpochs: 3, numSanityValSteps: 1, callbacks: [es] });
    await trainer.fit(new NaNFirst(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(trainer.currentEpoch).toBe(3);
  });

  it('rejects bad options by name', () => {
    expect(() => new EarlyStopping({ monitor: '' })).toThrow(/`monitor` must be a metric name/);
    expect(() => new EarlyStopping({ monitor: 'x', mode: 'up' as never })).toThrow(/`mode` must be 'min' or 'max', got "up"/);
    expect(() => new EarlyStopping({ monitor: 'x', patience: -1 })).toThrow(/`patience` must be a non-negative integer, got -1/);
  });

  it('keeps its state in checkpoints', async () => {
    const { es } = await runScript([5, 4, 4.5, 4.2], { patience: 2 });
    const copy = new EarlyStopping({ monitor: 'val_metric', patience: 2 });
    copy.loadStateDict(structuredClone(es.stateDict()));
    expect(copy.waitCount).toBe(es.waitCount);
    expect(copy.bestScore).toBe(4);
    expect(copy.stoppedEpoch).toBe(3);
  });

  it('a state that went through JSON before the first check still has no best score', async () => {
    const fresh = new EarlyStopping({ monitor: 'val_metric', patience: 1 });
    const restored = new EarlyStopping({ monitor: 'val_metric', patience: 1 });
    restored.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())) as Record<string, unknown>);
    expect(restored.bestScore).toBe(Infinity);
    // Behaves like a fresh callback: positive scores improve on it.
    const trainer = quietTrainer({ maxEpochs: 3, callbacks: [restored] });
    await trainer.fit(new BoringModel({ valScript: [5, 4, 3], log: false }), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(trainer.currentEpoch).toBe(3);
    expect(restored.bestScore).toBe(3);
  });
});

describe('EarlyStopping restoreBestWeights', () => {
  /** Fits the scripted run, recording the module's weights after every training epoch. */
  async function recorded(script: number[], options: Partial<EarlyStoppingOptions>, maxEpochs = 20) {
    const snapshots: number[][] = [];
    const model = new BoringModel({ valScript: script, log: false });
    const es = new EarlyStopping({ monitor: 'val_metric', patience: 2, ...options });
    const record = new (class extends EarlyStopping {
      override onTrainEpochEnd(_t: unknown, m: BoringModel): void {
        snapshots.push(m.parameters().flatMap((v) => Array.from(v.dataSync())));
      }
    })({ monitor: 'val_metric' });
    const trainer = quietTrainer({ maxEpochs, callbacks: [record, es] });
    const before = tf.memory().numTensors;
    await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    const leaked = tf.memory().numTensors - before;
    return { es, snapshots, final: model.parameters().flatMap((v) => Array.from(v.dataSync())), leaked };
  }

  it('puts back the weights of the best epoch when a later check stopped the run, and frees its copies', async () => {
    const { es, snapshots, final, leaked } = await recorded([5, 3, 4, 4.5, 1], { restoreBestWeights: true });
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(es.restoredBestWeights).toBe(true);
    expect(final).toEqual(snapshots[1]);
    expect(final).not.toEqual(snapshots[3]);
    // The copies are freed: what stays (the optimizer's state) is what a run without them keeps.
    expect(leaked).toBe((await recorded([5, 3, 4, 4.5, 1], {})).leaked);
  });

  it('keeps the last weights when off (the default), and when the last check was the best', async () => {
    const off = await recorded([5, 3, 4, 4.5], {});
    expect(off.es.restoredBestWeights).toBe(false);
    expect(off.final).toEqual(off.snapshots.at(-1));
    const best = await recorded([5, 4, 3, 2], { restoreBestWeights: true, patience: 5 }, 4);
    expect(best.es.bestEpoch).toBe(3);
    expect(best.es.restoredBestWeights).toBe(false);
    expect(best.final).toEqual(best.snapshots.at(-1));
  });
});
