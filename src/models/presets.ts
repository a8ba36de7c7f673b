/**
 * Architecture presets that adapt to the data: the input shape decides the
 * first layers (a Flatten for dense nets on images, a Reshape for CNNs on
 * flat square inputs) and the task decides the output layer.
 */
import { defaultRecipeFor } from './recipe';
import { inferShapes } from './shapes';
import { squareSide } from './layers-math';
import {
  SPEC_VERSION,
  formatShape,
  layer,
  outputUnitsFor,
  shapeSize,
  type ActivationName,
  type LayerSpec,
  type ModelSpec,
  type TaskInfo,
} from './spec';

export type PresetId = 'linear' | 'mlp' | 'lenet5' | 'vgg' | 'resnet' | 'myModel';

export interface PresetInfo {
  id: PresetId;
  name: string;
  description: string;
  /** 'conv' presets need an image (or a flat input that is a square image). */
  family: 'dense' | 'conv';
}

export const PRESETS: readonly PresetInfo[] = [
  { id: 'linear', name: 'Linear / logistic regression', description: 'One Dense layer from the inputs to the outputs.', family: 'dense' },
  { id: 'mlp', name: 'MLP', description: 'Fully connected hidden layers (depth, width, activation, dropout, batch norm).', family: 'dense' },
  { id: 'myModel', name: "Lightning guide's MyModel", description: 'Dense(128) → ReLU → Dense(out), as in the Lightning guide (1 → 128 → ReLU → 1).', family: 'dense' },
  { id: 'lenet5', name: 'LeNet-5', description: 'Two conv + pool stages, then Dense 120 → 84 → out (LeCun et al., 1998, with ReLU).', family: 'conv' },
  { id: 'vgg', name: 'Small VGG', description: 'Two blocks of two 3×3 convolutions and a max pool, then Dense 128 with dropout.', family: 'conv' },
  { id: 'resnet', name: 'Small ResNet', description: 'A conv stem and three residual blocks (16, 32, 64 filters), global average pooling.', family: 'conv' },
];

export interface MlpOptions {
  /** Number of hidden layers (0 gives a linear model). */
  depth?: number;
  width?: number;
  activation?: ActivationName;
  /** Dropout after each hidden layer; 0 for none. */
  dropout?: number;
  /** Batch norm between each hidden Dense and its activation. */
  batchNorm?: boolean;
}

/** The smallest side a flat input may have to be read as a square image by the CNN presets. */
export const MIN_IMAGE_SIDE = 8;

export type Availability = { available: true } | { available: false; reason: string };

const isPreset = (id: string): id is PresetId => PRESETS.some((p) => p.id === id);

function outputLayer(info: TaskInfo): LayerSpec {
  return layer({ kind: 'dense', units: outputUnitsFor(info.task, info.numClasses, info.task === 'classification' ? 'crossEntropy' : 'mse') });
}

/** A Flatten when the input is not already flat (dense nets on images). */
function flatInput(info: TaskInfo): LayerSpec[] {
  return info.inputShape.length === 1 ? [] : [layer({ kind: 'flatten' })];
}

/** The layers that turn the input into [h, w, c], or why it cannot be an image. */
function imageInput(info: TaskInfo): { layers: LayerSpec[] } | { reason: string } {
  const s = info.inputShape;
  if (s.length === 3) return { layers: [] };
  if (s.length === 2) return { layers: [layer({ kind: 'reshape', targetShape: [s[0]!, s[1]!, 1] })] };
  const size = shapeSize(s);
  const side = squareSide(size);
  if (side === null) return { reason: `needs an image; the input has ${size} features, which is not a square number of pixels` };
  if (side < MIN_IMAGE_SIDE) {
    return { reason: `needs an image of at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE}; the input's ${size} features would make a ${side}×${side} image` };
  }
  return { layers: [layer({ kind: 'reshape', targetShape: [side, side, 1] })] };
}

/** Hidden-layer defaults: wider for wide inputs, one hidden layer for images. */
export function defaultMlpOptions(info: TaskInfo): Required<MlpOptions> {
  const wide = shapeSize(info.inputShape) >= 256;
  return { depth: wide ? 1 : 2, width: wide ? 256 : 64, activation: 'relu', dropout: 0, batchNorm: false };
}

function mlpLayers(info: TaskInfo, options: MlpOptions = {}): LayerSpec[] {
  const o = { ...defaultMlpOptions(info), ...options };
  const out: LayerSpec[] = [...flatInput(info)];
  for (let i = 0; i < o.depth; i++) {
    if (o.batchNorm) {
      out.push(layer({ kind: 'dense', units: o.width }), layer({ kind: 'batchNorm' }), layer({ kind: 'activation', activation: o.activation }));
    } else {
      out.push(layer({ kind: 'dense', units: o.width, activation: o.activation }));
    }
    if (o.dropout > 0) out.push(layer({ kind: 'dropout', rate: o.dropout }));
  }
  out.push(outputLayer(info));
  return out;
}

