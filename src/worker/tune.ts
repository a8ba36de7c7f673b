/**
 * The studio's finders (`findLr`, `findBatchSize`): the framework's Tuner on
 * the model and data a run with this config would use. The run's tensors are
 * built for the search and freed after it; nothing of a previous run is
 * touched. Progress goes out as `tune` events, at most every 100 ms.
 */
import { Callback, Trainer, Tuner, type LightningModule } from '../lightning';
import type { LoadedData } from './dataset-report';
import type { BatchFindReport, LrFindReport, RunConfig, TuneProgress } from './protocol';
import { buildRun } from './run';

export interface TuneContext {
  progress(p: TuneProgress): void;
  /** True once the user asked to stop. */
  cancelled(): boolean;
  wasmPaths?: string | Record<string, string>;
  print?: (m: string) => void;
  now?: () => number;
}

/** Steps the LR finder takes in the studio, and its range. */
const LR_STEPS = 100;
const MIN_LR = 1e-6;
const MAX_LR = 10;

/** Reports the steps of the tuner's trainers and stops them when the user cancels. */
class TuneTicker extends Callback {
  done = 0;
  private last = -Infinity;
  constructor(
    private readonly ctx: TuneContext,
    private readonly base: Omit<TuneProgress, 'done'>,
    private readonly perStep: boolean,
  ) {
    super();
  }
  override onTrainBatchStart(trainer: Trainer): void {
    if (this.ctx.cancelled()) trainer.shouldStop = true;
  }
  override onTrainBatchEnd(trainer: Trainer): void {
    if (this.perStep) this.done += 1;
    const now = (this.ctx.now ?? (() => performance.now()))();
    if (now - this.last >= 100) {
      this.last = now;
      this.ctx.progress({ ...this.base, done: this.done, batchSize: trainer.trainDataloader?.batchSize });
    }
    if (this.ctx.cancelled()) trainer.shouldStop = true;
  }
  override onFitEnd(trainer: Trainer): void {
    if (!this.perStep) this.done += 1;
    this.ctx.progress({ ...this.base, done: this.done, batchSize: trainer.trainDataloader?.batchSize });
  }
}

function trainerFor(config: RunConfig, built: Awaited<ReturnType<typeof buildRun>>, ctx: TuneContext): Trainer {
  return new Trainer({
    accelerator: config.accelerator,
    ...built.trainerOptions,
    enableCheckpointing: false,
    print: ctx.print ?? (() => {}),
    ...(ctx.wasmPaths !== undefined ? { wasmPaths: ctx.wasmPaths } : {}),
  });
}

export async function findLr(config: RunConfig, data: LoadedData, ctx: TuneContext): Promise<LrFindReport> {
  const built = await buildRun(config, data);
  try {
    const ticker = new TuneTicker(ctx, { what: 'lr', total: LR_STEPS }, true);
    const module: LightningModule = built.module;
    const finder = await new Tuner(trainerFor(config, built, ctx)).lrFind(module, { trainDataloaders: built.train, numTraining: LR_STEPS, minLr: MIN_LR, maxLr: MAX_LR, callbacks: [ticker] });
    const rule = (r: 'valley' | 'steepest' | 'minimum' | 'slide') => finder.suggestion({ rule: r });
    return {
      ...finder.results,
      suggestions: { valley: rule('valley'), steepest: rule('steepest'), minimum: rule('minimum'), slide: rule('slide') },
      stopped: ctx.cancelled() ? 'cancelled' : finder.stopped,
      minLr: MIN_LR,
      maxLr: MAX_LR,
    };
  } finally {
    built.dispose();
  }
}

export async function findBatchSize(config: RunConfig, data: LoadedData, ctx: TuneContext): Promise<BatchFindReport> {
  const built = await buildRun(config, data);
  try {
    const rows = data.dataset.splits.train.length;
    const maxVal = Math.min(1024, rows);
    const total = Math.ceil(Math.log2(maxVal / 2)) + 2;
    const ticker = new TuneTicker(ctx, { what: 'batchSize', total }, false);
    const objective = 'throughput' as const;
    const r = await new Tuner(trainerFor(config, built, ctx)).scaleBatchSize(built.module, { trainDataloaders: built.train, maxVal, stepsPerTrial: 4, objective, callbacks: [ticker] });
    return { trials: r.trials.map((t) => ({ batchSize: t.batchSize, fits: t.fits, samplesPerSecond: t.samplesPerSecond, bytes: t.bytes, ...(t.error ? { error: t.error } : {}) })), batchSize: ctx.cancelled() ? null : r.batchSize, largestFit: r.largestFit, cappedBy: ctx.cancelled() ? 'cancelled' : r.cappedBy, objective };
  } finally {
    built.dispose();
  }
}
