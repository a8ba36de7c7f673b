import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy, F1Score, Precision, Recall, f1Score, precision, recall, type Average } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Hand-worked example, 4 classes (5 in some tests: class 4 never appears).
//   class 0: tp 2, predicted 3, support 3 → P 2/3, R 2/3, F1 2·2/(3+3) = 2/3
//   class 1: tp 1, predicted 4, support 2 → P 1/4, R 1/2, F1 2/(4+2)   = 1/3
//   class 2: tp 0, predicted 0, support 3 → never predicted: P 0 (0/0), R 0, F1 0
//   class 3: tp 0, predicted 1, support 0 → no support:     P 0, R 0 (0/0), F1 0
const TARGET = [0, 0, 0, 1, 1, 2, 2, 2];
const PRED = [0, 0, 1, 1, 3, 0, 1, 1];
const EXPECTED: Record<'Precision' | 'Recall' | 'F1Score', Record<Average, number | number[]>> = {
  Precision: { none: [2 / 3, 1 / 4, 0, 0], macro: (2 / 3 + 1 / 4) / 4, micro: 3 / 8, weighted: (3 * (2 / 3) + 2 * (1 / 4)) / 8 },
  Recall: { none: [2 / 3, 1 / 2, 0, 0], macro: (2 / 3 + 1 / 2) / 4, micro: 3 / 8, weighted: 3 / 8 },
  F1Score: { none: [2 / 3, 1 / 3, 0, 0], macro: 1 / 4, micro: 3 / 8, weighted: (3 * (2 / 3) + 2 * (1 / 3)) / 8 },
};
const CLASSES = { Precision, Recall, F1Score };

function scoresOf(pred: number[], numClasses: number): tf.Tensor2D {
  // Scores whose argmax is `pred`, to exercise the [N, C] path.
  return tf.oneHot(tf.tensor1d(pred, 'int32'), numClasses, 0.9, 0.05, 'float32') as tf.Tensor2D;
}

function expectClose(actual: number | number[], expected: number | number[]): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    const a = actual as number[];
    expect(a).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(a[i]).toBeCloseTo(e, 6));
  } else {
    expect(actual).toBeCloseTo(expected, 6);
  }
}

describe.each(['Precision', 'Recall', 'F1Score'] as const)('%s, multiclass', (name) => {
  it.each(['none', 'macro', 'micro', 'weighted'] as const)('average %s matches the hand-worked values', async (average) => {
    const metric = new CLASSES[name]({ task: 'multiclass', numClasses: 4, average });
    metric.update(scoresOf(PRED, 4), tf.tensor1d(TARGET, 'int32'));
    expectClose(await metric.compute(), EXPECTED[name][average]);
  });

  it('leaves a class absent from preds and target out of the macro mean', async () => {
    const metric = new CLASSES[name]({ task: 'multiclass', numClasses: 5 });
    metric.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    expectClose(await metric.compute(), EXPECTED[name].macro);
    const perClass = new CLASSES[name]({ task: 'multiclass', numClasses: 5, average: 'none' });
    perClass.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    expectClose(await perClass.compute(), [...(EXPECTED[name].none as number[]), 0]);
  });

  it('accumulates over uneven batches exactly like one batch', async () => {
    const metric = new CLASSES[name]({ task: 'multiclass', numClasses: 4, average: 'none' });
    for (const [lo, hi] of [[0, 3], [3, 4], [4, 8]]) {
      metric.update(scoresOf(PRED.slice(lo, hi), 4), tf.tensor1d(TARGET.slice(lo, hi), 'int32'));
    }
    expectClose(await metric.compute(), EXPECTED[name].none);
  });
});

describe('averages', () => {
  it('micro equals accuracy for single-label data, and differs from macro on imbalanced classes', async () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: 4 });
    acc.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    const micro = await (async () => {
      const p = new Precision({ task: 'multiclass', numClasses: 4, average: 'micro' });
      p.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
      return p.compute();
    })();
    expect(micro).toBeCloseTo(await acc.compute(), 6);
    expect(Math.abs(micro - (EXPECTED.Precision.macro as number))).toBeGreaterThan(0.1);
  });

  it('micro and macro agree when every class has the same counts', async () => {
    // Perfectly symmetric errors: each class 1 right, 1 wrong.
    const target = tf.tensor1d([0, 0, 1, 1, 2, 2], 'int32');
    const pred = tf.tensor1d([0, 1, 1, 2, 2, 0], 'int32');
    const micro = new F1Score({ task: 'multiclass', numClasses: 3, average: 'micro' });
    const macro = new F1Score({ task: 'multiclass', numClasses: 3, average: 'macro' });
    micro.update(pred, target);
    macro.update(pred, target);
    expect(await micro.compute()).toBeCloseTo(0.5, 6);
    expect(await macro.compute()).toBeCloseTo(0.5, 6);
  });

  it('the default average is macro', async () => {
    const metric = new Recall({ task: 'multiclass', numClasses: 4 });
    metric.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    expect(await metric.compute()).toBeCloseTo(EXPECTED.Recall.macro as number, 6);
  });
});

