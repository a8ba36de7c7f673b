// Augmentation in a real run: training batches only, seeded, no leaks, clear errors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_AUGMENTATION, type AugmentationSpec } from '../data';
import type { Batch } from '../lightning';
import { quietTrainer } from '../lightning/testing/boring';
import type { LoadedData } from './dataset-report';
import type { RunConfig } from './protocol';
import { buildRun, mixSeed } from './run';
import { leftBrightImages as leftBrightFixture } from './image-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIDE = 6;

function leftBrightImages(): LoadedData {
  return leftBrightFixture({ side: SIDE, rows: 48, classes: 2, validation: [32, 48] });
}

const FLIP: AugmentationSpec = { ...NO_AUGMENTATION, flipHorizontal: true };

function config(augmentation: AugmentationSpec | null, seed = 3): RunConfig {
  return { dataset: 'halves', accelerator: 'cpu', maxEpochs: 2, batchSize: 8, learningRate: 0.01, seed, augmentation };
}

/** Left-half sum minus right-half sum of each image in a batch: > 0 as loaded, < 0 when flipped. */
function sides(x: tf.Tensor): number[] {
  const v = x.dataSync();
  const per = SIDE * SIDE;
  const out: number[] = [];
  for (let n = 0; n < x.shape[0]!; n++) {
    let d = 0;
    for (let i = 0; i < SIDE; i++) for (let j = 0; j < SIDE; j++) d += (j < SIDE / 2 ? 1 : -1) * v[n * per + i * SIDE + j]!;
    out.push(Math.sign(Math.round(d * 1000)));
  }
  return out;
}

/** Trains a built run, recording the sides of every image each step sees. */
async function trainRecording(c: RunConfig): Promise<{ train: number[]; val: number[]; weights: Float32Array; summary: string }> {
  const built = await buildRun(c, leftBrightImages());
  const train: number[] = [];
  const val: number[] = [];
  const m = built.module;
  const trainingStep = m.trainingStep.bind(m);
  const validationStep = m.validationStep!.bind(m);
  m.trainingStep = (batch: Batch, i: number) => {
    train.push(...sides((batch as tf.Tensor[])[0]!));
    return trainingStep(batch, i);
  };
  m.validationStep = (batch: Batch, i: number, d: number) => {
    val.push(...sides((batch as tf.Tensor[])[0]!));
    return validationStep(batch, i, d);
  };
  const trainer = quietTrainer({ maxEpochs: c.maxEpochs });
  await trainer.fit(m, { trainDataloaders: built.train, valDataloaders: built.val! });
  const weights = Float32Array.from(m.parameters()[0]!.dataSync());
  trainer.optimizers.forEach((o) => o.dispose());
  const summary = built.summary;
  built.dispose();
  return { train, val, weights, summary };
}

describe('training-time augmentation in a run', () => {
  it('flips training images only, never validation images, and says so in the run summary', async () => {
    const run = await trainRecording(config(FLIP));
    expect(run.train).toHaveLength(64);
    const flipped = run.train.filter((s) => s < 0).length;
    // Each image is flipped with probability 1/2: 64 draws land well inside (10, 54).
    expect(flipped).toBeGreaterThan(10);
    expect(flipped).toBeLessThan(54);
    expect(run.val.length).toBeGreaterThan(0);
    expect(run.val.every((s) => s > 0)).toBe(true);
    expect(run.summary).toContain('augmentation: horizontal flip');
  });

  it('leaves the batches alone without augmentation', async () => {
    const run = await trainRecording(config(null));
    expect(run.train.every((s) => s > 0)).toBe(true);
    expect(run.summary).not.toContain('augmentation');
  });

  it('repeats the same draws and the same weights for the same seed, and differs for another seed', async () => {
    const a = await trainRecording(config(FLIP, 11));
    const b = await trainRecording(config(FLIP, 11));
    const c = await trainRecording(config(FLIP, 12));
    expect(b.train).toEqual(a.train);
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    expect(c.train).not.toEqual(a.train);
  });

  it('leaks no tensors over a run with every kind of augmentation', async () => {
    const before = tf.memory().numTensors;
    await trainRecording(config({ flipHorizontal: true, flipVertical: true, maxShift: 0.2, maxRotation: 20, maxBrightness: 0.2 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses augmentation for a table, naming the field and the dataset', async () => {
    const table = leftBrightImages();
    table.dataset = { ...table.dataset, name: 'people.csv', inputShape: [SIDE * SIDE] };
    const before = tf.memory().numTensors;
    await expect(buildRun(config(FLIP), table)).rejects.toThrow('`augmentation` applies to image datasets; "people.csv" has rows of shape [36]');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad augmentation spec with the field and the value', async () => {
    await expect(buildRun(config({ ...FLIP, maxRotation: 400 }), leftBrightImages())).rejects.toThrow('`augmentation`: `maxRotation` must be a number in [0, 180], got 400');
    await expect(buildRun(config('mild' as unknown as AugmentationSpec), leftBrightImages())).rejects.toThrow('`augmentation`: augmentation must be an object, got "mild"');
  });
});

describe('mixSeed', () => {
  it('gives distinct 31-bit seeds for nearby runs and steps, and the same for the same pair', () => {
    const seen = new Set<number>();
    for (const seed of [-2, -1, 0, 1, 2, 1_000_003, 1_000_004]) for (let step = 0; step < 200; step++) seen.add(mixSeed(seed, step));
    expect(seen.size).toBe(7 * 200);
    for (const v of seen) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 31).toBe(true);
    expect(mixSeed(5, 9)).toBe(mixSeed(5, 9));
  });
});
