import type { Optimizer } from '../optim/optimizer';
import {
  checkBoolean,
  checkKnownKeys,
  checkOneOf,
  checkPositive,
  checkPositiveInteger,
  checkRange,
  definedOnly,
  fail,
  perGroup,
} from '../optim/validate';
import { LRScheduler } from './scheduler';

export interface OneCycleLROptions {
  /** Peak LR, one for all param groups or one per group. */
  maxLr: number | number[];
  /** Length of the cycle in scheduler steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the LR. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /**
   * Cycle momentum (SGD, RMSprop) or beta1 (Adam, AdamW) inversely to the LR,
   * between maxMomentum and baseMomentum. On by default, as in PyTorch, which
   * means it also overrides a `momentum: 0` SGD.
   */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** Initial LR = maxLr / divFactor. */
  divFactor?: number;
  /** Final LR = initial LR / finalDivFactor. */
  finalDivFactor?: number;
  /** Third phase: back down to the initial LR, then annihilate to the final LR (fastai style). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initial' | 'max' | 'min';
  endLr: 'initial' | 'max' | 'min';
  startMomentum: 'max' | 'base';
  endMomentum: 'max' | 'base';
}

const KEYS = [
  'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum',
  'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase',
] as const;

function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The 1cycle policy (Smith & Topin), PyTorch's `OneCycleLR`, stepped once per
 * batch. Constructing it sets every group's LR to maxLr/divFactor (and, with
 * cycleMomentum, its momentum/beta1 to maxMomentum). It may be stepped
 * `totalSteps` times; one more step throws, as in PyTorch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly lrs: Array<Record<'initial' | 'max' | 'min', number>>;
  private readonly momenta: Array<Record<'max' | 'base', number>>;
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, opts: OneCycleLROptions) {
    super(optimizer);
    const owner = 'OneCycleLR';
    if (opts === undefined || opts === null || typeof opts !== 'object') fail(owner, `options must be an object, got ${String(opts)}`);
    checkKnownKeys(owner, opts, KEYS);
    const o = definedOnly(opts);
    const groups = optimizer.paramGroups.length;

    if (o.totalSteps !== undefined) {
      this.totalSteps = checkPositiveInteger(owner, 'totalSteps', o.totalSteps);
    } else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
      this.totalSteps =
        checkPositiveInteger(owner, 'epochs', o.epochs) * checkPositiveInteger(owner, 'stepsPerEpoch', o.stepsPerEpoch);
    } else {
      fail(owner, 'give either `totalSteps` or both `epochs` and `stepsPerEpoch`');
    }
    const pctStart = checkRange(owner, 'pctStart', o.pctStart ?? 0.3, 0, 1, true);
    const strategy = checkOneOf(owner, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
    this.anneal = strategy === 'cos' ? annealCos : annealLinear;
    const divFactor = checkPositive(owner, 'divFactor', o.divFactor ?? 25);
    const finalDivFactor = checkPositive(owner, 'finalDivFactor', o.finalDivFactor ?? 1e4);
    const threePhase = checkBoolean(owner, 'threePhase', o.threePhase ?? false);

    // Phase boundaries exactly as PyTorch computes them (floats, inclusive ends).
    const total = this.totalSteps;
    const up = pctStart * total - 1;
    this.phases = threePhase
      ? [
          { endStep: up, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: 2 * pctStart * total - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
          { endStep: total - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          { endStep: up, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: total - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];

    if (o.maxLr === undefined) fail(owner, '`maxLr` is required');
    const maxLrs = perGroup(owner, 'maxLr', o.maxLr, groups);
    maxLrs.forEach((m, i) => checkPositive(owner, i === 0 ? 'maxLr' : `maxLr[${i}]`, m));
    this.lrs = maxLrs.map((max) => {
      const initial = max / divFactor;
      return { initial, max, min: initial / finalDivFactor };
    });
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = this.lrs[i]!.initial;
      this.baseLrs[i] = this.lrs[i]!.initial;
    });

    this.cycleMomentum = checkBoolean(owner, 'cycleMomentum', o.cycleMomentum ?? true);
    const first = optimizer.paramGroups[0];
    this.useBeta1 = first !== undefined && Array.isArray(first.betas);
    if (this.cycleMomentum && first !== undefined && !this.useBeta1 && typeof first.momentum !== 'number') {
      fail(owner, 'the optimizer has neither `momentum` nor `betas` to cycle; pass `cycleMomentum: false`');
    }
    const maxMomenta = perGroup(owner, 'maxMomentum', o.maxMomentum ?? 0.95, groups);
    const baseMomenta = perGroup(owner, 'baseMomentum', o.baseMomentum ?? 0.85, groups);
    this.momenta = maxMomenta.map((max, i) => ({
      max: checkRange(owner, 'maxMomentum', max, 0, 1, true),
      base: checkRange(owner, 'baseMomentum', baseMomenta[i], 0, 1, true),
    }));
    this.applyLr();
  }

  /** LR and momentum at `lastEpoch` for group `i`: find the phase, then anneal within it. */
  private at(i: number): { lr: number; momentum: number } {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`OneCycleLR: stepped ${stepNum} times, but \`totalSteps\` is ${this.totalSteps}`);
    }
    let startStep = 0;
    for (let p = 0; p < this.phases.length; p++) {
      const phase = this.phases[p]!;
      if (stepNum <= phase.endStep || p === this.phases.length - 1) {
        const pct = (stepNum - startStep) / (phase.endStep - startStep);
        const lrs = this.lrs[i]!;
        const momenta = this.momenta[i]!;
        return {
          lr: this.anneal(lrs[phase.startLr], lrs[phase.endLr], pct),
          momentum: this.anneal(momenta[phase.startMomentum], momenta[phase.endMomentum], pct),
        };
      }
      startStep = phase.endStep;
    }
    throw new Error('OneCycleLR: no phase');
  }

  getLr(): number[] {
    return this.baseLrs.map((_, i) => this.at(i).lr);
  }

  protected override applyLr(): void {
    super.applyLr();
    if (!this.cycleMomentum) return;
    this.optimizer.paramGroups.forEach((g, i) => {
      const { momentum } = this.at(i);
      if (this.useBeta1) {
        const betas = g.betas as number[];
        g.betas = [momentum, ...betas.slice(1)];
      } else {
        g.momentum = momentum;
      }
    });
  }

  override loadStateDict(state: Record<string, unknown>): void {
    super.loadStateDict(state);
    this.applyLr();
  }
}
