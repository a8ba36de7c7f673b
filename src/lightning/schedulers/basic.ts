/**
 * Closed-form LR schedulers with PyTorch's semantics (`torch.optim.lr_scheduler`).
 * Each LR is a pure function of `lastEpoch` and the base LR, so a scheduler
 * restored from `stateDict` continues exactly; the values equal PyTorch's
 * recursive (chainable) updates up to rounding. Chaining two schedulers on one
 * optimizer (PyTorch's chainable form) is therefore not supported.
 */
import type { Optimizer } from '../optim/optimizer';
import {
  checkKnownKeys,
  checkNonNegative,
  checkPositive,
  checkPositiveInteger,
  checkRange,
  definedOnly,
  fail,
} from '../optim/validate';
import { LRScheduler } from './scheduler';

function options<T extends object>(owner: string, given: T | undefined, keys: readonly string[]): Partial<T> {
  if (given === undefined || given === null || typeof given !== 'object') fail(owner, `options must be an object, got ${String(given)}`);
  checkKnownKeys(owner, given, keys);
  return definedOnly(given);
}

export interface StepLROptions {
  /** Decay every `stepSize` steps (or epochs). */
  stepSize: number;
  gamma?: number;
}

/** lr = baseLr · gamma^⌊lastEpoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, opts: StepLROptions) {
    super(optimizer);
    const o = options('StepLR', opts, ['stepSize', 'gamma']);
    this.stepSize = checkPositiveInteger('StepLR', 'stepSize', o.stepSize);
    this.gamma = checkNonNegative('StepLR', 'gamma', o.gamma ?? 0.1);
    this.applyLr();
  }

  getLr(): number[] {
    const factor = Math.pow(this.gamma, Math.floor(this.lastEpoch / this.stepSize));
    return this.baseLrs.map((b) => b * factor);
  }
}

export interface MultiStepLROptions {
  /** Steps at which the LR is multiplied by gamma; a milestone listed twice applies gamma twice, as in PyTorch. */
  milestones: number[];
  gamma?: number;
}

/** lr = baseLr · gamma^(number of milestones ≤ lastEpoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, opts: MultiStepLROptions) {
    super(optimizer);
    const o = options('MultiStepLR', opts, ['milestones', 'gamma']);
    if (!Array.isArray(o.milestones) || !o.milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      fail('MultiStepLR', `\`milestones\` must be an array of non-negative integers, got ${JSON.stringify(o.milestones)}`);
    }
    this.milestones = [...o.milestones].sort((a, b) => a - b);
    this.gamma = checkNonNegative('MultiStepLR', 'gamma', o.gamma ?? 0.1);
    this.applyLr();
  }

  getLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const factor = Math.pow(this.gamma, passed);
    return this.baseLrs.map((b) => b * factor);
  }
}

export interface ExponentialLROptions {
  gamma: number;
}

/** lr = baseLr · gamma^lastEpoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, opts: ExponentialLROptions) {
    super(optimizer);
    const o = options('ExponentialLR', opts, ['gamma']);
    this.gamma = checkNonNegative('ExponentialLR', 'gamma', o.gamma);
    this.applyLr();
  }

  getLr(): number[] {
    const factor = Math.pow(this.gamma, this.lastEpoch);
    return this.baseLrs.map((b) => b * factor);
  }
}

export interface CosineAnnealingLROptions {
  /** Half period: the LR reaches etaMin after tMax steps, then rises again (PyTorch does not stop at tMax). */
  tMax: number;
  etaMin?: number;
}

/** lr = etaMin + (baseLr − etaMin)·(1 + cos(π·lastEpoch/tMax))/2 (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, opts: CosineAnnealingLROptions) {
    super(optimizer);
    const o = options('CosineAnnealingLR', opts, ['tMax', 'etaMin']);
    this.tMax = checkPositive('CosineAnnealingLR', 'tMax', o.tMax);
    this.etaMin = checkNonNegative('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0);
    this.applyLr();
  }

  getLr(): number[] {
    const cosine = (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2;
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * cosine);
  }
}

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/**
 * Linear change of the LR factor from startFactor to endFactor over
 * totalIters steps, then constant; with the defaults a warm-up from lr/3.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, opts: LinearLROptions = {}) {
    super(optimizer);
    const o = options('LinearLR', opts, ['startFactor', 'endFactor', 'totalIters']);
    this.startFactor = checkRange('LinearLR', 'startFactor', o.startFactor ?? 1 / 3, 0, 1, true);
    this.endFactor = checkRange('LinearLR', 'endFactor', o.endFactor ?? 1, 0, 1, true);
    this.totalIters = checkPositiveInteger('LinearLR', 'totalIters', o.totalIters ?? 5);
    this.applyLr();
  }

  getLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    const factor = this.startFactor + (this.endFactor - this.startFactor) * progress;
    return this.baseLrs.map((b) => b * factor);
  }
}

export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions {
  /** One function for every param group, or one per group. */
  lrLambda: LrLambda | LrLambda[];
}

/**
 * lr = baseLr · lrLambda(lastEpoch). The functions are not part of
 * `stateDict` (functions are not data); re-create the scheduler with the same
 * ones before loading.
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, opts: LambdaLROptions) {
    super(optimizer);
    const o = options('LambdaLR', opts, ['lrLambda']);
    const groups = optimizer.paramGroups.length;
    const fns = Array.isArray(o.lrLambda) ? o.lrLambda : new Array<LrLambda>(groups).fill(o.lrLambda as LrLambda);
    if (fns.length !== groups || !fns.every((f) => typeof f === 'function')) {
      fail('LambdaLR', `\`lrLambda\` must be a function or ${groups} functions (one per param group), got ${String(o.lrLambda)}`);
    }
    this.lrLambdas = fns;
    this.applyLr();
  }

  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
}
