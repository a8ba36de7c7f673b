/**
 * The deployable bundle: model files, preprocessing.json, model-card.md,
 * metrics.csv, bundle.json and a standalone index.html that predicts with a
 * local copy of the tfjs runtime; zipped with fflate. And the way back:
 * a bundle zip, or bare model files, into a model with its metadata.
 */
import type * as tf from '@tensorflow/tfjs';
import { unzipSync, zipSync } from 'fflate';
import { checkSpec, type PreprocessingSpec } from '../data';
import { parseModelSpec, shapeSize, type ModelSpec } from '../models';
import { metricsCsv, modelCard, type CardInfo, type HistoryRow } from './card';
import { MODEL_JSON, exportLayersModel, loadLayersModelFromFiles, readText, textFile, type ModelFiles } from './model-files';
import { TF_SETUP_JS, pageHtml } from './page/html';
import { PREDICT_JS } from './page/predict-js';
import { PREPROCESS_JS } from './page/preprocess-js';
import type { Quantization } from './quantize';
import { sanitizeFileName } from './text';

export const BUNDLE_JSON = 'bundle.json';
export const PREPROCESSING_JSON = 'preprocessing.json';
export const RUNTIME_FILE = 'tf.min.js';

export interface BundleInput {
  model: tf.LayersModel;
  spec: ModelSpec;
  preprocessing: PreprocessingSpec;
  /** Metric rows as logged (CSVLogger rows): step/epoch and values. */
  history: readonly HistoryRow[];
  card: CardInfo;
  /** The bytes of @tensorflow/tfjs's dist/tf.min.js (the page loads it locally; no CDN). */
  runtime: Uint8Array;
  quantize?: Quantization;
}

/** How the page turns outputs into a prediction. */
export type OutputKind = 'softmax' | 'sigmoid' | 'regression';

export interface BundleManifest {
  format: 'volt-bundle';
  version: 1;
  createdAt: string;
  files: string[];
  model: {
    inputShape: number[];
    task: CardInfo['task'];
    output: OutputKind;
    /** Class names in output order ([] for regression). */
    labels: string[];
    /** The target column (tables), for display. */
    target: string | null;
    quantization: Quantization | null;
  };
  spec: ModelSpec;
  card: CardInfo;
}

function labelsOf(pre: PreprocessingSpec): string[] {
  if (pre.kind === 'image') return pre.labelNames.slice();
  return pre.target?.task === 'classification' ? pre.target.classes.slice() : [];
}

function outputKind(card: CardInfo, spec: ModelSpec): OutputKind {
  if (card.task === 'regression') return 'regression';
  return spec.recipe.loss === 'binaryCrossEntropy' ? 'sigmoid' : 'softmax';
}

function checkInput(input: BundleInput): void {
  if (!(input.runtime instanceof Uint8Array) || input.runtime.byteLength === 0) {
    throw new Error('`runtime` must hold the bytes of tf.min.js (a non-empty Uint8Array), got ' + (input.runtime instanceof Uint8Array ? 'an empty array' : typeof input.runtime));
  }
  const pre = checkSpec(input.preprocessing);
  const modelShape = input.model.inputs[0]!.shape.slice(1);
  if (modelShape.join(',') !== input.card.inputShape.join(',')) {
    throw new Error(`\`card.inputShape\` must match the model's input [${modelShape.join(', ')}], got [${input.card.inputShape.join(', ')}]`);
  }
  const width = pre.kind === 'table' ? pre.featureNames.length : pre.width * pre.height * pre.channels;
  if (width !== shapeSize(input.card.inputShape)) {
    throw new Error(`\`preprocessing\` produces ${width} values per example but the model takes [${input.card.inputShape.join(', ')}]`);
  }
}

