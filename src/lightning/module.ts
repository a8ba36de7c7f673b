import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './data';
import type { Callback, Stage } from './callbacks/callback';
import type { Checkpoint } from './checkpoint/checkpoint';
import type { Metric } from './metrics/metric';
import type { Optimizer, SerializedTensor } from './optim/optimizer';
import type { LRScheduler } from './schedulers/scheduler';
import type { Trainer } from './trainer/trainer';
import { clipGradients } from './trainer/clipping';

/** What a step returns: the loss, `{loss, ...}`, or nothing to skip the optimization of that batch. */
export type StepOutput = tf.Scalar | { loss: tf.Scalar; [key: string]: unknown } | Record<string, unknown> | null | undefined | void;

export interface LRSchedulerConfig {
  scheduler: LRScheduler;
  /** 'epoch' (default) steps after each epoch, 'step' after each optimizer step. */
  interval?: 'epoch' | 'step';
  /** Step the scheduler every `frequency` intervals (default 1). */
  frequency?: number;
  /** Metric for ReduceLROnPlateau (default 'val_loss'). */
  monitor?: string;
  /** Whether a missing `monitor` is an error (default true). */
  strict?: boolean;
  /** Name shown by LearningRateMonitor. */
  name?: string;
}

export type OptimizerConfig =
  | Optimizer
  | { optimizer: Optimizer; lrScheduler?: LRScheduler | LRSchedulerConfig; monitor?: string };

export interface LogOptions {
  /** Log the value of this step (default: true in training steps, false elsewhere). */
  onStep?: boolean;
  /** Accumulate and log the epoch's reduction (default: false in training steps, true elsewhere). */
  onEpoch?: boolean;
  /** Show in the progress bar / `trainer.progressBarMetrics`. */
  progBar?: boolean;
  /** Send to the logger (default true). */
  logger?: boolean;
  /** How onEpoch values are reduced: 'mean' (weighted by batch size, default), 'sum', 'max', 'min'. */
  reduceFx?: 'mean' | 'sum' | 'max' | 'min';
  /** Batch size for the weighted mean (default: the first dimension of the batch). */
  batchSize?: number;
  /** With several dataloaders, append `/dataloader_idx_N` to the name (default true). */
  addDataloaderIdx?: boolean;
}

type Ret = void | Promise<void>;

interface WeightHolder {
  weights: Array<{ read(): tf.Variable; trainable: boolean; name: string }>;
}

function isWeightHolder(v: unknown): v is WeightHolder {
  const w = (v as WeightHolder | null)?.weights;
  return Array.isArray(w) && w.every((x) => typeof (x as { read?: unknown }).read === 'function');
}

const SKIP_KEYS = new Set(['trainer', 'hparams', '_trainer']);

/**
 * The LightningModule: your model, its steps and its hooks. Subclass it,
 * build layers in the constructor (tf.layers models, layers or tf.Variables
 * stored as properties are found by `parameters()`), and implement
 * `trainingStep` and `configureOptimizers`.
 *
 * Differs from Lightning: steps must be synchronous (they run inside tfjs's
 * gradient tape), and only automatic optimization is supported.
 */
export abstract class LightningModule {
  /** Hyperparameters saved with `saveHyperparameters` (kept in checkpoints). */
  hparams: Record<string, unknown> = {};
  /** True while training; false in validation, test and predict (drives dropout/batch norm). */
  training = true;
  /** Lightning's flag; manual optimization is not supported by this framework. */
  readonly automaticOptimization: boolean = true;
  /** The Trainer running this module, set by fit/validate/test/predict. */
  trainer: Trainer | null = null;

  /** The current epoch (0-based), from the trainer. */
  get currentEpoch(): number {
    return this.trainer?.currentEpoch ?? 0;
  }
  /** Number of optimizer steps taken, from the trainer. */
  get globalStep(): number {
    return this.trainer?.globalStep ?? 0;
  }

  // ----- the model ---------------------------------------------------------

  /** The forward pass. Called by the default `predictStep`. */
  forward(..._inputs: tf.Tensor[]): tf.Tensor {
    throw new Error(`${this.constructor.name}: \`forward\` is not implemented`);
  }

  /** Required: computes the training loss of one batch. Synchronous (it runs inside the gradient tape). */
  abstract trainingStep(batch: Batch, batchIdx: number): StepOutput;
  validationStep?(batch: Batch, batchIdx: number, dataloaderIdx: number): StepOutput;
  testStep?(batch: Batch, batchIdx: number, dataloaderIdx: number): StepOutput;

  /** Default: `forward` on the batch's first tensor. */
  predictStep(batch: Batch, _batchIdx: number, _dataloaderIdx = 0): unknown {
    const x = batch instanceof tf.Tensor ? batch : Array.isArray(batch) ? batch[0]! : Object.values(batch)[0]!;
    return this.forward(x);
  }

