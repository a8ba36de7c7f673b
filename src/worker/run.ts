/**
 * Turns a RunConfig and the loaded dataset into what the Trainer needs: the
 * spec's LightningModule (src/models), dataloaders over the dataset's splits
 * (src/data) and the recipe's Trainer options. The one place that knows
 * where data and models come from.
 */
import * as tf from '@tensorflow/tfjs-core';
// The data and the weights are created before the Trainer picks a backend;
// the CPU backend holds them until then (tfjs moves them on first use).
import '@tensorflow/tfjs-backend-cpu';
import { DataLoader, EarlyStopping, seedEverything, type Batch, type Callback, type LightningModule, type StepOutput, type TrainerOptions } from '../lightning';
import { augmentBatch, checkAugmentation, describeAugmentation, isNoAugmentation, toTensorDataset, type AugmentationSpec, type EncodedDataset } from '../data';
import {
  buildPreset,
  createModule,
  dataLoaderOptionsFor,
  defaultPresetFor,
  formatCount,
  inferShapes,
  taskInfoOf,
  trainerOptionsFor,
  type ModelSpec,
  type SpecModule,
  type TaskInfo,
} from '../models';
import type { LoadedData } from './dataset-report';
import { ACCELERATOR_CHOICES, type RunConfig, type RunDebug } from './protocol';

