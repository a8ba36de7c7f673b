/**
 * The PyTorch reference fixture (written by scripts/pytorch_reference.py) and
 * what is needed to replay it in tfjs: the MLPs with their initial weights as
 * tf.Variables, the batches as tensors, and the optimizers by name. Used by the
 * optimizer tests here and meant for the Trainer-level variant of them; not
 * exported from the package index, so the app bundle does not carry the JSON.
 */
import * as tf from '@tensorflow/tfjs-core';
import fixtureJson from './fixtures/pytorch-reference.json';
import { Adam, AdamW, type AdamOptions } from './adam';
import { clipGradNorm, clipGradValue } from './clip';
import type { Optimizer } from './optimizer';
import { RMSprop, type RMSpropOptions } from './rmsprop';
import { SGD, type SGDOptions } from './sgd';
import { OneCycleLR, type OneCycleLROptions } from '../schedulers/one-cycle';

/** One nn.Linear in PyTorch layout: weight is [out, in]. */
export interface TorchLinear {
  weight: number[][];
  bias: number[];
}

interface ReferenceModel {
  name: string;
  /** Layer widths, e.g. [4, 8, 3]. */
  sizes: number[];
  /** Between hidden layers; the last layer is linear. */
  activation: 'relu' | 'tanh';
  loss: 'crossEntropy' | 'mse';
  layers: TorchLinear[];
  /** crossEntropy: y holds class indices; mse: y is [batch, out]. */
  batches: Array<{ x: number[][]; y: number[] | number[][] }>;
}

type ReferenceClip = { type: 'norm'; maxNorm: number; normType: number | 'inf' } | { type: 'value'; clipValue: number };

export interface ReferenceRun {
  name: string;
  model: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  epochs: number;
  clip: ReferenceClip | null;
  scheduler: { type: 'OneCycleLR'; options: Record<string, unknown> } | null;
  /** losses[i]: the loss of step i, before its update. */
  losses: number[];
  /** lrs[i]: the LR of group 0 used by step i. */
  lrs: number[];
  /** Total norms returned by clip_grad_norm_, per step (norm-clipped runs only). */
  gradNorms?: number[];
  finalLayers: TorchLinear[];
}

export interface ReferenceSchedule {
  name: string;
  scheduler: string;
  /** 'SGDMomentum' is SGD with momentum 0.9. */
  optimizer: 'SGD' | 'SGDMomentum' | 'Adam';
  groupLrs: number[];
  options: Record<string, unknown>;
  /** lrs[k][group]: the LR after construction (k = 0) and after k steps. */
  lrs: number[][];
  /** OneCycleLR: momentum (or beta1) per group, same indexing as lrs. */
  momenta?: number[][];
  /** ReduceLROnPlateau: the metric passed to step k + 1. */
  metrics?: number[];
}

interface ReferenceFixture {
  meta: Record<string, unknown>;
  models: Record<string, ReferenceModel>;
  runs: ReferenceRun[];
  schedules: ReferenceSchedule[];
}

export const referenceFixture = fixtureJson as unknown as ReferenceFixture;

/** PyTorch [out, in] weight → tfjs dense kernel [in, out]. */
function torchWeightToKernel(weight: number[][]): number[][] {
  const rows = weight.length;
  const cols = weight[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, i) => Array.from({ length: rows }, (_, o) => weight[o]![i]!));
}

export interface ReferenceMlp {
  /** kernel0, bias0, kernel1, bias1, ... (kernels [in, out]). */
  params: tf.Variable[];
  forward(x: tf.Tensor2D): tf.Tensor2D;
  loss(x: tf.Tensor2D, y: tf.Tensor): tf.Scalar;
  /** The model's batches as tensors (the caller disposes them). */
  batches(): Array<{ x: tf.Tensor2D; y: tf.Tensor }>;
  /** Current weights back in PyTorch layout, for comparison with `finalLayers`. */
  torchLayers(): TorchLinear[];
  dispose(): void;
}

