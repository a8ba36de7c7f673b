import type * as tf from '@tensorflow/tfjs-core';
import { clipGradNorm, clipGradValue } from '../optim/clip';

/**
 * Returns clipped copies of the gradients and disposes the originals: 'norm'
 * scales by the global L2 norm (torch's clip_grad_norm_), 'value' clamps each
 * element (clip_grad_value_). Computed on the device, no readback.
 */
export function clipGradients(grads: tf.NamedTensorMap, clipVal: number, algorithm: 'norm' | 'value'): tf.NamedTensorMap {
  if (Object.keys(grads).length === 0) return grads;
  let out: tf.NamedTensorMap;
  if (algorithm === 'value') {
    out = clipGradValue(grads, clipVal);
  } else {
    const r = clipGradNorm(grads, clipVal);
    r.totalNorm.dispose();
    out = r.grads;
  }
  for (const g of Object.values(grads)) g.dispose();
  return out;
}
