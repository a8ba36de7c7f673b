import * as tf from '@tensorflow/tfjs';
import { Adam, LightningModule, type AdamOptions, type Batch, type OptimizerConfig, type StepOutput } from '../../src/lightning/index';
import type { ModelName } from './types';

export const LR = 1e-3;

/**
 * The two benchmark networks as plain tf.LayersModels, so the very same
 * architecture is trained by our Trainer and by LayersModel.fit.
 * LeNet-5 for 28×28 inputs: the first convolution pads ('same') so the
 * second one sees the classic 14×14 map. Seeded initialisers make every
 * repetition start from the same weights.
 */
export function buildModel(name: ModelName, seed: number): tf.Sequential {
  let s = seed;
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }) });
  if (name === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', ...init() }),
        tf.layers.dense({ units: 10, activation: 'softmax', ...init() }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', ...init() }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', ...init() }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu', ...init() }),
      tf.layers.dense({ units: 84, activation: 'relu', ...init() }),
      tf.layers.dense({ units: 10, activation: 'softmax', ...init() }),
    ],
  });
}

/** Input shape of one sample, without the batch axis. */
export function sampleShape(name: ModelName): number[] {
  return name === 'mlp' ? [784] : [28, 28, 1];
}

/**
 * The LightningModule a studio user would write around a LayersModel. The
 * loss is the same function `compile({loss: 'categoricalCrossentropy'})`
 * gives fit, so both sides do the same arithmetic.
 */
export class BenchModule extends LightningModule {
  /** `adam`: extra Adam options for A/B runs, e.g. `{ fused: false }` (the `adam` key of a `--trainer-variant`). */
  constructor(
    readonly net: tf.LayersModel,
    readonly adam: AdamOptions = {},
  ) {
    super();
  }

  override forward(x: tf.Tensor): tf.Tensor {
    return this.net.apply(x, { training: this.training }) as tf.Tensor;
  }

  trainingStep(batch: Batch): StepOutput {
    const [x, y] = batch as tf.Tensor[];
    const loss = tf.mean(tf.metrics.categoricalCrossentropy(y!, this.forward(x!))) as tf.Scalar;
    this.log('train_loss', loss);
    return loss;
  }

  override validationStep(batch: Batch): StepOutput {
    const [x, y] = batch as tf.Tensor[];
    const acc = tf.mean(tf.metrics.categoricalAccuracy(y!, this.forward(x!))) as tf.Scalar;
    this.log('val_acc', acc);
    return undefined;
  }

  override configureOptimizers(): OptimizerConfig {
    return new Adam(this.parameters(), { ...this.adam, lr: LR });
  }
}

/** The reference: fit's own setup, as its documentation shows it. */
export function compileForFit(net: tf.LayersModel, withAccuracy: boolean): void {
  net.compile({ optimizer: tf.train.adam(LR), loss: 'categoricalCrossentropy', metrics: withAccuracy ? ['accuracy'] : [] });
}
