/**
 * The plain-data payloads of the dataset, evaluation and prediction messages
 * (protocol version 2). Types only; re-exported by protocol.ts.
 */
import type { DataIssue } from '../data/errors';
import type { ColumnInfo, CategoryCount, ColumnType } from '../data/csv/infer';
import type { Task } from '../data/types';

// ----- datasets -----------------------------------------------------------------

/** Options of a built-in: noise and size for the generated sets. */
export interface BuiltinRequest {
  name: string;
  noise?: number;
  n?: number;
  seed?: number;
}

/** One uploaded file: its path (folder names give image labels) and bytes (transferred). */
export interface UploadFile {
  path: string;
  bytes: ArrayBuffer;
}

export interface UploadOptions {
  /** Image side in pixels (28, 32, 64, 96, 128); default 28. */
  imageSize?: number;
  /** 1 (grayscale) or 3 (RGB); default 1. */
  channels?: 1 | 3;
}

/** A table's target, task and split sizes (re-encodes the loaded table). */
export interface DataChoices {
  target?: string;
  task?: Task;
  /** Fractions of the rows for validation and test. */
  validation?: number;
  test?: number;
  /** Per column, merged into the earlier choices; `{}` puts a column back to its defaults. */
  columns?: Record<string, ColumnChoice>;
}

/** What the user chose for one column of a table. */
export interface ColumnChoice {
  /** 'feature' uses a column left out by default (an id, free text); 'ignore' leaves it out. */
  use?: 'feature' | 'ignore';
  /** A type instead of the inferred one. */
  type?: ColumnType;
  /** Missing-value words (None, NA, null, ...) mean missing here, not a category (categorical columns). */
  markersMissing?: boolean;
}

export interface ThumbnailData {
  label: string;
  path: string;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** What the Data step shows about the loaded dataset: plain data, every name is text. */
export interface DatasetReport {
  name: string;
  /** 'builtin' for a built-in, otherwise the upload's first file name. */
  source: 'builtin' | 'upload';
  kind: 'table' | 'image';
  task: Task;
  inputShape: number[];
  rows: number;
  labelNames: string[];
  splits: { train: number; validation: number; test: number };
  /** Rows per class (classification), most frequent first. */
  classBalance: CategoryCount[];
  /** Built-in options it was loaded with (noise of a toy set). */
  builtin?: BuiltinRequest;
  table?: {
    columns: ColumnInfo[];
    /** First rows as text. */
    preview: string[][];
    target: string;
    /** Encoded feature names, and the raw columns a person types in for "Try it". */
    featureNames: string[];
    inputs: Array<{ column: string; kind: 'numeric' | 'categorical'; categories?: string[]; read?: 'number' | 'date' | 'boolean' }>;
    dropped: Array<{ column: string; reason: string }>;
    notes: string[];
    /** The column choices in effect (only the columns the user changed). */
    choices: Record<string, ColumnChoice>;
  };
  image?: {
    classes: Array<{ name: string; count: number }>;
    thumbnails: ThumbnailData[];
    ignored: Array<{ path: string; reason: string }>;
    skipped: Array<{ path: string; reason: string }>;
    size: number;
    channels: number;
  };
  validationFraction: number;
  testFraction: number;
  warnings: string[];
}

export interface DataProgress {
  phase: 'reading' | 'parsing' | 'decoding' | 'encoding';
  done: number;
  total: number;
  file: string;
}

/** A failed load: the DataError's plain form, or just a message for other errors. */
export interface DataFailure {
  name: string;
  message: string;
  issue?: DataIssue;
}

// ----- evaluation and prediction ----------------------------------------------------

export interface PredictionSample {
  /** Row index in the dataset. */
  index: number;
  /** Class index (classification) or the true value (regression). */
  actual: number;
  predicted: number;
  /** Probability of the predicted class (classification). */
  confidence: number;
  thumbnail?: ThumbnailData;
  /** The table row as read (text). */
  row?: string[];
}

export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  task: Task;
  /** Which split was evaluated and how many rows it had. */
  split: 'test' | 'validation';
  count: number;
  /** Test metrics from `trainer.test`. */
  metrics: Record<string, number>;
  labels: string[];
  /** confusion[true][predicted] counts (classification). */
  confusion?: number[][];
  perClass?: ClassScores[];
  /** Up to a few samples per confusion cell (classification) or a spread (regression). */
  samples: PredictionSample[];
  /** Header of `samples[i].row` for tables. */
  columns?: string[];
  /** Regression: every evaluated pair (up to a cap), in target units. */
  actual?: Float32Array;
  predicted?: Float32Array;
}

export type PredictInput =
  | { kind: 'features'; values: Record<string, string> }
  /** An RGBA drawing or picture of any size; resized and converted like the dataset's images. */
  | { kind: 'pixels'; width: number; height: number; rgba: Uint8ClampedArray }
  /** An image file's bytes, decoded in the worker. */
  | { kind: 'image'; name: string; bytes: ArrayBuffer };

export interface Prediction {
  task: Task;
  labels: string[];
  /** Class probabilities (classification). */
  probabilities: number[];
  /** Index of the predicted class, or -1 for regression. */
  predicted: number;
  /** The predicted value (regression). */
  value?: number;
}
