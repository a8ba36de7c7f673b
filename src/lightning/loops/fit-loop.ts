import { batchSizeOf, type Batch } from '../data';
import type { StepOutput } from '../module';
import { callCallbacks, callModule } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import { updateLearningRates } from '../trainer/optimizers';
import type { Trainer } from '../trainer/trainer';
import { countBatches, disposeAll, disposeBatch, prepareBatch } from './batch';
import { runEvaluation } from './evaluation-loop';
import { trainingBatch } from './optimization';

/** Lightning's _FitLoop.done: limits reached, or a stop request once minEpochs/minSteps are met. */
function fitDone(trainer: Trainer): boolean {
  if (trainer.numTrainingBatches === 0) return true;
  if (trainer.maxSteps !== -1 && trainer.globalStep >= trainer.maxSteps) return true;
  if (trainer.maxEpochs !== -1 && trainer.currentEpoch >= trainer.maxEpochs) return true;
  if (trainer.shouldStop) {
    const { minEpochs = 0, minSteps = 0 } = trainer.options;
    if (trainer.currentEpoch < minEpochs || trainer.globalStep < minSteps) {
      trainer.print(`Trainer was signaled to stop but the required minEpochs=${minEpochs} or minSteps=${minSteps} has not been met. Training will continue...`);
      trainer.shouldStop = false;
      return false;
    }
    return true;
  }
  return false;
}

/** Within an epoch: stop after this batch? (max steps, or a stop request honoured by fitDone). */
function epochShouldBreak(trainer: Trainer): boolean {
  if (trainer.maxSteps !== -1 && trainer.globalStep >= trainer.maxSteps) return true;
  return trainer.shouldStop && fitDone(trainer);
}

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

