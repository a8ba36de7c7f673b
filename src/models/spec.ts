/**
 * Architecture specs: plain, JSON-serialisable descriptions of a model and
 * its training recipe. Nothing here touches tfjs; the worker turns a spec
 * into a tf.LayersModel (build.ts) and a LightningModule (module.ts).
 *
 * Shapes are per example, without the batch dimension, channels last:
 * a table row is [features], an image is [height, width, channels].
 */

export const SPEC_VERSION = 1;

export type Task = 'classification' | 'regression';

/** What a preset or a validation needs to know about the data. */
export interface TaskInfo {
  /** Shape of one example, e.g. [4] for Iris or [28, 28, 1] for MNIST. */
  inputShape: number[];
  task: Task;
  /** Number of classes (classification only; ignored for regression). */
  numClasses?: number;
  /** Dataset name, used to pick a default recipe tuned for a built-in (e.g. 'mnist'). */
  name?: string;
}

/** A dataset's task info, from anything that names its shape, task and classes (a loaded dataset or its report). */
export function taskInfoOf(ds: { inputShape: readonly number[]; task: Task; name: string; labelNames: readonly string[] }): TaskInfo {
  const info: TaskInfo = { inputShape: [...ds.inputShape], task: ds.task, name: ds.name };
  if (ds.task === 'classification') info.numClasses = ds.labelNames.length;
  return info;
}

export type ActivationName =
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'gelu'
  | 'softmax'
  | 'leakyRelu'
  | 'elu'
  | 'selu'
  | 'swish'
  | 'softplus'
  | 'linear';

export const ACTIVATIONS: readonly ActivationName[] = [
  'relu', 'tanh', 'sigmoid', 'gelu', 'softmax', 'leakyRelu', 'elu', 'selu', 'swish', 'softplus', 'linear',
];

export type Padding = 'same' | 'valid';

interface LayerBase {
  /** Stable identifier for the UI (list keys, error placement); unique within a spec. */
  id: string;
}

interface DenseLayer extends LayerBase {
  kind: 'dense';
  units: number;
  activation?: ActivationName;
}
interface Conv2dLayer extends LayerBase {
  kind: 'conv2d';
  filters: number;
  /** Square kernel side. */
  kernelSize: number;
  strides: number;
  padding: Padding;
  activation?: ActivationName;
}
interface Pool2dLayer extends LayerBase {
  kind: 'maxPool2d' | 'avgPool2d';
  poolSize: number;
  /** Defaults to poolSize (non-overlapping windows). */
  strides?: number;
  padding?: Padding;
}
interface GlobalAvgPool2dLayer extends LayerBase {
  kind: 'globalAvgPool2d';
}
interface FlattenLayer extends LayerBase {
  kind: 'flatten';
}
interface DropoutLayer extends LayerBase {
  kind: 'dropout';
  rate: number;
}
interface BatchNormLayer extends LayerBase {
  kind: 'batchNorm';
}
interface ActivationLayer extends LayerBase {
  kind: 'activation';
  activation: ActivationName;
}
interface ReshapeLayer extends LayerBase {
  kind: 'reshape';
  targetShape: number[];
}
/**
 * A basic ResNet block: conv(k, strides) → BN → ReLU → conv(k) → BN, plus a
 * shortcut (identity, or a 1×1 conv with the same strides when the shape
 * changes), then ReLU. Convolutions followed by batch norm have no bias.
 */
export interface ResidualBlockLayer extends LayerBase {
  kind: 'residualBlock';
  filters: number;
  strides: number;
  kernelSize?: number;
  batchNorm?: boolean;
}

export type LayerSpec =
  | DenseLayer
  | Conv2dLayer
  | Pool2dLayer
  | GlobalAvgPool2dLayer
  | FlattenLayer
  | DropoutLayer
  | BatchNormLayer
  | ActivationLayer
  | ReshapeLayer
  | ResidualBlockLayer;

export type LayerKind = LayerSpec['kind'];

export const LAYER_KINDS: readonly LayerKind[] = [
  'dense', 'conv2d', 'maxPool2d', 'avgPool2d', 'globalAvgPool2d', 'flatten', 'dropout', 'batchNorm', 'activation', 'reshape', 'residualBlock',
];

