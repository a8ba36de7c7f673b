import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Optimizer, type OptimizerState, SGD } from '../optim';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
  type StepLROptions,
} from './index';

const vars: tf.Variable[] = [];
function sgd(lrs: number[] = [0.1], momentum = 0): SGD {
  const groups = lrs.map((lr) => {
    const v = tf.variable(tf.zeros([1]));
    vars.push(v);
    return { params: [v], lr };
  });
  return new SGD(groups, { lr: lrs[0]!, momentum });
}

/** An optimizer with neither momentum nor betas, to test OneCycleLR's check. */
class PlainOptimizer extends Optimizer {
  step(): void {}
  async stateDict(): Promise<OptimizerState> {
    return { state: {}, paramGroups: [] };
  }
  loadStateDict(): void {}
  dispose(): void {}
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.dispose(vars));

describe('scheduler option validation', () => {
  it('names the option and the bad value', () => {
    expect(() => new StepLR(sgd(), { stepSize: 0 })).toThrow('StepLR: `stepSize` must be a positive integer, got 0');
    expect(() => new StepLR(sgd(), {} as StepLROptions)).toThrow('`stepSize` must be a positive integer, got undefined');
    expect(() => new StepLR(sgd(), { stepSize: 2, step_size: 3 } as StepLROptions)).toThrow(
      'StepLR: unknown option `step_size`; did you mean `stepSize`?',
    );
    expect(() => new MultiStepLR(sgd(), { milestones: [2, -1] })).toThrow('`milestones` must be an array of non-negative integers, got [2,-1]');
    expect(() => new ExponentialLR(sgd(), { gamma: -0.5 })).toThrow('ExponentialLR: `gamma` must be a non-negative number, got -0.5');
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 0 })).toThrow('`tMax` must be a positive number, got 0');
    expect(() => new LinearLR(sgd(), { startFactor: 1.5 })).toThrow('LinearLR: `startFactor` must be a number in [0, 1], got 1.5');
    expect(() => new LambdaLR(sgd([0.1, 0.2]), { lrLambda: [() => 1] })).toThrow('`lrLambda` must be a function or 2 functions');
    expect(() => new OneCycleLR(sgd(), { maxLr: 0.1 })).toThrow('give either `totalSteps` or both `epochs` and `stepsPerEpoch`');
    expect(() => new OneCycleLR(sgd(), { maxLr: 0.1, epochs: 2 })).toThrow('`stepsPerEpoch` must be a positive integer, got undefined');
    expect(() => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.2 })).toThrow('`pctStart` must be a number in [0, 1], got 1.2');
    expect(() => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as 'cos' })).toThrow(
      "`annealStrategy` must be one of 'cos', 'linear', got \"exp\"",
    );
    expect(() => new OneCycleLR(sgd([0.1, 0.1]), { maxLr: [0.1], totalSteps: 10 })).toThrow('`maxLr` needs 2 values (one per param group), got [0.1]');
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('ReduceLROnPlateau: `factor` must be a number in [0, 1), got 1');
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' })).toThrow("`mode` must be one of 'min', 'max', got \"up\"");
    expect(() => new ReduceLROnPlateau(sgd(), { patience: 1.5 })).toThrow('`patience` must be a non-negative integer, got 1.5');
  });
});