export async function runFitLoop(trainer: Trainer): Promise<void> {
  const module = trainer.lightningModule;
  const dl = trainer.trainDataloader!;
  const o = trainer.options;
  trainer.numTrainingBatches = countBatches(trainer, dl.length, o.limitTrainBatches, 'limitTrainBatches', applyLimit);
  trainer.numValBatches = trainer.valDataloaders.map((v) => countBatches(trainer, v.length, o.limitValBatches, 'limitValBatches', applyLimit));
  const hasVal = typeof module.validationStep === 'function' && trainer.numValBatches.some((n) => n > 0);
  const everyBatch = valCheckBatch(trainer);

  // Sanity check: a few validation batches before training, results discarded.
  const sanitySteps = trainer.fastDevRunBatches > 0 ? 0 : (o.numSanityValSteps ?? 2);
  if (hasVal && sanitySteps !== 0) {
    trainer.numSanityValBatches = trainer.numValBatches.map((n) => (sanitySteps === -1 ? n : Math.min(n, sanitySteps)));
    trainer.state.stage = 'sanity_check';
    await callCallbacks(trainer, 'onSanityCheckStart', []);
    await callModule(trainer, 'onSanityCheckStart');
    await runEvaluation(trainer, 'validate', { sanity: true });
    trainer.state.stage = 'sanity_check';
    await callCallbacks(trainer, 'onSanityCheckEnd', []);
    await callModule(trainer, 'onSanityCheckEnd');
    trainer.callbackMetrics = {};
    trainer.progressBarMetrics = {};
  }

  trainer.state.stage = 'train';
  if (trainer.numTrainingBatches === 0) return; // limitTrainBatches=0: Lightning skips training.
  module.train();
  await callCallbacks(trainer, 'onTrainStart', []);
  await callModule(trainer, 'onTrainStart');
  let totalBatchIdx = 0;
  let lastFlush = performance.now();
  const flushEvery = o.flushIntervalMs ?? 100;

  while (!fitDone(trainer)) {
    const epoch = trainer.currentEpoch;
    const resume = trainer.resumeFrom;
    trainer.resumeFrom = null;
    const start = resume && resume.epoch === epoch ? resume.batchesDone : 0;
    trainer.batchesDoneInEpoch = start;
    trainer.epochFinished = false;
    trainer.results.stage = 'train';
    trainer.state.stage = 'train';
    await callCallbacks(trainer, 'onTrainEpochStart', []);
    await callModule(trainer, 'onTrainEpochStart');
    const n = trainer.numTrainingBatches;
    const shuffle = (o.overfitBatches ?? 0) > 0 ? false : undefined;
    let batchIdx = start;
    for (const raw of dl.batches(epoch, { start, limit: n, shuffle })) {
      const isLastBatch = batchIdx === n - 1;
      trainer.results.stage = 'train';
      trainer.results.numDataloaders = 1;
      trainer.results.dataloaderIdx = 0;
      let batch: Batch = raw;
      let outputs: StepOutput = null;
      let stepped = false;
      try {
        batch = await prepareBatch(trainer, raw, 0);
        trainer.results.batchSize = batchSizeOf(batch);
        await callCallbacks(trainer, 'onTrainBatchStart', [batch, batchIdx]);
        const signal = await callModule(trainer, 'onTrainBatchStart', batch, batchIdx);
        if (signal === -1) break;
        ({ outputs, stepped } = await trainingBatch(trainer, batch, batchIdx, isLastBatch));
        // From here this batch counts as done (a checkpoint saved in onTrainBatchEnd resumes after it).
        trainer.batchesDoneInEpoch = batchIdx + 1;
        trainer.stepIncrementPending = stepped;
        await callCallbacks(trainer, 'onTrainBatchEnd', [outputs, batch, batchIdx]);
        await callModule(trainer, 'onTrainBatchEnd', outputs, batch, batchIdx);
      } finally {
        disposeAll(outputs);
        disposeBatch(raw, batch);
      }

      // Step metrics join the readback queue; the read happens every flushIntervalMs, not every step.
      const toLogger = (trainer.batchesThatStepped + 1) % trainer.logEveryNSteps === 0 || trainer.shouldStop;
      trainer.results.endStep(trainer.batchesThatStepped, epoch, toLogger);
      const now = performance.now();
      if (now - lastFlush >= flushEvery) {
        lastFlush = now;
        trainer.results.flush().catch(() => {}); // errors surface at the epoch-end await
      }

      const cven = trainer.fastDevRunBatches > 0 || o.checkValEveryNEpoch === undefined ? 1 : o.checkValEveryNEpoch;
      const current = cven === null ? totalBatchIdx : batchIdx;
      const valEpoch = cven === null || (epoch + 1) % cven === 0;
      if (hasVal && valEpoch && (current + 1) % everyBatch === 0) {
        await runEvaluation(trainer, 'validate');
        trainer.state.stage = 'train';
        trainer.results.stage = 'train';
      }
      if (stepped) await updateLearningRates(trainer, 'step', true, batchIdx);
      if (stepped) trainer.batchesThatStepped += 1;
      trainer.stepIncrementPending = false;
      batchIdx += 1;
      totalBatchIdx += 1;
      if (epochShouldBreak(trainer)) break;
    }
    await trainEpochEnd(trainer);
  }
  trainer.state.stage = 'train';
  await callCallbacks(trainer, 'onTrainEnd', []);
  await callModule(trainer, 'onTrainEnd');
}

/** Epoch end in Lightning's order: other callbacks, the module, then metric-monitoring callbacks; then log and plateau schedulers. */
async function trainEpochEnd(trainer: Trainer): Promise<void> {
  const results = trainer.results;
  const train = results.collections.train;
  results.stage = 'train';
  await results.flush();
  const refresh = async () => {
    const v = await train.computeEpoch();
    Object.assign(trainer.callbackMetrics, v.callback);
    Object.assign(trainer.progressBarMetrics, v.progBar);
    return v;
  };
  await refresh();
  await callCallbacks(trainer, 'onTrainEpochEnd', [], false);
  await callModule(trainer, 'onTrainEpochEnd');
  const values = await refresh();
  await callCallbacks(trainer, 'onTrainEpochEnd', [], true);
  if (Object.keys(values.logged).length > 0) trainer.logMetrics(values.logged, Math.max(0, trainer.batchesThatStepped - 1));
  train.reset();
  await updateLearningRates(trainer, 'epoch', true, trainer.currentEpoch);
  trainer.epochFinished = true;
  trainer.currentEpoch += 1;
  trainer.batchesDoneInEpoch = 0;
  trainer.epochFinished = false;
}