/** Builds the reference MLP with the fixture's initial weights as trainable tf.Variables. */
export function buildReferenceMlp(model: ReferenceModel): ReferenceMlp {
  const params = model.layers.flatMap((layer) => [
    tf.variable(tf.tensor2d(torchWeightToKernel(layer.weight)), true),
    tf.variable(tf.tensor1d(layer.bias), true),
  ]);
  const forward = (x: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      let h: tf.Tensor2D = x;
      for (let i = 0; i < model.layers.length; i++) {
        h = tf.add(tf.matMul(h, params[2 * i] as tf.Tensor2D), params[2 * i + 1]!);
        if (i < model.layers.length - 1) h = model.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
      }
      return h;
    });
  const loss = (x: tf.Tensor2D, y: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const out = forward(x);
      if (model.loss === 'mse') return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
      const depth = out.shape[1];
      const picked = tf.sum(tf.mul(tf.oneHot(y as tf.Tensor1D, depth), tf.logSoftmax(out)), 1);
      return tf.neg(tf.mean(picked)) as tf.Scalar;
    });
  return {
    params,
    forward,
    loss,
    batches: () =>
      model.batches.map((b) => ({
        x: tf.tensor2d(b.x),
        y: model.loss === 'mse' ? tf.tensor2d(b.y as number[][]) : tf.tensor1d(b.y as number[], 'int32'),
      })),
    torchLayers: () =>
      model.layers.map((_, i) => ({
        weight: torchWeightToKernel(params[2 * i]!.arraySync() as number[][]),
        bias: params[2 * i + 1]!.arraySync() as number[],
      })),
    dispose: () => params.forEach((p) => p.dispose()),
  };
}

/** The optimizer a fixture run used, on `params`. */
export function makeReferenceOptimizer(run: Pick<ReferenceRun, 'optimizer' | 'options'>, params: tf.Variable[]): Optimizer {
  switch (run.optimizer) {
    case 'SGD':
      return new SGD(params, run.options as unknown as SGDOptions);
    case 'Adam':
      return new Adam(params, run.options as AdamOptions);
    case 'AdamW':
      return new AdamW(params, run.options as AdamOptions);
    case 'RMSprop':
      return new RMSprop(params, run.options as RMSpropOptions);
  }
}

/** Applies a run's gradient clipping (none, by norm, by value) to `grads`, inside the caller's tidy. */
function applyReferenceClip(clip: ReferenceClip | null, grads: tf.NamedTensorMap): { grads: tf.NamedTensorMap; totalNorm?: tf.Scalar } {
  if (clip === null) return { grads };
  if (clip.type === 'value') return { grads: clipGradValue(grads, clip.clipValue) };
  return clipGradNorm(grads, clip.maxNorm, clip.normType === 'inf' ? Infinity : clip.normType);
}

interface ReplayResult {
  losses: number[];
  lrs: number[];
  gradNorms: number[];
  finalLayers: TorchLinear[];
}

/**
 * Replays a fixture run in tfjs with `tf.variableGrads` and this package's
 * optimizers (and OneCycleLR for the scheduled runs, stepped per batch). Per
 * step values stay on the device and are read once at the end.
 */
export async function replayReferenceRun(run: ReferenceRun, fixture: ReferenceFixture = referenceFixture): Promise<ReplayResult> {
  const model = fixture.models[run.model];
  if (model === undefined) throw new Error(`fixture has no model '${run.model}'`);
  const mlp = buildReferenceMlp(model);
  const optimizer = makeReferenceOptimizer(run, mlp.params);
  const scheduler = run.scheduler ? new OneCycleLR(optimizer, run.scheduler.options as unknown as OneCycleLROptions) : null;
  const batches = mlp.batches();
  const lossTensors: tf.Scalar[] = [];
  const normTensors: tf.Scalar[] = [];
  const lrs: number[] = [];
  try {
    for (let epoch = 0; epoch < run.epochs; epoch++) {
      for (const { x, y } of batches) {
        lrs.push(optimizer.paramGroups[0]!.lr);
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => mlp.loss(x, y), mlp.params);
          const clipped = applyReferenceClip(run.clip, grads);
          optimizer.step(clipped.grads);
          lossTensors.push(tf.keep(value));
          if (clipped.totalNorm) normTensors.push(tf.keep(clipped.totalNorm));
        });
        scheduler?.step();
      }
    }
    const read = (ts: tf.Scalar[]) => Promise.all(ts.map(async (t) => (await t.data())[0]!));
    return { losses: await read(lossTensors), gradNorms: await read(normTensors), lrs, finalLayers: mlp.torchLayers() };
  } finally {
    tf.dispose([...lossTensors, ...normTensors, ...batches.flatMap((b) => [b.x, b.y])]);
    optimizer.dispose();
    mlp.dispose();
  }
}
