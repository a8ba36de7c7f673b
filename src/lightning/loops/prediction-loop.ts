import * as tf from '@tensorflow/tfjs-core';
import { callCallbacks, callModule, callModuleSync } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import type { Trainer } from '../trainer/trainer';
import { countBatches, disposeBatch, prepareBatch } from './batch';

/** Lightning's _PredictionLoop: returns predictions per batch (a list per dataloader when several). The caller owns them. */
export async function runPrediction(trainer: Trainer): Promise<unknown[]> {
  const loaders = trainer.predictDataloaders;
  const counts = loaders.map((l) => countBatches(trainer, l.length, trainer.options.limitPredictBatches, 'limitPredictBatches', applyLimit));
  trainer.numPredictBatches = counts;
  trainer.state.stage = 'predict';
  await callModule(trainer, 'onPredictModelEval');
  await callCallbacks(trainer, 'onPredictStart', []);
  await callModule(trainer, 'onPredictStart');
  await callCallbacks(trainer, 'onPredictEpochStart', []);
  await callModule(trainer, 'onPredictEpochStart');
  const all: unknown[][] = [];
  for (let i = 0; i < loaders.length; i++) {
    const preds: unknown[] = [];
    let j = 0;
    for (const raw of loaders[i]!.batches(0, { limit: counts[i] ?? 0, shuffle: false })) {
      const batch = await prepareBatch(trainer, raw, i);
      await callCallbacks(trainer, 'onPredictBatchStart', [batch, j, i]);
      await callModule(trainer, 'onPredictBatchStart', batch, j, i);
      const out = tf.tidy(() => callModuleSync(trainer, 'predictStep', batch, j, i) as tf.TensorContainer);
      await callCallbacks(trainer, 'onPredictBatchEnd', [out, batch, j, i]);
      await callModule(trainer, 'onPredictBatchEnd', out, batch, j, i);
      disposeBatch(raw, batch);
      preds.push(out);
      j += 1;
    }
    all.push(preds);
  }
  await callCallbacks(trainer, 'onPredictEpochEnd', []);
  await callModule(trainer, 'onPredictEpochEnd');
  await callCallbacks(trainer, 'onPredictEnd', []);
  await callModule(trainer, 'onPredictEnd');
  return loaders.length === 1 ? all[0]! : all;
}
