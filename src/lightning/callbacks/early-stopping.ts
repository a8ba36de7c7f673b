import * as tf from '@tensorflow/tfjs-core';
import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

export interface EarlyStoppingOptions {
  /** The metric to watch, e.g. 'val_loss'. */
  monitor: string;
  /** Minimum change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Number of checks with no improvement before stopping (default 3). */
  patience?: number;
  mode?: 'min' | 'max';
  /** Error when the metric is missing (default true). */
  strict?: boolean;
  /** Stop when the metric becomes NaN or infinite (default true). */
  checkFinite?: boolean;
  /** Stop as soon as the metric is better than this. */
  stoppingThreshold?: number;
  /** Stop as soon as the metric is worse than this. */
  divergenceThreshold?: number;
  /** Check at train epoch end instead of validation end (default: Lightning's rule, see setup). */
  checkOnTrainEpochEnd?: boolean;
  verbose?: boolean;
  /**
   * Keep a copy of the weights of the best check and put them back when training ends after a
   * check that was not the best (Keras's `restore_best_weights`; default false, as Lightning has none:
   * its users reload the best checkpoint). The copy lives on the device, one per weight.
   */
  restoreBestWeights?: boolean;
}

/** Stops training when a monitored metric stops improving (Lightning's EarlyStopping). */
export class EarlyStopping extends Callback {
  override readonly monitorsMetrics = true;
  override readonly disabledByFastDevRun = true;
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly strict: boolean;
  readonly checkFinite: boolean;
  readonly stoppingThreshold?: number;
  readonly divergenceThreshold?: number;
  readonly verbose: boolean;
  private checkOnTrainEpochEnd: boolean | undefined;
  waitCount = 0;
  stoppedEpoch = 0;
  bestScore: number;
  /** Why training was stopped (null while it runs). */
  stoppingReason: string | null = null;
  readonly restoreBestWeights: boolean;
  /** The epoch of the best check so far (-1 before one). */
  bestEpoch = -1;
  /** Whether the best weights were put back at the end of fit. */
  restoredBestWeights = false;
  private bestWeights: tf.Tensor[] | null = null;
  private lastCheckImproved = false;

