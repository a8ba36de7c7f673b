import * as tf from '@tensorflow/tfjs-core';
import { batchSizeOf, type Batch } from '../data';
import type { StepOutput } from '../module';
import { callCallbacks, callModule, callModuleSync } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import type { Trainer } from '../trainer/trainer';
import { countBatches, disposeAll, disposeBatch, prepareBatch } from './batch';

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
 * The validation or test loop (Lightning's _EvaluationLoop). In fit it runs
 * inside the training epoch; `sanity` runs the sanity check (nothing logged).
 */
export async function runEvaluation(trainer: Trainer, stage: 'validate' | 'test', opts: { sanity?: boolean } = {}): Promise<EvalResult[]> {
  const module = trainer.lightningModule;
  const sanity = opts.sanity ?? false;
  const inFit = trainer.state.fn === 'fit';
  const isTest = stage === 'test';
  const loaders = isTest ? trainer.testDataloaders : trainer.valDataloaders;
  const stepName = isTest ? 'testStep' : 'validationStep';
  if (typeof module[stepName] !== 'function') {
    if (inFit) return [];
    throw new Error(`\`${stage}\` needs \`${stepName}\` to be implemented by ${module.constructor.name}`);
  }
  let counts: number[];
  if (sanity) counts = trainer.numSanityValBatches;
  else if (inFit) counts = trainer.numValBatches;
  else {
    const limitName = isTest ? 'limitTestBatches' : 'limitValBatches';
    counts = loaders.map((l) => countBatches(trainer, l.length, trainer.options[limitName], limitName, applyLimit));
    if (isTest) trainer.numTestBatches = counts;
    else trainer.numValBatches = counts;
  }
  const results = trainer.results;
  trainer.state.stage = sanity ? 'sanity_check' : stage;
  results.stage = stage;
  results.numDataloaders = loaders.length;

  if (inFit && !sanity) await callModule(trainer, 'onValidationModelZeroGrad');
  await callModule(trainer, isTest ? 'onTestModelEval' : 'onValidationModelEval');
  await callCallbacks(trainer, isTest ? 'onTestStart' : 'onValidationStart', []);
  await callModule(trainer, isTest ? 'onTestStart' : 'onValidationStart');
  await callCallbacks(trainer, isTest ? 'onTestEpochStart' : 'onValidationEpochStart', []);
  await callModule(trainer, isTest ? 'onTestEpochStart' : 'onValidationEpochStart');

  for (let i = 0; i < loaders.length; i++) {
    results.dataloaderIdx = i;
    let j = 0;
    for (const raw of loaders[i]!.batches(0, { limit: counts[i] ?? 0, shuffle: false })) {
      results.stage = stage;
      let batch: Batch = raw;
      let out: StepOutput = null;
      try {
        batch = await prepareBatch(trainer, raw, i);
        results.batchSize = batchSizeOf(batch);
        await callCallbacks(trainer, isTest ? 'onTestBatchStart' : 'onValidationBatchStart', [batch, j, i]);
        await callModule(trainer, isTest ? 'onTestBatchStart' : 'onValidationBatchStart', batch, j, i);
        const b = batch;
        out = tf.tidy(() => callModuleSync(trainer, stepName, b, j, i) as tf.TensorContainer) as StepOutput;
        await callCallbacks(trainer, isTest ? 'onTestBatchEnd' : 'onValidationBatchEnd', [out, batch, j, i]);
        await callModule(trainer, isTest ? 'onTestBatchEnd' : 'onValidationBatchEnd', out, batch, j, i);
      } finally {
        disposeAll(out);
        disposeBatch(raw, batch);
      }
      results.endStep(trainer.batchesThatStepped, trainer.currentEpoch, !sanity);
      j += 1;
    }
  }
  results.dataloaderIdx = 0;
  await results.flush();
  const collection = results.collections[stage];
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
  if (!sanity && Object.keys(values.logged).length > 0) trainer.logMetrics(values.logged, trainer.batchesThatStepped);
  const out = perDataloader(values.logged, loaders.length);
  if (!sanity && !inFit && trainer.state.fn !== null) {
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
