import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeanAbsoluteError, MeanSquaredError, R2Score, meanAbsoluteError, meanSquaredError, r2Score } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Errors 0, -1, 1, -2: squared 0, 1, 1, 4 (sum 6), absolute sum 4.
// Target mean 3, total sum of squares 4 + 0 + 1 + 9 = 14, so R² = 1 - 6/14 = 4/7.
const PREDS = [1, 2, 3, 4];
const TARGET = [1, 3, 2, 6];

describe('MeanSquaredError and MeanAbsoluteError', () => {
  it('match hand-computed values, RMSE being the root of the pooled mean', async () => {
    const mse = new MeanSquaredError();
    const rmse = new MeanSquaredError({ squared: false });
    const mae = new MeanAbsoluteError();
    for (const m of [mse, rmse, mae]) m.update(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    expect(await mse.compute()).toBeCloseTo(1.5, 6);
    expect(await rmse.compute()).toBeCloseTo(Math.sqrt(1.5), 6);
    expect(await mae.compute()).toBeCloseTo(1, 6);
  });

  it('mix [N] and [N, 1], average [N, k] over every element', async () => {
    const mse = new MeanSquaredError();
    mse.update(tf.tensor2d(PREDS, [4, 1]), tf.tensor1d(TARGET));
    expect(await mse.compute()).toBeCloseTo(1.5, 6);
    const wide = new MeanAbsoluteError();
    // Second column exact: (4 + 0) / 8 elements.
    wide.update(tf.tensor2d(PREDS.flatMap((p) => [p, 7]), [4, 2]), tf.tensor2d(TARGET.flatMap((t) => [t, 7]), [4, 2]));
    expect(await wide.compute()).toBeCloseTo(0.5, 6);
  });

  it('accumulate uneven batches exactly (not a mean of batch means)', async () => {
    const rmse = new MeanSquaredError({ squared: false });
    rmse.update(tf.tensor1d(PREDS.slice(0, 1)), tf.tensor1d(TARGET.slice(0, 1)));
    rmse.update(tf.tensor1d(PREDS.slice(1)), tf.tensor1d(TARGET.slice(1)));
    expect(await rmse.compute()).toBeCloseTo(Math.sqrt(1.5), 6);
  });

  it('are NaN before any update and after reset', async () => {
    const mse = new MeanSquaredError();
    expect(await mse.compute()).toBeNaN();
    mse.update(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    mse.reset();
    expect(await mse.compute()).toBeNaN();
    expect(await new MeanAbsoluteError().compute()).toBeNaN();
  });

  it('functional forms return scalar device tensors', async () => {
    expect((await meanSquaredError(tf.tensor1d(PREDS), tf.tensor1d(TARGET), { squared: false }).data())[0]).toBeCloseTo(Math.sqrt(1.5), 6);
    const mae = meanAbsoluteError(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    expect(mae.shape).toEqual([]);
    expect((await mae.data())[0]).toBeCloseTo(1, 6);
  });
});

describe('R2Score', () => {
  it('matches the hand-computed value', async () => {
    const r2 = new R2Score();
    r2.update(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    expect(await r2.compute()).toBeCloseTo(4 / 7, 6);
  });

  it('is 1 for a perfect prediction and 0 for predicting the mean', async () => {
    const y = [1, 2, 3, 4, 10];
    const perfect = new R2Score();
    perfect.update(tf.tensor1d(y), tf.tensor1d(y));
    expect(await perfect.compute()).toBe(1);
    const mean = new R2Score();
    mean.update(tf.fill([5], 4), tf.tensor1d(y));
    expect(await mean.compute()).toBeCloseTo(0, 6);
    const worse = new R2Score();
    worse.update(tf.fill([5], 0), tf.tensor1d(y));
    expect(await worse.compute()).toBeLessThan(0);
  });

  it('averages per-output scores uniformly', async () => {
    const r2 = new R2Score();
    // Column 0 scores 4/7, column 1 is exact (1).
    r2.update(tf.tensor2d(PREDS.flatMap((p, i) => [p, i * i]), [4, 2]), tf.tensor2d(TARGET.flatMap((t, i) => [t, i * i]), [4, 2]));
    expect(await r2.compute()).toBeCloseTo((4 / 7 + 1) / 2, 6);
  });

  it('over uneven batches equals one batch of all rows, with a later batch far from the first mean', async () => {
    const rows = 40;
    const target = Array.from({ length: rows }, (_, i) => Math.sin(i) * 3 + (i >= 30 ? 20 : 0));
    const preds = target.map((t, i) => t + Math.cos(i * 7));
    const once = (await r2Score(tf.tensor1d(preds), tf.tensor1d(target)).data())[0];
    const r2 = new R2Score();
    for (const [lo, hi] of [[0, 1], [1, 17], [17, 30], [30, 40]]) {
      r2.update(tf.tensor1d(preds.slice(lo, hi)), tf.tensor1d(target.slice(lo, hi)));
    }
    expect(await r2.compute()).toBeCloseTo(once, 5);
    // Reference in float64 from the same float32 inputs.
    const y = Float32Array.from(target);
    const p = Float32Array.from(preds);
    const mean = y.reduce((a, b) => a + b, 0) / rows;
    const rss = y.reduce((a, v, i) => a + (v - p[i]) ** 2, 0);
    const tss = y.reduce((a, v) => a + (v - mean) ** 2, 0);
    expect(once).toBeCloseTo(1 - rss / tss, 5);
  });

  it('stays accurate when the targets sit far from 0 (float32 cancellation)', async () => {
    // Mean 10000, spread ~0.3: Σy² − (Σy)²/n in float32 would lose every digit.
    const rows = 200;
    const y = Float32Array.from({ length: rows }, (_, i) => 10000 + ((i * 37) % 100) / 100);
    const p = Float32Array.from(y, (v, i) => v + (i % 2 === 0 ? 0.05 : -0.05));
    const r2 = new R2Score();
    for (let lo = 0; lo < rows; lo += 50) r2.update(tf.tensor1d(p.slice(lo, lo + 50)), tf.tensor1d(y.slice(lo, lo + 50)));
    const mean = y.reduce((a, b) => a + b, 0) / rows;
    const rss = y.reduce((a, v, i) => a + (v - p[i]) ** 2, 0);
    const tss = y.reduce((a, v) => a + (v - mean) ** 2, 0);
    expect(await r2.compute()).toBeCloseTo(1 - rss / tss, 3);
  });

  it('follows scikit-learn on constant targets, and is NaN under 2 rows or before any update', async () => {
    const exact = new R2Score();
    exact.update(tf.tensor1d([5, 5, 5]), tf.tensor1d([5, 5, 5]));
    expect(await exact.compute()).toBe(1);
    const off = new R2Score();
    off.update(tf.tensor1d([5, 6, 5]), tf.tensor1d([5, 5, 5]));
    expect(await off.compute()).toBe(0);
    const one = new R2Score();
    one.update(tf.tensor1d([1]), tf.tensor1d([2]));
    expect(await one.compute()).toBeNaN();
    one.update(tf.tensor1d([2]), tf.tensor1d([3])); // now 2 rows: targets 2, 3; rss 2; tss 0.5
    expect(await one.compute()).toBeCloseTo(1 - 2 / 0.5, 6);
    expect(await new R2Score().compute()).toBeNaN();
  });

  it('reset forgets the shift and the number of outputs', async () => {
    const r2 = new R2Score();
    r2.update(tf.zeros([3, 2]), tf.ones([3, 2]));
    r2.reset();
    r2.update(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    expect(await r2.compute()).toBeCloseTo(4 / 7, 6);
  });
});

describe('regression validation', () => {
  it('names the metric and the shapes', () => {
    expect(() => new MeanSquaredError().update(tf.zeros([5]), tf.zeros([4]))).toThrow(
      'MeanSquaredError: preds has 5 rows but target has 4 (preds [5], target [4])',
    );
    expect(() => new R2Score().update(tf.zeros([4, 3]), tf.zeros([4, 2]))).toThrow(
      'R2Score: preds has 3 outputs but target has 2 (preds [4, 3], target [4, 2])',
    );
    expect(() => new MeanAbsoluteError().update(tf.zeros([2, 2, 2]), tf.zeros([2, 2, 2]))).toThrow(
      'MeanAbsoluteError: preds must have shape [N], [N, 1] or [N, k], got [2, 2, 2]',
    );
  });

  it('rejects a change in the number of outputs between batches, keeping the state', async () => {
    const r2 = new R2Score();
    r2.update(tf.tensor1d(PREDS), tf.tensor1d(TARGET));
    expect(() => r2.update(tf.zeros([2, 2]), tf.zeros([2, 2]))).toThrow(
      'R2Score: target has 2 outputs [2, 2] but earlier batches had 1; call reset() before changing the number of outputs',
    );
    expect(await r2.compute()).toBeCloseTo(4 / 7, 6);
  });
});
