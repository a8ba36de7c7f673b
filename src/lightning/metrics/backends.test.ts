import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  ConfusionMatrix,
  F1Score,
  MeanAbsoluteError,
  MeanSquaredError,
  Precision,
  R2Score,
  Recall,
  type Metric,
  type MetricValue,
} from './index';

// The same metrics on the cpu and wasm backends must agree. (This caught
// wasm's OneHot ignoring its dtype argument; see oneHotFloat.)
async function results(backend: 'cpu' | 'wasm'): Promise<MetricValue[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const scores = tf.tensor2d([[0.1, 0.7, 0.2], [0.4, 0.4, 0.2], [0.4, 0.4, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]);
  const labels = tf.tensor1d([1, 1, 0, 2, 1], 'int32');
  const probs = tf.tensor1d([0.9, 0.5, 0.2, 0.7, 0.51]);
  const binaryTarget = tf.tensor1d([1, 1, 0, 0, 0]);
  const y = tf.tensor2d([1, 3, 2, 6, 0, 1, 1, 2], [4, 2]);
  const yHat = tf.tensor2d([1, 2, 3, 4, 0, 1, 2, 2], [4, 2]);
  const cases: Array<[Metric<MetricValue>, tf.Tensor, tf.Tensor]> = [
    [new Accuracy({ task: 'multiclass', numClasses: 3 }), scores, labels],
    [new Accuracy({ task: 'multiclass', numClasses: 3, topK: 2 }), scores, labels],
    [new Accuracy({ task: 'binary' }), probs, binaryTarget],
    [new Precision({ task: 'multiclass', numClasses: 3, average: 'none' }), scores, labels],
    [new Recall({ task: 'multiclass', numClasses: 3, average: 'weighted' }), scores, labels],
    [new F1Score({ task: 'binary' }), probs, binaryTarget],
    [new ConfusionMatrix({ task: 'multiclass', numClasses: 3 }), scores, labels],
    [new MeanSquaredError({ squared: false }), yHat, y],
    [new MeanAbsoluteError(), yHat, y],
    [new R2Score(), yHat, y],
  ];
  const out: MetricValue[] = [];
  for (const [metric, preds, target] of cases) {
    metric.update(preds, target);
    metric.update(preds, target);
    out.push(await metric.compute());
    metric.dispose();
  }
  tf.dispose([scores, labels, probs, binaryTarget, y, yHat]);
  return out;
}

describe('backends', () => {
  it('wasm gives the same values as cpu', async () => {
    const cpu = await results('cpu');
    const wasm = await results('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(cpu[6]).toEqual([
      [2, 0, 0],
      [2, 2, 2],
      [2, 0, 0],
    ]);
    wasm.forEach((value, i) => {
      const flat = (v: MetricValue) => [v].flat(2);
      flat(value).forEach((x, j) => expect(x).toBeCloseTo(flat(cpu[i])[j], 6));
    });
  });
});
