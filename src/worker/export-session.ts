/**
 * The worker's export side: the trained model as tfjs Layers files, the
 * deployable bundle, the PyTorch Lightning project and the quantised
 * variants (each zipped, ready to download); and a model loaded back in
 * (bundle zip, or model.json + shards), checked against the loaded dataset,
 * evaluated on its held-out split, and used for predictions.
 */
import type * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { applyPreprocessing, type AugmentationSpec, type EncodedDataset, type ImageDecoder, type PreprocessingSpec } from '../data';
import {
  MODEL_JSON,
  checkSchema,
  compareQuantization,
  buildBundle,
  exportLayersModel,
  exportPyTorchProject,
  namedWeights,
  readBundle,
  readModelFiles,
  sanitizeFileName,
  type CardInfo,
  type ImportedModel,
  type ModelFiles,
  type SchemaIssue,
  type SchemaReport,
  type VariantReport,
} from '../export';
import type { ModelSpec, SpecModule } from '../models';
import type { LoadedData } from './dataset-report';
import { buildEvaluation, encodeInput } from './evaluate';
import { evaluateLayersModel, lossFor } from './model-eval';
import type { ExportRequest, ExportVariant, ExportedFile, ImportReport, PredictInput, Prediction, UploadFile, VariantsReport } from './protocol';
import type { BuiltRun } from './run';

/** What the session knows about the run being exported, besides its module and data. */
export interface RunOutcome {
  backend: string;
  durationMs: number;
  testMetrics: Record<string, number>;
  epochs: number;
  /** What the training batches got, for the model card. */
  augmentation?: AugmentationSpec | null;
  /** The imported model a fine-tuning run started from. */
  startedFrom?: string;
}

export interface ExportSessionOptions {
  /** The bytes of @tensorflow/tfjs's dist/tf.min.js (fetched once, for bundles). */
  loadRuntime?: () => Promise<Uint8Array>;
  decodeImage?: ImageDecoder;
}

const ZIP = 'application/zip';

/** `iris.csv` → `iris`; then safe for a file name. */
export function datasetStem(name: string): string {
  return sanitizeFileName(name.replace(/\.[a-z0-9]{1,5}$/i, ''), 'dataset');
}

function zip(files: ModelFiles): Uint8Array {
  return zipSync(files, { level: 6 });
}

function asBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** The held-out split a run evaluates on: test, or validation when there is no separate test split. */
export function heldOutSplit(ds: EncodedDataset): 'test' | 'validation' | null {
  const { test, validation } = ds.splits;
  const same = test.length === validation.length && test.every((v, i) => v === validation[i]);
  if (test.length > 0 && !same) return 'test';
  return validation.length > 0 ? 'validation' : null;
}

function specModel(run: BuiltRun): tf.LayersModel {
  const model = (run.module as Partial<SpecModule>).model;
  if (!model) throw new Error('the last run has no tfjs model to export');
  return model;
}

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

export class ExportSession {
  private runtime: Promise<Uint8Array> | null = null;
  /** The variants measured for the current run's module (downloads reuse their files). */
  private variantCache: { module: object; reports: VariantReport[] } | null = null;
  private imported: Imported | null = null;

  constructor(private readonly opts: ExportSessionOptions = {}) {}

  private loadRuntime(): Promise<Uint8Array> {
    if (!this.opts.loadRuntime) return Promise.reject(new Error('the tfjs runtime for bundles cannot be read here (no `loadRuntime` was given)'));
    // A failed fetch is retried on the next export instead of being cached.
    this.runtime ??= this.opts.loadRuntime().catch((e: unknown) => {
      this.runtime = null;
      throw e;
    });
    return this.runtime;
  }

  /** Card facts the worker has: the dataset and its split, the run's backend, time and test metrics. */
  cardInfo(run: BuiltRun, outcome: RunOutcome): CardInfo {
    const data = requireData(run);
    const ds = data.dataset;
    const split = heldOutSplit(ds) === 'test' ? ds.splits.test.length : 0;
    const card: CardInfo = {
      dataset: ds.name,
      task: ds.task,
      inputShape: [...ds.inputShape],
      split: { train: ds.splits.train.length, validation: ds.splits.validation.length, test: split },
      testMetrics: { ...outcome.testMetrics },
      backend: outcome.backend,
      trainingTimeMs: outcome.durationMs,
      epochs: outcome.epochs,
      augmentation: outcome.augmentation ?? null,
      ...(outcome.startedFrom ? { startedFrom: outcome.startedFrom } : {}),
    };
    if (ds.task === 'classification') card.numClasses = ds.labelNames.length;
    return card;
  }

