/**
 * A model loaded back into the worker (a bundle zip, or model.json and its
 * shards): checked against the loaded dataset, evaluated on its held-out
 * split, used for "Try it" predictions, and the starting point of a
 * fine-tuning run.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EncodedDataset, ImageDecoder } from '../data';
import { datasetForSpec, encodedFor, encodingDifferences } from '../data/encode/reencode';
import { MODEL_JSON, readBundle, readModelFiles, schemaOf, type ImportedModel, type ModelFiles, type SchemaTarget } from '../export';
import type { ModelSpec } from '../models';
import type { LoadedData } from './dataset-report';
import { buildEvaluation, encodeInput } from './evaluate';
import { heldOutSplit, outputUnits } from './export-session';
import { evaluateLayersModel, lossFor } from './model-eval';
import type { ImportReport, PredictInput, Prediction, UploadFile } from './protocol';

interface Imported {
  model: tf.LayersModel;
  meta: ImportedModel;
  source: string;
}

/** What a fine-tuning run starts from: the imported bundle's spec and weights, and the data encoded its way. */
export interface FineTuneSource {
  source: string;
  spec: ModelSpec;
  /** Copies of the imported model's weights in `model.getWeights()` order; the caller disposes them. */
  weights: tf.Tensor[];
  /** The dataset encoded with the bundle's preprocessing (same rows and splits). */
  data: LoadedData;
}

interface ImportSessionOptions {
  decodeImage?: ImageDecoder;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function inputShapeOf(model: tf.LayersModel, unknown: number): number[] {
  return model.inputs[0]!.shape.slice(1).map((d) => d ?? unknown);
}

/** The loaded dataset as the schema check reads it: a table's columns as read, with their inferred types. */
export function schemaTarget(data: LoadedData): SchemaTarget {
  const ds = data.dataset;
  if (ds.spec.kind !== 'table') return { dataset: ds };
  const types = new Map((data.report.table?.columns ?? []).map((c) => [c.name, c.type]));
  const names = data.raw ? data.raw.table.columns : ds.spec.columns;
  return {
    dataset: ds,
    columns: names.map((name) => {
      const type = types.get(name);
      return type ? { name, type } : { name };
    }),
  };
}

export class ImportSession {
  private imported: Imported | null = null;

  constructor(private readonly opts: ImportSessionOptions = {}) {}

  /** Loads a bundle zip or model files, checks them against `data`, and evaluates when they fit. */
  async import(files: readonly UploadFile[], data: LoadedData | null): Promise<ImportReport> {
    if (!Array.isArray(files) || files.length === 0) throw new Error('`files` must hold a bundle zip, or model.json and its weight shards; got none');
    const zipFile = files.find((f) => /\.zip$/i.test(f.path));
    let meta: ImportedModel;
    let source: string;
    if (zipFile) {
      meta = await readBundle(new Uint8Array(zipFile.bytes));
      source = baseName(zipFile.path);
    } else {
      const byName: ModelFiles = {};
      for (const f of files) byName[baseName(f.path)] = new Uint8Array(f.bytes);
      if (!byName[MODEL_JSON]) throw new Error(`\`files\` must include ${MODEL_JSON} (or a bundle .zip); got ${files.map((f) => JSON.stringify(baseName(f.path))).join(', ')}`);
      meta = await readModelFiles(byName);
      source = MODEL_JSON;
    }
    this.disposeImported();
    this.imported = { model: meta.model, meta, source };
    const model = meta.model;
    const inputShape = inputShapeOf(model, 0);
    const units = outputUnits(model);
    const report: ImportReport = {
      source,
      kind: meta.manifest ? 'bundle' : 'model',
      inputShape,
      outputUnits: units,
      trainedOn: meta.card?.dataset ?? null,
      learningRate: meta.spec?.recipe.optimizer.lr ?? null,
      cardMetrics: meta.card ? { ...meta.card.testMetrics } : null,
      schema: null,
      dataset: data?.dataset.name ?? null,
      evaluation: null,
    };
    if (!data) return report;
    const ds = data.dataset;
    report.schema = schemaOf(meta.preprocessing, schemaTarget(data), inputShape, units);
    const split = heldOutSplit(ds);
    if (!report.schema.ok || !split) return report;
    const rows = ds.splits[split];
    const view = encodedFor(meta.preprocessing, data, rows);
    const loss = lossFor(ds.task, units, meta.spec?.recipe.loss);
    const result = await evaluateLayersModel(model, view, Int32Array.from(rows.keys()), loss);
    report.evaluation = buildEvaluation(data, split, result.outputs, result.metrics);
    return report;
  }

