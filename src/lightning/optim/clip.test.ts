import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue, gradNorm } from './clip';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function values(map: tf.NamedTensorMap): Record<string, number[]> {
  return Object.fromEntries(Object.entries(map).map(([k, t]) => [k, Array.from(t.dataSync())]));
}

describe('clipGradNorm', () => {
  it('scales by maxNorm / (norm + 1e-6) when the total 2-norm is too large', () => {
    tf.tidy(() => {
      const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) }; // total norm 5
      const { grads: out, totalNorm } = clipGradNorm(grads, 1);
      expect(totalNorm.dataSync()[0]).toBeCloseTo(5, 6);
      const coef = 1 / (5 + 1e-6);
      expect(values(out).a![0]).toBeCloseTo(3 * coef, 6);
      expect(values(out).b![1]).toBeCloseTo(4 * coef, 6);
      expect(out.b!.shape).toEqual([1, 2]);
    });
  });

  it('leaves gradients under the limit unchanged', () => {
    tf.tidy(() => {
      const { grads } = clipGradNorm({ a: tf.tensor1d([0.3, -0.4]) }, 1);
      expect(values(grads).a).toEqual([Math.fround(0.3), Math.fround(-0.4)]);
    });
  });

  it('supports the inf-norm and other p-norms as PyTorch computes them', () => {
    tf.tidy(() => {
      const grads = { a: tf.tensor1d([1, -2]), b: tf.tensor1d([3]) };
      expect(gradNorm(grads, Infinity).dataSync()[0]).toBe(3);
      expect(gradNorm(grads, 1).dataSync()[0]).toBe(6);
      // p = 3: (1 + 8 + 27)^(1/3)
      expect(gradNorm(grads, 3).dataSync()[0]).toBeCloseTo(Math.cbrt(36), 5);
      const { grads: out } = clipGradNorm(grads, 1.5, Infinity);
      expect(values(out).b![0]).toBeCloseTo((3 * 1.5) / (3 + 1e-6), 6);
    });
  });

  it('returns a zero norm for no gradients and does not leak', () => {
    const before = tf.memory().numTensors;
    const { grads, totalNorm } = clipGradNorm({}, 1);
    expect(grads).toEqual({});
    expect(totalNorm.dataSync()[0]).toBe(0);
    totalNorm.dispose();
    const inputs = { a: tf.tensor1d([10, 10]) };
    const out = clipGradNorm(inputs, 1);
    expect(tf.memory().numTensors).toBe(before + 3); // input, clipped grad, total norm
    tf.dispose([inputs.a, out.grads.a!, out.totalNorm]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates its arguments', () => {
    expect(() => clipGradNorm({}, -1)).toThrow('`maxNorm` must be a non-negative number, got -1');
    expect(() => clipGradNorm({}, 1, 0)).toThrow('`normType` must be a positive number or Infinity, got 0');
  });
});

describe('clipGradValue', () => {
  it('clamps every element into [-clipValue, clipValue]', () => {
    tf.tidy(() => {
      const out = clipGradValue({ a: tf.tensor1d([-3, 0.05, 2]) }, 0.1);
      expect(values(out).a).toEqual([Math.fround(-0.1), Math.fround(0.05), Math.fround(0.1)]);
    });
    expect(() => clipGradValue({}, Number.NaN)).toThrow('`clipValue` must be a non-negative number, got NaN');
  });
});