  async export(run: BuiltRun, outcome: RunOutcome, req: ExportRequest): Promise<ExportedFile> {
    const data = requireData(run);
    const spec = run.spec;
    if (!spec) throw new Error('the last run has no model spec to export');
    const model = specModel(run);
    const variant: ExportVariant = req.variant ?? 'float32';
    if (!['float32', 'float16', 'uint8'].includes(variant)) throw new Error(`\`variant\` must be float32, float16 or uint8, got ${JSON.stringify(variant)}`);
    const stem = `${datasetStem(data.dataset.name)}-${sanitizeFileName(req.modelName ?? 'model', 'model')}`;
    const quantize = variant === 'float32' ? {} : { quantize: variant };
    let files: ModelFiles;
    let fileName: string;
    switch (req.kind) {
      case 'tfjs': {
        files = this.cachedVariant(run, variant) ?? (await exportLayersModel(model, quantize));
        fileName = `${stem}-tfjs${variant === 'float32' ? '' : `-${variant}`}.zip`;
        break;
      }
      case 'bundle': {
        const built = await buildBundle({
          model,
          spec,
          preprocessing: data.dataset.spec,
          history: req.history ?? [],
          card: this.cardInfo(run, outcome),
          runtime: await this.loadRuntime(),
          ...quantize,
        });
        const out: ExportedFile = { kind: 'bundle', variant, fileName: `${stem}-bundle${variant === 'float32' ? '' : `-${variant}`}.zip`, mime: ZIP, bytes: asBuffer(built.zip), files: built.files };
        return out;
      }
      case 'pytorch': {
        const ds = data.dataset;
        files = exportPyTorchProject({
          spec,
          inputShape: [...ds.inputShape],
          task: ds.task,
          ...(ds.task === 'classification' ? { numClasses: ds.labelNames.length } : {}),
          preprocessing: ds.spec,
          weights: await namedWeights(model),
          dataset: ds.name,
          split: { validation: data.report.validationFraction, test: data.report.testFraction, seed: 42 },
          splits: ds.splits,
        });
        fileName = `${stem}-pytorch.zip`;
        break;
      }
      default:
        throw new Error(`\`kind\` must be tfjs, bundle or pytorch, got ${JSON.stringify((req as { kind: unknown }).kind)}`);
    }
    return { kind: req.kind, variant, fileName, mime: ZIP, bytes: asBuffer(zip(files)), files: Object.keys(files).sort() };
  }

  private cachedVariant(run: BuiltRun, variant: ExportVariant): ModelFiles | null {
    if (this.variantCache?.module !== run.module) return null;
    return this.variantCache.reports.find((r) => r.variant === variant)?.files ?? null;
  }

  /** Size and held-out metrics of float32, float16 and uint8, each read back from its own files. */
  async variants(run: BuiltRun): Promise<VariantsReport> {
    const data = requireData(run);
    const ds = data.dataset;
    const split = heldOutSplit(ds);
    if (!split) throw new Error('the dataset has no validation or test rows to measure the variants on');
    const model = specModel(run);
    const units = outputUnits(model);
    const loss = lossFor(ds.task, units, run.spec?.recipe.loss);
    const rows = ds.splits[split];
    const reports = await compareQuantization(model, async (m) => (await evaluateLayersModel(m, ds, rows, loss)).metrics);
    this.variantCache = { module: run.module, reports };
    return {
      split,
      count: rows.length,
      variants: reports.map((r) => ({ variant: r.variant, bytes: r.bytes, weightBytes: r.weightBytes, metrics: r.metrics })),
    };
  }

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
    const inputShape = model.inputs[0]!.shape.slice(1).map((d) => d ?? 0);
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
    report.schema = schemaOf(meta.preprocessing, data, inputShape, units);
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
    const ds: EncodedDataset = pre ? datasetForSpec(pre, imp.model, base) : base!;
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
    const inputShape = model.inputs[0]!.shape.slice(1).map((d) => d ?? 0);
    const schema = schemaOf(imp.meta.preprocessing, data, inputShape, outputUnits(model));
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
    this.variantCache = null;
  }
}

function requireData(run: BuiltRun): LoadedData {
  if (!run.data) throw new Error('the last run has no dataset to export with');
  return run.data;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  return (shape[shape.length - 1] as number | null) ?? 1;
}