function convBody(id: PresetId): LayerSpec[] {
  const conv = (filters: number, kernelSize: number, padding: 'same' | 'valid') =>
    layer({ kind: 'conv2d', filters, kernelSize, strides: 1, padding, activation: 'relu' });
  switch (id) {
    case 'lenet5':
      return [
        conv(6, 5, 'same'),
        layer({ kind: 'avgPool2d', poolSize: 2 }),
        conv(16, 5, 'valid'),
        layer({ kind: 'avgPool2d', poolSize: 2 }),
        layer({ kind: 'flatten' }),
        layer({ kind: 'dense', units: 120, activation: 'relu' }),
        layer({ kind: 'dense', units: 84, activation: 'relu' }),
      ];
    case 'vgg':
      return [
        conv(32, 3, 'same'),
        conv(32, 3, 'same'),
        layer({ kind: 'maxPool2d', poolSize: 2 }),
        conv(64, 3, 'same'),
        conv(64, 3, 'same'),
        layer({ kind: 'maxPool2d', poolSize: 2 }),
        layer({ kind: 'flatten' }),
        layer({ kind: 'dense', units: 128, activation: 'relu' }),
        layer({ kind: 'dropout', rate: 0.5 }),
      ];
    default:
      return [
        layer({ kind: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'same' }),
        layer({ kind: 'batchNorm' }),
        layer({ kind: 'activation', activation: 'relu' }),
        layer({ kind: 'residualBlock', filters: 16, strides: 1 }),
        layer({ kind: 'residualBlock', filters: 32, strides: 2 }),
        layer({ kind: 'residualBlock', filters: 64, strides: 2 }),
        layer({ kind: 'globalAvgPool2d' }),
      ];
  }
}

function layersOrReason(id: PresetId, info: TaskInfo, options?: MlpOptions): { layers: LayerSpec[] } | { reason: string } {
  switch (id) {
    case 'linear':
      return { layers: [...flatInput(info), outputLayer(info)] };
    case 'mlp':
      return { layers: mlpLayers(info, options) };
    case 'myModel':
      return { layers: [...flatInput(info), layer({ kind: 'dense', units: 128 }), layer({ kind: 'activation', activation: 'relu' }), outputLayer(info)] };
    default: {
      const input = imageInput(info);
      if ('reason' in input) return input;
      const layers = [...input.layers, ...convBody(id), outputLayer(info)];
      const report = inferShapes(layers, info.inputShape, info);
      const first = report.errors[0];
      if (first) return { reason: `does not fit the input ${formatShape(info.inputShape)}: ${first.message}` };
      return { layers };
    }
  }
}

function checkInfo(info: TaskInfo): void {
  if (!Array.isArray(info.inputShape) || info.inputShape.length === 0 || !info.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`\`inputShape\` must be a non-empty list of positive integers, got ${JSON.stringify(info.inputShape)}`);
  }
  if (info.task !== 'classification' && info.task !== 'regression') {
    throw new Error(`\`task\` must be 'classification' or 'regression', got ${JSON.stringify(info.task)}`);
  }
  if (info.task === 'classification' && !(Number.isInteger(info.numClasses) && info.numClasses! >= 2)) {
    throw new Error(`\`numClasses\` must be an integer ≥ 2 for classification, got ${String(info.numClasses)}`);
  }
}

function presetName(id: PresetId): string {
  return PRESETS.find((p) => p.id === id)!.name;
}

/** Whether a preset can be built for this data, and why not. */
export function presetAvailability(id: PresetId, info: TaskInfo): Availability {
  checkInfo(info);
  const r = layersOrReason(id, info);
  return 'reason' in r ? { available: false, reason: `${presetName(id)} ${r.reason}` } : { available: true };
}

/** Every preset with its availability for this data, in menu order. */
export function listPresets(info: TaskInfo): Array<PresetInfo & Availability> {
  return PRESETS.map((p) => ({ ...p, ...presetAvailability(p.id, info) }));
}

/** The layers of a preset for this data; throws (with the reason) when it does not fit. */
export function presetLayers(id: PresetId, info: TaskInfo, options?: MlpOptions): LayerSpec[] {
  checkInfo(info);
  if (!isPreset(id)) throw new Error(`\`preset\` must be one of ${PRESETS.map((p) => p.id).join(', ')}, got ${JSON.stringify(id)}`);
  const r = layersOrReason(id, info, options);
  if ('reason' in r) throw new Error(`${presetName(id)} ${r.reason}`);
  return r.layers;
}

/** A whole spec: the preset's layers and the default recipe for it on this data. */
export function buildPreset(id: PresetId, info: TaskInfo & { numExamples?: number }, options?: MlpOptions): ModelSpec {
  return { version: SPEC_VERSION, layers: presetLayers(id, info, options), recipe: defaultRecipeFor(info, id) };
}

/** The preset a dataset starts with: a CNN (LeNet-5) for images, an MLP for tables, linear for one feature. */
export function defaultPresetFor(info: TaskInfo): PresetId {
  checkInfo(info);
  if (info.inputShape.length === 3 && presetAvailability('lenet5', info).available) return 'lenet5';
  if (info.task === 'regression' && shapeSize(info.inputShape) === 1) return 'myModel';
  return 'mlp';
}
