/**
 * The cost of each quantised variant: its size and the metrics measured
 * with its dequantised weights (the model read back from the variant's own
 * files, as a user would load it), next to the float32 model's.
 */
import type * as tf from '@tensorflow/tfjs';
import { exportLayersModel, filesBytes, loadLayersModelFromFiles, type ModelFiles } from './model-files';
import { QUANTIZATIONS, type Quantization } from './quantize';

export type Variant = 'float32' | Quantization;

export interface VariantReport {
  variant: Variant;
  /** Size of model.json and its shards together. */
  bytes: number;
  /** Weight shards alone (what quantisation shrinks). */
  weightBytes: number;
  metrics: Record<string, number>;
  /** The files, ready to download or bundle. */
  files: ModelFiles;
}

/** Evaluates a model (e.g. loss and accuracy on the test split); must not dispose it. */
export type EvaluateFn = (model: tf.LayersModel) => Promise<Record<string, number>> | Record<string, number>;

export interface CompareOptions {
  /** Variants besides float32 (default float16 and uint8). */
  variants?: readonly Quantization[];
}

/** float32 first, then each quantised variant, each measured on the model loaded from its files. */
export async function compareQuantization(model: tf.LayersModel, evaluate: EvaluateFn, options: CompareOptions = {}): Promise<VariantReport[]> {
  const variants: Variant[] = ['float32', ...(options.variants ?? QUANTIZATIONS)];
  const reports: VariantReport[] = [];
  for (const variant of variants) {
    const files = await exportLayersModel(model, variant === 'float32' ? {} : { quantize: variant });
    const loaded = await loadLayersModelFromFiles(files);
    try {
      const metrics = await evaluate(loaded);
      const weightBytes = Object.entries(files)
        .filter(([name]) => name.endsWith('.bin'))
        .reduce((n, [, f]) => n + f.byteLength, 0);
      reports.push({ variant, bytes: filesBytes(files), weightBytes, metrics: { ...metrics }, files });
    } finally {
      loaded.dispose();
    }
  }
  return reports;
}
