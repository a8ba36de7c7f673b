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
      const angle = tf.mul(uniform([batch], -spec.maxRotation, spec.maxRotation), Math.PI / 180) as tf.Tensor1D;
      const tx = tf.mul(uniform([batch], -spec.maxShift, spec.maxShift), width) as tf.Tensor1D;
      const ty = tf.mul(uniform([batch], -spec.maxShift, spec.maxShift), height) as tf.Tensor1D;
      out = rotateAndShift(out, angle, tx, ty);
    }
    if (spec.maxBrightness > 0) {
      out = tf.clipByValue(tf.add(out, uniform([batch, 1, 1, 1], -spec.maxBrightness, spec.maxBrightness)), 0, 1) as tf.Tensor4D;
    }
    return out === x ? tf.clone(x) : out;
  });
}

/**
 * Output pixel p reads input R(-angle)(p - c - t) + c (rotation about the
 * centre c, then a shift by t), bilinear, edges repeated.
 *
 * Built from gather and arithmetic rather than tf.image.transform: in
 * tfjs-backend-cpu 4.22 the Transform kernel returns after the first image
 * of a batch, leaving the others blank. Chained methods (t.mul) are avoided
 * too: they need tfjs's chained-op registration, which tfjs-core alone lacks.
 */
export function rotateAndShift(x: tf.Tensor4D, angle: tf.Tensor1D, tx: tf.Tensor1D, ty: tf.Tensor1D): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const perImage = (t: tf.Tensor1D) => tf.reshape(t, [batch, 1, 1]);
  const cos = perImage(tf.cos(angle));
  const sin = perImage(tf.sin(angle));
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const gx = tf.reshape(tf.range(0, width, 1, 'float32'), [1, 1, width]);
  const gy = tf.reshape(tf.range(0, height, 1, 'float32'), [1, height, 1]);
  const dx = tf.sub(tf.sub(gx, cx), perImage(tx));
  const dy = tf.sub(tf.sub(gy, cy), perImage(ty));
  const inX = tf.clipByValue(tf.add(tf.add(tf.mul(cos, dx), tf.mul(sin, dy)), cx), 0, width - 1);
  const inY = tf.clipByValue(tf.add(tf.sub(tf.mul(cos, dy), tf.mul(sin, dx)), cy), 0, height - 1);
  const x0 = tf.floor(inX);
  const y0 = tf.floor(inY);
  const x1 = tf.minimum(tf.add(x0, 1), width - 1);
  const y1 = tf.minimum(tf.add(y0, 1), height - 1);
  const wx = tf.expandDims(tf.sub(inX, x0), 3);
  const wy = tf.expandDims(tf.sub(inY, y0), 3);
  const base = tf.reshape(tf.mul(tf.range(0, batch, 1, 'float32'), height * width), [batch, 1, 1]);
  const flat = tf.reshape(x, [batch * height * width, channels]);
  const read = (yy: tf.Tensor, xx: tf.Tensor) => {
    const index = tf.cast(tf.reshape(tf.add(base, tf.add(tf.mul(yy, width), xx)), [-1]), 'int32');
    return tf.reshape(tf.gather(flat, index), [batch, height, width, channels]);
  };
  const top = tf.add(tf.mul(read(y0, x0), tf.sub(1, wx)), tf.mul(read(y0, x1), wx));
  const bottom = tf.add(tf.mul(read(y1, x0), tf.sub(1, wx)), tf.mul(read(y1, x1), wx));
  return tf.add(tf.mul(top, tf.sub(1, wy)), tf.mul(bottom, wy)) as tf.Tensor4D;
}
