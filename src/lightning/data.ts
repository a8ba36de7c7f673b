import * as tf from '@tensorflow/tfjs-core';
import { Generator as RandomGenerator, randperm } from './seed';

/** A batch as the module's steps receive it: for a TensorDataset, `[x, y, ...]`. */
export type Batch = tf.Tensor[] | Record<string, tf.Tensor> | tf.Tensor;

/** A map-style dataset (PyTorch's `Dataset`): a length and random access to items. */
export interface Dataset<T = unknown> {
  readonly length: number;
  getItem(index: number): T;
}

/**
 * Tensors sharing their first dimension (PyTorch's `TensorDataset`). The data
 * stays on the device: the DataLoader builds batches with `gather`/`slice`,
 * never by re-uploading.
 */
export class TensorDataset implements Dataset<tf.Tensor[]> {
  readonly tensors: tf.Tensor[];

  constructor(...tensors: tf.Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset needs at least one tensor');
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.rank === 0) throw new Error(`TensorDataset: tensor ${i} is a scalar; every tensor needs a first (sample) dimension`);
      if (t.shape[0] !== n) {
        throw new Error(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} samples, tensor ${i} has ${t.shape[0]}`);
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0] ?? 0;
  }

  getItem(index: number): tf.Tensor[] {
    return this.tensors.map((t) => tf.tidy(() => tf.squeeze(tf.slice(t, index, 1), [0])));
  }

  /** The rows at `indices` of every tensor, as new tensors. */
  gather(indices: tf.Tensor1D): tf.Tensor[] {
    return this.tensors.map((t) => tf.gather(t, indices));
  }

  /** Rows [start, start + size) of every tensor, as new tensors. */
  sliceRows(start: number, size: number): tf.Tensor[] {
    return this.tensors.map((t) => tf.slice(t, start, size));
  }

  /** Frees the tensors. The dataset owns them from construction. */
  dispose(): void {
    this.tensors.forEach((t) => t.dispose());
  }
}

/** A view of a dataset at the given indices (PyTorch's `Subset`). */
export class Subset<T = unknown> implements Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: ArrayLike<number>,
  ) {
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= dataset.length) {
        throw new Error(`Subset: index ${k} at position ${i} is out of range for a dataset of ${dataset.length} items`);
      }
    }
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[index]!);
  }
}

/**
 * Splits a dataset into non-overlapping subsets of the given lengths, which are
 * counts summing to the dataset's length, or fractions summing to 1 (the
 * remainder is spread round-robin, as PyTorch does).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], generator: RandomGenerator | number = new RandomGenerator()): Subset<T>[] {
  const n = dataset.length;
  let counts = lengths;
  const sum = lengths.reduce((a, b) => a + b, 0);
  // PyTorch's rule: lengths summing to 1 (and not more than the dataset) are fractions.
  if (Math.abs(sum - 1) < 1e-9 && sum <= n) {
    lengths.forEach((f, i) => {
      if (f < 0 || f > 1) throw new Error(`randomSplit: fraction \`lengths[${i}]\` must be in [0, 1], got ${f}`);
    });
    counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]! += 1;
  }
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new Error(`randomSplit: \`lengths[${i}]\` must be a non-negative integer or a fraction, got ${lengths[i]}`);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new Error(`randomSplit: sum of \`lengths\` (${total}) does not equal the length of the dataset (${n})`);
  }
  const gen = typeof generator === 'number' ? new RandomGenerator(generator) : generator;
  const perm = randperm(n, gen);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.slice(offset, offset + c)));
    offset += c;
  }
  return out;
}

export interface DataLoaderOptions<T> {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  /** Seed or generator for shuffling. Default: drawn from Math.random (seeded by seedEverything). */
  generator?: RandomGenerator | number;
  /** Turns a list of items into a batch; default stacks tensors/arrays/numbers position by position. */
  collateFn?: (items: T[]) => Batch;
}

/** Finds a TensorDataset under any number of Subsets, with the index mapping. */
function resolveTensorDataset(ds: Dataset<unknown>): { base: TensorDataset; map: ArrayLike<number> | null } | null {
  if (ds instanceof TensorDataset) return { base: ds, map: null };
  if (ds instanceof Subset) {
    const inner = resolveTensorDataset(ds.dataset);
    if (!inner) return null;
    const idx = ds.indices;
    const map = inner.map ? Array.from({ length: idx.length }, (_, i) => inner.map![idx[i]!]!) : idx;
    return { base: inner.base, map };
  }
  return null;
}

/**
 * Iterates a dataset in batches (PyTorch's `DataLoader`). For a TensorDataset
 * (or Subsets of one) batches are gathered on the device from one index tensor
 * uploaded per epoch. Shuffling is seeded per epoch from a base seed, so epoch
 * e's order is the same in an uninterrupted run and in a resumed one.
 * Every batch yielded is new tensors owned by the consumer (the Trainer disposes them).
 */
