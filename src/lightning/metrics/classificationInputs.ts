import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from './accumulated';

export type ClassificationTask = 'binary' | 'multiclass';

export interface ClassificationOptions {
  /**
   * `'binary'`: preds are probabilities of the positive class, shape [N] or
   * [N, 1], turned into labels by `preds > threshold`; target is 0/1.
   * `'multiclass'`: preds are scores, logits or probabilities [N, C] (the
   * highest wins) or class indices [N]; target is class indices [N] or one-hot
   * [N, C].
   */
  task: ClassificationTask;
  /** Required for `'multiclass'` (an integer ≥ 2); `'binary'` has 2. */
  numClasses?: number;
  /**
   * Binary only. A prediction is positive when `preds > threshold` (strictly,
   * as in torchmetrics). Preds are not passed through a sigmoid: for logits use
   * `threshold: 0`, which is the same decision as sigmoid(logit) > 0.5.
   */
  threshold?: number;
}

export interface ClassificationConfig {
  task: ClassificationTask;
  /** 2 for binary. */
  numClasses: number;
  threshold: number;
}

export function resolveClassification(name: string, options: ClassificationOptions): ClassificationConfig {
  const { task } = options;
  if (task !== 'binary' && task !== 'multiclass') {
    throw new Error(`${name}: \`task\` must be 'binary' or 'multiclass', got ${JSON.stringify(task)}`);
  }
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new Error(`${name}: \`threshold\` must be a finite number, got ${String(options.threshold)}`);
  }
  if (task === 'binary') {
    if (options.numClasses !== undefined && options.numClasses !== 2) {
      throw new Error(`${name}: task 'binary' has 2 classes; \`numClasses\` must be left out or 2, got ${options.numClasses}`);
    }
    return { task, numClasses: 2, threshold };
  }
  const numClasses = options.numClasses;
  if (numClasses === undefined || !Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`${name}: task 'multiclass' needs \`numClasses\`, an integer ≥ 2, got ${String(numClasses)}`);
  }
  return { task, numClasses, threshold };
}

/** Whether a [N, C] tensor (C > 1) holds per-class scores rather than indices. */
function isScores(t: tf.Tensor): boolean {
  return t.rank === 2 && t.shape[1] !== 1;
}

/**
 * Throws on shapes the config cannot take. Host-side, no tensors made.
 * `needScores` (top-k accuracy) requires [N, C] preds.
 */
export function checkClassification(
  name: string,
  cfg: ClassificationConfig,
  preds: tf.Tensor,
  target: tf.Tensor,
  needScores = false,
): void {
  for (const [label, t] of [['preds', preds], ['target', target]] as const) {
    if (t.rank !== 1 && t.rank !== 2) {
      const expected = cfg.task === 'binary' ? '[N] or [N, 1]' : '[N] or [N, C]';
      throw new Error(`${name}: ${label} must have shape ${expected}, got ${formatShape(t.shape)}`);
    }
    if (isScores(t)) {
      if (cfg.task === 'binary') {
        throw new Error(
          `${name}: task 'binary' expects ${label} of shape [N] or [N, 1], got ${formatShape(t.shape)}` +
            ` (for one score per class use task 'multiclass' with numClasses ${t.shape[1]})`,
        );
      }
      if (t.shape[1] !== cfg.numClasses) {
        throw new Error(`${name}: ${label} has ${t.shape[1]} columns but numClasses is ${cfg.numClasses} (shape ${formatShape(t.shape)})`);
      }
    }
  }
  if (preds.shape[0] !== target.shape[0]) {
    throw new Error(
      `${name}: preds has ${preds.shape[0]} rows but target has ${target.shape[0]} ` +
        `(preds ${formatShape(preds.shape)}, target ${formatShape(target.shape)})`,
    );
  }
  if (needScores && !isScores(preds)) {
    throw new Error(`${name}: topK > 1 needs preds of per-class scores [N, ${cfg.numClasses}], got ${formatShape(preds.shape)}`);
  }
}

