import * as tf from '@tensorflow/tfjs-core';
import { AccumulatedMetric, type MetricState } from './accumulated';
import {
  checkClassification,
  oneHotFloat,
  predLabels,
  resolveClassification,
  trueLabels,
  type ClassificationConfig,
  type ClassificationOptions,
} from './classificationInputs';

export interface ConfusionMatrixOptions extends ClassificationOptions {
  /**
   * torchmetrics' `normalize`: `'none'` (default) gives counts; `'true'`
   * divides each row by its total (row = recall per class), `'pred'` each
   * column, `'all'` everything. An empty row or column stays 0.
   */
  normalize?: 'none' | 'true' | 'pred' | 'all';
}

const NORMALIZE = ['none', 'true', 'pred', 'all'] as const;

/**
 * Counts of (true class, predicted class) pairs: `compute()` returns
 * `number[][]` with rows = true class and columns = predicted class (the
 * torchmetrics and scikit-learn convention), numClasses × numClasses (2 × 2
 * for binary: [[tn, fp], [fn, tp]]). All zeros before any update.
 *
 * Counts are float32 on the device, exact up to 2^24 (16.7 million) per cell.
 */
export class ConfusionMatrix extends AccumulatedMetric<number[][]> {
  readonly name = 'ConfusionMatrix';
  private readonly cfg: ClassificationConfig;
  private readonly normalize: NonNullable<ConfusionMatrixOptions['normalize']>;

  constructor(options: ConfusionMatrixOptions) {
    super();
    this.cfg = resolveClassification(this.name, options);
    const normalize = options.normalize ?? 'none';
    if (!NORMALIZE.includes(normalize)) {
      throw new Error(`ConfusionMatrix: \`normalize\` must be one of ${NORMALIZE.join(', ')}, got ${JSON.stringify(options.normalize)}`);
    }
    this.normalize = normalize;
  }

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkClassification(this.name, this.cfg, preds, target);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor): MetricState {
    const c = this.cfg.numClasses;
    const actual = oneHotFloat(trueLabels(this.cfg, target), c);
    const predicted = oneHotFloat(predLabels(this.cfg, preds), c);
    // actualᵀ · predicted: cell (i, j) counts rows of class i predicted as j.
    return { matrix: tf.matMul(actual, predicted, true, false) };
  }

  protected finalize({ matrix }: MetricState): tf.Tensor {
    switch (this.normalize) {
      case 'none':
        return tf.clone(matrix);
      case 'true':
        return tf.divNoNan(matrix, tf.sum(matrix, 1, true));
      case 'pred':
        return tf.divNoNan(matrix, tf.sum(matrix, 0, true));
      case 'all':
        return tf.divNoNan(matrix, tf.sum(matrix));
    }
  }

  protected emptyValue(): number[][] {
    const c = this.cfg.numClasses;
    return Array.from({ length: c }, () => new Array<number>(c).fill(0));
  }
}

/** Confusion matrix of one batch as a [C, C] float32 device tensor (rows = true class). The caller disposes it. */
export function confusionMatrix(preds: tf.Tensor, target: tf.Tensor, options: ConfusionMatrixOptions): tf.Tensor2D {
  return new ConfusionMatrix(options).batchValue(preds, target) as tf.Tensor2D;
}
