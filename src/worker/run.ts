/**
 * Turns a RunConfig into what the Trainer needs: a LightningModule and its
 * dataloaders. This is the one place that knows where data and models come
 * from; until src/data and src/models export their builders it offers a small
 * synthetic dataset and a small MLP, enough to exercise the whole runtime.
 */
import * as tf from '@tensorflow/tfjs-core';
// The data and the weights are created before the Trainer picks a backend;
// the CPU backend holds them until then (tfjs moves them on first use).
import '@tensorflow/tfjs-backend-cpu';
import { Adam, DataLoader, LightningModule, TensorDataset, type Batch, type StepOutput } from '../lightning';
import { ACCELERATOR_CHOICES, type RunConfig, type RunDebug } from './protocol';

export interface BuiltRun {
  module: LightningModule;
  train: DataLoader;
  val: DataLoader | null;
  /** One line for the log: what is being trained on what. */
  summary: string;
  /** Frees the data and the weights. */
  dispose(): void;
}

export const BUILTIN_DATASETS = ['blobs'] as const;
export const MODEL_PRESETS = ['mlp'] as const;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Rejects a config the worker cannot run, naming the field and the value. */
export function validateRunConfig(c: RunConfig): void {
  const bad = (field: string, what: string, v: unknown) => new Error(`\`${field}\` must be ${what}, got ${JSON.stringify(v)}`);
  if (typeof c !== 'object' || c === null) throw bad('config', 'an object', c);
  if (!(BUILTIN_DATASETS as readonly string[]).includes(c.dataset)) throw bad('dataset', `one of ${BUILTIN_DATASETS.join(', ')}`, c.dataset);
  if (!(MODEL_PRESETS as readonly string[]).includes(c.model)) throw bad('model', `one of ${MODEL_PRESETS.join(', ')}`, c.model);
  if (!ACCELERATOR_CHOICES.includes(c.accelerator)) throw bad('accelerator', `one of ${ACCELERATOR_CHOICES.join(', ')}`, c.accelerator);
  if (!isInt(c.maxEpochs) || (c.maxEpochs < 1 && c.maxEpochs !== -1)) throw bad('maxEpochs', 'a positive integer or -1', c.maxEpochs);
  if (c.maxSteps !== undefined && (!isInt(c.maxSteps) || (c.maxSteps < 1 && c.maxSteps !== -1))) throw bad('maxSteps', 'a positive integer or -1', c.maxSteps);
  if (c.maxEpochs === -1 && (c.maxSteps ?? -1) === -1) throw bad('maxSteps', 'a positive integer when maxEpochs is -1', c.maxSteps);
  if (!isInt(c.batchSize) || c.batchSize < 1) throw bad('batchSize', 'a positive integer', c.batchSize);
  if (typeof c.learningRate !== 'number' || !(c.learningRate > 0) || !Number.isFinite(c.learningRate)) {
    throw bad('learningRate', 'a positive number', c.learningRate);
  }
  if (c.seed !== undefined && !isInt(c.seed)) throw bad('seed', 'an integer', c.seed);
  const nan = c.debug?.injectNaNAtStep;
  if (nan !== undefined && (!isInt(nan) || nan < 0)) throw bad('debug.injectNaNAtStep', 'a non-negative integer', nan);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same dataset everywhere. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two overlapping 2-D Gaussian blobs, labels 0/1: separable enough that the loss visibly falls within a few dozen steps. */
export function makeBlobs(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const centre = label === 0 ? -1 : 1;
    x[2 * i] = centre + 0.8 * normal();
    x[2 * i + 1] = centre + 0.8 * normal();
    y[i] = label;
  }
  return { x, y };
}

/** A multi-layer perceptron on raw variables: dense → ReLU → dense → softmax cross-entropy. */
export class MlpClassifier extends LightningModule {
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;