/** Human names, as Keras/tfjs call the layers (the summary's "Type" column). */
export const LAYER_TYPE_NAMES: Record<LayerKind, string> = {
  dense: 'Dense',
  conv2d: 'Conv2D',
  maxPool2d: 'MaxPool2D',
  avgPool2d: 'AvgPool2D',
  globalAvgPool2d: 'GlobalAvgPool2D',
  flatten: 'Flatten',
  dropout: 'Dropout',
  batchNorm: 'BatchNorm',
  activation: 'Activation',
  reshape: 'Reshape',
  residualBlock: 'ResidualBlock',
};

export type LossName = 'crossEntropy' | 'binaryCrossEntropy' | 'mse' | 'mae' | 'huber';
export const LOSSES: readonly LossName[] = ['crossEntropy', 'binaryCrossEntropy', 'mse', 'mae', 'huber'];

export type OptimizerName = 'sgd' | 'sgdMomentum' | 'nesterov' | 'adam' | 'adamw' | 'rmsprop';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'sgdMomentum', 'nesterov', 'adam', 'adamw', 'rmsprop'];

export interface OptimizerSpec {
  type: OptimizerName;
  lr: number;
  /** L2 penalty (SGD, Adam, RMSprop) or decoupled decay (AdamW). */
  weightDecay: number;
  /** Used by sgdMomentum, nesterov and rmsprop. */
  momentum: number;
}

/** LR schedules; "epoch" counts are in epochs, oneCycle steps per batch. */
export type ScheduleSpec =
  | { type: 'none' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'multiStep'; milestones: number[]; gamma: number }
  | { type: 'exponential'; gamma: number }
  /** tMax defaults to the number of epochs: one half-cosine over the run. */
  | { type: 'cosine'; tMax?: number; etaMin: number }
  /** maxLr defaults to the optimizer's lr. */
  | { type: 'oneCycle'; maxLr?: number; pctStart: number }
  | { type: 'linearWarmup'; warmupEpochs: number; startFactor: number }
  | { type: 'reduceOnPlateau'; monitor: string; mode: 'min' | 'max'; factor: number; patience: number };

export type ScheduleName = ScheduleSpec['type'];
export const SCHEDULES: readonly ScheduleName[] = ['none', 'step', 'multiStep', 'exponential', 'cosine', 'oneCycle', 'linearWarmup', 'reduceOnPlateau'];

export interface EarlyStoppingSpec {
  monitor: string;
  patience: number;
  mode: 'min' | 'max';
  /** Put back the weights of the best epoch when the run stops after a worse one (the studio's default: true). */
  restoreBestWeights?: boolean;
}

export interface RecipeSpec {
  loss: LossName;
  optimizer: OptimizerSpec;
  lrSchedule: ScheduleSpec;
  batchSize: number;
  epochs: number;
  earlyStopping: EarlyStoppingSpec | null;
  /** Clip the gradients' global norm at this value; null (or 0) for no clipping. */
  gradientClipVal: number | null;
  /** Seed for weights and shuffling; null for a fresh random run. */
  seed: number | null;
}

export interface ModelSpec {
  version: typeof SPEC_VERSION;
  layers: LayerSpec[];
  recipe: RecipeSpec;
}

/** Distributes LayerSpec over its union, so `Omit` keeps each kind's fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type LayerInit = DistributiveOmit<LayerSpec, 'id'> & { id?: string };

let idCounter = 0;

/** A short id unique within this session (and, with its random part, across shared links). */
export function newLayerId(): string {
  idCounter += 1;
  return `${Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')}${idCounter.toString(36)}`;
}

/** Gives a layer an id when it has none. */
export function layer(init: LayerInit): LayerSpec {
  return { ...init, id: init.id ?? newLayerId() } as LayerSpec;
}

/** The loss a task trains with unless the recipe overrides it. */
export function defaultLossFor(task: Task): LossName {
  return task === 'classification' ? 'crossEntropy' : 'mse';
}

/** The number of output units a task and loss need. */
export function outputUnitsFor(task: Task, numClasses: number | undefined, loss: LossName): number {
  if (task === 'regression' || loss === 'binaryCrossEntropy') return 1;
  return numClasses ?? 2;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: readonly number[] | null): string {
  return shape ? `[${shape.join(', ')}]` : '?';
}
