import type { Batch } from '../data';
import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

/**
 * Logs the learning rate of each optimizer param group (Lightning's
 * LearningRateMonitor): names `lr-<Optimizer>` (with `/pg<i>` for several
 * groups, or the scheduler's `name`), and `momentum` with logMomentum.
 */
export class LearningRateMonitor extends Callback {
  override readonly disabledByFastDevRun = true;
  readonly loggingInterval: 'step' | 'epoch' | null;
  readonly logMomentum: boolean;
  readonly logAtEnd: boolean;
  /** Every logged value, per name, in order. */
  readonly lrs: Record<string, number[]> = {};

  /**
   * `logAtEnd` (beyond Lightning): when training ends, log each rate's last
   * value once more at the last step, so a chart of epoch-wise rates spans
   * the whole run instead of stopping at the last epoch's start.
   */
  constructor(options: { loggingInterval?: 'step' | 'epoch' | null; logMomentum?: boolean; logAtEnd?: boolean } = {}) {
    super();
    const li = options.loggingInterval ?? null;
    if (li !== null && li !== 'step' && li !== 'epoch') {
      throw new Error(`LearningRateMonitor: \`loggingInterval\` must be 'step', 'epoch' or null, got ${JSON.stringify(li)}`);
    }
    this.loggingInterval = li;
    this.logMomentum = options.logMomentum ?? false;
    this.logAtEnd = options.logAtEnd ?? false;
  }

  override setup(trainer: Trainer): void {
    if (trainer.loggers.length === 0 && trainer.state.fn === 'fit') {
      throw new Error('Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger.');
    }
  }

  private collect(trainer: Trainer, interval: 'step' | 'epoch'): Record<string, number> {
    const out: Record<string, number> = {};
    trainer.optimizers.forEach((opt, oi) => {
      const sched = trainer.lrSchedulerConfigs.find((c) => c.scheduler.optimizer === opt);
      // With loggingInterval null, follow each scheduler's own interval (epoch when there is none).
      if (this.loggingInterval === null && (sched?.interval ?? 'epoch') !== interval) return;
      const base = sched?.name ?? `lr-${opt.constructor.name}${trainer.optimizers.length > 1 ? `-${oi}` : ''}`;
      opt.paramGroups.forEach((g, gi) => {
        const name = opt.paramGroups.length > 1 ? `${base}/pg${gi + 1}` : base;
        out[name] = g.lr;
        if (this.logMomentum) {
          const m = (g.momentum as number | undefined) ?? (g.betas as number[] | undefined)?.[0] ?? 0;
          out[`${name}-momentum`] = m;
        }
      });
    });
    return out;
  }

  private emit(trainer: Trainer, values: Record<string, number>): void {
    if (Object.keys(values).length === 0) return;
    for (const [k, v] of Object.entries(values)) (this.lrs[k] ??= []).push(v);
    for (const l of trainer.loggers) l.logMetrics(values, trainer.batchesThatStepped);
  }

  override onTrainBatchStart(trainer: Trainer, _m: LightningModule, _b: Batch, _i: number): void {
    if (this.loggingInterval === 'epoch') return;
    if ((trainer.batchesThatStepped + 1) % trainer.logEveryNSteps !== 0) return;
    this.emit(trainer, this.collect(trainer, 'step'));
  }

  override onTrainEpochStart(trainer: Trainer): void {
    if (this.loggingInterval === 'step') return;
    this.emit(trainer, this.collect(trainer, 'epoch'));
  }

  override onTrainEnd(trainer: Trainer): void {
    if (!this.logAtEnd || trainer.batchesThatStepped === 0) return;
    // The rates the last steps used (a scheduler may already have moved on after the last epoch).
    const last = Object.fromEntries(Object.entries(this.lrs).map(([k, v]) => [k, v[v.length - 1]!]));
    for (const l of trainer.loggers) l.logMetrics(last, trainer.batchesThatStepped);
  }
}
