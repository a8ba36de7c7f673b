/**
 * Encoded data → tensors for the framework. The one place in src/data that
 * uses tf for datasets: each split is gathered on the CPU and uploaded once,
 * after which the DataLoader batches on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TensorDataset } from '../lightning/data';
import type { EncodedDataset } from './types';

export type SplitName = 'train' | 'validation' | 'test' | 'all';

export interface TensorOptions {
  /**
   * Classification targets as int32 class indices [n] (default, as PyTorch's
   * cross-entropy expects) or float32 one-hot [n, classes].
   */
  labels?: 'index' | 'oneHot';
}

export interface XY {
  /** [n, ...inputShape], float32. */
  x: tf.Tensor;
  /** int32 [n] or float32 [n, classes] (classification); float32 [n, 1] (regression). */
  y: tf.Tensor;
}

function splitRows(ds: EncodedDataset, split: SplitName): Int32Array | null {
  if (split === 'all') return null;
  const rows = ds.splits[split];
  if (!rows) throw new Error(`\`split\` must be "train", "validation", "test" or "all", got ${JSON.stringify(split)}`);
  return rows;
}

/** Copies the rows of `split` into fresh typed arrays (plain data, no tf). */
export function gatherSplit(ds: EncodedDataset, split: SplitName): { x: Float32Array; y: Int32Array | Float32Array; count: number } {
  const rows = splitRows(ds, split);
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  if (!rows) return { x: ds.x, y: ds.y, count: ds.y.length };
  const x = new Float32Array(rows.length * per);
  const y = ds.y instanceof Int32Array ? new Int32Array(rows.length) : new Float32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(ds.x.subarray(r * per, (r + 1) * per), i * per);
    y[i] = ds.y[r] as number;
  });
  return { x, y, count: rows.length };
}

/** Tensors for one split (or all rows). The caller owns and disposes them. */
export function toTensors(ds: EncodedDataset, split: SplitName = 'all', options: TensorOptions = {}): XY {
  const { x, y, count } = gatherSplit(ds, split);
  return tf.tidy(() => {
    const xt = tf.tensor(x, [count, ...ds.inputShape], 'float32');
    if (ds.task === 'regression') return { x: xt, y: tf.tensor2d(y, [count, 1], 'float32') };
    const labels = tf.tensor1d(Int32Array.from(y), 'int32');
    if ((options.labels ?? 'index') === 'index') return { x: xt, y: labels };
    return { x: xt, y: tf.oneHot(labels, ds.labelNames.length, 1, 0, 'float32') };
  });
}

/** A TensorDataset over one split, for a DataLoader. It owns its tensors. */
export function toTensorDataset(ds: EncodedDataset, split: SplitName = 'all', options: TensorOptions = {}): TensorDataset {
  const { x, y } = toTensors(ds, split, options);
  return new TensorDataset(x, y);
}
