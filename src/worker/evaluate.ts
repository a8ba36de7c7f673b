/**
 * After a run: predictions on the held-out split, turned into what the
 * Evaluate step shows (confusion matrix, per-class scores, samples with
 * thumbnails or rows, regression pairs); and single predictions for "Try it".
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DataError,
  applyPreprocessing,
  decodeRegression,
  encodeImage,
  resizeImage,
  quoteValue,
  toRgbaBytes,
  unreadableCell,
  type EncodedDataset,
  type ImageDecoder,
} from '../data';
import type { LightningModule } from '../lightning';
import type { LoadedData } from './dataset-report';
import type { ClassScores, Evaluation, PredictInput, Prediction, PredictionSample, ThumbnailData } from './protocol';

/** Samples kept per confusion-matrix cell (the ones shown when it is clicked). */
const SAMPLES_PER_CELL = 8;
/** Regression pairs kept for the scatter plot. */
const MAX_PAIRS = 5000;
const BATCH = 256;
const THUMB_MAX = 32;

export interface ModelOutputs {
  /** Classification: probabilities, count × classes. Regression: predictions in target units. */
  values: Float32Array;
  width: number;
}

/** Runs the model over the given rows in batches (in eval mode), reading each batch back once. */
export async function predictRows(module: LightningModule, ds: EncodedDataset, rows: Int32Array): Promise<ModelOutputs> {
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  const wasTraining = module.training;
  module.train(false);
  const chunks: Float32Array[] = [];
  let width = 0;
  try {
    for (let start = 0; start < rows.length; start += BATCH) {
      const idx = rows.subarray(start, Math.min(rows.length, start + BATCH));
      const x = new Float32Array(idx.length * per);
      idx.forEach((r, i) => x.set(ds.x.subarray(r * per, (r + 1) * per), i * per));
      const out = tf.tidy(() => toOutputs(module.forward(tf.tensor(x, [idx.length, ...ds.inputShape])), ds.task));
      width = out.shape[1] ?? 1;
      chunks.push((await out.data()) as Float32Array);
      out.dispose();
    }
  } finally {
    module.train(wasTraining);
  }
  const values = new Float32Array(rows.length * Math.max(width, 1));
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  if (ds.task === 'regression' && ds.spec.kind === 'table' && ds.spec.target) {
    for (let i = 0; i < values.length; i++) values[i] = decodeRegression(ds.spec.target, values[i]!);
  }
  return { values, width: Math.max(width, 1) };
}

/** Logits → probabilities (softmax, or sigmoid for one unit); regression outputs as they are. */
function toOutputs(out: tf.Tensor, task: EncodedDataset['task']): tf.Tensor2D {
  const flat = out.reshape([out.shape[0]!, -1]) as tf.Tensor2D;
  if (task === 'regression') return flat;
  if (flat.shape[1] === 1) {
    const p = tf.sigmoid(flat);
    return tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D;
  }
  return tf.softmax(flat) as tf.Tensor2D;
}

function thumbnailOf(ds: EncodedDataset, row: number): ThumbnailData | undefined {
  if (ds.inputShape.length !== 3) return undefined;
  const [h, w, c] = ds.inputShape as [number, number, number];
  const per = h * w * c;
  const pixels = ds.x.subarray(row * per, (row + 1) * per);
  const side = Math.min(THUMB_MAX, w);
  const small = side === w ? Float32Array.from(pixels) : resizeImage(pixels, w, h, c, side, Math.round((side * h) / w), 'area');
  const height = side === w ? h : Math.round((side * h) / w);
  return { label: ds.labelNames[ds.y[row] as number] ?? '', path: `#${row}`, width: side, height, rgba: toRgbaBytes(small, side, height, c) };
}

function rowOf(data: LoadedData, row: number): string[] | undefined {
  const raw = data.raw?.table;
  if (raw && data.rowMap) return [...(raw.rows[data.rowMap[row]!] ?? [])];
  const ds = data.dataset;
  if (ds.inputShape.length !== 1) return undefined;
  const w = ds.inputShape[0]!;
  return Array.from(ds.x.subarray(row * w, (row + 1) * w), (v) => String(Number(v.toPrecision(4))));
}

function columnsOf(data: LoadedData): string[] | undefined {
  if (data.raw && data.rowMap) return [...data.raw.table.columns];
  const spec = data.dataset.spec;
  return spec.kind === 'table' ? [...spec.featureNames] : undefined;
}

