import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchSizeFinder,
  DataLoader,
  LearningRateFinder,
  LightningModule,
  LRFinder,
  SGD,
  Adam,
  TensorDataset,
  Tuner,
  getRngState,
  seedEverything,
  smoothLosses,
  unseed,
  type Batch,
} from '../index';
import { quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The data of scripts/lr-find-reference.py: 64 points of y = 2x + 0.3 sin 5x on [-1, 1], in order. */
function curveLoader(batchSize = 16): DataLoader {
  const n = 64;
  const xs = Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const x = tf.tensor2d(xs.map((v) => [v]));
  const y = tf.tensor2d(xs.map((v) => [2 * v + 0.3 * Math.sin(5 * v)]));
  return new DataLoader(new TensorDataset(x, y), { batchSize, shuffle: false });
}

/** nn.Linear(1, 1) from w = 0.5, b = -0.2, MSE, plain SGD (the reference script's model). */
class Line extends LightningModule {
  linear = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  constructor(
    private readonly lr = 0.01,
    private readonly optimizer: 'sgd' | 'adam' = 'sgd',
  ) {
    super();
    this.linear.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([-0.2])]);
    this.saveHyperparameters({ lr });
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return this.linear.apply(x) as tf.Tensor;
  }
  trainingStep(batch: Batch): tf.Scalar {
    const [x, y] = batch as tf.Tensor[];
    return tf.losses.meanSquaredError(y!, this.forward(x!)) as tf.Scalar;
  }
  override configureOptimizers() {
    return this.optimizer === 'adam' ? new Adam(this.parameters(), { lr: this.lr }) : new SGD(this.parameters(), { lr: this.lr });
  }
}

const weightsOf = (m: LightningModule) => m.parameters().map((v) => Array.from(v.dataSync()));

