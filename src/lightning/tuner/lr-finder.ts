/**
 * The learning-rate finder (Lightning's `lr_find`, with fastai's rules): a
 * short run whose learning rate grows from `minLr` to `maxLr` each step,
 * recording the loss; then a suggestion read off the curve.
 *
 * Two differences from Lightning on purpose: the smoothed loss is
 * bias-corrected from the first step (divided by 1 − β^t with t the number
 * of losses seen, where Lightning's t is off by one), and the default rule is
 * `valley` (the middle of the longest descent), which is robust where the
 * steepest-gradient rule picks noise.
 */
import { Callback } from '../callbacks/callback';
import type { StepOutput } from '../module';
import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import type { Batch } from '../data';
import * as tf from '@tensorflow/tfjs-core';

export interface LRFinderResults {
  /** The learning rate of each step, as used by the optimizer. */
  lr: number[];
  /** The training loss of each step (raw). */
  loss: number[];
  /** The loss smoothed with momentum β and corrected for its start at 0. */
  smoothedLoss: number[];
}

export type SuggestionRule = 'valley' | 'steepest' | 'minimum' | 'slide';

export interface SuggestionOptions {
  rule?: SuggestionRule;
  /** Steps left out at the start and end of the curve (steepest, minimum; default 10 and 1, as Lightning). */
  skipBegin?: number;
  skipEnd?: number;
  /** slide: the relative drop over `window` steps that still counts as "falling" (default 0.02) and the window (default 5). */
  threshold?: number;
  window?: number;
}

/** The learning rate at step `i` of `n` going from `minLr` to `maxLr` (Lightning's schedules: step 0 is `minLr`, step n reaches `maxLr`). */
export function scheduledLr(i: number, n: number, minLr: number, maxLr: number, mode: 'exponential' | 'linear'): number {
  const r = i / n;
  return mode === 'exponential' ? minLr * (maxLr / minLr) ** r : minLr + r * (maxLr - minLr);
}

/** Momentum-smoothed losses, each divided by 1 − β^t so the first ones are not pulled towards 0. */
export function smoothLosses(losses: readonly number[], beta: number): number[] {
  let avg = 0;
  return losses.map((l, i) => {
    avg = beta * avg + (1 - beta) * l;
    return avg / (1 - beta ** (i + 1));
  });
}

export class LRFinder {
  constructor(
    readonly results: LRFinderResults,
    /** Why the search ended: all steps ran, the loss diverged, or the data ran out. */
    readonly stopped: 'completed' | 'diverged' | 'out of data',
  ) {}

