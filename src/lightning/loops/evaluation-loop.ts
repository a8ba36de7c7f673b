import * as tf from '@tensorflow/tfjs-core';
import { batchSizeOf, type Batch, type DataLoader } from '../data';
import type { StepOutput } from '../module';
import { callCallbacks, callModule, callModuleSync } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import type { Trainer } from '../trainer/trainer';
import { countBatches, disposeAll, disposeBatch, prepareBatch } from './batch';
import { BatchProgress } from './progress';

export type EvalResult = Record<string, number>;

/** Splits epoch metrics per dataloader: a key belongs to dataloader i if it ends with its suffix or has none. */
function perDataloader(values: Record<string, number>, count: number): EvalResult[] {
  return Array.from({ length: count }, (_, i) => {
    const out: EvalResult = {};
    for (const [k, v] of Object.entries(values)) {
      const m = /\/dataloader_idx_(\d+)$/.exec(k);
      if (!m || Number(m[1]) === i) out[k] = v;
    }
    return out;
  });
}

/**
 * The validation or test loop (Lightning's _EvaluationLoop). The Trainer owns
 * one for `validate` and one for `test`; the fit loop owns another (`inFit`)
 * that runs inside the training epoch and also runs the sanity check (nothing
 * logged). Inside fit it puts the trainer's stage back when it is done.
 */
export class EvaluationLoop {
  readonly progress = new BatchProgress();
  private loaders: DataLoader[] = [];
  private counts: number[] = [];
  private sanity = false;

  constructor(
    private readonly trainer: Trainer,
    readonly stage: 'validate' | 'test',
    readonly inFit = false,
  ) {}

  private get isTest(): boolean {
    return this.stage === 'test';
  }

  /** Every dataloader has run its batches. */
  get done(): boolean {
    return this.progress.dataloaderIdx >= this.loaders.length;
  }

  /** Runs every dataloader once; returns one record of epoch metrics per dataloader. */
  async run(opts: { sanity?: boolean } = {}): Promise<EvalResult[]> {
    const trainer = this.trainer;
    const module = trainer.lightningModule;
    const isTest = this.isTest;
    const stepName = isTest ? 'testStep' : 'validationStep';
    this.sanity = opts.sanity ?? false;
    this.loaders = isTest ? trainer.testDataloaders : trainer.valDataloaders;
    if (typeof module[stepName] !== 'function') {
      if (this.inFit) return [];
      throw new Error(`\`${this.stage}\` needs \`${stepName}\` to be implemented by ${module.constructor.name}`);
    }
    this.counts = this.batchCounts();
    const results = trainer.results;
    const previous = { stage: trainer.state.stage, results: results.stage, numDataloaders: results.numDataloaders, dataloaderIdx: results.dataloaderIdx };
    trainer.state.stage = this.sanity ? 'sanity_check' : this.stage;
    results.stage = this.stage;
    results.numDataloaders = this.loaders.length;
    this.progress.reset();

    if (this.inFit && !this.sanity) await callModule(trainer, 'onValidationModelZeroGrad');
    await callModule(trainer, isTest ? 'onTestModelEval' : 'onValidationModelEval');
    await callCallbacks(trainer, isTest ? 'onTestStart' : 'onValidationStart', []);
    await callModule(trainer, isTest ? 'onTestStart' : 'onValidationStart');
    await callCallbacks(trainer, isTest ? 'onTestEpochStart' : 'onValidationEpochStart', []);
    await callModule(trainer, isTest ? 'onTestEpochStart' : 'onValidationEpochStart');

    while (!this.done) {
      const i = this.progress.dataloaderIdx;
      results.dataloaderIdx = i;
      for (const raw of this.loaders[i]!.batches(0, { limit: this.counts[i] ?? 0, shuffle: false })) await this.advance(raw);
      this.progress.dataloaderIdx += 1;
      this.progress.batchesDone = 0;
    }

    const out = await this.onEpochEnd();
    if (this.inFit) {
      trainer.state.stage = previous.stage;
      results.stage = previous.results;
      results.numDataloaders = previous.numDataloaders;
      results.dataloaderIdx = previous.dataloaderIdx;
    }
    return out;
  }

