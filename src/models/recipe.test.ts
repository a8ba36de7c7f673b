import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  DataLoader,
  EarlyStopping,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  TensorDataset,
  seedEverything,
  unseed,
} from '../lightning';
// Test-only: the built-in toy sets, to check the default recipes on them.
import { quietTrainer } from '../lightning/testing/boring';
import { makeToy } from '../data/builtins/toy';
import type { EncodedDataset } from '../data/types';
import { createModule } from './module';
import { buildPreset, defaultPresetFor } from './presets';
import { defaultOptimizer, defaultRecipeFor, defaultSchedule, validateRecipe } from './recipe';
import { buildOptimizer, buildScheduler, callbacksFor, dataLoaderOptionsFor, trainerOptionsFor } from './training';
import { OPTIMIZERS, SCHEDULES, type RecipeSpec, type TaskInfo } from './spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const recipe = (): RecipeSpec => defaultRecipeFor({ task: 'classification', inputShape: [4] });

describe('validateRecipe', () => {
  it('accepts the defaults and every default optimizer and schedule', () => {
    expect(validateRecipe(recipe(), { task: 'classification', numClasses: 3 })).toEqual([]);
    for (const o of OPTIMIZERS) expect(validateRecipe({ ...recipe(), optimizer: defaultOptimizer(o) })).toEqual([]);
    for (const s of SCHEDULES) expect(validateRecipe({ ...recipe(), lrSchedule: defaultSchedule(s, 20) })).toEqual([]);
  });

  it('names the field and the bad value', () => {
    const bad: RecipeSpec = {
      ...recipe(),
      optimizer: { type: 'nesterov', lr: 0, weightDecay: -1, momentum: 0 },
      batchSize: 0,
      epochs: 2.5,
      earlyStopping: { monitor: '', patience: -1, mode: 'up' as 'min' },
      gradientClipVal: -3,
      seed: -1,
      lrSchedule: { type: 'step', stepSize: 0, gamma: 2 },
    };
    expect(validateRecipe(bad).map((i) => `${i.field}: ${i.message}`)).toEqual([
      'recipe.optimizer.lr: `optimizer.lr` must be a positive number, got 0',
      'recipe.optimizer.weightDecay: `optimizer.weightDecay` must be a non-negative number, got -1',
      "recipe.optimizer.momentum: `optimizer.momentum` must be greater than 0 for 'nesterov', got 0",
      'recipe.batchSize: `batchSize` must be a positive integer, got 0',
      'recipe.epochs: `epochs` must be a positive integer, got 2.5',
      'recipe.gradientClipVal: `gradientClipVal` must be a non-negative number or null, got -3',
      'recipe.seed: `seed` must be a non-negative integer or null, got -1',
      'recipe.earlyStopping.monitor: `earlyStopping.monitor` must be a metric name such as "val_loss", got ""',
      'recipe.earlyStopping.patience: `earlyStopping.patience` must be a non-negative integer, got -1',
      "recipe.earlyStopping.mode: `earlyStopping.mode` must be 'min' or 'max', got \"up\"",
      'recipe.lrSchedule.stepSize: `lrSchedule.stepSize` must be a positive integer, got 0',
      'recipe.lrSchedule.gamma: `lrSchedule.gamma` must be a number in (0, 1], got 2',
    ]);
  });

  it('checks that the loss suits the task', () => {
    const msg = (r: RecipeSpec, t: { task: 'classification' | 'regression'; numClasses?: number }) => validateRecipe(r, t).map((i) => i.message);
    expect(msg({ ...recipe(), loss: 'crossEntropy' }, { task: 'regression' })).toEqual(["`loss` must be 'mse', 'mae' or 'huber' for a regression task, got \"crossEntropy\""]);
    expect(msg({ ...recipe(), loss: 'mse' }, { task: 'classification', numClasses: 3 })).toEqual(["`loss` must be 'crossEntropy' or 'binaryCrossEntropy' for a classification task, got \"mse\""]);
    expect(msg({ ...recipe(), loss: 'binaryCrossEntropy' }, { task: 'classification', numClasses: 3 })).toEqual(["`loss` must be 'crossEntropy' for 3 classes ('binaryCrossEntropy' needs exactly 2), got \"binaryCrossEntropy\""]);
  });
});

