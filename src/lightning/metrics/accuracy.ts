import * as tf from '@tensorflow/tfjs-core';
import { AccumulatedMetric, type MetricState } from './accumulated';
import {
  checkClassification,
  hasScores,
  predLabels,
  resolveClassification,
  topKHits,
  trueLabels,
  type ClassificationConfig,
  type ClassificationOptions,
} from './classificationInputs';

export interface AccuracyOptions extends ClassificationOptions {
  /**
   * Multiclass only: a row is correct when the true class is among the `topK`
   * highest scores (ties broken towards the lower class index). Needs preds
   * of shape [N, C]. Default 1.
   */
  topK?: number;
}

/**
 * Fraction of rows classified correctly, over every batch since the last reset.
 *
 * Differs from torchmetrics: its `MulticlassAccuracy` averages per class
 * (`average='macro'`) by default; this is the plain fraction of correct rows
 * (torchmetrics' `average='micro'`, Keras' accuracy). torchmetrics' macro
 * accuracy is `new Recall({ ..., average: 'macro' })` here.
 *
 * State: two scalars (correct, total). Before any update `compute()` gives 0,
 * torchmetrics' 0/0 convention.
 */
export class Accuracy extends AccumulatedMetric<number> {
  readonly name = 'Accuracy';
  private readonly cfg: ClassificationConfig;
  private readonly topK: number;

  constructor(options: AccuracyOptions) {
    super();
    this.cfg = resolveClassification(this.name, options);
    const topK = options.topK ?? 1;
    if (!Number.isInteger(topK) || topK < 1) {
      throw new Error(`Accuracy: \`topK\` must be a positive integer, got ${String(options.topK)}`);
    }
    if (topK > 1 && this.cfg.task === 'binary') {
      throw new Error(`Accuracy: \`topK\` applies to task 'multiclass' only, got topK ${topK} with task 'binary'`);
    }
    if (topK > this.cfg.numClasses) {
      throw new Error(`Accuracy: \`topK\` must be at most numClasses (${this.cfg.numClasses}), got ${topK}`);
    }
    this.topK = topK;
  }

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkClassification(this.name, this.cfg, preds, target, this.topK > 1);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor): MetricState {
    const truth = trueLabels(this.cfg, target);
    // With scores, count through the rank rule even for k = 1: identical to
    // comparing argmax labels, and an out-of-range target is never correct.
    const hits = hasScores(this.cfg, preds)
      ? topKHits(preds, truth, this.topK)
      : tf.equal(predLabels(this.cfg, preds), truth);
    return { correct: tf.sum(tf.cast(hits, 'float32')), total: tf.scalar(truth.shape[0]) };
  }

  protected finalize(state: MetricState): tf.Tensor {
    return tf.divNoNan(state.correct, state.total);
  }

  protected emptyValue(): number {
    return 0;
  }
}

/** Accuracy of one batch as a scalar tensor on the device (the caller disposes it). */
export function accuracy(preds: tf.Tensor, target: tf.Tensor, options: AccuracyOptions): tf.Scalar {
  return new Accuracy(options).batchValue(preds, target) as tf.Scalar;
}