describe('OneCycleLR', () => {
  it('sets the LR to maxLr/divFactor and momentum to maxMomentum at construction, like PyTorch', () => {
    const opt = sgd([0.5], 0);
    new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, divFactor: 20 });
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.05, 15); // 0.05 + 4e-17 through the cosine, as in PyTorch
    expect(opt.paramGroups[0]!.initialLr).toBe(0.05);
    expect(opt.paramGroups[0]!.momentum).toBe(0.95); // even for a momentum-0 SGD, as in PyTorch
  });

  it('cycles beta1 of Adam and keeps beta2', () => {
    const v = tf.variable(tf.zeros([1]));
    vars.push(v);
    const adam = new Adam([v], { betas: [0.9, 0.98] });
    const sched = new OneCycleLR(adam, { maxLr: 0.01, totalSteps: 10, baseMomentum: 0.8 });
    for (let i = 0; i < 3; i++) sched.step();
    const betas = adam.paramGroups[0]!.betas as number[];
    expect(betas[0]).toBeLessThan(0.95);
    expect(betas[0]).toBeGreaterThanOrEqual(0.8);
    expect(betas[1]).toBe(0.98);
  });

  it('may step totalSteps times and throws on the next step', () => {
    const sched = new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 4 });
    for (let i = 0; i < 4; i++) sched.step();
    expect(() => sched.step()).toThrow('OneCycleLR: stepped 5 times, but `totalSteps` is 4');
  });

  it('refuses to cycle momentum on an optimizer without momentum or betas, unless told not to', () => {
    const v = tf.variable(tf.zeros([1]));
    vars.push(v);
    const plain = new PlainOptimizer([v], { lr: 0.1 });
    expect(() => new OneCycleLR(plain, { maxLr: 0.1, totalSteps: 4 })).toThrow('pass `cycleMomentum: false`');
    new OneCycleLR(plain, { maxLr: 0.1, totalSteps: 4, cycleMomentum: false });
    expect(plain.paramGroups[0]!.lr).toBeCloseTo(0.004, 12);
    expect(plain.paramGroups[0]!.momentum).toBeUndefined();
  });
});

describe('ReduceLROnPlateau', () => {
  it('leaves the LR alone at construction and needs a metric to step', () => {
    const opt = sgd([0.3]);
    const sched = new ReduceLROnPlateau(opt);
    expect(opt.paramGroups[0]!.lr).toBe(0.3);
    expect(() => sched.step()).toThrow('ReduceLROnPlateau: step(metric) needs the monitored value as a number, got undefined');
  });

  it('counts NaN as no improvement', () => {
    const opt = sgd([1]);
    const sched = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
    sched.step(1);
    sched.step(Number.NaN);
    expect(sched.numBadEpochs).toBe(1);
    sched.step(Number.NaN);
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
  });

  it('round-trips an unset best (Infinity) through JSON', () => {
    const sched = new ReduceLROnPlateau(sgd(), { mode: 'max' });
    const json = JSON.parse(JSON.stringify(sched.stateDict())) as Record<string, unknown>;
    expect(json.best).toBeNull();
    const fresh = new ReduceLROnPlateau(sgd(), { mode: 'max' });
    fresh.best = 3;
    fresh.loadStateDict(json);
    expect(fresh.best).toBe(-Infinity);
  });

  it('skips a reduction smaller than eps and respects minLr', () => {
    const opt = sgd([1e-8]);
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    sched.step(1);
    sched.step(2);
    expect(opt.paramGroups[0]!.lr).toBe(1e-8); // 0.5e-8 change < eps 1e-8
    const opt2 = sgd([1]);
    const s2 = new ReduceLROnPlateau(opt2, { patience: 0, factor: 0.1, minLr: 0.05 });
    s2.step(1);
    s2.step(2);
    s2.step(3);
    expect(opt2.paramGroups[0]!.lr).toBe(0.05);
  });
});

describe('schedulers drive the optimizer', () => {
  it('the optimizer uses the LR the scheduler wrote for the very next step', () => {
    const opt = sgd([1]);
    const sched = new LambdaLR(opt, { lrLambda: (e) => (e === 0 ? 1 : 0.25) });
    const v = opt.params[0]!;
    tf.tidy(() => opt.step({ [v.name]: tf.ones([1]) }));
    sched.step();
    tf.tidy(() => opt.step({ [v.name]: tf.ones([1]) }));
    expect(v.dataSync()[0]).toBeCloseTo(-1.25, 6);
  });

  it('LambdaLR takes one function per param group', () => {
    const opt = sgd([1, 2]);
    const sched = new LambdaLR(opt, { lrLambda: [(e) => e + 1, (e) => 1 / (e + 1)] });
    sched.step();
    sched.step();
    expect(sched.getLastLr()).toEqual([3, 2 / 3]);
  });
});
