import type { LRSchedulerConfig, OptimizerConfig } from '../module';
import { Optimizer } from '../optim/optimizer';
import { LRScheduler } from '../schedulers/scheduler';
import { ReduceLROnPlateau } from '../schedulers/plateau';
import type { Trainer } from './trainer';

type NormalizedSchedulerConfig = Required<Omit<LRSchedulerConfig, 'name'>> & { name?: string };

function isPlateauScheduler(s: LRScheduler): boolean {
  return s instanceof ReduceLROnPlateau;
}

/** Normalises what `configureOptimizers` returned (Lightning's _configure_optimizers) and validates it. */
export function configureOptimizers(cfg: OptimizerConfig, _trainer: Trainer): { optimizers: Optimizer[]; schedulers: NormalizedSchedulerConfig[] } {
  if (cfg instanceof Optimizer) return { optimizers: [cfg], schedulers: [] };
  if (!cfg || typeof cfg !== 'object' || !(cfg.optimizer instanceof Optimizer)) {
    throw new Error('`configureOptimizers` must return an Optimizer or `{optimizer, lrScheduler}` with an Optimizer from src/lightning/optim');
  }
  const schedulers: NormalizedSchedulerConfig[] = [];
  if (cfg.lrScheduler) {
    const raw: LRSchedulerConfig = cfg.lrScheduler instanceof LRScheduler ? { scheduler: cfg.lrScheduler } : cfg.lrScheduler;
    if (!(raw.scheduler instanceof LRScheduler)) throw new Error('`lrScheduler.scheduler` must be an LRScheduler from src/lightning/schedulers');
    const interval = raw.interval ?? 'epoch';
    if (interval !== 'epoch' && interval !== 'step') {
      throw new Error(`\`lrScheduler.interval\` must be 'epoch' or 'step', got ${JSON.stringify(interval)}`);
    }
    const frequency = raw.frequency ?? 1;
    if (!Number.isInteger(frequency) || frequency < 1) throw new Error(`\`lrScheduler.frequency\` must be a positive integer, got ${frequency}`);
    const monitor = raw.monitor ?? cfg.monitor;
    if (isPlateauScheduler(raw.scheduler) && !monitor) {
      throw new Error('`configureOptimizers` must include a `monitor` (e.g. "val_loss") when a ReduceLROnPlateau scheduler is used');
    }
    if (raw.scheduler.optimizer !== cfg.optimizer) throw new Error('The LR scheduler was built for a different optimizer than the one returned');
    schedulers.push({ scheduler: raw.scheduler, interval, frequency, monitor: monitor ?? 'val_loss', strict: raw.strict ?? true, name: raw.name });
  }
  return { optimizers: [cfg.optimizer], schedulers };
}

/**
 * Steps the schedulers of one interval (Lightning's _update_learning_rates):
 * `plateau` selects ReduceLROnPlateau schedulers only, or only the others.
 */
export async function updateLearningRates(trainer: Trainer, interval: 'epoch' | 'step', plateau: boolean, index: number): Promise<void> {
  for (const c of trainer.lrSchedulerConfigs) {
    if (isPlateauScheduler(c.scheduler) !== plateau) continue;
    if (c.interval !== interval || (index + 1) % c.frequency !== 0) continue;
    let metric: number | undefined;
    if (plateau) {
      metric = trainer.callbackMetrics[c.monitor];
      if (metric === undefined) {
        if (c.strict) {
          throw new Error(
            `ReduceLROnPlateau conditioned on metric "${c.monitor}" which is not available. Available metrics are: [${Object.keys(trainer.callbackMetrics).join(', ')}]`,
          );
        }
        continue;
      }
    }
    await trainer.lightningModule.lrSchedulerStep(c.scheduler, metric);
  }
}
