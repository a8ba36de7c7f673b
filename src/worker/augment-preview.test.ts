// The augmentation preview: real training images, the run's own augmentBatch, no leaks, clear refusals.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_AUGMENTATION } from '../data';
import { augmentationPreview, PREVIEW_DRAWS, PREVIEW_IMAGES } from './augment-preview';
import type { LoadedData } from './dataset-report';
import { commandResult, Harness } from './session-fixture';
import { leftBrightImages } from './image-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIDE = 8;

/** Three classes (row r is class r % 3); rows 0–2 are validation. */
function images(): LoadedData {
  return leftBrightImages({ side: SIDE, rows: 30, classes: 3, validation: [0, 3] });
}

/** +1 when the thumbnail's left half is brighter than its right half, -1 when mirrored. */
function side(t: { width: number; height: number; rgba: Uint8ClampedArray }): number {
  let d = 0;
  for (let i = 0; i < t.height; i++) for (let j = 0; j < t.width; j++) d += (j < t.width / 2 ? 1 : -1) * t.rgba[(i * t.width + j) * 4]!;
  return Math.sign(d);
}

describe('augmentation preview', () => {
  it('shows training images of every class, each as loaded and as several draws of the augmentation', async () => {
    const before = tf.memory().numTensors;
    const p = await augmentationPreview(images(), { ...NO_AUGMENTATION, flipHorizontal: true }, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.images).toHaveLength(PREVIEW_IMAGES);
    expect(p.images.map((im) => im.original.label)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    // Training rows only: the validation rows 0–2 are never shown.
    expect(p.images.map((im) => im.original.path)).toEqual(['#3', '#4', '#5', '#6', '#7', '#8']);
    expect(p.images.every((im) => side(im.original) === 1)).toBe(true);
    const draws = p.images.flatMap((im) => im.augmented.map(side));
    expect(draws).toHaveLength(PREVIEW_IMAGES * PREVIEW_DRAWS);
    // Each draw flips with probability 1/2: 24 draws show both outcomes.
    expect(draws).toContain(1);
    expect(draws).toContain(-1);
  });

  it('repeats for a seed and changes with another', async () => {
    const spec = { ...NO_AUGMENTATION, flipHorizontal: true, maxBrightness: 0.3 };
    const a = await augmentationPreview(images(), spec, 2);
    const b = await augmentationPreview(images(), spec, 2);
    const c = await augmentationPreview(images(), spec, 3);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('refuses tables and bad settings, naming them', async () => {
    const table = images();
    table.dataset = { ...table.dataset, name: 'people.csv', inputShape: [64] };
    await expect(augmentationPreview(table, NO_AUGMENTATION, 1)).rejects.toThrow('augmentation applies to image datasets; "people.csv" has rows of shape [64]');
    await expect(augmentationPreview(images(), { ...NO_AUGMENTATION, maxShift: 3 }, 1)).rejects.toThrow('`augmentation`: `maxShift` must be a number in [0, 0.5], got 3');
  });

  it('answers through the session on a built-in (MNIST), and a failure in the same command\'s reply', async () => {
    const h = new Harness();
    await commandResult(h, { type: 'loadBuiltin', request: { name: 'mnist' } });
    const ok = await commandResult(h, { type: 'previewAugmentation', augmentation: { ...NO_AUGMENTATION, maxRotation: 20 }, seed: 1 });
    expect(ok.images.map((im) => im.original.label)).toEqual(['0', '1', '2', '3', '4', '5']);
    await commandResult(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    await expect(commandResult(h, { type: 'previewAugmentation', augmentation: NO_AUGMENTATION, seed: 1 })).rejects.toThrow('augmentation applies to image datasets; "iris" has rows of shape [4]');
  });
});