  constructor(options: EarlyStoppingOptions) {
    super();
    if (!options || typeof options.monitor !== 'string' || !options.monitor) {
      throw new Error(`EarlyStopping: \`monitor\` must be a metric name, got ${JSON.stringify(options?.monitor)}`);
    }
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw new Error(`EarlyStopping: \`mode\` must be 'min' or 'max', got ${JSON.stringify(mode)}`);
    const patience = options.patience ?? 3;
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`EarlyStopping: \`patience\` must be a non-negative integer, got ${patience}`);
    this.monitor = options.monitor;
    this.mode = mode;
    this.patience = patience;
    // Lightning flips the sign so that `better(current - minDelta, best)` works in both modes.
    this.minDelta = Math.abs(options.minDelta ?? 0) * (mode === 'max' ? 1 : -1);
    this.strict = options.strict ?? true;
    this.checkFinite = options.checkFinite ?? true;
    this.stoppingThreshold = options.stoppingThreshold;
    this.divergenceThreshold = options.divergenceThreshold;
    this.checkOnTrainEpochEnd = options.checkOnTrainEpochEnd;
    this.verbose = options.verbose ?? false;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.bestScore = mode === 'min' ? Infinity : -Infinity;
  }

  override get stateKey(): string {
    return `EarlyStopping{'monitor': '${this.monitor}', 'mode': '${this.mode}'}`;
  }

  private better(a: number, b: number): boolean {
    return this.mode === 'min' ? a < b : a > b;
  }

  override setup(trainer: Trainer): void {
    if (this.checkOnTrainEpochEnd === undefined) {
      // Lightning: when validation runs exactly once per epoch, check at train epoch end.
      const vci = trainer.options.valCheckInterval ?? 1;
      const cven = trainer.options.checkValEveryNEpoch === undefined ? 1 : trainer.options.checkValEveryNEpoch;
      this.checkOnTrainEpochEnd = vci === 1 && cven === 1;
    }
  }

  private skip(trainer: Trainer): boolean {
    return trainer.state.fn !== 'fit' || trainer.sanityChecking;
  }

  override onTrainEpochEnd(trainer: Trainer, module: LightningModule): void {
    if (!this.checkOnTrainEpochEnd || this.skip(trainer)) return;
    this.runCheck(trainer, module);
  }

  override onValidationEnd(trainer: Trainer, module: LightningModule): void {
    if (this.checkOnTrainEpochEnd || this.skip(trainer)) return;
    this.runCheck(trainer, module);
  }

  /** Puts the best check's weights back when the last check was not the best. */
  override onFitEnd(_trainer: Trainer, module: LightningModule): void {
    const best = this.bestWeights;
    this.bestWeights = null;
    if (!best) return;
    if (!this.lastCheckImproved) {
      const vars = module.namedVariables().map(([, v]) => v);
      if (vars.length === best.length && vars.every((v, i) => v.shape.join(',') === best[i]!.shape.join(','))) {
        vars.forEach((v, i) => v.assign(best[i]!));
        this.restoredBestWeights = true;
      }
    }
    best.forEach((t) => t.dispose());
  }

  private keepBest(trainer: Trainer, module: LightningModule): void {
    this.bestEpoch = trainer.currentEpoch;
    if (!this.restoreBestWeights) return;
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = module.namedVariables().map(([, v]) => tf.clone(v));
  }

  private runCheck(trainer: Trainer, module: LightningModule): void {
    const current = trainer.callbackMetrics[this.monitor];
    if (current === undefined) {
      if (this.strict) {
        throw new Error(
          `Early stopping conditioned on metric \`${this.monitor}\` which is not available. Pass in or modify your \`EarlyStopping\` callback to use any of the following: ${Object.keys(trainer.callbackMetrics).map((k) => `\`${k}\``).join(', ')}`,
        );
      }
      return;
    }
    const before = this.bestScore;
    const [stop, reason] = this.evaluate(current);
    this.lastCheckImproved = this.bestScore !== before;
    if (this.lastCheckImproved) this.keepBest(trainer, module);
    trainer.shouldStop = trainer.shouldStop || stop;
    if (stop) {
      this.stoppedEpoch = trainer.currentEpoch;
      this.stoppingReason = reason;
    }
    if (reason && this.verbose) trainer.print(reason);
  }

  /** Lightning's _evaluate_stopping_criteria. */
  private evaluate(current: number): [boolean, string | null] {
    const op = this.mode === 'min' ? '<' : '>';
    if (this.checkFinite && !Number.isFinite(current)) {
      return [true, `Monitored metric ${this.monitor} = ${current} is not finite. Previous best value was ${this.bestScore.toFixed(3)}. Signaling Trainer to stop.`];
    }
    if (this.stoppingThreshold !== undefined && this.better(current, this.stoppingThreshold)) {
      return [true, `Stopping threshold reached: ${this.monitor} = ${current} ${op} ${this.stoppingThreshold}. Signaling Trainer to stop.`];
    }
    if (this.divergenceThreshold !== undefined && this.better(-current, -this.divergenceThreshold)) {
      return [true, `Divergence threshold reached: ${this.monitor} = ${current} ${op === '<' ? '>' : '<'} ${this.divergenceThreshold}. Signaling Trainer to stop.`];
    }
    if (this.better(current - this.minDelta, this.bestScore)) {
      const msg = Number.isFinite(this.bestScore)
        ? `Metric ${this.monitor} improved by ${Math.abs(this.bestScore - current).toFixed(3)} >= min_delta = ${Math.abs(this.minDelta)}. New best score: ${current.toFixed(3)}`
        : `Metric ${this.monitor} improved. New best score: ${current.toFixed(3)}`;
      this.bestScore = current;
      this.waitCount = 0;
      return [false, msg];
    }
    this.waitCount += 1;
    if (this.waitCount >= this.patience) {
      return [true, `Monitored metric ${this.monitor} did not improve in the last ${this.waitCount} records. Best score: ${this.bestScore.toFixed(3)}. Signaling Trainer to stop.`];
    }
    return [false, null];
  }

  override stateDict(): Record<string, unknown> {
    return { waitCount: this.waitCount, stoppedEpoch: this.stoppedEpoch, bestScore: this.bestScore, patience: this.patience, bestEpoch: this.bestEpoch };
  }
  override loadStateDict(s: Record<string, unknown>): void {
    this.waitCount = Number(s.waitCount);
    this.stoppedEpoch = Number(s.stoppedEpoch);
    this.bestEpoch = typeof s.bestEpoch === 'number' ? s.bestEpoch : -1;
    // JSON turns the initial ±Infinity into null; Number(null) would be 0, a "best" no loss can beat.
    this.bestScore = typeof s.bestScore === 'number' ? s.bestScore : this.mode === 'min' ? Infinity : -Infinity;
  }
}
