/**
 * Does a dataset fit an imported model? Compares the model's preprocessing
 * spec with the dataset's columns (or image classes), column by column, so
 * the page can say exactly what differs before evaluating or fine-tuning.
 */
import type { ColumnType, EncodedDataset, FeatureSpec, PreprocessingSpec } from '../data';

export interface DatasetColumn {
  name: string;
  /** The inferred type (from the data layer's report); omit when unknown. */
  type?: ColumnType;
}

/** An image dataset as loaded: its example shape and class names. */
export interface ImageDatasetShape {
  kind: 'image';
  /** [height, width, channels] of the encoded examples. */
  inputShape: number[];
  labelNames: string[];
}

export type SchemaIssueKind = 'missing' | 'extra' | 'type' | 'target' | 'shape' | 'classes';

export interface SchemaIssue {
  /** The column (or class) concerned; null for the whole dataset. */
  column: string | null;
  kind: SchemaIssueKind;
  /** 'error': the model cannot be evaluated on this data as it is; 'warning': it can, with a caveat. */
  severity: 'error' | 'warning';
  message: string;
}

export interface SchemaReport {
  ok: boolean;
  issues: SchemaIssue[];
}

const q = (s: string) => JSON.stringify(s);

function expectedType(f: FeatureSpec): ColumnType {
  return f.kind === 'categorical' ? 'categorical' : f.read === 'number' ? 'numeric' : f.read;
}

/** Types whose cells the feature can read. */
function readable(f: FeatureSpec, type: ColumnType): boolean {
  if (f.kind === 'categorical') return true;
  if (f.read === 'number') return type === 'numeric' || type === 'boolean' || type === 'identifier';
  if (f.read === 'boolean') return type === 'boolean' || type === 'numeric';
  return type === 'date';
}

function checkTable(pre: Extract<PreprocessingSpec, { kind: 'table' }>, dataset: ReadonlyArray<string | DatasetColumn>, requireTarget: boolean): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const columns = dataset.map((c) => (typeof c === 'string' ? { name: c } : c));
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const f of pre.features) {
    const col = byName.get(f.column);
    if (!col) {
      issues.push({ column: f.column, kind: 'missing', severity: 'error', message: `column ${q(f.column)} is missing from the dataset; the model reads it as ${expectedType(f)}` });
      continue;
    }
    if (col.type && col.type !== expectedType(f)) {
      const ok = readable(f, col.type);
      issues.push({
        column: f.column,
        kind: 'type',
        severity: ok ? 'warning' : 'error',
        message: `column ${q(f.column)} is ${col.type} in the dataset but the model reads it as ${expectedType(f)}${ok ? '' : '; its cells would all count as missing'}`,
      });
    }
  }
  const target = pre.target;
  if (target && !byName.has(target.column)) {
    issues.push({
      column: target.column,
      kind: 'target',
      severity: requireTarget ? 'error' : 'warning',
      message: `target column ${q(target.column)} is missing from the dataset; predictions work but metrics cannot be computed`,
    });
  } else if (target) {
    const type = byName.get(target.column)!.type;
    if (target.task === 'regression' && type && type !== 'numeric' && type !== 'date') {
      issues.push({ column: target.column, kind: 'type', severity: 'error', message: `target column ${q(target.column)} is ${type} in the dataset but the model predicts a number` });
    }
  }
  const known = new Set([...pre.features.map((f) => f.column), ...pre.dropped.map((d) => d.column), ...(target ? [target.column] : []), ...pre.columns]);
  for (const c of columns) {
    if (!known.has(c.name)) issues.push({ column: c.name, kind: 'extra', severity: 'warning', message: `column ${q(c.name)} is not used by the model and will be ignored` });
  }
  return issues;
}

function checkImages(pre: Extract<PreprocessingSpec, { kind: 'image' }>, dataset: ImageDatasetShape): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const want = [pre.height, pre.width, pre.channels];
  if (dataset.inputShape.join(',') !== want.join(',')) {
    issues.push({ column: null, kind: 'shape', severity: 'error', message: `images are [${dataset.inputShape.join(', ')}] but the model takes [${want.join(', ')}] (height, width, channels); load them at ${pre.width}×${pre.height}, ${pre.channels === 1 ? 'greyscale' : 'RGB'}` });
  }
  const modelClasses = new Set(pre.labelNames);
  for (const name of dataset.labelNames) {
    if (!modelClasses.has(name)) issues.push({ column: name, kind: 'classes', severity: 'error', message: `class ${q(name)} is not one the model knows (${pre.labelNames.map(q).join(', ')})` });
  }
  const dataClasses = new Set(dataset.labelNames);
  for (const name of pre.labelNames) {
    if (!dataClasses.has(name)) issues.push({ column: name, kind: 'classes', severity: 'warning', message: `class ${q(name)} has no examples in the dataset` });
  }
  if (issues.length === 0 && dataset.labelNames.join('\u0000') !== pre.labelNames.join('\u0000')) {
    issues.push({ column: null, kind: 'classes', severity: 'error', message: 'the dataset numbers its classes in a different order than the model; relabel it with the model\'s class order' });
  }
  return issues;
}

/**
 * Compares a model's preprocessing with a dataset: for tables, its columns
 * (names, optionally with inferred types); for images, its shape and classes.
 * `requireTarget` (default true) makes a missing target column an error.
 */
export function checkSchema(pre: PreprocessingSpec, dataset: ReadonlyArray<string | DatasetColumn> | ImageDatasetShape, options: { requireTarget?: boolean } = {}): SchemaReport {
  let issues: SchemaIssue[];
  if (pre.kind === 'table') {
    if (!Array.isArray(dataset)) {
      issues = [{ column: null, kind: 'shape', severity: 'error', message: 'the model was trained on a table but the dataset is images' }];
    } else issues = checkTable(pre, dataset, options.requireTarget ?? true);
  } else if (Array.isArray(dataset)) {
    issues = [{ column: null, kind: 'shape', severity: 'error', message: 'the model was trained on images but the dataset is a table' }];
  } else issues = checkImages(pre, dataset as ImageDatasetShape);
  return { ok: issues.every((i) => i.severity !== 'error'), issues };
}

/** A loaded dataset as `schemaOf` checks it: its arrays and, for a table, its columns as read (with inferred types). */
export interface SchemaTarget {
  dataset: EncodedDataset;
  /** The table's columns as read; absent: the columns of the dataset's own spec, untyped. */
  columns?: ReadonlyArray<DatasetColumn>;
}

/**
 * Whether a model (its preprocessing, or for bare model files only its input
 * shape and output width) fits a loaded dataset.
 */
export function schemaOf(pre: PreprocessingSpec | null, target: SchemaTarget, inputShape: readonly number[], units: number): SchemaReport {
  const ds = target.dataset;
  if (pre) {
    let report: SchemaReport;
    if (ds.spec.kind === 'image') {
      report = checkSchema(pre, { kind: 'image', inputShape: [...ds.inputShape], labelNames: [...ds.labelNames] });
    } else {
      report = checkSchema(pre, target.columns ?? ds.spec.columns.map((name) => ({ name })));
      const t = pre.kind === 'table' ? pre.target : null;
      const classes = t?.task === 'classification' ? t.classes : null;
      if (t && report.ok && ds.task === 'classification' && classes && classes.join('\u0000') !== ds.labelNames.join('\u0000')) {
        report = { ok: false, issues: [...report.issues, { column: t.column, kind: 'classes', severity: 'error', message: `the model's classes (${classes.join(', ')}) differ from the dataset's (${ds.labelNames.join(', ')})` }] };
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
