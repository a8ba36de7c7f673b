import type * as tf from '@tensorflow/tfjs-core';

export type MetricValue = number | number[] | number[][];

/**
 * Base of the framework's metrics (torchmetrics-style). `update` adds a batch
 * to state kept on the device and never reads back; `compute` reads the state
 * once (asynchronously) and returns plain numbers; `reset` clears the state.
 * A metric object can be passed to `LightningModule.log`, in which case the
 * Trainer calls `compute()` at epoch end and then `reset()`.
 */
export abstract class Metric<V extends MetricValue = number> {
  abstract update(preds: tf.Tensor, target: tf.Tensor): void;
  abstract compute(): Promise<V>;
  abstract reset(): void;
  /** Frees device state. */
  abstract dispose(): void;
}
