/**
 * MNIST from the packed files (see scripts/pack-datasets.mjs): 10,000
 * digits, 28×28 grey levels as bytes. Despite the package's README the
 * classes are not 1,000 each: they run from 863 (fives) to 1,127 (ones).
 *
 * Splits: the fixed, seeded, stratified 8,000 / 2,000 train/held-out split
 * that the benchmarks use (20% of each digit, to within one image). The
 * package has no separate test set, so by default the 2,000 are cut into
 * 1,000 validation + 1,000 test digits (stratified again): test numbers are
 * on digits neither training nor early stopping saw. `holdOutTest: false`
 * gives the benchmarks' 8,000 / 2,000 with `test` the same digits as
 * validation. Training is the same 8,000 either way.
 */
import { DataError } from '../errors';
import { splitIndices } from '../split';
import type { EncodedDataset, Splits } from '../types';
import { SPEC_VERSION, type ImageSpec } from '../encode/spec';

const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** Seed of the benchmark split; change it and published numbers no longer compare. */
export const MNIST_SPLIT_SEED = 2024;
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface MnistOptions {
  /** Split 1,000 test digits off the 2,000 held-out ones (default true; false: test = validation, the benchmarks' split). */
  holdOutTest?: boolean;
  /** Default MNIST_SPLIT_SEED, the benchmarks' split. */
  seed?: number;
}

export function mnistSplits(labels: Uint8Array | Int32Array, options: MnistOptions = {}): Splits {
  const seed = options.seed ?? MNIST_SPLIT_SEED;
  const base = splitIndices(labels.length, { validation: 0.2, test: 0, seed }, labels);
  if (options.holdOutTest === false) return { train: base.train, validation: base.validation, test: base.validation.slice() };
  const heldLabels = Array.from(base.validation, (i) => labels[i] as number);
  const half = splitIndices(heldLabels.length, { validation: 0.5, test: 0, seed: seed + 1 }, heldLabels);
  return {
    train: base.train,
    validation: Int32Array.from(half.validation, (k) => base.validation[k] as number),
    test: Int32Array.from(half.train, (k) => base.validation[k] as number),
  };
}

/** Builds the MNIST dataset from the two packed files' bytes. */
export function decodeMnist(images: Uint8Array, labels: Uint8Array, options: MnistOptions = {}, file = 'mnist-images.u8'): EncodedDataset {
  if (images.length !== labels.length * MNIST_PIXELS || labels.length === 0) {
    throw new DataError({
      file,
      problem: `${images.length} image bytes for ${labels.length} labels`,
      expected: `${MNIST_PIXELS} bytes per label; rebuild with "npm run data"`,
    });
  }
  const bad = labels.findIndex((l) => l >= MNIST_CLASSES.length);
  if (bad >= 0) {
    throw new DataError({ file: 'mnist-labels.u8', row: bad + 1, problem: `label ${labels[bad]}`, expected: 'a digit 0–9' });
  }
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = (images[i] as number) / 255;
  const spec: ImageSpec = {
    kind: 'image',
    version: SPEC_VERSION,
    width: MNIST_SIDE,
    height: MNIST_SIDE,
    channels: 1,
    resize: 'area',
    background: 0,
    scale: 'unit',
    labelNames: [...MNIST_CLASSES],
  };
  return {
    name: 'mnist',
    task: 'classification',
    inputShape: [MNIST_SIDE, MNIST_SIDE, 1],
    x,
    y: Int32Array.from(labels),
    labelNames: [...MNIST_CLASSES],
    splits: mnistSplits(labels, options),
    spec,
    warnings: [],
  };
}
