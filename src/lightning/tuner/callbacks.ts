/**
 * The tuner as callbacks, as Lightning has them: they run their finder at
 * the start of `fit` (on the training data of that fit) and apply the result
 * to the run's optimizers or data before the first step.
 */
import { Callback } from '../callbacks/callback';
import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import type { LRFinder, SuggestionRule } from './lr-finder';
import { Tuner, type BatchSizeResult, type LrFindOptions, type ScaleBatchSizeOptions } from './tuner';

export class LearningRateFinder extends Callback {
  /** The finder of the last fit, for plotting. */
  finder: LRFinder | null = null;
  /** The LR it set (null when the curve gave none; the optimizers keep theirs). */
  suggested: number | null = null;

  constructor(private readonly options: Omit<LrFindOptions, 'trainDataloaders' | 'datamodule'> & { rule?: SuggestionRule } = {}) {
    super();
  }

  override async onFitStart(trainer: Trainer, module: LightningModule): Promise<void> {
    const loader = trainer.trainDataloader;
    if (!loader) return;
    const { rule, ...opts } = this.options;
    this.finder = await new Tuner(trainer).lrFind(module, { ...opts, trainDataloaders: loader });
    this.suggested = this.finder.suggestion(rule ? { rule } : {});
    if (this.suggested === null) return;
    for (const o of trainer.optimizers) {
      for (const g of o.paramGroups) {
        g.lr = this.suggested;
        g.initialLr = this.suggested;
      }
    }
  }
}

export class BatchSizeFinder extends Callback {
  result: BatchSizeResult | null = null;

  constructor(private readonly options: Omit<ScaleBatchSizeOptions, 'trainDataloaders' | 'datamodule'> = {}) {
    super();
  }

  override async onFitStart(trainer: Trainer, module: LightningModule): Promise<void> {
    const loader = trainer.trainDataloader;
    if (!loader) return;
    this.result = await new Tuner(trainer).scaleBatchSize(module, { ...this.options, trainDataloaders: loader });
    // The run goes on with the size found (its loader is rebuilt; the epoch length follows).
    if (this.result.batchSize !== null && this.result.batchSize !== loader.batchSize) {
      trainer.trainDataloader = loader.withBatchSize(this.result.batchSize);
      trainer.numTrainingBatches = trainer.trainDataloader.length;
    }
  }
}