  /** Batches per dataloader: the sanity-check counts, the fit's counts, or counted now for validate/test. */
  private batchCounts(): number[] {
    const trainer = this.trainer;
    if (this.sanity) return trainer.numSanityValBatches;
    if (this.inFit) return trainer.numValBatches;
    const limitName = this.isTest ? 'limitTestBatches' : 'limitValBatches';
    const counts = this.loaders.map((l) => countBatches(trainer, l.length, trainer.options[limitName], limitName, applyLimit));
    if (this.isTest) trainer.numTestBatches = counts;
    else trainer.numValBatches = counts;
    return counts;
  }

  /** One batch of the current dataloader: transfer hooks, batch start, the step (tidied), batch end. */
  private async advance(raw: Batch): Promise<void> {
    const trainer = this.trainer;
    const results = trainer.results;
    const isTest = this.isTest;
    const i = this.progress.dataloaderIdx;
    const j = this.progress.batchesDone;
    results.stage = this.stage;
    let batch: Batch = raw;
    let out: StepOutput = null;
    try {
      batch = await prepareBatch(trainer, raw, i);
      results.batchSize = batchSizeOf(batch);
      await callCallbacks(trainer, isTest ? 'onTestBatchStart' : 'onValidationBatchStart', [batch, j, i]);
      await callModule(trainer, isTest ? 'onTestBatchStart' : 'onValidationBatchStart', batch, j, i);
      const b = batch;
      out = tf.tidy(() => callModuleSync(trainer, isTest ? 'testStep' : 'validationStep', b, j, i) as tf.TensorContainer) as StepOutput;
      await callCallbacks(trainer, isTest ? 'onTestBatchEnd' : 'onValidationBatchEnd', [out, batch, j, i]);
      await callModule(trainer, isTest ? 'onTestBatchEnd' : 'onValidationBatchEnd', out, batch, j, i);
    } finally {
      disposeAll(out);
      disposeBatch(raw, batch);
    }
    results.endStep(trainer.batchesThatStepped, trainer.currentEpoch, !this.sanity);
    this.progress.batchesDone += 1;
    this.progress.total += 1;
  }

  /** Epoch-end reductions, hooks, logging and (outside fit) the printed results; the end hooks. */
  private async onEpochEnd(): Promise<EvalResult[]> {
    const trainer = this.trainer;
    const results = trainer.results;
    const isTest = this.isTest;
    results.dataloaderIdx = 0;
    await results.flush();
    const collection = results.collections[this.stage];
    const refresh = async () => {
      const v = await collection.computeEpoch();
      Object.assign(trainer.callbackMetrics, v.callback);
      Object.assign(trainer.progressBarMetrics, v.progBar);
      return v;
    };
    await refresh();
    await callCallbacks(trainer, isTest ? 'onTestEpochEnd' : 'onValidationEpochEnd', []);
    await callModule(trainer, isTest ? 'onTestEpochEnd' : 'onValidationEpochEnd');
    const values = await refresh();
    collection.reset();
    if (!this.sanity && Object.keys(values.logged).length > 0) trainer.logMetrics(values.logged, trainer.batchesThatStepped);
    const out = perDataloader(values.logged, this.loaders.length);
    if (!this.sanity && !this.inFit) {
      out.forEach((r, i) => {
        const lines = Object.entries(r).map(([k, v]) => `  ${k.padEnd(28)} ${v.toPrecision(6)}`);
        if (lines.length) trainer.print(`${isTest ? 'Test' : 'Validate'} metric (dataloader ${i})\n${lines.join('\n')}`);
      });
    }
    await callCallbacks(trainer, isTest ? 'onTestEnd' : 'onValidationEnd', []);
    await callModule(trainer, isTest ? 'onTestEnd' : 'onValidationEnd');
    await callModule(trainer, isTest ? 'onTestModelTrain' : 'onValidationModelTrain');
    return out;
  }
}
