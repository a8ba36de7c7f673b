import * as tf from '@tensorflow/tfjs-core';
import type { Batch, DataLoader } from '../data';
import { callCallbacks, callModule, callModuleSync } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import type { Trainer } from '../trainer/trainer';
import { countBatches, disposeBatch, prepareBatch } from './batch';
import { BatchProgress } from './progress';

/** Lightning's _PredictionLoop: returns predictions per batch (a list per dataloader when several). The caller owns them. */
export class PredictionLoop {
  readonly progress = new BatchProgress();
  private loaders: DataLoader[] = [];
  private predictions: unknown[][] = [];

  constructor(private readonly trainer: Trainer) {}

  /** Every dataloader has run its batches. */
  get done(): boolean {
    return this.progress.dataloaderIdx >= this.loaders.length;
  }

  async run(): Promise<unknown[]> {
    const trainer = this.trainer;
    this.loaders = trainer.predictDataloaders;
    const counts = this.loaders.map((l) => countBatches(trainer, l.length, trainer.options.limitPredictBatches, 'limitPredictBatches', applyLimit));
    trainer.numPredictBatches = counts;
    trainer.state.stage = 'predict';
    this.progress.reset();
    this.predictions = [];
    await callModule(trainer, 'onPredictModelEval');
    await callCallbacks(trainer, 'onPredictStart', []);
    await callModule(trainer, 'onPredictStart');
    await callCallbacks(trainer, 'onPredictEpochStart', []);
    await callModule(trainer, 'onPredictEpochStart');
    while (!this.done) {
      const i = this.progress.dataloaderIdx;
      this.predictions.push([]);
      for (const raw of this.loaders[i]!.batches(0, { limit: counts[i] ?? 0, shuffle: false })) await this.advance(raw);
      this.progress.dataloaderIdx += 1;
      this.progress.batchesDone = 0;
    }
    await callCallbacks(trainer, 'onPredictEpochEnd', []);
    await callModule(trainer, 'onPredictEpochEnd');
    await callCallbacks(trainer, 'onPredictEnd', []);
    await callModule(trainer, 'onPredictEnd');
    const all = this.predictions;
    this.predictions = [];
    return all.length === 1 ? all[0]! : all;
  }

  /** One batch: transfer hooks, batch start, predictStep (tidied; its output kept), batch end. */
  private async advance(raw: Batch): Promise<void> {
    const trainer = this.trainer;
    const i = this.progress.dataloaderIdx;
    const j = this.progress.batchesDone;
    const batch = await prepareBatch(trainer, raw, i);
    await callCallbacks(trainer, 'onPredictBatchStart', [batch, j, i]);
    await callModule(trainer, 'onPredictBatchStart', batch, j, i);
    const out = tf.tidy(() => callModuleSync(trainer, 'predictStep', batch, j, i) as tf.TensorContainer);
    await callCallbacks(trainer, 'onPredictBatchEnd', [out, batch, j, i]);
    await callModule(trainer, 'onPredictBatchEnd', out, batch, j, i);
    disposeBatch(raw, batch);
    this.predictions[i]!.push(out);
    this.progress.batchesDone += 1;
    this.progress.total += 1;
  }
}
