import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, type Batch } from '../data';
import type { Trainer } from '../trainer/trainer';
import { callModule } from '../trainer/call';

/** Runs the batch-transfer hooks (no-ops by default: tfjs data is already on the device). */
export async function prepareBatch(trainer: Trainer, batch: Batch, dataloaderIdx: number): Promise<Batch> {
  let b = await callModule(trainer, 'onBeforeBatchTransfer', batch, dataloaderIdx);
  b = await callModule(trainer, 'transferBatchToDevice', b, dataloaderIdx);
  b = await callModule(trainer, 'onAfterBatchTransfer', b, dataloaderIdx);
  return b;
}

/** Disposes every tensor found in the given values (batches, step outputs). Dispose is idempotent. */
export function disposeAll(...values: unknown[]): void {
  for (const v of values) {
    if (v instanceof tf.Tensor) v.dispose();
    else if (Array.isArray(v)) disposeAll(...v);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) disposeAll(...Object.values(v));
  }
}

export function disposeBatch(...batches: Batch[]): void {
  for (const b of batches) for (const t of batchTensors(b)) t.dispose();
}

/** A limit on a number of batches for fastDevRun / overfitBatches / limit*Batches. */
export function countBatches(trainer: Trainer, available: number, limit: number | undefined, name: string, applyLimit: (n: number, l: number, name: string) => number): number {
  const fdr = trainer.fastDevRunBatches;
  if (fdr > 0) return Math.min(available, fdr);
  const overfit = trainer.options.overfitBatches ?? 0;
  if (overfit > 0 && name !== 'limitTestBatches' && name !== 'limitPredictBatches') {
    return Number.isInteger(overfit) ? Math.min(available, overfit) : Math.max(1, Math.floor(available * overfit));
  }
  return applyLimit(available, limit ?? 1, name);
}
