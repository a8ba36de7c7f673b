/* LeNet-5 and a learnable toy dataset for the WASM training tests (test-only; not exported from index). */
import * as tf from '@tensorflow/tfjs';
import { seededValues } from './grad-test-utils';

export function lenet5(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Noise images whose class is where a bright 8x8 patch sits: learnable by a CNN in a few steps. */
export function patchDataset(count: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const noise = seededValues(count * 28 * 28, 99);
  const pixels = new Float32Array(count * 28 * 28);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 10;
    labels[n] = label;
    const top = 2 + Math.floor(label / 5) * 14;
    const left = 1 + (label % 5) * 5;
    for (let i = 0; i < 28 * 28; i++) pixels[n * 784 + i] = 0.1 * noise[n * 784 + i];
    for (let r = top; r < top + 8; r++) {
      for (let c = left; c < left + 8 && c < 28; c++) pixels[n * 784 + r * 28 + c] += 1;
    }
  }
  return {
    xs: tf.tensor4d(pixels, [count, 28, 28, 1]),
    ys: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D),
  };
}