/** The bundle's files by name (what the zip holds). */
export async function bundleFiles(input: BundleInput): Promise<ModelFiles> {
  checkInput(input);
  const createdAt = input.card.createdAt ?? new Date().toISOString();
  const card: CardInfo = { ...input.card, createdAt };
  const files: ModelFiles = await exportLayersModel(input.model, input.quantize ? { quantize: input.quantize } : {});
  files[PREPROCESSING_JSON] = textFile(JSON.stringify(input.preprocessing, null, 2));
  files['model-card.md'] = textFile(modelCard(card, input.spec, input.preprocessing, input.quantize));
  files['metrics.csv'] = textFile(metricsCsv(input.history));
  files['index.html'] = textFile(pageHtml(`${card.dataset} · Volt Studio model`));
  files['tf-setup.js'] = textFile(TF_SETUP_JS);
  files['preprocess.js'] = textFile(PREPROCESS_JS);
  files['predict.js'] = textFile(PREDICT_JS);
  files[RUNTIME_FILE] = input.runtime;
  const pre = input.preprocessing;
  const manifest: BundleManifest = {
    format: 'volt-bundle',
    version: 1,
    createdAt,
    files: [...Object.keys(files), BUNDLE_JSON].sort(),
    model: {
      inputShape: card.inputShape.slice(),
      task: card.task,
      output: outputKind(card, input.spec),
      labels: labelsOf(pre),
      target: pre.kind === 'table' ? (pre.target?.column ?? null) : null,
      quantization: input.quantize ?? null,
    },
    spec: input.spec,
    card,
  };
  files[BUNDLE_JSON] = textFile(JSON.stringify(manifest, null, 2));
  return files;
}

/** A download name for the bundle, e.g. `iris-model.zip`. */
export function bundleFileName(dataset: string): string {
  return `${sanitizeFileName(dataset.replace(/\.[a-z0-9]{1,5}$/i, ''), 'volt')}-model.zip`;
}

export async function buildBundle(input: BundleInput): Promise<{ zip: Uint8Array; fileName: string; files: string[] }> {
  const files = await bundleFiles(input);
  const zip = zipSync(files, { level: 6 });
  return { zip, fileName: bundleFileName(input.card.dataset), files: Object.keys(files).sort() };
}

export interface ImportedModel {
  model: tf.LayersModel;
  /** null for bare model files (model.json + shards only). */
  preprocessing: PreprocessingSpec | null;
  card: CardInfo | null;
  spec: ModelSpec | null;
  manifest: BundleManifest | null;
}

function parseJsonFile(files: ModelFiles, name: string): unknown {
  try {
    return JSON.parse(readText(files[name]!));
  } catch (e) {
    throw new Error(`\`${name}\` is not valid JSON: ${(e as Error).message}`);
  }
}

/** Model files (and, when present, a bundle's metadata) into a model. */
export async function readModelFiles(files: ModelFiles): Promise<ImportedModel> {
  const preprocessing = files[PREPROCESSING_JSON] ? checkSpec(parseJsonFile(files, PREPROCESSING_JSON)) : null;
  let manifest: BundleManifest | null = null;
  if (files[BUNDLE_JSON]) {
    const value = parseJsonFile(files, BUNDLE_JSON) as Partial<BundleManifest> | null;
    if (!value || value.format !== 'volt-bundle') throw new Error(`\`${BUNDLE_JSON}\` must have format "volt-bundle", got ${JSON.stringify(value?.format)}`);
    if (value.version !== 1) throw new Error(`\`${BUNDLE_JSON}\` version must be 1, got ${JSON.stringify(value.version)}`);
    manifest = value as BundleManifest;
  }
  const spec = manifest ? parseModelSpec(manifest.spec) : null;
  const model = await loadLayersModelFromFiles(files);
  return { model, preprocessing, card: manifest?.card ?? null, spec, manifest };
}

/** Unzips a bundle (also one zipped again inside a single folder) and loads it. */
export async function readBundle(zipBytes: Uint8Array): Promise<ImportedModel> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zipBytes);
  } catch (e) {
    throw new Error(`the bundle is not a readable zip file: ${(e as Error).message}`);
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/') && !n.split('/').includes('..') && !n.startsWith('/'));
  const jsonPath = names.find((n) => n === MODEL_JSON) ?? names.filter((n) => n.endsWith(`/${MODEL_JSON}`)).sort((a, b) => a.length - b.length)[0];
  if (!jsonPath) throw new Error(`the bundle has no \`${MODEL_JSON}\`; it holds ${names.slice(0, 10).map((n) => JSON.stringify(n)).join(', ') || 'no files'}`);
  const prefix = jsonPath.slice(0, jsonPath.length - MODEL_JSON.length);
  const files: ModelFiles = {};
  for (const n of names) if (n.startsWith(prefix) && !n.slice(prefix.length).includes('/')) files[n.slice(prefix.length)] = entries[n]!;
  for (const required of [PREPROCESSING_JSON, BUNDLE_JSON]) {
    if (!files[required]) throw new Error(`the bundle has no \`${required}\`; export the bundle again from the studio, or load model.json and its shards alone`);
  }
  return readModelFiles(files);
}
