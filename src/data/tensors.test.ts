import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { toTensorDataset, toTensors } from './tensors';
import { makePlayground, makeToyRegression } from './builtins/toy';
import { augmentBatch, rotateAndShift } from './images/augment-tf';
import { checkAugmentation, MILD_AUGMENTATION, NO_AUGMENTATION } from './images/augment';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toTensors', () => {
  it('uploads one split with int32 labels, or one-hot, without leaking tensors', () => {
    const ds = makePlayground('xor', { n: 50, seed: 1 });
    const before = tf.memory().numTensors;
    const { x, y } = toTensors(ds, 'validation');
    expect(x.shape).toEqual([10, 2]);
    expect(y.dtype).toBe('int32');
    const rows = [...ds.splits.validation];
    expect(Array.from(y.dataSync())).toEqual(rows.map((r) => ds.y[r]));
    expect(Array.from(x.dataSync().slice(0, 2))).toEqual([ds.x[rows[0]! * 2], ds.x[rows[0]! * 2 + 1]]);
    const hot = toTensors(ds, 'train', { labels: 'oneHot' });
    expect(hot.y.shape).toEqual([40, 2]);
    expect(hot.y.dtype).toBe('float32');
    tf.dispose([x, y, hot.x, hot.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives regression targets as [n, 1] and builds a TensorDataset', () => {
    const ds = makeToyRegression({ n: 20, seed: 2 });
    const dataset = toTensorDataset(ds, 'train');
    expect(dataset.length).toBe(16);
    const [x, y] = dataset.tensors as [tf.Tensor, tf.Tensor];
    expect(x.shape).toEqual([16, 1]);
    expect(y.shape).toEqual([16, 1]);
    const xs = x.dataSync();
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(2 * (xs[i] as number), 5));
    dataset.dispose();
  });
});

describe('augmentBatch', () => {
  const image = (): tf.Tensor4D => {
    // Two 5×5 images with one bright pixel left of centre.
    const data = new Float32Array(2 * 25);
    data[2 * 5 + 1] = 1;
    data[25 + 2 * 5 + 1] = 1;
    return tf.tensor4d(data, [2, 5, 5, 1]);
  };

  it('flips each image or leaves it, never anything else', () => {
    const x = image();
    const out = augmentBatch(x, { ...NO_AUGMENTATION, flipHorizontal: true }, 3);
    const v = out.dataSync();
    for (let b = 0; b < 2; b++) {
      const at = [...v.slice(b * 25, b * 25 + 25)].indexOf(1);
      expect([11, 13]).toContain(at);
    }
    const again = augmentBatch(x, { ...NO_AUGMENTATION, flipHorizontal: true }, 3);
    expect(Array.from(again.dataSync())).toEqual(Array.from(v));
    tf.dispose([x, out, again]);
  });

  it('shifts by at most maxShift and keeps the image otherwise intact', () => {
    const x = image();
    const out = augmentBatch(x, { ...NO_AUGMENTATION, maxShift: 0.2 }, 5);
    const v = out.dataSync();
    // Bilinear sampling spreads the pixel, but its mass stays within one pixel of the shift range.
    for (let b = 0; b < 2; b++) {
      const img = [...v.slice(b * 25, b * 25 + 25)];
      const total = img.reduce((a, c) => a + c, 0);
      expect(total).toBeGreaterThan(0.5);
      const cx = img.reduce((a, c, i) => a + c * (i % 5), 0) / total;
      expect(Math.abs(cx - 1)).toBeLessThanOrEqual(1.01);
    }
    tf.dispose([x, out]);
  });

  it('rotates and shifts each image of a batch by its own amount', () => {
    // Image 0: top-middle pixel lit. Image 1: the same. Angles 0 and 90°, shifts (1, 0) and none.
    const data = new Float32Array(18);
    data[1] = 1;
    data[9 + 1] = 1;
    const x = tf.tensor4d(data, [2, 3, 3, 1]);
    const out = rotateAndShift(x, tf.tensor1d([0, Math.PI / 2]), tf.tensor1d([1, 0]), tf.tensor1d([0, 0]));
    const v = Array.from(out.dataSync()).map((p) => Math.round(p * 100) / 100);
    expect(v.slice(0, 9)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]); // moved one pixel right
    expect(v.slice(9)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]); // top-middle turned to middle-right
    tf.dispose([x, out]);
  });

  it('changes brightness by one clipped offset per image, and leaks nothing', () => {
    const x = tf.fill([3, 4, 4, 1], 0.5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = augmentBatch(x, { ...NO_AUGMENTATION, maxBrightness: 0.2 }, 9);
    const v = out.dataSync();
    for (let b = 0; b < 3; b++) {
      const img = [...v.slice(b * 16, b * 16 + 16)];
      expect(new Set(img.map((p) => p.toFixed(5))).size).toBe(1);
      expect(Math.abs((img[0] as number) - 0.5)).toBeLessThanOrEqual(0.2);
    }
    const all = augmentBatch(x, MILD_AUGMENTATION, 1);
    expect(all.shape).toEqual([3, 4, 4, 1]);
    tf.dispose([out, all]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    expect(() => checkAugmentation({ ...NO_AUGMENTATION, maxRotation: 400 })).toThrow('`maxRotation` must be a number in [0, 180], got 400');
  });
});
