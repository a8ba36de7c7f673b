import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accuracy, ConfusionMatrix, MetricCollection, Recall } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const make = () =>
  new MetricCollection(
    {
      acc: new Accuracy({ task: 'multiclass', numClasses: 3 }),
      recall: new Recall({ task: 'multiclass', numClasses: 3, average: 'none' }),
      cm: new ConfusionMatrix({ task: 'multiclass', numClasses: 3 }),
    },
    { prefix: 'val_' },
  );

describe('MetricCollection', () => {
  it('updates every metric with the same batches and computes a prefixed record', async () => {
    const metrics = make();
    metrics.update(tf.tensor1d([0, 1, 2], 'int32'), tf.tensor1d([0, 1, 1], 'int32'));
    metrics.update(tf.tensor1d([2], 'int32'), tf.tensor1d([2], 'int32'));
    const values = await metrics.compute();
    expect(Object.keys(values).sort()).toEqual(['val_acc', 'val_cm', 'val_recall']);
    expect(values.val_acc).toBeCloseTo(3 / 4, 6);
    expect(values.val_recall).toEqual([1, 0.5, 1]);
    expect(values.val_cm).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('reset and dispose reach every metric and free their state', async () => {
    const before = tf.memory().numTensors;
    const metrics = make();
    const [p, t] = [tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 1], 'int32')];
    metrics.update(p, t);
    expect(tf.memory().numTensors).toBeGreaterThan(before + 2);
    metrics.reset();
    expect(await metrics.compute()).toEqual({
      val_acc: 0,
      val_recall: [0, 0, 0],
      val_cm: [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    metrics.update(p, t);
    metrics.dispose();
    tf.dispose([p, t]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects no metrics and the same metric object twice', () => {
    expect(() => new MetricCollection({})).toThrow('MetricCollection: `metrics` must hold at least one metric');
    const acc = new Accuracy({ task: 'binary' });
    expect(() => new MetricCollection({ a: acc, b: acc })).toThrow('metric "b" is the same object as another entry');
  });
});
