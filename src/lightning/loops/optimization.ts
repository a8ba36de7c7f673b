import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // tfjs-core alone registers no gradients; training needs them
import type { Batch } from '../data';
import type { StepOutput } from '../module';
import { callCallbacks, callCallbacksSync, callModule, callModuleSync } from '../trainer/call';
import { updateLearningRates } from '../trainer/optimizers';
import type { Trainer } from '../trainer/trainer';
import { disposeAll } from './batch';

const SKIP = Symbol('skip-batch');

/** The loss inside a step's output (a scalar tensor, or `{loss}`), or null to skip the batch. */
function lossOf(out: StepOutput): tf.Tensor | null {
  if (out == null) return null;
  if (out instanceof tf.Tensor) return out;
  if (typeof out === 'object' && 'loss' in out && out.loss instanceof tf.Tensor) return out.loss;
  throw new Error('`trainingStep` must return the loss tensor, `{loss, ...}`, or null/undefined to skip the batch');
}

interface BatchResult {
  outputs: StepOutput;
  /** Whether the optimizer stepped on this batch. */
  stepped: boolean;
}

/**
 * Automatic optimization of one batch, in Lightning's order: trainingStep →
 * onBeforeZeroGrad/optimizerZeroGrad (first batch of an accumulation window) →
 * onBeforeBackward → backward → onAfterBackward → onBeforeOptimizerStep →
 * configureGradientClipping → optimizerStep. Forward and backward are one
 * `tf.variableGrads` call, so hooks inside it run synchronously.
 * Gradients are summed on the device across an accumulation window.
 */
export async function trainingBatch(trainer: Trainer, batch: Batch, batchIdx: number, isLastBatch: boolean): Promise<BatchResult> {
  const optimizer = trainer.optimizers[0];
  if (!optimizer) throw new Error('`configureOptimizers` returned no optimizer');
  const acc = trainer.accumulateGradBatches;
  const firstInWindow = batchIdx % acc === 0;
  const shouldStep = (batchIdx + 1) % acc === 0 || isLastBatch;
  const epoch = trainer.currentEpoch;
  let extras: Record<string, unknown> = {};
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(() => {
      const out = callModuleSync(trainer, 'trainingStep', batch, batchIdx) as StepOutput;
      const loss = lossOf(out);
      if (!loss) throw SKIP;
      if (loss.size !== 1) throw new Error(`\`trainingStep\` must return a scalar loss, got a tensor of shape [${loss.shape}]`);
      if (out && !(out instanceof tf.Tensor)) {
        extras = { ...(out as Record<string, unknown>) };
        delete extras.loss;
        for (const v of Object.values(extras)) if (v instanceof tf.Tensor) tf.keep(v);
      }
      if (firstInWindow) {
        callCallbacksSync(trainer, 'onBeforeZeroGrad', [optimizer]);
        callModuleSync(trainer, 'onBeforeZeroGrad', optimizer);
        callModuleSync(trainer, 'optimizerZeroGrad', epoch, batchIdx, optimizer);
      }
      const scaled = (acc > 1 ? tf.div(tf.reshape(loss, []), acc) : tf.reshape(loss, [])) as tf.Scalar;
      callCallbacksSync(trainer, 'onBeforeBackward', [scaled]);
      callModuleSync(trainer, 'onBeforeBackward', scaled);
      return scaled;
    }, optimizer.params);
  } catch (e) {
    if (e === SKIP) return { outputs: null, stepped: false };
    throw e;
  }
  const outputs = { loss: result.value, ...extras };

  try {
    if (trainer.options.detectAnomaly) {
      const v = (await result.value.data())[0]!;
      if (!Number.isFinite(v)) {
        Object.values(result.grads).forEach((g) => g.dispose());
        throw new Error(
          `detectAnomaly: the loss is ${v} at epoch ${epoch}, batch ${batchIdx} (global step ${trainer.globalStep}); stopped before the optimizer step`,
        );
      }
    }

    // Accumulate on the device: the window's gradients are summed (the loss was divided by `acc`).
    if (Object.keys(trainer.gradients).length === 0) {
      trainer.gradients = result.grads;
    } else {
      for (const [name, g] of Object.entries(result.grads)) {
        const prev = trainer.gradients[name];
        trainer.gradients[name] = prev ? tf.add(prev, g) : g;
        if (prev) {
          prev.dispose();
          g.dispose();
        }
      }
    }
    await callCallbacks(trainer, 'onAfterBackward', []);
    await callModule(trainer, 'onAfterBackward');

    if (shouldStep) {
      await callCallbacks(trainer, 'onBeforeOptimizerStep', [optimizer]);
      await callModule(trainer, 'onBeforeOptimizerStep', optimizer);
      await callModule(trainer, 'configureGradientClipping', optimizer, trainer.options.gradientClipVal, trainer.options.gradientClipAlgorithm ?? 'norm');
      await callModule(trainer, 'optimizerStep', epoch, batchIdx, optimizer);
      trainer.disposeGradients();
      trainer.fitLoop.progress.steps += 1;
      await updateLearningRates(trainer, 'step', false, batchIdx);
      if (isLastBatch) await updateLearningRates(trainer, 'epoch', false, epoch);
    }
  } catch (e) {
    disposeAll(outputs);
    throw e;
  }
  return { outputs, stepped: shouldStep };
}
