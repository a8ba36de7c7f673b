/**
 * Spec → tf.LayersModel, with the functional API (residual blocks need a
 * second path). The model outputs raw values (logits for classifiers); the
 * losses in module.ts apply softmax/sigmoid themselves, which is more stable.
 */
import * as tf from '@tensorflow/tfjs';
import { inferShapes } from './shapes';
import type { ActivationName, LayerSpec, ModelSpec, ResidualBlockLayer } from './spec';

type Sym = tf.SymbolicTensor;

/** tfjs's identifier for each activation (leakyRelu is a layer of its own there). */
function applyActivation(x: Sym, activation: ActivationName, name: string): Sym {
  if (activation === 'leakyRelu') return tf.layers.leakyReLU({ alpha: 0.01, name }).apply(x) as Sym;
  return tf.layers.activation({ activation, name }).apply(x) as Sym;
}

/** Dense/Conv2D take fused activations, except leakyRelu, which becomes a layer after them. */
function fused(activation: ActivationName | undefined): { activation?: Exclude<ActivationName, 'leakyRelu'> } {
  return activation && activation !== 'leakyRelu' ? { activation } : {};
}

function residualBlock(x: Sym, spec: ResidualBlockLayer, prefix: string): Sym {
  const kernelSize = spec.kernelSize ?? 3;
  const bn = spec.batchNorm ?? true;
  const conv = (input: Sym, filters: number, k: number, strides: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: k, strides, padding: 'same', useBias: !bn, name: `${prefix}_${name}` }).apply(input) as Sym;
  const norm = (input: Sym, name: string) => (bn ? (tf.layers.batchNormalization({ name: `${prefix}_${name}` }).apply(input) as Sym) : input);
  let y = conv(x, spec.filters, kernelSize, spec.strides, 'conv1');
  y = norm(y, 'bn1');
  y = tf.layers.reLU({ name: `${prefix}_relu1` }).apply(y) as Sym;
  y = conv(y, spec.filters, kernelSize, 1, 'conv2');
  y = norm(y, 'bn2');
  const inChannels = x.shape[x.shape.length - 1];
  let shortcut = x;
  if (spec.strides !== 1 || inChannels !== spec.filters) {
    shortcut = norm(conv(x, spec.filters, 1, spec.strides, 'proj'), 'proj_bn');
  }
  const sum = tf.layers.add({ name: `${prefix}_add` }).apply([y, shortcut]) as Sym;
  return tf.layers.reLU({ name: `${prefix}_out` }).apply(sum) as Sym;
}

function applyLayer(x: Sym, l: LayerSpec, index: number): Sym {
  // Names follow the summary's `layers.<index>` so weights and errors can be traced back.
  const name = `l${index}_${l.kind}`;
  switch (l.kind) {
    case 'dense': {
      const y = tf.layers.dense({ units: l.units, ...fused(l.activation), name }).apply(x) as Sym;
      return l.activation === 'leakyRelu' ? applyActivation(y, 'leakyRelu', `${name}_act`) : y;
    }
    case 'conv2d': {
      const y = tf.layers
        .conv2d({ filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, ...fused(l.activation), name })
        .apply(x) as Sym;
      return l.activation === 'leakyRelu' ? applyActivation(y, 'leakyRelu', `${name}_act`) : y;
    }
    case 'maxPool2d':
      return tf.layers.maxPooling2d({ poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding ?? 'valid', name }).apply(x) as Sym;
    case 'avgPool2d':
      return tf.layers.averagePooling2d({ poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding ?? 'valid', name }).apply(x) as Sym;
    case 'globalAvgPool2d':
      return tf.layers.globalAveragePooling2d({ name }).apply(x) as Sym;
    case 'flatten':
      return tf.layers.flatten({ name }).apply(x) as Sym;
    case 'dropout':
      return tf.layers.dropout({ rate: l.rate, name }).apply(x) as Sym;
    case 'batchNorm':
      return tf.layers.batchNormalization({ name }).apply(x) as Sym;
    case 'activation':
      return applyActivation(x, l.activation, name);
    case 'reshape':
      return tf.layers.reshape({ targetShape: l.targetShape, name }).apply(x) as Sym;
    case 'residualBlock':
      return residualBlock(x, l, name);
  }
}

/**
 * Builds the tf model of a spec. Throws, listing the problems, when the spec
 * is invalid (check with inferShapes first to show them on the layers).
 */
export function buildLayersModel(spec: ModelSpec | LayerSpec[], inputShape: number[]): tf.LayersModel {
  const layers = Array.isArray(spec) ? spec : spec.layers;
  const report = inferShapes(layers, inputShape);
  if (!report.ok) {
    throw new Error(`The model cannot be built: ${report.errors.map((e) => e.message).join('; ')}`);
  }
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x: Sym = input;
  layers.forEach((l, i) => {
    x = applyLayer(x, l, i);
  });
  return tf.model({ inputs: input, outputs: x, name: 'spec_model' });
}