export interface BuiltRun {
  module: LightningModule;
  /** Recipe values that came from the finders (for the card). */
  tuned?: RunConfig['tuned'];
  train: DataLoader;
  val: DataLoader | null;
  /** The held-out split `trainer.test` and the evaluation use (validation when there is no test split). */
  test: DataLoader | null;
  testSplit: 'test' | 'validation' | null;
  /** The dataset the run trains on (kept for evaluation and "Try it" after the page loads another). */
  data: LoadedData | null;
  spec: ModelSpec | null;
  info: TaskInfo | null;
  /** What the training batches get (null: nothing); validation, test and predictions never do. */
  augmentation: AugmentationSpec | null;
  /** From the recipe (gradient clipping); the session adds its own. */
  trainerOptions: TrainerOptions;
  /** The recipe's callbacks (early stopping). */
  callbacks: Callback[];
  /** One line for the log: what is being trained on what. */
  summary: string;
  /** Frees the data and the weights. */
  dispose(): void;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Rejects a config the worker cannot run, naming the field and the value. */
export function validateRunConfig(c: RunConfig): void {
  const bad = (field: string, what: string, v: unknown) => new Error(`\`${field}\` must be ${what}, got ${JSON.stringify(v)}`);
  if (typeof c !== 'object' || c === null) throw bad('config', 'an object', c);
  if (typeof c.dataset !== 'string' || c.dataset === '') throw bad('dataset', 'a dataset name', c.dataset);
  if (!ACCELERATOR_CHOICES.includes(c.accelerator)) throw bad('accelerator', `one of ${ACCELERATOR_CHOICES.join(', ')}`, c.accelerator);
  if (!isInt(c.maxEpochs) || (c.maxEpochs < 1 && c.maxEpochs !== -1)) throw bad('maxEpochs', 'a positive integer or -1', c.maxEpochs);
  if (c.maxSteps !== undefined && (!isInt(c.maxSteps) || (c.maxSteps < 1 && c.maxSteps !== -1))) throw bad('maxSteps', 'a positive integer or -1', c.maxSteps);
  if (c.maxEpochs === -1 && (c.maxSteps ?? -1) === -1) throw bad('maxSteps', 'a positive integer when maxEpochs is -1', c.maxSteps);
  if (c.batchSize !== undefined && (!isInt(c.batchSize) || c.batchSize < 1)) throw bad('batchSize', 'a positive integer', c.batchSize);
  if (c.learningRate !== undefined && (typeof c.learningRate !== 'number' || !(c.learningRate > 0) || !Number.isFinite(c.learningRate))) {
    throw bad('learningRate', 'a positive number', c.learningRate);
  }
  if (c.seed !== undefined && !isInt(c.seed)) throw bad('seed', 'an integer', c.seed);
  if (c.limitTrainBatches !== undefined && (!isInt(c.limitTrainBatches) || c.limitTrainBatches < 1)) throw bad('limitTrainBatches', 'a positive integer', c.limitTrainBatches);
  if (c.augmentation !== undefined && c.augmentation !== null) {
    try {
      checkAugmentation(c.augmentation);
    } catch (err) {
      throw new Error(`\`augmentation\`: ${(err as Error).message}`);
    }
  }
  if (c.initFrom !== undefined && c.initFrom !== 'imported') throw bad('initFrom', '"imported" or absent', c.initFrom);
  const nan = c.debug?.injectNaNAtStep;
  if (nan !== undefined && (!isInt(nan) || nan < 0)) throw bad('debug.injectNaNAtStep', 'a non-negative integer', nan);
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

/** A 31-bit seed from a run's seed and a step, well spread (no two nearby pairs share draws). */
export function mixSeed(seed: number, step: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 1;
}

/**
 * Augments the training batches of a module in Lightning's place for it,
 * `onAfterBatchTransfer` while `trainer.training`: on the device, inside the
 * step, with a draw seeded by the run's seed and the global step (so a seeded
 * run, and a resumed one, sees the same images). The loop disposes both the
 * raw and the returned batch.
 */
export function applyAugmentation(module: LightningModule, spec: AugmentationSpec, seed: number): void {
  const original = module.onAfterBatchTransfer.bind(module);
  module.onAfterBatchTransfer = async (batch: Batch, dataloaderIdx: number): Promise<Batch> => {
    const b = await original(batch, dataloaderIdx);
    if (!module.trainer?.training || !Array.isArray(b) || b.length === 0) return b;
    const [x, ...rest] = b;
    if (x!.rank !== 4) throw new Error(`augmentation needs image batches [batch, height, width, channels], got shape [${x!.shape.join(', ')}]`);
    return [augmentBatch(x as tf.Tensor4D, spec, mixSeed(seed, module.globalStep)), ...rest];
  };
}

/** The spec a run trains: the page's, or the dataset's default preset; with the config's overrides. */
export function runSpec(config: RunConfig, ds: EncodedDataset): ModelSpec {
  const info = taskInfoOf(ds);
  // MNIST starts with the MLP (as the page does): it trains in seconds on every backend.
  const preset = ds.name === 'mnist' ? 'mlp' : defaultPresetFor(info);
  const base = config.spec ?? buildPreset(preset, { ...info, numExamples: ds.splits.train.length });
  const spec = structuredClone(base);
  if (config.maxEpochs > 0) spec.recipe.epochs = config.maxEpochs;
  if (config.batchSize !== undefined) spec.recipe.batchSize = config.batchSize;
  if (config.learningRate !== undefined) spec.recipe.optimizer.lr = config.learningRate;
  if (config.seed !== undefined) spec.recipe.seed = config.seed;
  return spec;
}

/** What can be checked about a run before any memory is used: the config, and whether it fits the data. */
export function precheckRun(config: RunConfig, data: LoadedData): void {
  validateRunConfig(config);
  const ds = data.dataset;
  if (config.augmentation && !isNoAugmentation(config.augmentation) && ds.inputShape.length !== 3) {
    throw new Error(`\`augmentation\` applies to image datasets; ${JSON.stringify(ds.name)} has rows of shape [${ds.inputShape.join(', ')}]. Turn augmentation off or load images.`);
  }
  if (ds.splits.train.length === 0) throw new Error(`the dataset ${JSON.stringify(ds.name)} has no training rows; lower the validation and test sizes`);
}

/** Builds the data and the module of a run. The returned run owns its tensors (see `dispose`). */
export async function buildRun(config: RunConfig, data: LoadedData): Promise<BuiltRun> {
  precheckRun(config, data);
  const ds = data.dataset;
  const spec = runSpec(config, ds);
  const info = taskInfoOf(ds);
  const notes: string[] = [];
  // The recipe's early stopping is strict (a missing metric is an error), but a run stopped by the
  // user or by `maxSteps` ends mid-epoch, before that epoch's validation: the module gets no early
  // stopping and the run adds a non-strict one, which skips the check when the metric is missing.
  const es = spec.recipe.earlyStopping;
  const callbacks: Callback[] = [];
  if (es && ds.splits.validation.length > 0) callbacks.push(new EarlyStopping({ monitor: es.monitor, patience: es.patience, mode: es.mode, strict: false, restoreBestWeights: es.restoreBestWeights ?? true }));
  else if (es) notes.push('early stopping off (no validation rows)');
  const moduleSpec: ModelSpec = { ...spec, recipe: { ...spec.recipe, earlyStopping: null } };
  const seed = spec.recipe.seed ?? undefined;
  // Seed before the weights are made, so a seeded recipe starts from the same weights everywhere.
  const usedSeed = seedEverything(seed ?? undefined);
  const module: SpecModule = createModule(moduleSpec, info);
  injectNaN(module, config.debug);
  const augmentation = config.augmentation && !isNoAugmentation(config.augmentation) ? config.augmentation : null;
  if (augmentation) {
    applyAugmentation(module, augmentation, usedSeed);
    notes.push(`augmentation: ${describeAugmentation(augmentation)}`);
  }
  const owned: Array<{ dispose(): void }> = [module];
  try {
    return finishRun();
  } catch (err) {
    owned.forEach((d) => d.dispose());
    throw err;
  }

  function finishRun(): BuiltRun {
    const loader = (split: 'train' | 'validation' | 'test', role: 'train' | 'val' | 'test'): DataLoader | null => {
      if (ds.splits[split].length === 0) return null;
      const set = toTensorDataset(ds, split);
      owned.push(set);
      const o = dataLoaderOptionsFor(spec.recipe, role);
      // Evaluation batches can be larger than training ones: no gradients are kept.
      const batchSize = role === 'train' ? o.batchSize : Math.max(o.batchSize, 256);
      return new DataLoader<unknown>(set, { batchSize, shuffle: o.shuffle, ...(role === 'train' ? { generator: usedSeed } : {}) });
    };
    const train = loader('train', 'train')!;
    const val = loader('validation', 'val');
    const hasTest = ds.splits.test.length > 0 && !sameRows(ds.splits.test, ds.splits.validation);
    const test = hasTest ? loader('test', 'test') : val;
    const shapes = inferShapes(spec, info.inputShape, info);
    const trainerOptions: TrainerOptions = trainerOptionsFor(spec.recipe);
    if (config.limitTrainBatches !== undefined) trainerOptions.limitTrainBatches = config.limitTrainBatches;
    const layers = spec.layers.map((l) => l.kind).join('→');
    const o = spec.recipe.optimizer;
    return {
      module,
      ...(config.tuned ? { tuned: structuredClone(config.tuned) } : {}),
      train,
      val,
      test,
      testSplit: hasTest ? 'test' : val ? 'validation' : null,
      data,
      spec,
      info,
      augmentation,
      trainerOptions,
      callbacks,
      summary:
        `${ds.name} (${ds.splits.train.length} train, ${ds.splits.validation.length} validation, ${hasTest ? ds.splits.test.length : 0} test) · ` +
        `${layers} (${formatCount(shapes.totalParams)} params) · batch ${spec.recipe.batchSize} · ${o.type} lr ${o.lr} · seed ${usedSeed}` +
        notes.map((n) => ` · ${n}`).join(''),
      dispose() {
        owned.forEach((d) => d.dispose());
      },
    };
  }
}

function sameRows(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Copies a fine-tuning run's starting weights into its freshly built network, after checking they line up. */
export function startFromWeights(built: BuiltRun, weights: tf.Tensor[], source: string): void {
  const net = (built.module as Partial<SpecModule>).model;
  if (!net) throw new Error('`initFrom: "imported"` needs a run built from a model spec');
  const mine = net.weights.map((w) => w.shape.join('×'));
  const theirs = weights.map((w) => w.shape.join('×'));
  if (mine.join(',') !== theirs.join(',')) {
    throw new Error(`the weights of ${source} (${theirs.length} tensors: ${theirs.join(', ')}) do not fit its own spec's network (${mine.length}: ${mine.join(', ')})`);
  }
  net.setWeights(weights);
}