describe('Tuner.lrFind', () => {
  it('follows the exponential schedule and agrees with plain PyTorch step by step (committed fixture)', async () => {
    const ref = JSON.parse(readFileSync(new URL('./fixtures/lr-find-torch.json', import.meta.url), 'utf8')) as { lr: number[]; loss: number[]; smoothedLoss: number[] };
    const finder = await new Tuner(quietTrainer()).lrFind(new Line(), { trainDataloaders: curveLoader(), minLr: 1e-4, maxLr: 10, numTraining: 60 });
    const r = finder.results;
    expect(r.lr.length).toBe(ref.lr.length);
    r.lr.forEach((lr, i) => expect(Math.abs(lr - ref.lr[i]!) / ref.lr[i]!).toBeLessThan(1e-9));
    r.loss.forEach((l, i) => expect(Math.abs(l - ref.loss[i]!), `step ${i}`).toBeLessThan(1e-4 * Math.max(1, ref.loss[i]!)));
    r.smoothedLoss.forEach((l, i) => expect(Math.abs(l - ref.smoothedLoss[i]!), `step ${i}`).toBeLessThan(1e-4 * Math.max(1, ref.smoothedLoss[i]!)));
    // The run diverged at large learning rates and stopped early, as the reference did.
    expect(finder.stopped).toBe(ref.lr.length < 60 ? 'diverged' : 'completed');
  });

  it('the reference fixture is what scripts/lr-find-reference.py prints', (ctx) => {
    const python = process.env.VOLT_PYTHON || '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      // CI installs Debian's python3-torch: there its absence is a failure, elsewhere a skip with the reason.
      if (process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false') throw new Error(`PyTorch is required in CI: ${probe.stderr || probe.error}`);
      ctx.skip(`PyTorch is missing (${python} cannot import torch); as root, \`npm test\` installs Debian's python3-torch`);
    }
    const run = spawnSync(python, [new URL('../../../scripts/lr-find-reference.py', import.meta.url).pathname, '--stdout'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const fresh = JSON.parse(run.stdout) as { lr: number[]; loss: number[] };
    const ref = JSON.parse(readFileSync(new URL('./fixtures/lr-find-torch.json', import.meta.url), 'utf8')) as { lr: number[]; loss: number[] };
    expect(fresh.lr).toEqual(ref.lr);
    fresh.loss.forEach((l, i) => expect(l).toBeCloseTo(ref.loss[i]!, 6));
  });

  it('suggests (valley) a learning rate inside the range that trains well', async () => {
    // The good range, measured: 40 full-batch SGD steps from the same start at each LR of a grid.
    const grid = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 1.5];
    const final: number[] = [];
    for (const lr of grid) {
      const m = new Line(lr);
      const t = quietTrainer({ maxSteps: 40 });
      await t.fit(m, { trainDataloaders: curveLoader(64) });
      const all = curveLoader(64).dataset as TensorDataset;
      const [x, y] = all.tensors as [tf.Tensor, tf.Tensor];
      final.push((tf.losses.meanSquaredError(y, m.forward(x)) as tf.Scalar).dataSync()[0]!);
    }
    const best = Math.min(...final.filter(Number.isFinite));
    const good = grid.filter((_, i) => final[i]! < Math.max(4 * best, best + 0.05));
    // Full batches: the curve is the loss of the whole set, not of four ordered quarters of it.
    const finder = await new Tuner(quietTrainer()).lrFind(new Line(), { trainDataloaders: curveLoader(64), minLr: 1e-5, maxLr: 10, numTraining: 100 });
    const lr = finder.suggestion()!;
    expect(lr).toBeGreaterThanOrEqual(Math.min(...good) / 3);
    expect(lr).toBeLessThanOrEqual(Math.max(...good) * 1.5);
    // Every rule answers with an LR on the curve (minimum: a tenth of one).
    for (const rule of ['steepest', 'minimum', 'slide'] as const) {
      const s = finder.suggestion({ rule })!;
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(10);
    }
  });

  it('leaves every weight, optimizer slot, counter, callback state and the RNG as they were', async () => {
    seedEverything(11);
    const module = new Line(0.05, 'adam');
    const trainer = quietTrainer({ maxEpochs: 2 });
    await trainer.fit(module, { trainDataloaders: curveLoader() });
    // Made before the snapshot: a DataLoader draws its seed from the global RNG.
    const loader = curveLoader();
    const before = {
      weights: weightsOf(module),
      slots: JSON.stringify(await trainer.optimizers[0]!.stateDict()),
      step: trainer.globalStep,
      epoch: trainer.currentEpoch,
      lr: trainer.optimizers[0]!.paramGroups[0]!.lr,
      hparams: structuredClone(module.hparams),
      rng: getRngState(),
      callbacks: trainer.callbacks.map((c) => JSON.stringify(c.stateDict())),
      tensors: tf.memory().numTensors,
    };
    await new Tuner(trainer).lrFind(module, { trainDataloaders: loader, numTraining: 30 });
    expect(weightsOf(module)).toEqual(before.weights);
    expect(JSON.stringify(await trainer.optimizers[0]!.stateDict())).toBe(before.slots);
    expect([trainer.globalStep, trainer.currentEpoch, trainer.optimizers[0]!.paramGroups[0]!.lr]).toEqual([before.step, before.epoch, before.lr]);
    expect(module.hparams).toEqual(before.hparams);
    expect(getRngState()).toBe(before.rng);
    expect(trainer.callbacks.map((c) => JSON.stringify(c.stateDict()))).toEqual(before.callbacks);
    expect(module.trainer).toBe(trainer);
    expect(tf.memory().numTensors).toBe(before.tensors);
    // With attrName the suggestion is kept as a hyperparameter.
    const f = await new Tuner(trainer).lrFind(module, { trainDataloaders: curveLoader(), numTraining: 30, attrName: 'lr' });
    expect(module.hparams.lr).toBe(f.suggestion());
    unseed();
  });

  it('stops early when the smoothed loss diverges (scripted losses)', async () => {
    const script = [...Array.from({ length: 20 }, (_, i) => 1 - i * 0.02), ...Array.from({ length: 80 }, (_, i) => 0.6 * 1.5 ** i)];
    class Scripted extends Line {
      k = 0;
      override trainingStep(batch: Batch): tf.Scalar {
        const real = super.trainingStep(batch);
        // The loss the finder sees follows the script (times 0 of the real one, so gradients still exist).
        return tf.add(tf.mul(real, 0), script[this.k++]!) as tf.Scalar;
      }
    }
    const finder = await new Tuner(quietTrainer()).lrFind(new Scripted(), { trainDataloaders: curveLoader(), numTraining: 100 });
    expect(finder.stopped).toBe('diverged');
    const r = finder.results;
    expect(r.loss.length).toBeLessThan(40);
    const best = Math.min(...r.smoothedLoss.slice(0, -1));
    expect(r.smoothedLoss.at(-1)!).toBeGreaterThan(4 * best);
    expect(r.smoothedLoss.slice(0, -1).every((s) => s <= 4 * best)).toBe(true);
    expect(r.loss).toEqual(script.slice(0, r.loss.length).map((v) => Math.fround(v)));
  });

  it('smooths with bias correction from the first step', () => {
    expect(smoothLosses([2, 2, 2], 0.9).map((v) => +v.toFixed(12))).toEqual([2, 2, 2]);
    const s = smoothLosses([1, 3], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo((0.5 * 0.5 + 0.5 * 3) / (1 - 0.25), 12);
  });

  it('valley picks the middle of the longest descent, not a noisy spike', () => {
    const lr = Array.from({ length: 11 }, (_, i) => 10 ** (i - 8));
    const smoothed = [5, 4.9, 7, 4, 3, 2, 1, 0.9, 2, 9, 20];
    const f = new LRFinder({ lr, loss: smoothed, smoothedLoss: smoothed }, 'completed');
    // Longest falling run: 5, 4.9, 4, 3, 2, 1, 0.9 (indices 0..7); a tenth of its drop is done at index 3 (4);
    // halfway from there to the end is index 5.
    expect(f.suggestion()).toBe(lr[5]);
    expect(f.suggestion({ rule: 'minimum', skipBegin: 0 })).toBe(lr[7]! / 10);
    expect(new LRFinder({ lr: [1, 2], loss: [1, 1], smoothedLoss: [1, 1] }, 'out of data').suggestion()).toBeNull();
  });
});

/** A module whose step fails above a batch size, as a device out of memory does. */
class Limited extends Line {
  constructor(
    private readonly maxFit: number,
    private readonly message = 'Failed to allocate: out of memory',
  ) {
    super();
  }
  override trainingStep(batch: Batch): tf.Scalar {
    const [x] = batch as tf.Tensor[];
    if (x!.shape[0]! > this.maxFit) throw new Error(this.message);
    return super.trainingStep(batch);
  }
}

function bigLoader(n: number): DataLoader {
  const x = tf.tensor2d(Array.from({ length: n }, (_, i) => [i / n]));
  return new DataLoader(new TensorDataset(x, tf.mul(x, 2)), { batchSize: 4, shuffle: false });
}

describe('Tuner.scaleBatchSize', () => {
  it('power: doubles until a failure, then returns a size it ran, the margin below the largest', async () => {
    const r = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(37), { trainDataloaders: bigLoader(512) });
    expect(r.trials.map((t) => [t.batchSize, t.fits])).toEqual([[2, true], [4, true], [8, true], [16, true], [32, true], [64, false], [28, true]]);
    expect(r.largestFit).toBe(32);
    expect(r.batchSize).toBe(28);
    expect(r.trials.find((t) => t.batchSize === 64)!.outOfMemory).toBe(true);
    expect(r.cappedBy).toMatch(/^a failure at 64/);
  });

  it('binsearch: bisects to the largest that fits; only tested sizes come back', async () => {
    const r = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(37), { trainDataloaders: bigLoader(512), mode: 'binsearch' });
    expect(r.largestFit).toBe(37);
    expect(r.batchSize).toBe(33);
    const ran = new Set(r.trials.filter((t) => t.fits).map((t) => t.batchSize));
    expect(ran.has(r.batchSize!)).toBe(true);
    expect(r.trials.filter((t) => !t.fits).every((t) => t.batchSize > 37)).toBe(true);
  });

  it('respects maxVal, the dataset size and a memory limit', async () => {
    const capped = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(1000), { trainDataloaders: bigLoader(512), maxVal: 10, margin: 0 });
    expect(capped.trials.map((t) => t.batchSize)).toEqual([2, 4, 8, 10]);
    expect([capped.batchSize, capped.cappedBy]).toEqual([10, 'maxVal (10)']);
    const small = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(1000), { trainDataloaders: bigLoader(20), margin: 0 });
    expect(Math.max(...small.trials.map((t) => t.batchSize))).toBe(20);
    expect(small.cappedBy).toBe('the dataset size (20)');
    const tight = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(1000), { trainDataloaders: bigLoader(512), memoryLimitBytes: 1 });
    expect(tight.cappedBy).toMatch(/^the memory limit/);
    expect(tight.trials.every((t) => t.fits)).toBe(true);
  });

  it('recovers from a step that throws: the search ends at the last good size and the trainer still trains', async () => {
    const module = new Limited(5, 'boom: a bug in the step');
    const trainer = quietTrainer({ maxEpochs: 1 });
    const r = await new Tuner(trainer).scaleBatchSize(module, { trainDataloaders: bigLoader(64) });
    expect(r.largestFit).toBe(4);
    expect(r.trials.find((t) => !t.fits)).toMatchObject({ batchSize: 8, outOfMemory: false, error: 'boom: a bug in the step' });
    expect(r.batchSize).toBe(3); // 10% below 4, run once to be sure
    await trainer.fit(module, { trainDataloaders: bigLoader(64).withBatchSize(r.batchSize!) });
    expect(trainer.globalStep).toBe(22); // ceil(64 / 3)
  });

  it('throughput: picks the fastest size that fitted and reports every trial', async () => {
    const r = await new Tuner(quietTrainer()).scaleBatchSize(new Limited(64), { trainDataloaders: bigLoader(512), objective: 'throughput', stepsPerTrial: 3 });
    const measured = r.trials.filter((t) => t.fits && t.samplesPerSecond !== null);
    expect(measured.length).toBeGreaterThan(3);
    const fastest = measured.reduce((a, b) => (b.samplesPerSecond! > a.samplesPerSecond! ? b : a));
    expect(r.batchSize).toBe(fastest.batchSize);
  });

  it('works before and after lrFind, and as callbacks at fit start', async () => {
    const module = new Line(0.01);
    const trainer = quietTrainer({ maxEpochs: 1 });
    const tuner = new Tuner(trainer);
    const b1 = await tuner.scaleBatchSize(module, { trainDataloaders: curveLoader(), maxVal: 32 });
    const f = await tuner.lrFind(module, { trainDataloaders: curveLoader(b1.batchSize!), numTraining: 20 });
    const b2 = await tuner.scaleBatchSize(module, { trainDataloaders: curveLoader(), maxVal: 32 });
    expect(b2.batchSize).toBe(b1.batchSize);
    expect(f.results.lr.length).toBeGreaterThan(2);

    const lrCb = new LearningRateFinder({ numTraining: 30, minLr: 1e-5, maxLr: 10 });
    const bsCb = new BatchSizeFinder({ maxVal: 16, margin: 0 });
    const t2 = quietTrainer({ maxEpochs: 1, callbacks: [bsCb, lrCb] });
    const m2 = new Line(0.01);
    await t2.fit(m2, { trainDataloaders: curveLoader(4) });
    expect(bsCb.result!.batchSize).toBe(16);
    expect(t2.globalStep).toBe(4); // 64 samples in batches of 16
    expect(lrCb.suggested).not.toBeNull();
    expect(t2.optimizers[0]!.paramGroups[0]!.initialLr).toBe(lrCb.suggested);
  });
});
