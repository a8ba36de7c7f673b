import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfusionMatrix, confusionMatrix } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TARGET = [0, 0, 0, 1, 1, 2, 2, 2];
const PRED = [0, 0, 1, 1, 3, 0, 1, 1];
// Rows = true class, columns = predicted class.
const COUNTS = [
  [2, 1, 0, 0], // true 0 predicted as 0, 0, 1
  [0, 1, 0, 1], // true 1 predicted as 1, 3
  [1, 2, 0, 0], // true 2 predicted as 0, 1, 1 (class 2 is never predicted)
  [0, 0, 0, 0], // class 3 has no support
];

describe('ConfusionMatrix', () => {
  it('counts (true, predicted) pairs with rows = true class', async () => {
    const cm = new ConfusionMatrix({ task: 'multiclass', numClasses: 4 });
    cm.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    expect(await cm.compute()).toEqual(COUNTS);
  });

  it('takes scores and one-hot targets, over several batches', async () => {
    const cm = new ConfusionMatrix({ task: 'multiclass', numClasses: 4 });
    const scores = tf.oneHot(tf.tensor1d(PRED, 'int32'), 4, 3, -1, 'float32'); // logits-like
    const oneHot = tf.oneHot(tf.tensor1d(TARGET, 'int32'), 4);
    cm.update(tf.slice(scores, [0, 0], [5, 4]), tf.slice(oneHot, [0, 0], [5, 4]));
    cm.update(tf.slice(scores, [5, 0], [3, 4]), tf.slice(oneHot, [5, 0], [3, 4]));
    expect(await cm.compute()).toEqual(COUNTS);
  });

  it('binary gives [[tn, fp], [fn, tp]]', async () => {
    const cm = new ConfusionMatrix({ task: 'binary' });
    // preds > 0.5 → [1, 0, 0, 1, 1] vs target [1, 1, 0, 0, 0].
    cm.update(tf.tensor1d([0.9, 0.5, 0.2, 0.7, 0.51]), tf.tensor1d([1, 1, 0, 0, 0]));
    expect(await cm.compute()).toEqual([
      [1, 2],
      [1, 1],
    ]);
  });

  it('normalizes rows, columns or all, leaving empty ones at 0', async () => {
    const run = async (normalize: 'true' | 'pred' | 'all') => {
      const cm = new ConfusionMatrix({ task: 'multiclass', numClasses: 4, normalize });
      cm.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
      return cm.compute();
    };
    const rows = await run('true');
    [[2 / 3, 1 / 3, 0, 0], [0, 1 / 2, 0, 1 / 2], [1 / 3, 2 / 3, 0, 0], [0, 0, 0, 0]].forEach((row, i) =>
      row.forEach((v, j) => expect(rows[i][j]).toBeCloseTo(v, 6)),
    );
    const cols = await run('pred');
    expect(cols[0][0]).toBeCloseTo(2 / 3, 6); // column 0 holds 3 predictions
    expect(cols[2][1]).toBeCloseTo(2 / 4, 6); // column 1 holds 4
    expect(cols[1][3]).toBeCloseTo(1, 6);
    expect(cols.map((r) => r[2])).toEqual([0, 0, 0, 0]); // never predicted
    const all = await run('all');
    expect(all[2][1]).toBeCloseTo(2 / 8, 6);
  });

  it('is all zeros before any update and after reset', async () => {
    const cm = new ConfusionMatrix({ task: 'multiclass', numClasses: 3 });
    const zeros = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    expect(await cm.compute()).toEqual(zeros);
    cm.update(tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 1], 'int32'));
    cm.reset();
    expect(await cm.compute()).toEqual(zeros);
  });

  it('functional form returns a [C, C] device tensor', async () => {
    const t = confusionMatrix(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'), { task: 'multiclass', numClasses: 4 });
    expect(t.shape).toEqual([4, 4]);
    expect(await t.array()).toEqual(COUNTS);
  });

  it('rejects a bad normalize and a one-hot target of the wrong width', () => {
    expect(() => new ConfusionMatrix({ task: 'binary', normalize: 'rows' as 'true' })).toThrow(
      'ConfusionMatrix: `normalize` must be one of none, true, pred, all, got "rows"',
    );
    const cm = new ConfusionMatrix({ task: 'multiclass', numClasses: 4 });
    expect(() => cm.update(tf.zeros([2], 'int32'), tf.zeros([2, 3]))).toThrow('ConfusionMatrix: target has 3 columns but numClasses is 4');
  });
});