  /** A "Try it" prediction with the imported model: encoded with its own preprocessing when it has one. */
  async predictImported(input: PredictInput, data: LoadedData | null): Promise<Prediction> {
    const imp = this.imported;
    if (!imp) throw new Error('`predict` with `model: "imported"` needs an imported model; import one first');
    const pre = imp.meta.preprocessing;
    const base = data?.dataset;
    if (!pre && !base) throw new Error('the imported model has no preprocessing.json; load a dataset to encode inputs with');
    const ds: EncodedDataset = pre ? datasetForSpec(pre, inputShapeOf(imp.model, 1), base) : base!;
    const x = await encodeInput(ds, input, this.opts.decodeImage);
    const { outputs } = await evaluateLayersModel(imp.model, { ...ds, x, y: ds.task === 'classification' ? new Int32Array(1) : new Float32Array(1) }, Int32Array.of(0), lossFor(ds.task, outputUnits(imp.model), imp.meta.spec?.recipe.loss));
    if (ds.task === 'regression') return { task: 'regression', labels: [], probabilities: [], predicted: -1, value: outputs.values[0]! };
    const probabilities = Array.from(outputs.values);
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    return { task: 'classification', labels: [...ds.labelNames], probabilities, predicted };
  }

  /**
   * Where continuing to train the imported model starts: its bundle's spec
   * (architecture and recipe) and weights, and the loaded dataset encoded with
   * the bundle's preprocessing (its scaling and category maps, not the
   * dataset's), so the weights see the inputs they were trained on.
   */
  fineTuneSource(data: LoadedData | null): FineTuneSource {
    const imp = this.imported;
    if (!imp) throw new Error('`initFrom: "imported"` needs an imported model; load a bundle in the Export step first');
    if (!imp.meta.spec) {
      throw new Error(`\`initFrom: "imported"\` needs a bundle .zip (it carries the architecture and recipe); ${imp.source} alone can be evaluated and predicted with, not trained further`);
    }
    if (!data) throw new Error('`initFrom: "imported"` needs a dataset to train on; load one first');
    const model = imp.model;
    const inputShape = inputShapeOf(model, 0);
    const schema = schemaOf(imp.meta.preprocessing, schemaTarget(data), inputShape, outputUnits(model));
    if (!schema.ok) {
      const issues = schema.issues.filter((i) => i.severity === 'error').map((i) => `${i.column ?? 'dataset'}: ${i.message}`);
      throw new Error(`the imported model ${imp.source} does not fit ${data.dataset.name}: ${issues.join('; ')}`);
    }
    const ds = data.dataset;
    const pre = imp.meta.preprocessing;
    let dataset: EncodedDataset;
    if (pre?.kind === 'table' && data.raw && data.rowMap) {
      // The rows as read, encoded again with the bundle's scaling, categories and target.
      const view = encodedFor(pre, data, Int32Array.from({ length: ds.y.length }, (_, i) => i));
      dataset = { ...view, inputShape, splits: ds.splits, spec: pre };
    } else {
      const differences = pre ? encodingDifferences(pre, ds.spec) : [];
      if (differences.length > 0) {
        throw new Error(
          `${imp.source} was trained on data encoded differently from ${ds.name} (${differences.join('; ')}); load the data from its files with the bundle's settings to continue training it`,
        );
      }
      // Encoded the same way: the dataset's own arrays serve as they are (no copy).
      dataset = { ...ds, inputShape, spec: pre ?? ds.spec };
    }
    // Copies: an import finishing while the run is being built disposes the imported model's tensors.
    return { source: imp.source, spec: structuredClone(imp.meta.spec), weights: model.getWeights().map((w) => w.clone()), data: { ...data, dataset } };
  }

  disposeImported(): void {
    this.imported?.model.dispose();
    this.imported = null;
  }

  dispose(): void {
    this.disposeImported();
  }
}
