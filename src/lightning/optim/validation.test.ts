import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, RMSprop, SGD, type SGDOptions } from './index';

let p: tf.Variable;

beforeAll(async () => {
  await tf.setBackend('cpu');
  p = tf.variable(tf.zeros([2]));
});
afterAll(() => p.dispose());

describe('optimizer hyperparameter validation', () => {
  it('SGD names the bad option and value', () => {
    expect(() => new SGD([p], {} as SGDOptions)).toThrow('SGD: `lr` is required');
    expect(() => new SGD([p], { lr: -1 })).toThrow('`lr` must be a non-negative number, got -1');
    expect(() => new SGD([p], { lr: 0.1, momentum: -0.5 })).toThrow('SGD: `momentum` must be a non-negative number, got -0.5');
    expect(() => new SGD([p], { lr: 0.1, weightDecay: Number.NaN })).toThrow('`weightDecay` must be a non-negative number, got NaN');
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow('SGD: `nesterov` needs `momentum` > 0 and `dampening` = 0, got momentum 0 and dampening 0');
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening 0.1/);
    expect(() => new SGD([{ params: [p], lr: -2 }], { lr: 0.1 })).toThrow('got -2');
  });

  it('catches snake_case typos with a hint', () => {
    const bad = { lr: 0.1, weight_decay: 0.1 } as unknown as SGDOptions;
    expect(() => new SGD([p], bad)).toThrow('SGD: unknown option `weight_decay`; did you mean `weightDecay`?');
  });

  it('Adam and AdamW check betas, eps and weightDecay', () => {
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow('Adam: `betas[0]` must be a number in [0, 1), got 1');
    expect(() => new AdamW([p], { betas: [0.9, -0.1] })).toThrow('AdamW: `betas[1]` must be a number in [0, 1), got -0.1');
    expect(() => new Adam([p], { eps: -1e-8 })).toThrow('`eps` must be a non-negative number, got -1e-8');
    expect(() => new AdamW([p], { weightDecay: -1 })).toThrow('AdamW: `weightDecay` must be a non-negative number, got -1');
  });

  it('fills PyTorch defaults, AdamW with weightDecay 1e-2', () => {
    expect(new Adam([p]).paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(new AdamW([p]).paramGroups[0]).toMatchObject({ lr: 1e-3, weightDecay: 1e-2 });
    expect(new AdamW([p], { weightDecay: undefined }).paramGroups[0]!.weightDecay).toBe(1e-2);
    expect(new RMSprop([p]).paramGroups[0]).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false });
    expect(new SGD([p], { lr: 0.1 }).paramGroups[0]).toMatchObject({ momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
  });

  it('RMSprop checks alpha, momentum and flags', () => {
    expect(() => new RMSprop([p], { alpha: -0.1 })).toThrow('RMSprop: `alpha` must be a non-negative number, got -0.1');
    expect(() => new RMSprop([p], { momentum: -1 })).toThrow('`momentum` must be a non-negative number, got -1');
    expect(() => new RMSprop([p], { centered: 1 as unknown as boolean })).toThrow('`centered` must be true or false, got 1');
  });
});
