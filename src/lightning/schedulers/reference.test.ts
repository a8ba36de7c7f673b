import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, type Optimizer, SGD } from '../optim';
import { referenceFixture, type ReferenceSchedule } from '../optim/reference';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
} from './index';

/** The Python lambdas of scripts/pytorch_reference.py, by name. */
const LAMBDAS: Record<string, (e: number) => number> = {
  inverse: (e) => 1.0 / (1.0 + 0.5 * e),
  warmup5: (e) => Math.min(1.0, (e + 1) / 5.0),
};

const vars: tf.Variable[] = [];

function makeOptimizer(s: ReferenceSchedule): Optimizer {
  const groups = s.groupLrs.map((lr) => {
    const v = tf.variable(tf.zeros([1]));
    vars.push(v);
    return { params: [v], lr };
  });
  if (s.optimizer === 'Adam') return new Adam(groups, { lr: s.groupLrs[0] });
  return new SGD(groups, { lr: s.groupLrs[0]!, momentum: s.optimizer === 'SGDMomentum' ? 0.9 : 0 });
}

function makeScheduler(s: ReferenceSchedule, opt: Optimizer): LRScheduler {
  const o = s.options as never;
  switch (s.scheduler) {
    case 'StepLR': return new StepLR(opt, o);
    case 'MultiStepLR': return new MultiStepLR(opt, o);
    case 'ExponentialLR': return new ExponentialLR(opt, o);
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, o);
    case 'OneCycleLR': return new OneCycleLR(opt, o);
    case 'LinearLR': return new LinearLR(opt, o);
    case 'LambdaLR': return new LambdaLR(opt, { lrLambda: LAMBDAS[s.options.lrLambda as string]! });
    case 'ReduceLROnPlateau': return new ReduceLROnPlateau(opt, o);
    default: throw new Error(`no scheduler ${s.scheduler}`);
  }
}

function momenta(opt: Optimizer): number[] {
  return opt.paramGroups.map((g) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number)));
}

/** Relative 1e-9 (a 1e-18 floor only so that an exact 0 compares with 0). */
function expectLrs(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) => {
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= 1e-9 * Math.abs(b) + 1e-18)) expect.fail(`${what} group ${i}: got ${a}, PyTorch ${b}`);
  });
}

/** Steps `sched` from its current lastEpoch to `end`, checking each LR (and momentum) against PyTorch. */
function checkSteps(s: ReferenceSchedule, opt: Optimizer, sched: LRScheduler, from: number): void {
  for (let k = from + 1; k < s.lrs.length; k++) {
    sched.step(s.metrics?.[k - 1]);
    expectLrs(sched.getLastLr(), s.lrs[k]!, `${s.name} after step ${k}`);
    if (s.momenta) expectLrs(momenta(opt), s.momenta[k]!, `${s.name} momentum after step ${k}`);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => tf.dispose(vars));

it('the fixture has every scheduler kind', () => {
  const kinds = new Set(referenceFixture.schedules.map((s) => s.scheduler));
  expect([...kinds].sort()).toEqual(
    ['CosineAnnealingLR', 'ExponentialLR', 'LambdaLR', 'LinearLR', 'MultiStepLR', 'OneCycleLR', 'ReduceLROnPlateau', 'StepLR'],
  );
});

describe.each(referenceFixture.schedules.map((s) => [s.name, s] as const))('%s', (_name, s) => {
  it('matches PyTorch LRs (and momenta) within 1e-9 relative at every step', () => {
    const opt = makeOptimizer(s);
    const sched = makeScheduler(s, opt);
    expectLrs(opt.paramGroups.map((g) => g.lr), s.lrs[0]!, `${s.name} at construction`);
    if (s.momenta) expectLrs(momenta(opt), s.momenta[0]!, `${s.name} momentum at construction`);
    checkSteps(s, opt, sched, 0);
    expect(sched.lastEpoch).toBe(s.lrs.length - 1);
  });

  it('continues identically after stateDict → JSON → loadStateDict into a fresh scheduler, from every step', () => {
    for (let cut = 1; cut < s.lrs.length - 1; cut++) {
      const opt = makeOptimizer(s);
      const sched = makeScheduler(s, opt);
      for (let k = 1; k <= cut; k++) sched.step(s.metrics?.[k - 1]);
      const saved = JSON.parse(JSON.stringify(sched.stateDict())) as Record<string, unknown>;

      const freshOpt = makeOptimizer(s);
      const fresh = makeScheduler(s, freshOpt);
      fresh.loadStateDict(saved);
      expect(fresh.lastEpoch).toBe(cut);
      expectLrs(fresh.getLastLr(), s.lrs[cut]!, `${s.name} after load at ${cut}`);
      if (s.momenta) expectLrs(momenta(freshOpt), s.momenta[cut]!, `${s.name} momentum after load at ${cut}`);
      checkSteps(s, freshOpt, fresh, cut);
    }
  });
});
