import { describe, expect, it } from 'vitest';
import { adamStepScalars, type AdamHyper } from './fused-adam-scalars';

const hyper: AdamHyper = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };

describe('adamStepScalars', () => {
  it('gives the bias corrections of step 1 and of a later step', () => {
    const first = adamStepScalars(hyper, 1, false);
    // Step 1: 1 − β1 = 0.1, so the step size is lr / 0.1; √(1 − β2) = √0.001.
    expect(first.stepSize).toBeCloseTo(1e-2, 15);
    expect(first.bias2Sqrt).toBeCloseTo(Math.sqrt(1e-3), 15);
    const tenth = adamStepScalars(hyper, 10, false);
    expect(tenth.stepSize).toBe(1e-3 / (1 - 0.9 ** 10));
    expect(tenth.bias2Sqrt).toBe(Math.sqrt(1 - 0.999 ** 10));
    // The corrections fade towards 1 as steps accumulate.
    expect(adamStepScalars(hyper, 100_000, false).stepSize).toBeCloseTo(1e-3, 12);
    expect(adamStepScalars(hyper, 100_000, false).bias2Sqrt).toBeCloseTo(1, 12);
  });

  it('passes the betas and their complements, and eps, through', () => {
    const s = adamStepScalars({ ...hyper, betas: [0.8, 0.99], eps: 1e-6 }, 3, false);
    expect(s).toMatchObject({ beta1: 0.8, beta2: 0.99, eps: 1e-6 });
    expect(s.oneMinusBeta1).toBe(1 - 0.8);
    expect(s.oneMinusBeta2).toBe(1 - 0.99);
  });

  it('puts Adam weight decay in the gradient (L2) and AdamW weight decay on the parameter', () => {
    const adam = adamStepScalars({ ...hyper, weightDecay: 0.1 }, 1, false);
    expect(adam).toMatchObject({ l2: 0.1, paramScale: 1 });
    const adamw = adamStepScalars({ ...hyper, lr: 0.01, weightDecay: 0.1 }, 1, true);
    expect(adamw.l2).toBe(0);
    expect(adamw.paramScale).toBe(1 - 0.01 * 0.1);
    expect(adamStepScalars(hyper, 1, true).paramScale).toBe(1);
  });

  it('negates the gradient with maximize', () => {
    expect(adamStepScalars(hyper, 1, false).gradScale).toBe(1);
    expect(adamStepScalars({ ...hyper, maximize: true }, 1, false).gradScale).toBe(-1);
  });

  it('reads lr on every call, so a scheduler change takes effect at the next step', () => {
    expect(adamStepScalars({ ...hyper, lr: 0.5 }, 1, false).stepSize).toBeCloseTo(5, 12);
  });

  it('rejects a step count that is not a positive integer', () => {
    expect(() => adamStepScalars(hyper, 0, false)).toThrow('`step` must be a positive integer, got 0');
    expect(() => adamStepScalars(hyper, 1.5, false)).toThrow('got 1.5');
  });
});
