/** Shared plain-data types of the data layer (all structured-cloneable). */
import type { DataIssue } from './errors';
import type { PreprocessingSpec } from './encode/spec';

export type Task = 'classification' | 'regression';

/** A parsed table: every cell as the text it had in the file ('' = empty). */
export interface RawTable {
  /** File name (or built-in name) used in messages. */
  file: string;
  columns: string[];
  rows: string[][];
  /**
   * Spreadsheet row number of each data row (header = row 1), so messages
   * can point at the file even after rows were dropped.
   */
  rowNumbers: number[];
}

/** Indices into the dataset's rows, each sorted ascending. */
export interface Splits {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** A dataset ready to become tensors: features, targets, splits and spec. */
export interface EncodedDataset {
  name: string;
  task: Task;
  /** Shape of one example, e.g. [4] for Iris or [28, 28, 1] for MNIST. */
  inputShape: number[];
  /** rows × product(inputShape), row-major. */
  x: Float32Array;
  /** Class index per row (classification) or target value per row. */
  y: Int32Array | Float32Array;
  /** Class names in index order (classification only; [] for regression). */
  labelNames: string[];
  splits: Splits;
  /** The transform that produced `x` and `y` from raw rows or images. */
  spec: PreprocessingSpec;
  /** Non-fatal problems found while loading. */
  warnings: DataIssue[];
}

export function numRows(ds: EncodedDataset): number {
  return ds.y.length;
}

export function exampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
