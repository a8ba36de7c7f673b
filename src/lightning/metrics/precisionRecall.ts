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

/**
 * How per-class scores become one number (multiclass):
 * - `'micro'`: pool tp/fp/fn over classes first. For single-label data this
 *   equals accuracy, for precision, recall and F1 alike.
 * - `'macro'`: unweighted mean of the per-class scores. As in torchmetrics, a
 *   class that is neither predicted nor present (tp + fp + fn = 0) is left out
 *   of the mean; a class with fp > 0 but no support still counts, with 0.
 * - `'weighted'`: mean weighted by support (number of true rows per class).
 * - `'none'`: the per-class scores, as an array of length numClasses.
 */
export type Average = 'micro' | 'macro' | 'weighted' | 'none';
export type AveragedValue<A extends Average> = A extends 'none' ? number[] : number;

export interface StatScoreOptions<A extends Average = Average> extends ClassificationOptions {
  /**
   * Default `'macro'` (torchmetrics' default). Task `'binary'` always scores
   * the positive class, as torchmetrics' Binary* metrics do, so it ignores
   * `average` and rejects `'none'`.
   */
  average?: A;
}

const AVERAGES: readonly Average[] = ['micro', 'macro', 'weighted', 'none'];

/**
 * Per-class counts: true positives, rows predicted as the class (tp + fp) and
 * rows that truly are the class (support, tp + fn). Three [C] vectors hold
 * every count precision, recall and F1 need, at O(N·C) per batch.
 */
function statScores(pred: tf.Tensor1D, truth: tf.Tensor1D, numClasses: number): MetricState {
  const predicted = oneHotFloat(pred, numClasses);
  const actual = oneHotFloat(truth, numClasses);
  return {
    tp: tf.sum(tf.mul(predicted, actual), 0),
    predicted: tf.sum(predicted, 0),
    support: tf.sum(actual, 0),
  };
}

type Ratio = (tp: tf.Tensor, predicted: tf.Tensor, support: tf.Tensor) => tf.Tensor;

/**
 * Precision, recall and F1 count 0/0 as 0 (torchmetrics' and scikit-learn's
 * default `zero_division=0`): a class never predicted has precision 0, a
 * class with no support has recall 0.
 */
const RATIOS = {
  Precision: (tp, predicted) => tf.divNoNan(tp, predicted),
  Recall: (tp, _predicted, support) => tf.divNoNan(tp, support),
  // 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall.
  F1Score: (tp, predicted, support) => tf.divNoNan(tf.mul(tp, 2), tf.add(predicted, support)),
} satisfies Record<string, Ratio>;

abstract class StatScoreMetric<A extends Average> extends AccumulatedMetric<AveragedValue<A>> {
  abstract override readonly name: keyof typeof RATIOS;
  protected readonly cfg: ClassificationConfig;
  protected readonly average: Average;

  constructor(name: keyof typeof RATIOS, options: StatScoreOptions<A>) {
    super();
    this.cfg = resolveClassification(name, options);
    const average = options.average ?? 'macro';
    if (!AVERAGES.includes(average)) {
      throw new Error(`${name}: \`average\` must be one of ${AVERAGES.join(', ')}, got ${JSON.stringify(options.average)}`);
    }
    if (this.cfg.task === 'binary' && average === 'none') {
      throw new Error(`${name}: \`average\` 'none' does not apply to task 'binary', which scores the positive class only`);
    }
    this.average = average;
  }

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkClassification(this.name, this.cfg, preds, target);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor): MetricState {
    return statScores(predLabels(this.cfg, preds), trueLabels(this.cfg, target), this.cfg.numClasses);
  }

  protected finalize({ tp, predicted, support }: MetricState): tf.Tensor {
    const ratio: Ratio = RATIOS[this.name];
    if (this.cfg.task === 'binary') {
      const positive = (t: tf.Tensor) => tf.reshape(tf.slice(t, [1], [1]), []);
      return ratio(positive(tp), positive(predicted), positive(support));
    }
    if (this.average === 'micro') return ratio(tf.sum(tp), tf.sum(predicted), tf.sum(support));
    const perClass = ratio(tp, predicted, support);
    if (this.average === 'none') return perClass;
    const weights =
      this.average === 'weighted' ? support : tf.cast(tf.greater(tf.add(predicted, support), 0), 'float32');
    return tf.divNoNan(tf.sum(tf.mul(perClass, weights)), tf.sum(weights));
  }

  protected emptyValue(): AveragedValue<A> {
    const value = this.average === 'none' ? new Array<number>(this.cfg.numClasses).fill(0) : 0;
    return value as AveragedValue<A>;
  }
}

/** tp / (tp + fp), over every batch since the last reset. 0 before any update. */
export class Precision<A extends Average = 'macro'> extends StatScoreMetric<A> {
  readonly name = 'Precision';
  constructor(options: StatScoreOptions<A>) {
    super('Precision', options);
  }
}

/** tp / (tp + fn), over every batch since the last reset. 0 before any update. */
export class Recall<A extends Average = 'macro'> extends StatScoreMetric<A> {
  readonly name = 'Recall';
  constructor(options: StatScoreOptions<A>) {
    super('Recall', options);
  }
}

/** 2·tp / (2·tp + fp + fn), over every batch since the last reset. 0 before any update. */
export class F1Score<A extends Average = 'macro'> extends StatScoreMetric<A> {
  readonly name = 'F1Score';
  constructor(options: StatScoreOptions<A>) {
    super('F1Score', options);
  }
}

/** Precision of one batch as a device tensor: scalar, or [C] for `average: 'none'`. The caller disposes it. */
export function precision(preds: tf.Tensor, target: tf.Tensor, options: StatScoreOptions): tf.Tensor {
  return new Precision(options).batchValue(preds, target);
}

/** Recall of one batch as a device tensor: scalar, or [C] for `average: 'none'`. The caller disposes it. */
export function recall(preds: tf.Tensor, target: tf.Tensor, options: StatScoreOptions): tf.Tensor {
  return new Recall(options).batchValue(preds, target);
}

/** F1 of one batch as a device tensor: scalar, or [C] for `average: 'none'`. The caller disposes it. */
export function f1Score(preds: tf.Tensor, target: tf.Tensor, options: StatScoreOptions): tf.Tensor {
  return new F1Score(options).batchValue(preds, target);
}