  /** Required for fit: the optimizer, or `{optimizer, lrScheduler}`. */
  configureOptimizers(): OptimizerConfig {
    throw new Error(`${this.constructor.name}: \`configureOptimizers\` must be implemented to call \`fit\``);
  }

  /** Extra callbacks to add to the Trainer's (replacing ones of the same type). */
  configureCallbacks(): Callback[] | Callback | undefined {
    return undefined;
  }

  /** Hook to build layers lazily before the optimizers are configured. */
  configureModel(): Ret {}

  // ----- logging -----------------------------------------------------------

  /** Logs a value for the loggers, the progress bar and callbacks (see LogOptions for defaults). */
  log(name: string, value: number | tf.Tensor | Metric<number>, options: LogOptions = {}): void {
    if (!this.trainer) return; // Lightning ignores logging outside a trainer too.
    this.trainer.results.log(name, value, options);
  }

  logDict(values: Record<string, number | tf.Tensor | Metric<number>>, options: LogOptions = {}): void {
    for (const [k, v] of Object.entries(values)) this.log(k, v, options);
  }

  /** Stores hyperparameters in `hparams` (and checkpoints, and the logger). */
  saveHyperparameters(hparams: Record<string, unknown>): void {
    this.hparams = { ...this.hparams, ...structuredClone(hparams) };
  }

  // ----- parameters and state ----------------------------------------------

