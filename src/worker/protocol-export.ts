/**
 * The plain-data payloads of the export and re-import messages (added to
 * protocol version 2 as new message types; older ones are unchanged). Types
 * only; re-exported by protocol.ts.
 */
import type { SchemaReport } from '../export/schema';
import type { Evaluation } from './protocol-data';

/** tfjs Layers files (zipped), the deployable bundle, or the PyTorch Lightning project. */
export type ExportKind = 'tfjs' | 'bundle' | 'pytorch';
export type ExportVariant = 'float32' | 'float16' | 'uint8';

/** What only the page knows about a run: its logged history (for metrics.csv). */
export interface ExportRequest {
  kind: ExportKind;
  /** Weights of the tfjs files or the bundle (default float32). */
  variant?: ExportVariant;
  /** The model's name in file names (the page's preset, or `custom`). */
  modelName?: string;
  /** Metric rows for metrics.csv: `step` and the values logged at it. */
  history?: Array<Record<string, number>>;
}

/** A finished export: one file to download (bytes transferred). */
export interface ExportedFile {
  kind: ExportKind;
  variant: ExportVariant;
  fileName: string;
  mime: string;
  bytes: ArrayBuffer;
  /** The names inside the zip. */
  files: string[];
}

/** One row of the compression table: size and the test metrics with the dequantised weights. */
export interface VariantSummary {
  variant: ExportVariant;
  bytes: number;
  weightBytes: number;
  metrics: Record<string, number>;
}

export interface VariantsReport {
  /** The split the metrics were measured on, and its size. */
  split: 'test' | 'validation';
  count: number;
  variants: VariantSummary[];
}

/** A model loaded back into the studio: where from, whether it fits the dataset, and how it does on it. */
export interface ImportReport {
  source: string;
  /** 'bundle' (with preprocessing and card) or 'model' (model.json + shards alone). */
  kind: 'bundle' | 'model';
  inputShape: number[];
  outputUnits: number;
  /** The card's dataset and test metrics when the bundle has them. */
  trainedOn: string | null;
  /** The bundle recipe's learning rate (null for model files alone, which cannot be trained further). */
  learningRate: number | null;
  cardMetrics: Record<string, number> | null;
  /** Against the loaded dataset (null when no dataset is loaded). */
  schema: SchemaReport | null;
  dataset: string | null;
  /** The evaluation on the dataset's held-out split (null when the schema does not fit). */
  evaluation: Evaluation | null;
}

