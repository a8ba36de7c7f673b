import * as tf from '@tensorflow/tfjs-core';
import { Metric, type MetricValue } from './metric';

/** Named tensors: a batch's statistics, or the running sums they are added to. */
export type MetricState = Record<string, tf.Tensor>;

/**
 * A metric whose state is a few running sums held in non-trainable
 * `tf.Variable`s. Subclasses say how one batch turns into statistics
 * (`batchStats`) and how the sums turn into the metric (`finalize`); this class
 * does the bookkeeping so every metric keeps the same memory discipline:
 *
 * 1. `update` runs entirely inside one `tf.tidy` and never reads back.
 * 2. The first non-empty batch creates the variables from its own statistics
 *    (so a metric whose shape depends on the data, e.g. R² over k outputs,
 *    needs no shape up front and no tensor is made before a backend is set).
 * 3. Later batches `assign(old + batch)`: the variable count stays fixed, so
 *    `tf.memory().numTensors` is constant across updates after the first.
 * 4. `compute` builds one small result tensor and reads it once with `data()`.
 *
 * Variables are created with `trainable = false` so `tf.variableGrads` and the
 * optimizers never see them.
 */
export abstract class AccumulatedMetric<V extends MetricValue> extends Metric<V> {
  /** Used in error messages, e.g. "Accuracy: preds has 5 rows but target has 4". */
  abstract readonly name: string;
  private state: Record<string, tf.Variable> | null = null;

  /** Throws, naming the metric and the shapes, on inputs this metric cannot take. Host-side only. */
  protected abstract check(preds: tf.Tensor, target: tf.Tensor): void;
  /**
   * Statistics of one non-empty, checked batch, called inside `tf.tidy`.
   * `state` is null on the first batch; a key returned only then (R²'s
   * shift) is kept as it was, never summed.
   */
  protected abstract batchStats(preds: tf.Tensor, target: tf.Tensor, state: MetricState | null): MetricState;
  /** The metric as a tensor (rank 0, 1 or 2), from the running sums; called inside `tf.tidy`. */
  protected abstract finalize(state: MetricState): tf.Tensor;
  /** What `compute` returns before any (non-empty) batch was seen. */
  protected abstract emptyValue(): V;

  update(preds: tf.Tensor, target: tf.Tensor): void {
    this.check(preds, target);
    // An empty batch changes nothing (and some kernels dislike zero-size inputs).
    if (preds.size === 0) return;
    tf.tidy(() => this.accumulate(this.batchStats(preds, target, this.state)));
  }

  /**
   * The metric on this batch alone, as a tensor that stays on the device
   * (the caller disposes it). The running state is not touched. This is what
   * the functional forms (`accuracy(preds, target)`, ...) return.
   */
  batchValue(preds: tf.Tensor, target: tf.Tensor): tf.Tensor {
    this.check(preds, target);
    if (preds.size === 0) return tf.tensor(this.emptyValue() as number | number[] | number[][]);
    return tf.tidy(() => this.finalize(this.batchStats(preds, target, null)));
  }

  /**
   * torchmetrics' `forward`: adds the batch to the state (like `update`) and
   * returns the metric on this batch alone as a device tensor, for logging a
   * per-step value without reading it back. The caller disposes it.
   */
  forward(preds: tf.Tensor, target: tf.Tensor): tf.Tensor {
    this.check(preds, target);
    if (preds.size === 0) return tf.tensor(this.emptyValue() as number | number[] | number[][]);
    return tf.tidy(() => {
      const stats = this.batchStats(preds, target, this.state);
      this.accumulate(stats);
      return this.finalize(stats);
    });
  }

  private accumulate(stats: MetricState): void {
    const current = this.state;
    if (current === null) {
      const created: Record<string, tf.Variable> = {};
      for (const [key, value] of Object.entries(stats)) {
        created[key] = tf.variable(tf.cast(value, 'float32'), false);
      }
      this.state = created;
      return;
    }
    // Check every shape before assigning any, so a bad batch leaves the state as it was.
    for (const [key, value] of Object.entries(stats)) {
      const sum = current[key];
      if (sum === undefined) throw new Error(`${this.name}: internal state has no "${key}"`);
      if (!sameShape(sum.shape, value.shape)) {
        throw new Error(
          `${this.name}: this batch gives "${key}" of shape ${formatShape(value.shape)} but earlier batches ` +
            `gave ${formatShape(sum.shape)}; call reset() before changing the number of outputs`,
        );
      }
    }
    for (const [key, value] of Object.entries(stats)) {
      const sum = current[key];
      sum.assign(tf.add(sum, tf.cast(value, 'float32')));
    }
  }

  async compute(): Promise<V> {
    const state = this.state;
    if (state === null) return this.emptyValue();
    const result = tf.tidy(() => this.finalize(state));
    try {
      const data = await result.data();
      return toPlain(data, result.shape) as V;
    } finally {
      result.dispose();
    }
  }

  /** Forgets every batch; the state is rebuilt by the next `update`. */
  reset(): void {
    this.dispose();
  }

  /** Frees the device state. The metric stays usable: the next `update` starts afresh. */
  dispose(): void {
    if (this.state === null) return;
    for (const v of Object.values(this.state)) v.dispose();
    this.state = null;
  }
}

/** Rank 0 → number, rank 1 → number[], rank 2 → number[][] (row-major). */
function toPlain(data: ArrayLike<number>, shape: readonly number[]): MetricValue {
  if (shape.length === 0) return Number(data[0]);
  if (shape.length === 1) return Array.from(data, Number);
  if (shape.length === 2) {
    const [rows, cols] = shape;
    const out: number[][] = [];
    for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, c) => Number(data[r * cols + c])));
    return out;
  }
  throw new Error(`metric results have rank 0, 1 or 2, got shape ${formatShape(shape)}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
