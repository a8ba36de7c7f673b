import * as tf from '@tensorflow/tfjs-core';

/** A histogram as read back: `counts[i]` values fell in [min + i·w, min + (i+1)·w), the last bin closed. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/**
 * The p-norm of a tensor on the device: p = 2 is the L2 norm Lightning's
 * `grad_norm` reports, Infinity the largest absolute value.
 */
export function normOf(t: tf.Tensor, p: number): tf.Scalar {
  return tf.tidy(() => {
    const a = tf.abs(tf.reshape(t, [-1]));
    if (p === Infinity) return tf.max(a);
    if (p === 1) return tf.sum(a);
    if (p === 2) return tf.sqrt(tf.sum(tf.square(a)));
    return tf.pow(tf.sum(tf.pow(a, p)), 1 / p);
  }) as tf.Scalar;
}

/**
 * `[min, max, count_0 … count_{bins-1}]` of a tensor, all on the device
 * (one vector of bins + 2 values, read back later with the metrics).
 * Steps: 1. min and max; 2. bin = floor((x − min) · bins / range), clipped to
 * the last bin (so max lands there; a constant tensor lands in bin 0);
 * 3. count with bincount.
 */
export function histogramOf(t: tf.Tensor, bins: number): tf.Tensor1D {
  return tf.tidy(() => {
    const x = tf.cast(tf.reshape(t, [-1]), 'float32');
    const lo = tf.min(x);
    const hi = tf.max(x);
    const range = tf.maximum(tf.sub(hi, lo), 1e-12);
    const idx = tf.clipByValue(tf.floor(tf.div(tf.mul(tf.sub(x, lo), bins), range)), 0, bins - 1);
    const counts = tf.bincount(tf.cast(idx, 'int32') as tf.Tensor1D, tf.tensor1d([], 'float32'), bins);
    return tf.concat([tf.stack([lo, hi]), tf.cast(counts, 'float32')]) as tf.Tensor1D;
  });
}

/** Reads one histogram out of a packed readback at `offset` (see `histogramOf`). */
export function readHistogram(values: Float32Array, offset: number, bins: number): Histogram {
  return { min: values[offset]!, max: values[offset + 1]!, counts: Array.from(values.subarray(offset + 2, offset + 2 + bins)) };
}