  /** Every variable with its stable name: `<property>.<index>` for layer weights, `<property>` for variables. */
  namedVariables(): Array<[string, tf.Variable, boolean]> {
    const out: Array<[string, tf.Variable, boolean]> = [];
    const seen = new Set<tf.Variable>();
    const visit = (key: string, v: unknown) => {
      if (v instanceof tf.Variable) {
        if (!seen.has(v)) out.push([key, v, v.trainable]);
        seen.add(v);
      } else if (isWeightHolder(v)) {
        v.weights.forEach((w, i) => {
          const variable = w.read();
          if (!seen.has(variable)) out.push([`${key}.${i}`, variable, w.trainable]);
          seen.add(variable);
        });
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => visit(`${key}.${i}`, item));
      }
    };
    for (const key of Object.keys(this)) {
      if (!SKIP_KEYS.has(key)) visit(key, (this as Record<string, unknown>)[key]);
    }
    return out;
  }

  /** Trainable variables, what `configureOptimizers` passes to an optimizer. */
  parameters(): tf.Variable[] {
    return this.namedVariables().filter(([, , trainable]) => trainable).map(([, v]) => v);
  }

  /** All weights (trainable and not, e.g. batch-norm statistics) as plain data. */
  async stateDict(): Promise<Record<string, SerializedTensor>> {
    const out: Record<string, SerializedTensor> = {};
    for (const [name, v] of this.namedVariables()) {
      out[name] = { shape: v.shape.slice(), dtype: v.dtype as SerializedTensor['dtype'], data: (await v.data()) as SerializedTensor['data'] };
    }
    return out;
  }

  /** Loads weights saved by `stateDict`; with `strict`, missing or unexpected names are errors. */
  loadStateDict(state: Record<string, SerializedTensor>, strict = true): void {
    const vars = new Map(this.namedVariables().map(([n, v]) => [n, v]));
    if (strict) {
      const missing = [...vars.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !vars.has(k));
      if (missing.length || unexpected.length) {
        throw new Error(`Error loading state dict into ${this.constructor.name}: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
      }
    }
    for (const [name, saved] of Object.entries(state)) {
      const v = vars.get(name);
      if (!v) continue;
      if (v.shape.join(',') !== saved.shape.join(',')) {
        throw new Error(`Error loading state dict: size mismatch for ${name}: checkpoint has shape [${saved.shape}], model has [${v.shape}]`);
      }
      tf.tidy(() => v.assign(tf.tensor(saved.data, saved.shape, saved.dtype)));
    }
  }

  /** Sets training mode (Lightning's `train()`). */
  train(mode = true): this {
    this.training = mode;
    return this;
  }
  /** Sets evaluation mode (Lightning's `eval()`). */
  eval(): this {
    return this.train(false);
  }

  /** Clips the gradients about to be applied (`trainer.gradients`), by global norm or by value. */
  clipGradients(_optimizer: Optimizer, gradientClipVal?: number, gradientClipAlgorithm: 'norm' | 'value' = 'norm'): void {
    if (!this.trainer || gradientClipVal == null || gradientClipVal <= 0) return;
    this.trainer.gradients = clipGradients(this.trainer.gradients, gradientClipVal, gradientClipAlgorithm);
  }

  /** The LR schedulers configured for the run. */
  lrSchedulers(): LRScheduler[] {
    return this.trainer?.lrSchedulerConfigs.map((c) => c.scheduler) ?? [];
  }
  /** The optimizers configured for the run. */
  optimizers(): Optimizer[] {
    return this.trainer?.optimizers ?? [];
  }

  // ----- hooks (all no-ops; same names and order as Lightning) -------------

  prepareData(): Ret {}
  setup(_stage: Stage): Ret {}
  teardown(_stage: Stage): Ret {}
  onFitStart(): Ret {}
  onFitEnd(): Ret {}
  /** Differs from Lightning: the module also gets the sanity-check hooks (Lightning gives them to callbacks only). */
  onSanityCheckStart(): Ret {}
  onSanityCheckEnd(): Ret {}
  onTrainStart(): Ret {}
  onTrainEnd(): Ret {}
  onValidationStart(): Ret {}
  onValidationEnd(): Ret {}
  onTestStart(): Ret {}
  onTestEnd(): Ret {}
  onPredictStart(): Ret {}
  onPredictEnd(): Ret {}
  onTrainEpochStart(): Ret {}
  onTrainEpochEnd(): Ret {}
  onValidationEpochStart(): Ret {}
  onValidationEpochEnd(): Ret {}
  onTestEpochStart(): Ret {}
  onTestEpochEnd(): Ret {}
  onPredictEpochStart(): Ret {}
  onPredictEpochEnd(): Ret {}
  /** Return -1 to skip the rest of the epoch. */
  onTrainBatchStart(_batch: Batch, _batchIdx: number): void | number | Promise<void | number> {}
  onTrainBatchEnd(_outputs: StepOutput, _batch: Batch, _batchIdx: number): Ret {}
  onValidationBatchStart(_batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onValidationBatchEnd(_outputs: StepOutput, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onTestBatchStart(_batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onTestBatchEnd(_outputs: StepOutput, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onPredictBatchStart(_batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onPredictBatchEnd(_outputs: unknown, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  onValidationModelEval(): Ret {
    this.eval();
  }
  onValidationModelTrain(): Ret {
    this.train();
  }
  onValidationModelZeroGrad(): Ret {}
  onTestModelEval(): Ret {
    this.eval();
  }
  onTestModelTrain(): Ret {
    this.train();
  }
  onPredictModelEval(): Ret {
    this.eval();
  }
  /** May replace the batch before it is "transferred" (a no-op move in tfjs: data is already on the device). */
  onBeforeBatchTransfer(batch: Batch, _dataloaderIdx: number): Batch | Promise<Batch> {
    return batch;
  }
  transferBatchToDevice(batch: Batch, _dataloaderIdx: number): Batch | Promise<Batch> {
    return batch;
  }
  onAfterBatchTransfer(batch: Batch, _dataloaderIdx: number): Batch | Promise<Batch> {
    return batch;
  }
  /** Inside the gradient tape, just before backward; must be synchronous. */
  onBeforeBackward(_loss: tf.Scalar): void {}
  /** After backward; the gradients are in `this.trainer.gradients`. */
  onAfterBackward(): Ret {}
  onBeforeOptimizerStep(_optimizer: Optimizer): Ret {}
  onBeforeZeroGrad(_optimizer: Optimizer): Ret {}
  /** Clears gradients (the Trainer's accumulated ones). */
  optimizerZeroGrad(_epoch: number, _batchIdx: number, optimizer: Optimizer): Ret {
    optimizer.zeroGrad();
  }
  /** Default clipping: `clipGradients` with the Trainer's `gradientClipVal` and algorithm. */
  configureGradientClipping(optimizer: Optimizer, gradientClipVal?: number, gradientClipAlgorithm?: 'norm' | 'value'): Ret {
    this.clipGradients(optimizer, gradientClipVal, gradientClipAlgorithm);
  }
  /** Applies `trainer.gradients` with the optimizer. Override to e.g. warm up the LR by hand. */
  optimizerStep(_epoch: number, _batchIdx: number, optimizer: Optimizer): Ret {
    const grads = this.trainer?.gradients ?? {};
    tf.tidy(() => optimizer.step(grads));
  }
  /** Steps an LR scheduler; `metric` is the monitored value for ReduceLROnPlateau. */
  lrSchedulerStep(scheduler: LRScheduler, metric?: number): Ret {
    scheduler.step(metric);
  }
  onSaveCheckpoint(_checkpoint: Checkpoint): Ret {}
  onLoadCheckpoint(_checkpoint: Checkpoint): Ret {}
  /** Differs from Lightning: the module is told of exceptions too (Lightning tells callbacks and the datamodule). */
  onException(_error: unknown): Ret {}
}
