import { batchSizeOf, type Batch } from '../data';
import type { StepOutput } from '../module';
import { callCallbacks, callModule } from '../trainer/call';
import { updateLearningRates } from '../trainer/optimizers';
import type { Trainer } from '../trainer/trainer';
import { disposeAll, disposeBatch, prepareBatch } from './batch';
import { EvaluationLoop } from './evaluation-loop';
import type { FitLoop } from './fit-loop';
import { trainingBatch } from './optimization';
import type { FitProgress } from './progress';

/** The training batch after which validation runs (every `n` batches, counted in the epoch or across epochs). */
function valCheckBatch(trainer: Trainer): number {
  // fastDevRun validates once at the end of every epoch, whatever the schedule (as Lightning).
  const vci = trainer.fastDevRunBatches > 0 ? 1 : (trainer.options.valCheckInterval ?? 1);
  const n = trainer.numTrainingBatches;
  if (vci === 1) return n;
  if (Number.isInteger(vci)) {
    if (vci > n && trainer.options.checkValEveryNEpoch !== null) {
      throw new Error(`\`valCheckInterval\` (${vci}) must be less than or equal to the number of training batches (${n}); set checkValEveryNEpoch: null to count batches across epochs`);
    }
    return vci;
  }
  return Math.max(1, Math.floor(n * vci));
}

/**
 * Lightning's _TrainingEpochLoop: the batches of one epoch, each through the
 * optimisation step (`trainingBatch`), with validation where the schedule
 * says. It advances the fit loop's progress; the fit loop ends the epoch.
 */
export class TrainingEpochLoop {
  /** The validation that runs inside fit (and the sanity check). */
  readonly valLoop: EvaluationLoop;
  private hasVal = false;
  private valEveryBatches = 1;
  /** Batches run in this fit over all epochs (validation counts across epochs with checkValEveryNEpoch: null). */
  private totalBatchIdx = 0;
  private lastFlush = 0;

  constructor(
    private readonly trainer: Trainer,
    private readonly fit: FitLoop,
  ) {
    this.valLoop = new EvaluationLoop(trainer, 'validate', true);
  }

  get progress(): FitProgress {
    return this.fit.progress;
  }

  /** Called by the fit loop once per fit, before the sanity check. */
  setup(hasVal: boolean): void {
    this.hasVal = hasVal;
    this.valEveryBatches = valCheckBatch(this.trainer);
    this.totalBatchIdx = 0;
    this.lastFlush = performance.now();
  }

  /** Checked after every batch: max steps reached, or a stop request that the fit loop honours. */
  get done(): boolean {
    const trainer = this.trainer;
    if (trainer.maxSteps !== -1 && this.progress.steps >= trainer.maxSteps) return true;
    return trainer.shouldStop && this.fit.done;
  }

  /** One epoch's batches, from `progress.batchesDone` on (non-zero when resuming mid-epoch). */
  async run(): Promise<void> {
    const trainer = this.trainer;
    const results = trainer.results;
    results.stage = 'train';
    results.numDataloaders = 1;
    results.dataloaderIdx = 0;
    await callCallbacks(trainer, 'onTrainEpochStart', []);
    await callModule(trainer, 'onTrainEpochStart');
    const shuffle = (trainer.options.overfitBatches ?? 0) > 0 ? false : undefined;
    const { epoch, batchesDone } = this.progress;
    for (const raw of trainer.trainDataloader!.batches(epoch, { start: batchesDone, limit: trainer.numTrainingBatches, shuffle })) {
      if (!(await this.advance(raw))) break;
      if (this.done) break;
    }
  }

  /** One training batch; false when the module's onTrainBatchStart returned -1 (the epoch ends). */
  private async advance(raw: Batch): Promise<boolean> {
    const trainer = this.trainer;
    const p = this.progress;
    const o = trainer.options;
    const batchIdx = p.batchesDone;
    const isLastBatch = batchIdx === trainer.numTrainingBatches - 1;
    let batch: Batch = raw;
    let outputs: StepOutput = null;
    let stepped = false;
    try {
      batch = await prepareBatch(trainer, raw, 0);
      trainer.results.batchSize = batchSizeOf(batch);
      await callCallbacks(trainer, 'onTrainBatchStart', [batch, batchIdx]);
      const signal = await callModule(trainer, 'onTrainBatchStart', batch, batchIdx);
      if (signal === -1) return false;
      ({ outputs, stepped } = await trainingBatch(trainer, batch, batchIdx, isLastBatch));
      // From here this batch counts as done (a checkpoint saved in onTrainBatchEnd resumes after it).
      p.batchesDone = batchIdx + 1;
      p.stepPending = stepped;
      await callCallbacks(trainer, 'onTrainBatchEnd', [outputs, batch, batchIdx]);
      await callModule(trainer, 'onTrainBatchEnd', outputs, batch, batchIdx);
    } finally {
      disposeAll(outputs);
      disposeBatch(raw, batch);
    }

    // Step metrics join the readback queue; the read happens every flushIntervalMs, not every step.
    const toLogger = (p.batchesThatStepped + 1) % trainer.logEveryNSteps === 0 || trainer.shouldStop;
    trainer.results.endStep(p.batchesThatStepped, p.epoch, toLogger);
    const now = performance.now();
    if (now - this.lastFlush >= (o.flushIntervalMs ?? 100)) {
      this.lastFlush = now;
      trainer.results.flush().catch(() => {}); // errors surface at the epoch-end await
    }

    const cven = trainer.fastDevRunBatches > 0 || o.checkValEveryNEpoch === undefined ? 1 : o.checkValEveryNEpoch;
    const current = cven === null ? this.totalBatchIdx : batchIdx;
    const valEpoch = cven === null || (p.epoch + 1) % cven === 0;
    if (this.hasVal && valEpoch && (current + 1) % this.valEveryBatches === 0) await this.valLoop.run();
    if (stepped) {
      await updateLearningRates(trainer, 'step', true, batchIdx);
      p.batchesThatStepped += 1;
    }
    p.stepPending = false;
    this.totalBatchIdx += 1;
    return true;
  }
}
