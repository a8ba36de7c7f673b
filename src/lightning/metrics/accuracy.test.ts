import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy, accuracy } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Row by row (C = 3): r1 is a tie between classes 0 and 1 that the lower
// index wins, so it is wrong at top-1 but right at top-2; r2 is the same tie
// with target 0 (right); r3's target is ranked last (wrong even at top-2).
const SCORES = [
  [0.1, 0.7, 0.2], // t=1 ✓
  [0.4, 0.4, 0.2], // t=1 ✗ (tie → 0), top-2 ✓
  [0.4, 0.4, 0.2], // t=0 ✓
  [0.5, 0.3, 0.2], // t=2 ✗, top-2 ✗
  [0.2, 0.3, 0.5], // t=1 ✗, top-2 ✓
];
const LABELS = [1, 1, 0, 2, 1];

async function run(metric: Accuracy, batches: Array<[tf.Tensor, tf.Tensor]>): Promise<number> {
  for (const [p, t] of batches) metric.update(p, t);
  return metric.compute();
}

describe('Accuracy, binary', () => {
  // preds > 0.5 → [1, 0, 0, 1, 1]: 0.5 itself is negative (strict, as torchmetrics).
  const probs = [0.9, 0.5, 0.2, 0.7, 0.51];
  const target = [1, 1, 0, 0, 0];

  it('thresholds probabilities strictly and counts matches', async () => {
    expect(await run(new Accuracy({ task: 'binary' }), [[tf.tensor1d(probs), tf.tensor1d(target)]])).toBeCloseTo(2 / 5, 6);
  });

  it('accepts [N, 1] preds with [N] int32 targets, and a custom threshold', async () => {
    const preds = tf.tensor2d(probs, [5, 1]);
    const t = tf.tensor1d(target, 'int32');
    // threshold 0.6 → [1, 0, 0, 1, 0]: rows 0, 2, 4 right.
    expect(await run(new Accuracy({ task: 'binary', threshold: 0.6 }), [[preds, t]])).toBeCloseTo(3 / 5, 6);
  });

  it('takes logits with threshold 0 (same decision as sigmoid > 0.5)', async () => {
    const logits = tf.tensor1d([2.2, -0.1, -1.4, 0.8, 0.04]); // signs match probs above
    expect(await run(new Accuracy({ task: 'binary', threshold: 0 }), [[logits, tf.tensor1d(target)]])).toBeCloseTo(2 / 5, 6);
  });
});

describe('Accuracy, multiclass', () => {
  it('uses argmax with ties going to the lower class index', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3 });
    expect(await run(acc, [[tf.tensor2d(SCORES), tf.tensor1d(LABELS, 'int32')]])).toBeCloseTo(2 / 5, 6);
  });

  it('top-2 counts a row right when the target is among the two highest scores', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3, topK: 2 });
    expect(await run(acc, [[tf.tensor2d(SCORES), tf.tensor1d(LABELS, 'int32')]])).toBeCloseTo(4 / 5, 6);
    const top3 = new Accuracy({ task: 'multiclass', numClasses: 3, topK: 3 });
    expect(await run(top3, [[tf.tensor2d(SCORES), tf.tensor1d(LABELS, 'int32')]])).toBe(1);
  });

  it('takes class-index preds, float targets and one-hot targets', async () => {
    const predIdx = tf.tensor1d([1, 0, 0, 0, 2], 'int32'); // the argmax of SCORES
    const floatTarget = tf.tensor1d(LABELS); // float32 class indices
    const oneHot = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 3);
    expect(await run(new Accuracy({ task: 'multiclass', numClasses: 3 }), [[predIdx, floatTarget]])).toBeCloseTo(2 / 5, 6);
    expect(await run(new Accuracy({ task: 'multiclass', numClasses: 3 }), [[tf.tensor2d(SCORES), oneHot]])).toBeCloseTo(2 / 5, 6);
  });

  it('never counts a target outside [0, numClasses) as right', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3 });
    const preds = tf.tensor2d([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05]]);
    expect(await run(acc, [[preds, tf.tensor1d([0, 7], 'int32')]])).toBeCloseTo(1 / 2, 6);
  });

  it('accumulates over batches exactly like one batch of all rows', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3, topK: 2 });
    acc.update(tf.tensor2d(SCORES.slice(0, 2)), tf.tensor1d(LABELS.slice(0, 2), 'int32'));
    acc.update(tf.tensor2d(SCORES.slice(2, 3)), tf.tensor1d(LABELS.slice(2, 3), 'int32'));
    acc.update(tf.tensor2d(SCORES.slice(3)), tf.tensor1d(LABELS.slice(3), 'int32'));
    expect(await acc.compute()).toBeCloseTo(4 / 5, 6);
    // Batches of unequal size: not a mean of per-batch accuracies (1, 1, 1/2 → 0.833).
    expect(await acc.compute()).not.toBeCloseTo(5 / 6, 3);
  });

  it('reset forgets earlier batches; compute before any update is 0', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3 });
    expect(await acc.compute()).toBe(0);
    acc.update(tf.tensor2d(SCORES), tf.tensor1d(LABELS, 'int32'));
    acc.reset();
    expect(await acc.compute()).toBe(0);
    acc.update(tf.tensor2d([[0, 0, 1]]), tf.tensor1d([2], 'int32'));
    expect(await acc.compute()).toBe(1);
    acc.dispose();
  });

  it('ignores an empty batch', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3 });
    acc.update(tf.zeros([0, 3]), tf.zeros([0], 'int32'));
    expect(await acc.compute()).toBe(0);
    acc.update(tf.tensor2d([[0, 0, 1]]), tf.tensor1d([2], 'int32'));
    acc.update(tf.zeros([0, 3]), tf.zeros([0], 'int32'));
    expect(await acc.compute()).toBe(1);
    const empty = accuracy(tf.zeros([0, 3]), tf.zeros([0], 'int32'), { task: 'multiclass', numClasses: 3 });
    expect(empty.shape).toEqual([]);
    expect((await empty.data())[0]).toBe(0);
  });
});

