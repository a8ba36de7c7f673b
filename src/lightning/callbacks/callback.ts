import type * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data';
import type { LightningModule, StepOutput } from '../module';
import type { Optimizer } from '../optim/optimizer';
import type { Trainer } from '../trainer/trainer';
import type { Checkpoint } from '../checkpoint/checkpoint';

export type Stage = 'fit' | 'validate' | 'test' | 'predict';
type Ret = void | Promise<void>;

/**
 * Base of all callbacks: every hook Lightning's `Callback` has, each a no-op.
 * Override only what you need. Hooks may be async; the Trainer awaits them in
 * order — except `onBeforeBackward`, which runs inside the gradient tape and
 * must be synchronous.
 */
export abstract class Callback {
  /** Key under which this callback's state is stored in checkpoints (Lightning's `state_key`). */
  get stateKey(): string {
    return this.constructor.name;
  }
  /** Callbacks that watch metrics (EarlyStopping, ModelCheckpoint) run their epoch-end hooks after the module's. */
  readonly monitorsMetrics: boolean = false;
  /** Disabled by `fastDevRun` (Lightning disables checkpointing, early stopping, LR monitors). */
  readonly disabledByFastDevRun: boolean = false;

  /** Called when fit, validate, test or predict begins, after the datamodule's setup. */
  setup(_trainer: Trainer, _module: LightningModule, _stage: Stage): Ret {}
  /** Called when fit, validate, test or predict ends. */
  teardown(_trainer: Trainer, _module: LightningModule, _stage: Stage): Ret {}
  /** Called when fit begins. */
  onFitStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when fit ends. */
  onFitEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when the validation sanity check starts. */
  onSanityCheckStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when the validation sanity check ends. */
  onSanityCheckEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called before a training batch; the module's hook may return -1 to end the epoch. */
  onTrainBatchStart(_trainer: Trainer, _module: LightningModule, _batch: Batch, _batchIdx: number): Ret {}
  /** Called after a training batch with the step's outputs. */
  onTrainBatchEnd(_trainer: Trainer, _module: LightningModule, _outputs: StepOutput, _batch: Batch, _batchIdx: number): Ret {}
  /** Called when a training epoch begins. */
  onTrainEpochStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a training epoch ends, with epoch-level metrics in `trainer.callbackMetrics`. */
  onTrainEpochEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a validation epoch begins. */
  onValidationEpochStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a validation epoch ends. */
  onValidationEpochEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a test epoch begins. */
  onTestEpochStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a test epoch ends. */
  onTestEpochEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a predict epoch begins. */
  onPredictEpochStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a predict epoch ends. */
  onPredictEpochEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called before a validation batch. */
  onValidationBatchStart(_trainer: Trainer, _module: LightningModule, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called after a validation batch. */
  onValidationBatchEnd(_trainer: Trainer, _module: LightningModule, _outputs: StepOutput, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called before a test batch. */
  onTestBatchStart(_trainer: Trainer, _module: LightningModule, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called after a test batch. */
  onTestBatchEnd(_trainer: Trainer, _module: LightningModule, _outputs: StepOutput, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called before a predict batch. */
  onPredictBatchStart(_trainer: Trainer, _module: LightningModule, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called after a predict batch with its predictions. */
  onPredictBatchEnd(_trainer: Trainer, _module: LightningModule, _outputs: unknown, _batch: Batch, _batchIdx: number, _dataloaderIdx: number): Ret {}
  /** Called when training begins (after the sanity check). */
  onTrainStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when training ends. */
  onTrainEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a validation loop begins. */
  onValidationStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when a validation loop ends; EarlyStopping and ModelCheckpoint act here. */
  onValidationEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when the test loop begins. */
  onTestStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when the test loop ends. */
  onTestEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when prediction begins. */
  onPredictStart(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when prediction ends. */
  onPredictEnd(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called when any trainer entry point fails with an error. */
  onException(_trainer: Trainer, _module: LightningModule, _error: unknown): Ret {}
  /** This callback's state to put in checkpoints. */
  stateDict(): Record<string, unknown> {
    return {};
  }
  /** Restores state from `stateDict()`. */
  loadStateDict(_state: Record<string, unknown>): void {}
  /** Called when a checkpoint is being saved; may add to it. */
  onSaveCheckpoint(_trainer: Trainer, _module: LightningModule, _checkpoint: Checkpoint): Ret {}
  /** Called when a checkpoint is being loaded. */
  onLoadCheckpoint(_trainer: Trainer, _module: LightningModule, _checkpoint: Checkpoint): Ret {}
  /** Called inside the gradient tape just before backward, with the (scaled) loss. Must be synchronous. */
  onBeforeBackward(_trainer: Trainer, _module: LightningModule, _loss: tf.Scalar): void {}
  /** Called after backward, with gradients in `trainer.gradients`. */
  onAfterBackward(_trainer: Trainer, _module: LightningModule): Ret {}
  /** Called before the optimizer steps, after gradient accumulation, before clipping. */
  onBeforeOptimizerStep(_trainer: Trainer, _module: LightningModule, _optimizer: Optimizer): Ret {}
  /** Called before gradients are zeroed (at the first batch of an accumulation window). */
  onBeforeZeroGrad(_trainer: Trainer, _module: LightningModule, _optimizer: Optimizer): Ret {}
}

/** Names of all Callback hooks that the trainer dispatches (everything but state and properties). */
export type CallbackHook = Exclude<
  {
    [K in keyof Callback]: Callback[K] extends (...args: never[]) => unknown ? K : never;
  }[keyof Callback],
  'stateDict' | 'loadStateDict'
>;