  /**
   * A learning rate read off the curve, or null when the curve is too short.
   * - `valley` (default): the longest run of falling smoothed loss (not
   *   necessarily consecutive steps), from where a tenth of its drop is done
   *   (a flat head of tiny LRs does not count), and the point halfway down it.
   * - `steepest`: where the smoothed loss falls fastest per step (Lightning's).
   * - `minimum`: a tenth of the LR at the lowest smoothed loss (fastai's).
   * - `slide`: the largest LR before the minimum at which the loss still falls
   *   by at least `threshold` over the next `window` steps.
   */
  suggestion(options: SuggestionOptions = {}): number | null {
    const { lr, smoothedLoss: loss } = this.results;
    const n = loss.length;
    const rule = options.rule ?? 'valley';
    if (n < 3) return null;
    if (rule === 'valley') {
      // Longest strictly falling subsequence, by dynamic programming over the ends.
      const len = new Array<number>(n).fill(1);
      const from = new Array<number>(n).fill(-1);
      let end = 0;
      for (let i = 1; i < n; i++) {
        for (let j = 0; j < i; j++) {
          if (loss[i]! < loss[j]! && len[j]! + 1 > len[i]!) {
            len[i] = len[j]! + 1;
            from[i] = j;
          }
        }
        if (len[i]! > len[end]!) end = i;
      }
      let start = end;
      while (from[start]! >= 0) start = from[start]!;
      // A flat head (tiny LRs that barely move the loss) is not the descent: it begins where a tenth of the drop is done.
      const drop = loss[start]! - loss[end]!;
      let s = start;
      while (s < end && loss[start]! - loss[s]! < 0.1 * drop) s++;
      return lr[s + Math.floor((end - s) / 2)]!;
    }
    const skipBegin = options.skipBegin ?? 10;
    const skipEnd = options.skipEnd ?? 1;
    const lo = Math.min(skipBegin, n - 1);
    const hi = Math.max(lo + 1, n - skipEnd);
    if (rule === 'minimum') {
      let best = lo;
      for (let i = lo; i < hi; i++) if (loss[i]! < loss[best]!) best = i;
      return lr[best]! / 10;
    }
    if (rule === 'steepest') {
      if (hi - lo < 2) return null;
      let best = lo;
      let slope = Infinity;
      for (let i = lo; i < hi; i++) {
        // Central differences inside, one-sided at the ends (as numpy.gradient).
        const a = Math.max(lo, i - 1);
        const b = Math.min(hi - 1, i + 1);
        const g = (loss[b]! - loss[a]!) / (b - a);
        if (g < slope) {
          slope = g;
          best = i;
        }
      }
      return lr[best]!;
    }
    if (rule === 'slide') {
      const window = options.window ?? 5;
      const threshold = options.threshold ?? 0.02;
      let min = 0;
      for (let i = 0; i < n; i++) if (loss[i]! < loss[min]!) min = i;
      for (let i = min; i >= 0; i--) {
        const ahead = Math.min(n - 1, i + window);
        if (ahead > i && (loss[i]! - loss[ahead]!) / Math.abs(loss[i]! || 1) >= threshold) return lr[i]!;
      }
      return lr[min]! / 10;
    }
    throw new Error(`\`rule\` must be valley, steepest, minimum or slide, got ${JSON.stringify(rule)}`);
  }
}

/** Sets each step's learning rate and records the loss (used by `Tuner.lrFind` on its own trainer). */
export class LRFinderRecorder extends Callback {
  readonly lr: number[] = [];
  readonly loss: number[] = [];
  readonly smoothed: number[] = [];
  diverged = false;
  private avg = 0;
  private best = Infinity;

  constructor(
    private readonly opts: { minLr: number; maxLr: number; numTraining: number; mode: 'exponential' | 'linear'; beta: number; earlyStopThreshold: number | null },
  ) {
    super();
  }

  override onFitStart(trainer: Trainer): void {
    // The schedule is the finder's: the module's own schedulers would fight it.
    trainer.lrSchedulerConfigs = [];
  }

  override onTrainBatchStart(trainer: Trainer, _module: LightningModule, _batch: Batch, _batchIdx: number): void {
    const step = this.lr.length;
    const lr = scheduledLr(step, this.opts.numTraining, this.opts.minLr, this.opts.maxLr, this.opts.mode);
    for (const o of trainer.optimizers) for (const g of o.paramGroups) g.lr = lr;
    this.lr.push(lr);
  }

  override async onTrainBatchEnd(trainer: Trainer, _module: LightningModule, outputs: StepOutput): Promise<void> {
    const t = outputs instanceof tf.Tensor ? outputs : outputs && typeof outputs === 'object' && 'loss' in outputs ? (outputs.loss as tf.Tensor) : null;
    if (!t) {
      // A skipped batch: no loss at this learning rate.
      this.lr.pop();
      return;
    }
    // The finder needs each step's loss to decide whether to go on: one readback per step, by design.
    const loss = (await t.data())[0]!;
    const beta = this.opts.beta;
    this.avg = beta * this.avg + (1 - beta) * loss;
    const smoothed = this.avg / (1 - beta ** (this.loss.length + 1));
    this.loss.push(loss);
    this.smoothed.push(smoothed);
    const threshold = this.opts.earlyStopThreshold;
    if (threshold !== null && (this.loss.length > 1 && (!Number.isFinite(smoothed) || smoothed > threshold * this.best))) {
      this.diverged = true;
      trainer.shouldStop = true;
    }
    if (smoothed < this.best) this.best = smoothed;
  }
}