describe('accuracy (functional) and forward', () => {
  it('returns a scalar tensor without touching any state', async () => {
    const value = accuracy(tf.tensor2d(SCORES), tf.tensor1d(LABELS, 'int32'), { task: 'multiclass', numClasses: 3, topK: 2 });
    expect(value.shape).toEqual([]);
    expect((await value.data())[0]).toBeCloseTo(4 / 5, 6);
  });

  it('forward returns the batch value and also accumulates', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3 });
    const first = acc.forward(tf.tensor2d(SCORES.slice(0, 1)), tf.tensor1d([1], 'int32')); // right
    const second = acc.forward(tf.tensor2d(SCORES.slice(3, 4)), tf.tensor1d([2], 'int32')); // wrong
    expect((await first.data())[0]).toBe(1);
    expect((await second.data())[0]).toBe(0);
    expect(await acc.compute()).toBeCloseTo(1 / 2, 6);
  });
});

describe('Accuracy validation', () => {
  const mc = () => new Accuracy({ task: 'multiclass', numClasses: 3 });

  it('names the metric and both row counts', () => {
    expect(() => mc().update(tf.zeros([5, 3]), tf.zeros([4], 'int32'))).toThrow(
      'Accuracy: preds has 5 rows but target has 4 (preds [5, 3], target [4])',
    );
  });

  it('rejects preds whose columns disagree with numClasses', () => {
    expect(() => mc().update(tf.zeros([2, 4]), tf.zeros([2], 'int32'))).toThrow('Accuracy: preds has 4 columns but numClasses is 3');
  });

  it('rejects wrong ranks and two-column binary preds', () => {
    expect(() => mc().update(tf.zeros([2, 3, 1]), tf.zeros([2]))).toThrow('Accuracy: preds must have shape [N] or [N, C], got [2, 3, 1]');
    expect(() => new Accuracy({ task: 'binary' }).update(tf.zeros([2, 2]), tf.zeros([2]))).toThrow(
      "task 'binary' expects preds of shape [N] or [N, 1], got [2, 2]",
    );
  });

  it('rejects bad options, naming the option and value', () => {
    expect(() => new Accuracy({ task: 'multiclass' })).toThrow("Accuracy: task 'multiclass' needs `numClasses`, an integer ≥ 2, got undefined");
    expect(() => new Accuracy({ task: 'multiclass', numClasses: 3, topK: 4 })).toThrow('`topK` must be at most numClasses (3), got 4');
    expect(() => new Accuracy({ task: 'multiclass', numClasses: 3, topK: 1.5 })).toThrow('`topK` must be a positive integer, got 1.5');
    expect(() => new Accuracy({ task: 'binary', topK: 2 })).toThrow("`topK` applies to task 'multiclass' only");
    expect(() => new Accuracy({ task: 'binary', threshold: Number.NaN })).toThrow('`threshold` must be a finite number, got NaN');
    expect(() => new Accuracy({ task: 'multilabel' as 'binary' })).toThrow(`\`task\` must be 'binary' or 'multiclass', got "multilabel"`);
  });

  it('topK > 1 needs per-class scores', () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 3, topK: 2 });
    expect(() => acc.update(tf.zeros([2], 'int32'), tf.zeros([2], 'int32'))).toThrow('Accuracy: topK > 1 needs preds of per-class scores [N, 3], got [2]');
  });
});