/** The model's preprocessing against the dataset; bare model files are checked by shape and output width. */
export function schemaOf(pre: PreprocessingSpec | null, data: LoadedData, inputShape: number[], units: number): SchemaReport {
  const ds = data.dataset;
  let report: SchemaReport;
  if (pre) {
    if (ds.spec.kind === 'image') {
      report = checkSchema(pre, { kind: 'image', inputShape: [...ds.inputShape], labelNames: [...ds.labelNames] });
    } else {
      const types = new Map((data.report.table?.columns ?? []).map((c) => [c.name, c.type]));
      const names = data.raw ? data.raw.table.columns : ds.spec.columns;
      report = checkSchema(pre, names.map((name) => { const type = types.get(name); return type ? { name, type } : { name }; }));
      const target = pre.kind === 'table' ? pre.target : null;
      const classes = target?.task === 'classification' ? target.classes : null;
      if (target && report.ok && ds.task === 'classification' && classes && classes.join('\u0000') !== ds.labelNames.join('\u0000')) {
        report = { ok: false, issues: [...report.issues, { column: target.column, kind: 'classes', severity: 'error', message: `the model's classes (${classes.join(', ')}) differ from the dataset's (${ds.labelNames.join(', ')})` }] };
      }
    }
    if (pre.kind === 'table' && pre.target && pre.target.task !== ds.task && report.ok) {
      report = { ok: false, issues: [...report.issues, { column: pre.target.column, kind: 'target', severity: 'error', message: `the model does ${pre.target.task} but the dataset's task is ${ds.task}` }] };
    }
    return report;
  }
  const issues: SchemaIssue[] = [];
  if (inputShape.join(',') !== ds.inputShape.join(',')) {
    issues.push({ column: null, kind: 'shape', severity: 'error', message: `the model takes [${inputShape.join(', ')}] per example but the dataset gives [${ds.inputShape.join(', ')}]` });
  }
  const want = ds.task === 'regression' ? [1] : [ds.labelNames.length, ...(ds.labelNames.length === 2 ? [1] : [])];
  if (!want.includes(units)) issues.push({ column: null, kind: 'classes', severity: 'error', message: `the model has ${units} outputs but the dataset needs ${want.join(' or ')}` });
  return { ok: issues.length === 0, issues };
}

/**
 * The evaluated rows as the imported model expects them: a table with raw
 * rows is encoded again with the model's own preprocessing (its scaling and
 * category maps, not the dataset's); otherwise the dataset's encoding is used.
 * Row i of the result is `rows[i]`.
 */
function encodedFor(pre: PreprocessingSpec | null, data: LoadedData, rows: Int32Array): EncodedDataset {
  const ds = data.dataset;
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  const y = ds.task === 'classification' ? new Int32Array(rows.length) : new Float32Array(rows.length);
  rows.forEach((r, i) => (y[i] = ds.y[r] as number));
  let x: Float32Array;
  if (pre?.kind === 'table' && data.raw && data.rowMap) {
    const columns = data.raw.table.columns;
    const records = Array.from(rows, (r) => Object.fromEntries(columns.map((c, j) => [c, data.raw!.table.rows[data.rowMap![r]!]?.[j] ?? ''])));
    const enc = applyPreprocessing(pre, records);
    x = enc.x;
    // Targets the model's way too: a regression target is standardised with the bundle's statistics.
    if (enc.y && enc.y.length === rows.length && enc.y.constructor === y.constructor) y.set(enc.y as Int32Array & Float32Array);
  } else {
    x = new Float32Array(rows.length * per);
    rows.forEach((r, i) => x.set(ds.x.subarray(r * per, (r + 1) * per), i * per));
  }
  const all = Int32Array.from(rows.keys());
  return { ...ds, x, y, splits: { train: new Int32Array(0), validation: all, test: all } };
}

/**
 * Where a bundle's encoding differs from a dataset's whose rows cannot be
 * encoded again (images, built-in tables): each difference as "field: bundle
 * vs dataset". Empty when the dataset's arrays are what the model expects.
 */
export function encodingDifferences(pre: PreprocessingSpec, mine: PreprocessingSpec): string[] {
  if (pre.kind !== mine.kind) return [`kind: ${pre.kind} vs ${mine.kind}`];
  if (pre.kind === 'image' && mine.kind === 'image') {
    const keys = ['width', 'height', 'channels', 'resize', 'background', 'scale'] as const;
    return keys.filter((k) => pre[k] !== mine[k]).map((k) => `${k}: ${JSON.stringify(pre[k])} vs ${JSON.stringify(mine[k])}`);
  }
  return JSON.stringify(pre) === JSON.stringify(mine) ? [] : ['the scaling and category statistics differ'];
}

/** A stand-in dataset carrying the model's own preprocessing, for encoding "Try it" inputs. */
function datasetForSpec(pre: PreprocessingSpec, model: tf.LayersModel, base: EncodedDataset | undefined): EncodedDataset {
  const inputShape = model.inputs[0]!.shape.slice(1).map((d) => d ?? 1);
  const labelNames = pre.kind === 'image' ? [...pre.labelNames] : pre.target?.task === 'classification' ? [...pre.target.classes] : [];
  const task = pre.kind === 'table' ? (pre.target?.task ?? base?.task ?? 'regression') : 'classification';
  const empty = new Int32Array(0);
  return { name: 'imported', task, inputShape, x: new Float32Array(0), y: new Int32Array(0), labelNames, splits: { train: empty, validation: empty, test: empty }, spec: pre, warnings: [] };
}
