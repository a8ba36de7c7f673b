/**
 * A dataset seen through another model's preprocessing: a table whose rows
 * as read are kept is encoded again with the model's own scaling, category
 * maps and target; otherwise the dataset's arrays serve when (and only when)
 * they were encoded the same way. Used when a model trained elsewhere is
 * evaluated, predicted with or trained further on the loaded data.
 */
import type { EncodedDataset, RawTable } from '../types';
import { applyPreprocessing } from './apply';
import type { PreprocessingSpec } from './spec';

/** A loaded dataset with, for tables, the rows as read. */
interface ReencodableData {
  dataset: EncodedDataset;
  raw?: { table: RawTable };
  /** Dataset row → row of `raw.table`. */
  rowMap?: Int32Array;
}

/**
 * The rows `rows` as a model with preprocessing `pre` expects them (the
 * dataset's encoding when `pre` is null or the rows cannot be encoded
 * again). Row i of the result is `rows[i]`; its validation and test splits
 * are all of them.
 */
export function encodedFor(pre: PreprocessingSpec | null, data: ReencodableData, rows: Int32Array): EncodedDataset {
  const ds = data.dataset;
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  const y = ds.task === 'classification' ? new Int32Array(rows.length) : new Float32Array(rows.length);
  rows.forEach((r, i) => (y[i] = ds.y[r] as number));
  let x: Float32Array;
  const raw = data.raw;
  const rowMap = data.rowMap;
  if (pre?.kind === 'table' && raw && rowMap) {
    const columns = raw.table.columns;
    const records = Array.from(rows, (r) => Object.fromEntries(columns.map((c, j) => [c, raw.table.rows[rowMap[r]!]?.[j] ?? ''])));
    const enc = applyPreprocessing(pre, records);
    x = enc.x;
    // Targets the model's way too: a regression target is standardised with the model's statistics.
    if (enc.y && enc.y.length === rows.length && enc.y.constructor === y.constructor) y.set(enc.y as Int32Array & Float32Array);
  } else {
    x = new Float32Array(rows.length * per);
    rows.forEach((r, i) => x.set(ds.x.subarray(r * per, (r + 1) * per), i * per));
  }
  const all = Int32Array.from(rows.keys());
  return { ...ds, x, y, splits: { train: new Int32Array(0), validation: all, test: all } };
}

/**
 * Where a model's encoding differs from a dataset's whose rows cannot be
 * encoded again (images, built-in tables): each difference as "field: model
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

/**
 * An empty stand-in dataset carrying a model's own preprocessing, for
 * encoding single inputs ("Try it") the model's way. `inputShape` is one
 * example's shape; `base` supplies the task when the spec has no target.
 */
export function datasetForSpec(pre: PreprocessingSpec, inputShape: number[], base: EncodedDataset | undefined): EncodedDataset {
  const labelNames = pre.kind === 'image' ? [...pre.labelNames] : pre.target?.task === 'classification' ? [...pre.target.classes] : [];
  const task = pre.kind === 'table' ? (pre.target?.task ?? base?.task ?? 'regression') : 'classification';
  const empty = new Int32Array(0);
  return { name: 'imported', task, inputShape: [...inputShape], x: new Float32Array(0), y: new Int32Array(0), labelNames, splits: { train: empty, validation: empty, test: empty }, spec: pre, warnings: [] };
}