  constructor(
    inputs: number,
    hidden: number,
    readonly classes: number,
    readonly learningRate: number,
    seed: number,
  ) {
    super();
    this.saveHyperparameters({ inputs, hidden, classes, learningRate });
    // He initialisation for the ReLU layer, Glorot-like for the output layer. tidy frees the
    // initial values; the variables (copies) survive it.
    const init = (shape: number[], std: number, s: number) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', s)));
    this.w1 = init([inputs, hidden], Math.sqrt(2 / inputs), seed);
    this.b1 = tf.tidy(() => tf.variable(tf.zeros([hidden])));
    this.w2 = init([hidden, classes], Math.sqrt(1 / hidden), seed + 1);
    this.b2 = tf.tidy(() => tf.variable(tf.zeros([classes])));
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, this.w1 as tf.Tensor2D), this.b1));
    return tf.add(tf.matMul(h as tf.Tensor2D, this.w2 as tf.Tensor2D), this.b2);
  }

  private lossAndAccuracy(batch: Batch): [tf.Scalar, tf.Scalar] {
    const [x, y] = batch as tf.Tensor[];
    const logits = this.forward(x!);
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, this.classes), logits) as tf.Scalar;
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y!), 'float32')) as tf.Scalar;
    return [loss, acc];
  }

  trainingStep(batch: Batch): StepOutput {
    const [loss, acc] = this.lossAndAccuracy(batch);
    this.log('train_loss', loss, { progBar: true });
    this.log('train_acc', acc);
    return loss;
  }

  override validationStep(batch: Batch): StepOutput {
    const [loss, acc] = this.lossAndAccuracy(batch);
    this.log('val_loss', loss, { progBar: true });
    this.log('val_acc', acc);
    return undefined;
  }

  override configureOptimizers() {
    return new Adam(this.parameters(), { lr: this.learningRate });
  }
}

/**
 * Wraps the module's trainingStep so that at the given global step the loss
 * becomes NaN: the test hook that makes a run fail on purpose.
 */
export function injectNaN(module: LightningModule, debug: RunDebug | undefined): void {
  const at = debug?.injectNaNAtStep;
  if (at === undefined) return;
  const original = module.trainingStep.bind(module);
  module.trainingStep = (batch: Batch, batchIdx: number): StepOutput => {
    const out = original(batch, batchIdx);
    // The backend smoke test runs a step without a trainer; leave it alone.
    if (module.trainer === null || module.globalStep !== at) return out;
    if (out instanceof tf.Tensor) return tf.mul(out, NaN) as tf.Scalar;
    if (out && typeof out === 'object' && 'loss' in out && out.loss instanceof tf.Tensor) return { ...out, loss: tf.mul(out.loss, NaN) as tf.Scalar };
    return out;
  };
}

/** Builds the data and the module of a run. The returned run owns its tensors (see `dispose`). */
export async function buildRun(config: RunConfig): Promise<BuiltRun> {
  validateRunConfig(config);
  const seed = config.seed ?? 0;
  const nTrain = 512;
  const nVal = 128;
  const { x, y } = makeBlobs(nTrain + nVal, seed);
  const trainSet = new TensorDataset(tf.tensor2d(x.subarray(0, nTrain * 2), [nTrain, 2]), tf.tensor1d(y.subarray(0, nTrain), 'int32'));
  const valSet = new TensorDataset(tf.tensor2d(x.subarray(nTrain * 2), [nVal, 2]), tf.tensor1d(y.subarray(nTrain), 'int32'));
  const module = new MlpClassifier(2, 16, 2, config.learningRate, seed);
  injectNaN(module, config.debug);
  return {
    module,
    train: new DataLoader<unknown>(trainSet, { batchSize: config.batchSize, shuffle: true, generator: seed }),
    val: new DataLoader<unknown>(valSet, { batchSize: Math.max(config.batchSize, 64) }),
    summary: `${config.dataset} (${nTrain} train, ${nVal} validation) · ${config.model} 2-16-2 · batch ${config.batchSize} · Adam lr ${config.learningRate}`,
    dispose() {
      trainSet.dispose();
      valSet.dispose();
      for (const [, v] of module.namedVariables()) v.dispose();
    },
  };
}
