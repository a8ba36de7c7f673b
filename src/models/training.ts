/**
 * Recipe → the framework's objects: optimizer, LR scheduler config,
 * callbacks and Trainer options.
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  EarlyStopping,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type Callback,
  type LRSchedulerConfig,
  type Optimizer,
  type TrainerOptions,
} from '../lightning';
import type { OptimizerSpec, RecipeSpec } from './spec';

/** The recipe's optimizer over the given parameters. */
export function buildOptimizer(optimizer: OptimizerSpec, params: tf.Variable[]): Optimizer {
  const { lr, weightDecay } = optimizer;
  switch (optimizer.type) {
    case 'sgd':
      return new SGD(params, { lr, weightDecay });
    case 'sgdMomentum':
      return new SGD(params, { lr, weightDecay, momentum: optimizer.momentum });
    case 'nesterov':
      return new SGD(params, { lr, weightDecay, momentum: optimizer.momentum, nesterov: true });
    case 'adam':
      return new Adam(params, { lr, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay });
    case 'rmsprop':
      return new RMSprop(params, { lr, weightDecay, momentum: optimizer.momentum });
    default:
      throw new Error(`\`optimizer.type\` must be one of sgd, sgdMomentum, nesterov, adam, adamw, rmsprop, got ${JSON.stringify((optimizer as { type: unknown }).type)}`);
  }
}

export interface ScheduleContext {
  /** Optimizer steps per epoch (needed by oneCycle). */
  stepsPerEpoch: number;
}

/**
 * The recipe's LR scheduler config for `configureOptimizers`, or null for
 * a constant LR. Epoch-based schedules step per epoch; oneCycle per step.
 */
export function buildScheduler(recipe: RecipeSpec, optimizer: Optimizer, ctx: ScheduleContext): LRSchedulerConfig | null {
  const s = recipe.lrSchedule;
  switch (s.type) {
    case 'none':
      return null;
    case 'step':
      return { scheduler: new StepLR(optimizer, { stepSize: s.stepSize, gamma: s.gamma }), interval: 'epoch' };
    case 'multiStep':
      return { scheduler: new MultiStepLR(optimizer, { milestones: s.milestones, gamma: s.gamma }), interval: 'epoch' };
    case 'exponential':
      return { scheduler: new ExponentialLR(optimizer, { gamma: s.gamma }), interval: 'epoch' };
    case 'cosine':
      return { scheduler: new CosineAnnealingLR(optimizer, { tMax: s.tMax ?? recipe.epochs, etaMin: s.etaMin }), interval: 'epoch' };
    case 'linearWarmup':
      return { scheduler: new LinearLR(optimizer, { startFactor: s.startFactor, endFactor: 1, totalIters: s.warmupEpochs }), interval: 'epoch' };
    case 'oneCycle': {
      if (!(Number.isInteger(ctx.stepsPerEpoch) && ctx.stepsPerEpoch > 0)) {
        throw new Error(`oneCycle needs the number of steps per epoch, a positive integer, got ${ctx.stepsPerEpoch}`);
      }
      // OneCycleLR cycles momentum (beta1 for Adam/AdamW), as PyTorch does; skip it where the
      // recipe has no momentum, or it would switch momentum on behind the user's back.
      const o = recipe.optimizer;
      const scheduler = new OneCycleLR(optimizer, {
        maxLr: s.maxLr ?? recipe.optimizer.lr,
        epochs: recipe.epochs,
        stepsPerEpoch: ctx.stepsPerEpoch,
        pctStart: s.pctStart,
        cycleMomentum: o.type === 'adam' || o.type === 'adamw' || (o.type !== 'sgd' && o.momentum > 0),
      });
      return { scheduler, interval: 'step' };
    }
    case 'reduceOnPlateau':
      return {
        scheduler: new ReduceLROnPlateau(optimizer, { mode: s.mode, factor: s.factor, patience: s.patience }),
        interval: 'epoch',
        monitor: s.monitor,
      };
    default:
      throw new Error(`\`lrSchedule.type\` is not a known schedule, got ${JSON.stringify((s as { type: unknown }).type)}`);
  }
}

/** Callbacks the recipe asks for (early stopping). */
export function callbacksFor(recipe: RecipeSpec): Callback[] {
  const out: Callback[] = [];
  const es = recipe.earlyStopping;
  if (es) out.push(new EarlyStopping({ monitor: es.monitor, patience: es.patience, mode: es.mode }));
  return out;
}

/**
 * Trainer options from the recipe. The caller adds its own (accelerator,
 * logger, ...) and should call `seedEverything(recipe.seed)` before building
 * the module, so the initial weights are seeded too. The recipe's callbacks
 * are not here: SpecModule returns them from `configureCallbacks`.
 */
export function trainerOptionsFor(recipe: RecipeSpec): TrainerOptions {
  const options: TrainerOptions = { maxEpochs: recipe.epochs };
  if (recipe.gradientClipVal !== null && recipe.gradientClipVal > 0) {
    options.gradientClipVal = recipe.gradientClipVal;
    options.gradientClipAlgorithm = 'norm';
  }
  return options;
}

/** DataLoader options for the training set (the validation set is not shuffled). */
export function dataLoaderOptionsFor(recipe: RecipeSpec, split: 'train' | 'val' | 'test'): { batchSize: number; shuffle: boolean } {
  return { batchSize: recipe.batchSize, shuffle: split === 'train' };
}
