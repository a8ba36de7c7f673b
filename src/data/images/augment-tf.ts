/**
 * Applies an AugmentationSpec to one batch of images on the device. Every
 * random draw is a tensor op, so nothing is read back; call it inside the
 * training step (it is tidy itself and returns one new tensor).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkAugmentation, isNoAugmentation, type AugmentationSpec } from './augment';

/**
 * `x`: [batch, height, width, channels] in [0, 1]. `seed` makes the draws
 * repeatable; pass a different one per step (e.g. the global step), or none.
 * Returns a new tensor; `x` is not disposed.
 */
export function augmentBatch(x: tf.Tensor4D, spec: AugmentationSpec, seed?: number): tf.Tensor4D {
  checkAugmentation(spec);
  if (isNoAugmentation(spec)) return tf.clone(x);
  const [batch, height, width] = x.shape;
  let draw = 0;
  // Each draw gets its own seed so the draws are independent yet repeatable.
  const uniform = (shape: number[], min: number, max: number) =>
    tf.randomUniform(shape, min, max, 'float32', seed === undefined ? undefined : seed * 16 + draw++);
  return tf.tidy(() => {
    let out: tf.Tensor4D = x;
    const flip = (flipped: tf.Tensor4D) => {
      const mask = tf.cast(tf.less(uniform([batch, 1, 1, 1], 0, 1), 0.5), 'float32');
      return tf.add(tf.mul(mask, flipped), tf.mul(tf.sub(1, mask), out)) as tf.Tensor4D;
    };
    if (spec.flipHorizontal) out = flip(tf.reverse(out, 2));
    if (spec.flipVertical) out = flip(tf.reverse(out, 1));
    if (spec.maxRotation > 0 || spec.maxShift > 0) {
      const angle = uniform([batch], -spec.maxRotation, spec.maxRotation).mul(Math.PI / 180);
      const tx = uniform([batch], -spec.maxShift, spec.maxShift).mul(width);
      const ty = uniform([batch], -spec.maxShift, spec.maxShift).mul(height);
      const cos = tf.cos(angle);
      const sin = tf.sin(angle);
      const cx = (width - 1) / 2;
      const cy = (height - 1) / 2;
      // Output pixel p reads input R(-angle)(p - c - t) + c: rotate about the centre, then shift by t.
      const ox = tx.add(cx);
      const oy = ty.add(cy);
      const a2 = tf.sub(cx, tf.add(cos.mul(ox), sin.mul(oy)));
      const b2 = tf.add(cy, tf.sub(sin.mul(ox), cos.mul(oy)));
      const zeros = tf.zeros([batch]);
      const transforms = tf.stack([cos, sin, a2, tf.neg(sin), cos, b2, zeros, zeros], 1) as tf.Tensor2D;
      out = tf.image.transform(out, transforms, 'bilinear', 'nearest');
    }
    if (spec.maxBrightness > 0) {
      out = tf.clipByValue(tf.add(out, uniform([batch, 1, 1, 1], -spec.maxBrightness, spec.maxBrightness)), 0, 1) as tf.Tensor4D;
    }
    return out === x ? tf.clone(x) : out;
  });
}
