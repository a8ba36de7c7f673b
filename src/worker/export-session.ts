/**
 * The worker's export side: the trained model as tfjs Layers files, the
 * deployable bundle, the PyTorch Lightning project and the quantised
 * variants (each zipped, ready to download). A model loaded back in is
 * import-session.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import type { AugmentationSpec, EncodedDataset } from '../data';
import {
  compareQuantization,
  buildBundle,
  exportLayersModel,
  exportPyTorchProject,
  namedWeights,
  sanitizeFileName,
  type CardInfo,
  type ModelFiles,
  type VariantReport,
} from '../export';
import type { SpecModule } from '../models';
import type { LoadedData } from './dataset-report';
import { evaluateLayersModel, lossFor } from './model-eval';
import type { ExportRequest, ExportVariant, ExportedFile, VariantsReport } from './protocol';
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

interface ExportSessionOptions {
  /** The bytes of @tensorflow/tfjs's dist/tf.min.js (fetched once, for bundles). */
  loadRuntime?: () => Promise<Uint8Array>;
}

const ZIP = 'application/zip';

/** `iris.csv` → `iris`; then safe for a file name. */
function datasetStem(name: string): string {
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

/** The trained tf.LayersModel inside a spec-built run. */
export function specModel(run: BuiltRun): tf.LayersModel {
  const model = (run.module as Partial<SpecModule>).model;
  if (!model) throw new Error('the last run has no tfjs model to export');
  return model;
}

export class ExportSession {
  private runtime: Promise<Uint8Array> | null = null;
  /** The variants measured for the current run's module (downloads reuse their files). */
  private variantCache: { module: object; reports: VariantReport[] } | null = null;

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
      ...(run.tuned ? { tuned: run.tuned } : {}),
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

  dispose(): void {
    this.variantCache = null;
  }
}

function requireData(run: BuiltRun): LoadedData {
  if (!run.data) throw new Error('the last run has no dataset to export with');
  return run.data;
}

/** The width of a model's last output axis. */
export function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  return (shape[shape.length - 1] as number | null) ?? 1;
}