/**
 * Index of the highest score per row; ties go to the lowest index on every
 * backend (tf.argMax leaves the tie order to the backend's kernel).
 */
function firstArgMax(scores: tf.Tensor): tf.Tensor1D {
  const [rows, cols] = scores.shape;
  const best = tf.max(scores, 1, true);
  const index = tf.reshape(tf.range(0, cols, 1, 'int32'), [1, cols]);
  const candidates = tf.where(tf.equal(scores, best), index, tf.fill([rows, cols], cols, 'int32'));
  return tf.min(candidates, 1) as tf.Tensor1D;
}

/** Float class indices (2.0) become int32 by rounding, not truncation. */
function toIndices(t: tf.Tensor): tf.Tensor1D {
  const flat = tf.reshape(t, [-1]);
  return (flat.dtype === 'int32' ? flat : tf.cast(tf.round(flat), 'int32')) as tf.Tensor1D;
}

/**
 * Predicted class of every row as int32 [N], for checked inputs. Call inside
 * `tf.tidy`.
 */
export function predLabels(cfg: ClassificationConfig, preds: tf.Tensor): tf.Tensor1D {
  if (cfg.task === 'binary') return tf.cast(tf.greater(tf.reshape(preds, [-1]), cfg.threshold), 'int32') as tf.Tensor1D;
  return isScores(preds) ? firstArgMax(preds) : toIndices(preds);
}

/**
 * True class of every row as int32 [N], for checked inputs. Call inside
 * `tf.tidy`. Values are not validated (that would need a readback): a
 * multiclass target outside [0, numClasses) matches no class; a binary target
 * counts as positive above 0.5, so 0/1 floats and ints both work.
 */
export function trueLabels(cfg: ClassificationConfig, target: tf.Tensor): tf.Tensor1D {
  if (cfg.task === 'binary') return tf.cast(tf.greater(tf.reshape(target, [-1]), 0.5), 'int32') as tf.Tensor1D;
  return isScores(target) ? firstArgMax(target) : toIndices(target);
}

/** Whether checked preds are per-class scores [N, C] (multiclass) rather than labels. */
export function hasScores(cfg: ClassificationConfig, preds: tf.Tensor): boolean {
  return cfg.task === 'multiclass' && isScores(preds);
}

/**
 * One-hot rows as float32. Built as int32 then cast: tfjs-backend-wasm 4.22's
 * OneHot ignores the `dtype` argument and writes int32 bits into a float32
 * buffer (1 reads as 1.4e-45).
 */
export function oneHotFloat(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}

/**
 * Per-row: is the true class among the `k` highest scores? A class ranks above
 * the true one if it scores higher, or equal with a lower index: the same tie
 * rule as `firstArgMax`, so k = 1 agrees with argmax accuracy exactly.
 * Computed by counting (O(N·C) elementwise work), so no sort (tf.topk) is needed.
 */
export function topKHits(scores: tf.Tensor, truth: tf.Tensor1D, k: number): tf.Tensor1D {
  const cols = scores.shape[1] as number;
  const isTrue = tf.cast(tf.oneHot(truth, cols), 'bool');
  const trueScore = tf.sum(tf.where(isTrue, scores, tf.zerosLike(scores)), 1, true);
  const index = tf.reshape(tf.range(0, cols, 1, 'int32'), [1, cols]);
  const before = tf.less(index, tf.reshape(truth, [-1, 1]));
  const outranks = tf.logicalOr(tf.greater(scores, trueScore), tf.logicalAnd(tf.equal(scores, trueScore), before));
  const rank = tf.sum(tf.cast(outranks, 'int32'), 1);
  // A target outside [0, C) has no true class: never a hit.
  return tf.logicalAnd(tf.less(rank, k), tf.any(isTrue, 1)) as tf.Tensor1D;
}
