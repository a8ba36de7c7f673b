import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Case = { label: string; make: () => Metric<MetricValue>; batch: () => [tf.Tensor, tf.Tensor] };

const C = 5;
const classification = (): [tf.Tensor, tf.Tensor] => [tf.randomUniform([16, C]), tf.randomUniform([16], 0, C, 'int32')];
const binary = (): [tf.Tensor, tf.Tensor] => [tf.randomUniform([16, 1]), tf.tidy(() => tf.cast(tf.randomUniform([16], 0, 2, 'int32'), 'float32'))];
const regression = (): [tf.Tensor, tf.Tensor] => [tf.randomNormal([16, 3]), tf.randomNormal([16, 3])];

const CASES: Case[] = [
  { label: 'Accuracy top-2', make: () => new Accuracy({ task: 'multiclass', numClasses: C, topK: 2 }), batch: classification },
  { label: 'Accuracy binary', make: () => new Accuracy({ task: 'binary' }), batch: binary },
  { label: 'Precision macro', make: () => new Precision({ task: 'multiclass', numClasses: C }), batch: classification },
  { label: 'Recall none', make: () => new Recall({ task: 'multiclass', numClasses: C, average: 'none' }), batch: classification },
  { label: 'F1Score binary', make: () => new F1Score({ task: 'binary' }), batch: binary },
  { label: 'ConfusionMatrix', make: () => new ConfusionMatrix({ task: 'multiclass', numClasses: C, normalize: 'true' }), batch: classification },
  { label: 'MeanSquaredError', make: () => new MeanSquaredError({ squared: false }), batch: regression },
  { label: 'MeanAbsoluteError', make: () => new MeanAbsoluteError(), batch: regression },
  { label: 'R2Score', make: () => new R2Score(), batch: regression },
];

describe.each(CASES)('$label memory', ({ make, batch }) => {
  it('keeps tf.memory().numTensors constant over 20 updates and across compute', async () => {
    const before = tf.memory().numTensors;
    const metric = make();
    const feed = () => {
      const [p, t] = batch();
      metric.update(p, t);
      p.dispose();
      t.dispose();
    };
    feed();
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBeGreaterThan(before); // the state lives on the device
    for (let i = 0; i < 20; i++) feed();
    expect(tf.memory().numTensors).toBe(afterFirst);
    await metric.compute();
    expect(tf.memory().numTensors).toBe(afterFirst);
    metric.reset();
    expect(tf.memory().numTensors).toBe(before);
    feed();
    metric.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes only non-trainable variables, invisible to tf.variableGrads', () => {
    const metric = make();
    const [p, t] = batch();
    metric.update(p, t);
    const variables = Object.values(tf.engine().registeredVariables);
    expect(variables.length).toBeGreaterThan(0);
    expect(variables.every((v) => !v.trainable)).toBe(true);
    metric.dispose();
    tf.dispose([p, t]);
    expect(Object.keys(tf.engine().registeredVariables)).toHaveLength(0);
  });
});

describe('forward and batchValue memory', () => {
  it('leave exactly the one returned tensor', () => {
    const acc = new Accuracy({ task: 'multiclass', numClasses: C });
    const [p, t] = classification();
    acc.update(p, t);
    const base = tf.memory().numTensors;
    const stepValue = acc.forward(p, t);
    expect(tf.memory().numTensors).toBe(base + 1);
    stepValue.dispose();
    const once = acc.batchValue(p, t);
    expect(tf.memory().numTensors).toBe(base + 1);
    once.dispose();
    acc.dispose();
    tf.dispose([p, t]);
  });

  it('a failing update leaks nothing', () => {
    const r2 = new R2Score();
    r2.update(tf.zeros([4, 2]), tf.ones([4, 2]));
    const bad = [tf.zeros([4, 3]), tf.zeros([4, 3])];
    const base = tf.memory().numTensors;
    expect(() => r2.update(bad[0], bad[1])).toThrow('R2Score');
    expect(tf.memory().numTensors).toBe(base);
    r2.dispose();
    tf.dispose(bad);
  });
});