function classScores(confusion: number[][], labels: string[]): ClassScores[] {
  return labels.map((label, k) => {
    const tp = confusion[k]![k]!;
    const support = confusion[k]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[k]!, 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
}

function sample(data: LoadedData, row: number, actual: number, predicted: number, confidence: number): PredictionSample {
  const s: PredictionSample = { index: row, actual, predicted, confidence };
  const thumb = thumbnailOf(data.dataset, row);
  if (thumb) s.thumbnail = thumb;
  else {
    const r = rowOf(data, row);
    if (r) s.row = r;
  }
  return s;
}

/** The Evaluate step's data for one split, from the model's outputs on it. */
export function buildEvaluation(data: LoadedData, split: 'test' | 'validation', outputs: ModelOutputs, metrics: Record<string, number>): Evaluation {
  const ds = data.dataset;
  const rows = ds.splits[split];
  const columns = columnsOf(data);
  const base = { task: ds.task, split, count: rows.length, metrics, labels: [...ds.labelNames], ...(columns ? { columns } : {}) };
  if (ds.task === 'classification') {
    const k = ds.labelNames.length;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const samples: PredictionSample[] = [];
    const perCell = new Map<number, number>();
    for (let i = 0; i < rows.length; i++) {
      const probs = outputs.values.subarray(i * outputs.width, (i + 1) * outputs.width);
      let best = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
      const actual = ds.y[rows[i]!] as number;
      confusion[actual]![best]! += 1;
      const cell = actual * k + best;
      const n = perCell.get(cell) ?? 0;
      if (n < SAMPLES_PER_CELL) {
        perCell.set(cell, n + 1);
        samples.push(sample(data, rows[i]!, actual, best, probs[best]!));
      }
    }
    return { ...base, confusion, perClass: classScores(confusion, ds.labelNames), samples };
  }
  const n = Math.min(rows.length, MAX_PAIRS);
  const actual = new Float32Array(n);
  const predicted = new Float32Array(n);
  const target = ds.spec.kind === 'table' ? ds.spec.target : null;
  const samples: PredictionSample[] = [];
  for (let i = 0; i < n; i++) {
    const y = ds.y[rows[i]!] as number;
    actual[i] = target ? decodeRegression(target, y) : y;
    predicted[i] = outputs.values[i]!;
    if (i < 48) samples.push(sample(data, rows[i]!, actual[i]!, predicted[i]!, 1));
  }
  return { ...base, samples, actual, predicted };
}

/** One input from "Try it" → the encoded example, as the dataset's spec says. */
export async function encodeInput(ds: EncodedDataset, input: PredictInput, decode?: ImageDecoder): Promise<Float32Array> {
  const spec = ds.spec;
  if (input.kind === 'features') {
    if (spec.kind !== 'table') throw new Error(`\`input.kind\` must be "pixels" or "image" for the image dataset ${ds.name}, got "features"`);
    const bad = unreadableCell(spec, input.values);
    if (bad) throw new DataError({ file: 'Try it', column: bad.column, problem: `"${bad.column}" cannot be read`, found: quoteValue(bad.found), expected: `${bad.expected}, or empty for a missing value` });
    return applyPreprocessing(spec, [input.values]).x;
  }
  if (spec.kind !== 'image') throw new Error(`\`input.kind\` must be "features" for the table ${ds.name}, got ${JSON.stringify(input.kind)}`);
  if (input.kind === 'pixels') {
    if (input.rgba.length !== input.width * input.height * 4) throw new Error(`\`input.rgba\` must hold width × height × 4 bytes (${input.width * input.height * 4}), got ${input.rgba.length}`);
    return encodeImage(spec, { width: input.width, height: input.height, data: input.rgba });
  }
  if (!decode) throw new Error('images cannot be decoded here (no decoder was given)');
  return encodeImage(spec, await decode(new Uint8Array(input.bytes), input.name));
}

export async function predictOne(module: LightningModule, ds: EncodedDataset, x: Float32Array): Promise<Prediction> {
  const one: EncodedDataset = { ...ds, x, y: ds.task === 'classification' ? new Int32Array(1) : new Float32Array(1) };
  const out = await predictRows(module, one, Int32Array.of(0));
  if (ds.task === 'regression') return { task: 'regression', labels: [], probabilities: [], predicted: -1, value: out.values[0]! };
  const probabilities = Array.from(out.values);
  let best = 0;
  probabilities.forEach((p, c) => {
    if (p > probabilities[best]!) best = c;
  });
  return { task: 'classification', labels: [...ds.labelNames], probabilities, predicted: best };
}