describe('binary', () => {
  // preds > 0.5 → [1, 0, 0, 1, 1] vs target [1, 1, 0, 0, 0]: tp 1, fp 2, fn 1, tn 1.
  const probs = tf.tensor1d([0.9, 0.5, 0.2, 0.7, 0.51]);
  const target = tf.tensor1d([1, 1, 0, 0, 0]);

  it('scores the positive class, whatever the average', async () => {
    for (const average of ['macro', 'micro', 'weighted'] as const) {
      const p = new Precision({ task: 'binary', average });
      const r = new Recall({ task: 'binary', average });
      const f = new F1Score({ task: 'binary', average });
      for (const m of [p, r, f]) m.update(probs, target);
      expect(await p.compute()).toBeCloseTo(1 / 3, 6);
      expect(await r.compute()).toBeCloseTo(1 / 2, 6);
      expect(await f.compute()).toBeCloseTo(2 / 5, 6);
    }
  });

  it('gives 0 when nothing is predicted positive (0/0 → 0)', async () => {
    const p = new Precision({ task: 'binary' });
    p.update(tf.tensor1d([0.1, 0.2]), tf.tensor1d([1, 0]));
    expect(await p.compute()).toBe(0);
  });

  it("rejects average 'none'", () => {
    expect(() => new Precision({ task: 'binary', average: 'none' })).toThrow("Precision: `average` 'none' does not apply to task 'binary'");
  });
});

describe('functional forms and empty state', () => {
  it('return device tensors equal to the class results', async () => {
    const opts = { task: 'multiclass', numClasses: 4 } as const;
    const preds = scoresOf(PRED, 4);
    const target = tf.tensor1d(TARGET, 'int32');
    const p = precision(preds, target, { ...opts, average: 'none' });
    expect(p.shape).toEqual([4]);
    expectClose(Array.from(await p.data()), EXPECTED.Precision.none);
    expect((await recall(preds, target, opts).data())[0]).toBeCloseTo(EXPECTED.Recall.macro as number, 6);
    expect((await f1Score(preds, target, { ...opts, average: 'weighted' }).data())[0]).toBeCloseTo(
      EXPECTED.F1Score.weighted as number,
      6,
    );
  });

  it('compute before any update gives 0, or zeros per class (typed by average)', async () => {
    const single: number = await new F1Score({ task: 'multiclass', numClasses: 3 }).compute();
    const perClass: number[] = await new Recall({ task: 'multiclass', numClasses: 3, average: 'none' }).compute();
    expect(single).toBe(0);
    expect(perClass).toEqual([0, 0, 0]);
    expect(await new Precision({ task: 'binary' }).compute()).toBe(0);
  });

  it('reset forgets earlier batches', async () => {
    const metric = new Precision({ task: 'multiclass', numClasses: 4, average: 'none' });
    metric.update(tf.tensor1d(PRED, 'int32'), tf.tensor1d(TARGET, 'int32'));
    metric.reset();
    metric.update(tf.tensor1d([3], 'int32'), tf.tensor1d([3], 'int32'));
    expect(await metric.compute()).toEqual([0, 0, 0, 1]);
  });

  it('rejects an unknown average and mismatched rows', () => {
    expect(() => new Recall({ task: 'multiclass', numClasses: 3, average: 'samples' as Average })).toThrow(
      'Recall: `average` must be one of micro, macro, weighted, none, got "samples"',
    );
    const f1 = new F1Score({ task: 'multiclass', numClasses: 3 });
    expect(() => f1.update(tf.zeros([3, 3]), tf.zeros([2], 'int32'))).toThrow('F1Score: preds has 3 rows but target has 2');
  });
});