describe('recipe → framework objects', () => {
  it('builds each optimizer with the recipe hyperparameters', () => {
    const v = [tf.variable(tf.zeros([2]))];
    const cases: Array<[RecipeSpec['optimizer'], unknown, Record<string, unknown>]> = [
      [{ type: 'sgd', lr: 0.1, weightDecay: 0.01, momentum: 0.5 }, SGD, { lr: 0.1, weightDecay: 0.01, momentum: 0, nesterov: false }],
      [{ type: 'sgdMomentum', lr: 0.1, weightDecay: 0, momentum: 0.9 }, SGD, { momentum: 0.9, nesterov: false }],
      [{ type: 'nesterov', lr: 0.1, weightDecay: 0, momentum: 0.8 }, SGD, { momentum: 0.8, nesterov: true }],
      [{ type: 'adam', lr: 1e-3, weightDecay: 0.1, momentum: 0 }, Adam, { lr: 1e-3, weightDecay: 0.1 }],
      [{ type: 'adamw', lr: 1e-3, weightDecay: 0.01, momentum: 0 }, AdamW, { weightDecay: 0.01 }],
      [{ type: 'rmsprop', lr: 1e-2, weightDecay: 0, momentum: 0.3 }, RMSprop, { lr: 1e-2, momentum: 0.3 }],
    ];
    for (const [spec, cls, hyper] of cases) {
      const o = buildOptimizer(spec, v);
      expect(o.constructor).toBe(cls);
      expect(o.paramGroups[0]).toMatchObject(hyper);
    }
    tf.dispose(v);
  });

  it('builds each schedule with its interval and monitor', () => {
    const v = [tf.variable(tf.zeros([1]))];
    const expected: Record<string, [unknown, string]> = {
      step: [StepLR, 'epoch'],
      multiStep: [MultiStepLR, 'epoch'],
      exponential: [ExponentialLR, 'epoch'],
      cosine: [CosineAnnealingLR, 'epoch'],
      oneCycle: [OneCycleLR, 'step'],
      linearWarmup: [LinearLR, 'epoch'],
      reduceOnPlateau: [ReduceLROnPlateau, 'epoch'],
    };
    for (const type of SCHEDULES) {
      const r = { ...recipe(), epochs: 20, lrSchedule: defaultSchedule(type, 20) };
      const cfg = buildScheduler(r, buildOptimizer(r.optimizer, v), { stepsPerEpoch: 10 });
      if (type === 'none') {
        expect(cfg).toBeNull();
        continue;
      }
      expect(cfg!.scheduler.constructor).toBe(expected[type]![0]);
      expect(cfg!.interval).toBe(expected[type]![1]);
      if (type === 'reduceOnPlateau') expect(cfg!.monitor).toBe('val_loss');
    }
    const cosine = buildScheduler({ ...recipe(), epochs: 7, lrSchedule: { type: 'cosine', etaMin: 0 } }, buildOptimizer(recipe().optimizer, v), { stepsPerEpoch: 1 });
    expect((cosine!.scheduler as CosineAnnealingLR).tMax).toBe(7);
    tf.dispose(v);
  });

  it('turns early stopping, clipping and epochs into Trainer options and callbacks', () => {
    const r: RecipeSpec = { ...recipe(), epochs: 9, gradientClipVal: 0.5, earlyStopping: { monitor: 'val_acc', patience: 4, mode: 'max' } };
    expect(trainerOptionsFor(r)).toEqual({ maxEpochs: 9, gradientClipVal: 0.5, gradientClipAlgorithm: 'norm' });
    expect(trainerOptionsFor({ ...r, gradientClipVal: null })).toEqual({ maxEpochs: 9 });
    const [es] = callbacksFor(r);
    expect(es).toBeInstanceOf(EarlyStopping);
    expect(es).toMatchObject({ monitor: 'val_acc', patience: 4, mode: 'max' });
    expect(callbacksFor({ ...r, earlyStopping: null })).toEqual([]);
    expect(dataLoaderOptionsFor(r, 'train')).toEqual({ batchSize: r.batchSize, shuffle: true });
    expect(quietTrainer(trainerOptionsFor(r)).maxEpochs).toBe(9);
  });
});

/** Trains a dataset's default preset with its default recipe, untouched, and returns the final validation metrics. */
async function defaultRun(ds: EncodedDataset): Promise<Record<string, number>> {
  const info: TaskInfo = { inputShape: ds.inputShape, task: ds.task, numClasses: ds.labelNames.length || undefined, name: ds.name };
  const preset = defaultPresetFor(info);
  const spec = buildPreset(preset, { ...info, numExamples: ds.y.length });
  const size = ds.inputShape.reduce((a, b) => a * b, 1);
  const split = (idx: Int32Array) => {
    const x = tf.tensor2d(Float32Array.from(Array.from(idx).flatMap((r) => Array.from(ds.x.subarray(r * size, (r + 1) * size)))), [idx.length, size]);
    const y = ds.task === 'classification' ? tf.tensor1d(Int32Array.from(idx, (r) => ds.y[r]!), 'int32') : tf.tensor1d(Float32Array.from(idx, (r) => ds.y[r]!));
    return new TensorDataset(x, y);
  };
  seedEverything(spec.recipe.seed!);
  const module = createModule(spec, info);
  // numSanityValSteps undefined: the Trainer's default sanity check, as in the studio.
  const trainer = quietTrainer({ ...trainerOptionsFor(spec.recipe), numSanityValSteps: undefined });
  await trainer.fit(module, {
    trainDataloaders: new DataLoader(split(ds.splits.train), dataLoaderOptionsFor(spec.recipe, 'train')),
    valDataloaders: new DataLoader(split(ds.splits.validation), dataLoaderOptionsFor(spec.recipe, 'val')),
  });
  module.dispose();
  unseed();
  return trainer.callbackMetrics;
}

describe('default recipes train well on the generated built-ins', () => {
  it.each(['circle', 'xor', 'gaussians'] as const)('%s: the default MLP passes 90% validation accuracy', async (name) => {
    const m = await defaultRun(makeToy(name));
    expect(m.val_acc).toBeGreaterThan(0.9);
  }, 120_000);

  it('y = 2x: the default MyModel fits with R² > 0.98', async () => {
    const m = await defaultRun(makeToy('regression'));
    expect(m.val_r2).toBeGreaterThan(0.98);
  }, 120_000);
});

describe('recipeProblems: the page’s labels', () => {
  it('names each bad field as the Model step labels it', async () => {
    const { recipeProblems, defaultRecipeFor } = await import('./recipe');
    const r = defaultRecipeFor({ task: 'classification', inputShape: [4] });
    const bad = { ...r, optimizer: { ...r.optimizer, lr: -1, weightDecay: -0.1 }, batchSize: 0, epochs: 0 };
    expect(recipeProblems(bad).map((p) => p.message)).toEqual([
      'Learning rate must be a positive number, got -1',
      'Weight decay must be a non-negative number, got -0.1',
      'Batch size must be a positive integer, got 0',
      'Epochs must be a positive integer, got 0',
    ]);
    expect(recipeProblems(r)).toEqual([]);
  });
});
