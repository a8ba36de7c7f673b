import type { Optimizer } from '../optim/optimizer';
import {
  checkKnownKeys,
  checkNonNegative,
  checkOneOf,
  checkRange,
  definedOnly,
  fail,
  isFiniteNumber,
  perGroup,
} from '../optim/validate';
import { LRScheduler } from './scheduler';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** New LR = LR · factor. */
  factor?: number;
  /** Steps without improvement tolerated before the LR is reduced. */
  patience?: number;
  threshold?: number;
  /** 'rel': better means beyond best·(1 ∓ threshold); 'abs': beyond best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again. */
  cooldown?: number;
  /** Lower bound of the LR, one for all groups or one per group. */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped. */
  eps?: number;
}

const KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'] as const;

/**
 * PyTorch's `ReduceLROnPlateau`: `step(metric)` takes the monitored value
 * (read back by the caller, typically once per validation). It never changes
 * the LR at construction. `stateDict` carries best, the bad-step count and
 * the cooldown counter; an infinite `best` becomes `null` in JSON and loads
 * back as "no best yet".
 */
export class ReduceLROnPlateau extends LRScheduler {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;

  constructor(optimizer: Optimizer, opts: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    const owner = 'ReduceLROnPlateau';
    if (opts === null || typeof opts !== 'object') fail(owner, `options must be an object, got ${String(opts)}`);
    checkKnownKeys(owner, opts, KEYS);
    const o = definedOnly(opts);
    this.mode = checkOneOf(owner, 'mode', o.mode ?? 'min', ['min', 'max'] as const);
    this.factor = checkRange(owner, 'factor', o.factor ?? 0.1, 0, 1);
    this.patience = nonNegativeInteger(owner, 'patience', o.patience ?? 10);
    this.threshold = checkNonNegative(owner, 'threshold', o.threshold ?? 1e-4);
    this.thresholdMode = checkOneOf(owner, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = nonNegativeInteger(owner, 'cooldown', o.cooldown ?? 0);
    this.minLrs = perGroup(owner, 'minLr', o.minLr ?? 0, optimizer.paramGroups.length);
    this.minLrs.forEach((m) => checkNonNegative(owner, 'minLr', m));
    this.eps = checkNonNegative(owner, 'eps', o.eps ?? 1e-8);
    this.best = this.worst;
  }

  private get worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The LRs stay whatever they are; only `step(metric)` changes them. */
  getLr(): number[] {
    return this.getLastLr();
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** One epoch/validation: `metric` is the monitored value (NaN counts as no improvement). */
  override step(metric?: number): void {
    if (typeof metric !== 'number') {
      fail('ReduceLROnPlateau', `step(metric) needs the monitored value as a number, got ${String(metric)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  override stateDict(): Record<string, unknown> {
    return {
      ...super.stateDict(),
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(state);
    const best = state.best;
    this.best = typeof best === 'number' && !Number.isNaN(best) ? best : this.worst;
    this.numBadEpochs = isFiniteNumber(state.numBadEpochs) ? state.numBadEpochs : 0;
    this.cooldownCounter = isFiniteNumber(state.cooldownCounter) ? state.cooldownCounter : 0;
  }
}

function nonNegativeInteger(owner: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    fail(owner, `\`${name}\` must be a non-negative integer, got ${String(value)}`);
  }
  return value as number;
}
