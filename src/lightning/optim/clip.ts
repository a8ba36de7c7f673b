import * as tf from '@tensorflow/tfjs-core';

export interface ClippedGrads {
  /** New gradient tensors, same keys as the input. */
  grads: tf.NamedTensorMap;
  /** The total norm of the gradients before clipping (what PyTorch's `clip_grad_norm_` returns). */
  totalNorm: tf.Scalar;
}

function checkNormType(normType: number): void {
  if (!(normType === Infinity || (Number.isFinite(normType) && normType > 0))) {
    throw new Error(`\`normType\` must be a positive number or Infinity, got ${normType}`);
  }
}

function tensorNorm(g: tf.Tensor, normType: number): tf.Scalar {
  if (normType === Infinity) return tf.max(tf.abs(g));
  if (normType === 2) return tf.sqrt(tf.sum(tf.square(g)) as tf.Scalar);
  if (normType === 1) return tf.sum(tf.abs(g));
  // The typings of sqrt/pow widen the rank; the sum inside is a scalar.
  return tf.pow(tf.sum(tf.pow(tf.abs(g), normType)), 1 / normType) as tf.Scalar;
}

/**
 * The norm of all gradients taken together, as one vector. Computed like
 * PyTorch (the norm of the per-tensor norms), on the device, without reading
 * anything back.
 */
export function gradNorm(grads: tf.NamedTensorMap, normType = 2): tf.Scalar {
  checkNormType(normType);
  return tf.tidy(() => {
    const list = Object.values(grads);
    if (list.length === 0) return tf.scalar(0);
    const norms = list.map((g) => tensorNorm(g, normType));
    return norms.length === 1 ? norms[0]! : tensorNorm(tf.stack(norms), normType);
  });
}

/**
 * `torch.nn.utils.clip_grad_norm_`: scales every gradient by
 * min(1, maxNorm / (totalNorm + 1e-6)). The coefficient stays on the device,
 * so clipping costs no readback; gradients under the limit are multiplied by 1.
 * Returns new tensors (tfjs tensors are immutable); the inputs are not disposed.
 */
export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number, normType = 2): ClippedGrads {
  if (!(Number.isFinite(maxNorm) && maxNorm >= 0)) throw new Error(`\`maxNorm\` must be a non-negative number, got ${maxNorm}`);
  checkNormType(normType);
  return tf.tidy(() => {
    const totalNorm = gradNorm(grads, normType);
    const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, coef);
    return { grads: clipped, totalNorm };
  });
}

/** `torch.nn.utils.clip_grad_value_`: clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue(grads: tf.NamedTensorMap, clipValue: number): tf.NamedTensorMap {
  if (!(Number.isFinite(clipValue) && clipValue >= 0)) throw new Error(`\`clipValue\` must be a non-negative number, got ${clipValue}`);
  return tf.tidy(() => {
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.clipByValue(g, -clipValue, clipValue);
    return clipped;
  });
}
