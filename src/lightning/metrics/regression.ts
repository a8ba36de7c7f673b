import * as tf from '@tensorflow/tfjs-core';
import { AccumulatedMetric, formatShape, type MetricState } from './accumulated';

/**
 * Preds and target of shape [N], [N, 1] or [N, k]; [N] and [N, 1] mix freely.
 * Host-side, no tensors made.
 */
function checkRegression(name: string, preds: tf.Tensor, target: tf.Tensor): void {
  for (const [label, t] of [['preds', preds], ['target', target]] as const) {
    if (t.rank !== 1 && t.rank !== 2) {
      throw new Error(`${name}: ${label} must have shape [N], [N, 1] or [N, k], got ${formatShape(t.shape)}`);
    }
  }
  const shapes = `(preds ${formatShape(preds.shape)}, target ${formatShape(target.shape)})`;
  if (preds.shape[0] !== target.shape[0]) {
    throw new Error(`${name}: preds has ${preds.shape[0]} rows but target has ${target.shape[0]} ${shapes}`);
  }
  const outputs = (t: tf.Tensor) => (t.rank === 1 ? 1 : t.shape[1]);
  if (outputs(preds) !== outputs(target)) {
    throw new Error(`${name}: preds has ${outputs(preds)} outputs but target has ${outputs(target)} ${shapes}`);
  }
}

/** Both as float32 [N, k]. Call inside `tf.tidy`. */
function asMatrix(t: tf.Tensor): tf.Tensor2D {
  const m = t.rank === 1 ? tf.reshape(t, [-1, 1]) : t;
  return tf.cast(m, 'float32') as tf.Tensor2D;
}

/**
 * Mean of (preds − target)² over every element of every batch since the last
 * reset (all outputs pooled, as torchmetrics does). With `squared: false` it
 * is the RMSE: the square root of that pooled mean, not a mean of per-batch
 * roots. NaN before any update (a mean of nothing).
 */
export class MeanSquaredError extends AccumulatedMetric<number> {
  readonly name = 'MeanSquaredError';
  private readonly squared: boolean;

  constructor(options: { squared?: boolean } = {}) {
    super();
    this.squared = options.squared ?? true;
  }

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkRegression(this.name, preds, target);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor): MetricState {
    return { sse: tf.sum(tf.squaredDifference(asMatrix(preds), asMatrix(target))), count: tf.scalar(preds.size) };
  }

  protected finalize({ sse, count }: MetricState): tf.Tensor {
    const mse = tf.div(sse, count);
    return this.squared ? mse : tf.sqrt(mse);
  }

  protected emptyValue(): number {
    return Number.NaN;
  }
}

/** Mean of |preds − target| over every element since the last reset. NaN before any update. */
export class MeanAbsoluteError extends AccumulatedMetric<number> {
  readonly name = 'MeanAbsoluteError';

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkRegression(this.name, preds, target);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor): MetricState {
    return { sae: tf.sum(tf.abs(tf.sub(asMatrix(preds), asMatrix(target)))), count: tf.scalar(preds.size) };
  }

  protected finalize({ sae, count }: MetricState): tf.Tensor {
    return tf.div(sae, count);
  }

  protected emptyValue(): number {
    return Number.NaN;
  }
}

/**
 * Coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)², per output over
 * every batch since the last reset, then averaged uniformly over outputs
 * (torchmetrics' `multioutput='uniform_average'`).
 *
 * Exact over batches: the state is per-output sums, so the result does not
 * depend on how rows were split. Σ(y − ȳ)² comes from Σd and Σd² with
 * d = y − s, s being the first batch's mean per output, kept on the device.
 * Any fixed s gives the same value in exact arithmetic; one near ȳ keeps
 * float32 from cancelling catastrophically when |ȳ| is large next to the
 * spread of y (the plain Σy² − (Σy)²/n form loses every digit there).
 *
 * Edge cases (scikit-learn's `force_finite`): an output with constant target
 * scores 1 if predicted exactly, else 0. Fewer than 2 rows in all: NaN
 * (torchmetrics raises). NaN before any update.
 */
export class R2Score extends AccumulatedMetric<number> {
  readonly name = 'R2Score';

  protected check(preds: tf.Tensor, target: tf.Tensor): void {
    checkRegression(this.name, preds, target);
  }

  protected batchStats(preds: tf.Tensor, target: tf.Tensor, state: MetricState | null): MetricState {
    const y = asMatrix(target);
    const outputs = y.shape[1];
    if (state !== null && state.shift.shape[0] !== outputs) {
      throw new Error(
        `${this.name}: target has ${outputs} outputs ${formatShape(target.shape)} but earlier batches had ` +
          `${state.shift.shape[0]}; call reset() before changing the number of outputs`,
      );
    }
    const fresh = state === null;
    const shift = fresh ? tf.mean(y, 0) : state.shift;
    const d = tf.sub(y, shift);
    const stats: MetricState = {
      sumD: tf.sum(d, 0),
      sumD2: tf.sum(tf.square(d), 0),
      rss: tf.sum(tf.squaredDifference(y, asMatrix(preds)), 0),
      count: tf.scalar(y.shape[0]),
    };
    if (fresh) stats.shift = shift;
    return stats;
  }

  protected finalize({ sumD, sumD2, rss, count }: MetricState): tf.Tensor {
    // Clamped: rounding can leave a constant output's tss a hair below 0.
    const tss = tf.relu(tf.sub(sumD2, tf.div(tf.square(sumD), count)));
    const perOutput = tf.where(
      tf.equal(rss, 0),
      tf.onesLike(rss),
      tf.where(tf.equal(tss, 0), tf.zerosLike(rss), tf.sub(1, tf.divNoNan(rss, tss))),
    );
    return tf.where(tf.less(count, 2), tf.scalar(Number.NaN), tf.mean(perOutput));
  }

  protected emptyValue(): number {
    return Number.NaN;
  }
}

/** MSE (or RMSE with `squared: false`) of one batch as a scalar device tensor. The caller disposes it. */
export function meanSquaredError(preds: tf.Tensor, target: tf.Tensor, options: { squared?: boolean } = {}): tf.Scalar {
  return new MeanSquaredError(options).batchValue(preds, target) as tf.Scalar;
}

/** MAE of one batch as a scalar device tensor. The caller disposes it. */
export function meanAbsoluteError(preds: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return new MeanAbsoluteError().batchValue(preds, target) as tf.Scalar;
}

/** R² of one batch as a scalar device tensor (NaN under 2 rows). The caller disposes it. */
export function r2Score(preds: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return new R2Score().batchValue(preds, target) as tf.Scalar;
}