export class DataLoader<T = unknown> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly baseSeed: number;
  // Stored with an erased item type so a DataLoader<T> is usable wherever a DataLoader is expected.
  private readonly collateFn?: (items: unknown[]) => Batch;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: \`batchSize\` must be a positive integer, got ${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    const g = options.generator;
    this.baseSeed = g instanceof RandomGenerator ? g.seed : typeof g === 'number' ? g : Math.floor(Math.random() * 2 ** 32);
    this.collateFn = options.collateFn as ((items: unknown[]) => Batch) | undefined;
  }

  /** The same loader (dataset, shuffling, seed, collate) with another batch size (the batch-size finder's trials). */
  withBatchSize(batchSize: number): DataLoader<T> {
    return new DataLoader(this.dataset, { batchSize, shuffle: this.shuffle, dropLast: this.dropLast, generator: this.baseSeed, collateFn: this.collateFn as DataLoaderOptions<T>['collateFn'] });
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Sample order for an epoch. */
  order(epoch = 0): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return randperm(n, new RandomGenerator((this.baseSeed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0));
  }

  /**
   * The batches of one epoch. `start` skips the first batches (used on resume),
   * `limit` stops after that many batches in all.
   */
  *batches(epoch = 0, opts: { start?: number; limit?: number; shuffle?: boolean } = {}): Generator<Batch, void, undefined> {
    const total = Math.min(this.length, opts.limit ?? Infinity);
    const start = opts.start ?? 0;
    if (start >= total) return;
    const shuffle = opts.shuffle ?? this.shuffle;
    let order = shuffle ? this.order(epoch) : Int32Array.from({ length: this.dataset.length }, (_, i) => i);
    const n = order.length;
    const fast = resolveTensorDataset(this.dataset as Dataset<unknown>);
    if (fast) {
      if (fast.map) order = order.map((i) => fast.map![i]!);
      const contiguous = fast.map === null && !shuffle;
      const perm = contiguous ? null : tf.tensor1d(order, 'int32');
      try {
        for (let b = start; b < total; b++) {
          const lo = b * this.batchSize;
          const size = Math.min(this.batchSize, n - lo);
          if (contiguous) {
            yield fast.base.sliceRows(lo, size);
          } else {
            const idx = tf.slice(perm!, lo, size);
            const batch = fast.base.gather(idx as tf.Tensor1D);
            idx.dispose();
            yield batch;
          }
        }
      } finally {
        perm?.dispose();
      }
      return;
    }
    for (let b = start; b < total; b++) {
      const lo = b * this.batchSize;
      const items: T[] = [];
      for (let i = lo; i < Math.min(lo + this.batchSize, n); i++) items.push(this.dataset.getItem(order[i]!));
      yield this.collateFn ? this.collateFn(items) : defaultCollate(items as unknown[]);
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches(0);
  }
}

/** Stacks items position by position (tuples) or key by key (records). */
export function defaultCollate(items: unknown[]): Batch {
  const first = items[0];
  const stackField = (values: unknown[]): tf.Tensor =>
    tf.tidy(() => {
      if (values[0] instanceof tf.Tensor) return tf.stack(values as tf.Tensor[]);
      if (typeof values[0] === 'number') return tf.tensor1d(values as number[]);
      return tf.tensor(values.map((v) => Array.from(v as ArrayLike<number>)));
    });
  if (Array.isArray(first)) {
    const batch = first.map((_, j) => stackField(items.map((it) => (it as unknown[])[j])));
    for (const it of items) for (const v of it as unknown[]) if (v instanceof tf.Tensor) v.dispose();
    return batch;
  }
  if (first instanceof tf.Tensor) {
    const t = tf.stack(items as tf.Tensor[]);
    (items as tf.Tensor[]).forEach((v) => v.dispose());
    return t;
  }
  if (first && typeof first === 'object') {
    const out: Record<string, tf.Tensor> = {};
    for (const key of Object.keys(first)) out[key] = stackField(items.map((it) => (it as Record<string, unknown>)[key]));
    return out;
  }
  return stackField(items);
}

/** The number of samples in a batch (first dimension of its first tensor). */
export function batchSizeOf(batch: Batch): number {
  if (batch instanceof tf.Tensor) return batch.shape[0] ?? 1;
  const first = Array.isArray(batch) ? batch[0] : Object.values(batch)[0];
  return first?.shape[0] ?? 1;
}

/** All tensors in a batch, for disposal. */
export function batchTensors(batch: Batch): tf.Tensor[] {
  if (batch instanceof tf.Tensor) return [batch];
  return Array.isArray(batch) ? batch : Object.values(batch);
}
