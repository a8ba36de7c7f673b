import type { Batch } from '../data';
import type { LightningModule, StepOutput } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

type TimedStage = 'train' | 'validate' | 'test';

/**
 * Tracks time spent in each stage and stops fit once `duration` has passed
 * (what `Trainer({maxTime})` adds). Checked after every batch ('step') or epoch.
 */
export class Timer extends Callback {
  readonly duration: number | null;
  readonly interval: 'step' | 'epoch';
  private starts: Partial<Record<TimedStage, number>> = {};
  private ends: Partial<Record<TimedStage, number>> = {};
  private offset = 0;

  constructor(options: { duration?: number | null; interval?: 'step' | 'epoch' } = {}) {
    super();
    if (options.duration != null && !(options.duration > 0)) throw new Error(`Timer: \`duration\` must be a positive number of milliseconds, got ${options.duration}`);
    if (options.interval && options.interval !== 'step' && options.interval !== 'epoch') {
      throw new Error(`Timer: \`interval\` must be 'step' or 'epoch', got ${JSON.stringify(options.interval)}`);
    }
    this.duration = options.duration ?? null;
    this.interval = options.interval ?? 'step';
  }

  /** Milliseconds spent in a stage so far. */
  timeElapsed(stage: TimedStage = 'train'): number {
    const s = this.starts[stage];
    if (s === undefined) return stage === 'train' ? this.offset : 0;
    const e = this.ends[stage] ?? performance.now();
    return e - s + (stage === 'train' ? this.offset : 0);
  }
  /** Milliseconds left before `duration` (null without a duration). */
  timeRemaining(stage: TimedStage = 'train'): number | null {
    return this.duration === null ? null : this.duration - this.timeElapsed(stage);
  }

  override onTrainStart(): void {
    this.starts.train = performance.now();
    delete this.ends.train;
  }
  override onTrainEnd(): void {
    this.ends.train = performance.now();
  }
  override onValidationStart(): void {
    this.starts.validate = performance.now();
  }
  override onValidationEnd(): void {
    this.ends.validate = performance.now();
  }
  override onTestStart(): void {
    this.starts.test = performance.now();
  }
  override onTestEnd(): void {
    this.ends.test = performance.now();
  }

  private check(trainer: Trainer): void {
    if (this.duration === null) return;
    if (this.timeElapsed('train') >= this.duration) {
      if (!trainer.shouldStop) trainer.print(`Time limit reached. Elapsed time is ${(this.timeElapsed('train') / 1000).toFixed(1)} s. Signaling Trainer to stop.`);
      trainer.shouldStop = true;
    }
  }
  override onTrainBatchEnd(trainer: Trainer, _m: LightningModule, _o: StepOutput, _b: Batch, _i: number): void {
    if (this.interval === 'step') this.check(trainer);
  }
  override onTrainEpochEnd(trainer: Trainer): void {
    if (this.interval === 'epoch') this.check(trainer);
  }
  override stateDict(): Record<string, unknown> {
    return { timeElapsed: { train: this.timeElapsed('train') } };
  }
  override loadStateDict(s: Record<string, unknown>): void {
    this.offset = Number((s.timeElapsed as { train?: number })?.train ?? 0);
  }
}
