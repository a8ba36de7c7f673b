/**
 * Fitting the preprocessing spec. Every statistic (means, standard
 * deviations, fill values, the category list and rare buckets) comes from
 * the training rows only, so validation and test scores are honest.
 */
import type { RawTable, Task } from '../types';
import { MISSING_MARKERS, isMissingIn } from '../csv/cells';
import { readNumbers, countValues, readsMarkersAsMissing, type ColumnInfo, type ColumnType } from '../csv/infer';
import { buildReport, columnCells, defaultTask } from '../csv/report';
import {
  DATE_PART_NAMES,
  SPEC_VERSION,
  datePartOf,
  featureOutputNames,
  type DatePart,
  type CategoricalFeature,
  type DroppedColumn,
  type FeatureSpec,
  type NumericFeature,
  type RegressionTarget,
  type TableSpec,
  type TargetSpec,
} from './spec';

export interface EncodeOptions {
  /** Target column; null or absent for features only (e.g. inference tables). */
  target?: string | null;
  /** Default: from the target's type (see `defaultTask`). */
  task?: Task;
  /** Column types to use instead of the inferred ones, e.g. { zip: 'categorical' }. */
  types?: Record<string, ColumnType>;
  /** Columns to use even though they are free text or identifiers. */
  include?: string[];
  /** Columns to leave out. */
  exclude?: string[];
  /**
   * Categorical columns (features or the target) whose missing-value words
   * (None, NA, null, ?, ...) mean "missing" rather than a category. Numeric,
   * date and boolean columns always read them as missing.
   */
  markersAsMissing?: string[];
  /** Standardise numeric features (default true). */
  standardize?: boolean;
  /** Fill for missing numbers (default 'mean'). Booleans always use the most frequent value. */
  numericImpute?: 'mean' | 'median';
  /** Missing categories: the most frequent one (default), or no category at all. */
  categoricalImpute?: 'mostFrequent' | 'none';
  /** Add a 0/1 "was missing" output for each feature with missing training cells (default false). */
  missingIndicators?: boolean;
  /** Categories in fewer than this share of training rows go to one "(other)" output (default 0.01). */
  rareFraction?: number;
  /** At most this many one-hot outputs per column before "(other)" (default 50). */
  maxCategories?: number;
  /** Standardise a regression target (default false; predictions are decoded with the spec). */
  standardizeTarget?: boolean;
  /** Column infos already computed (e.g. from the report), to skip inference. */
  columns?: ColumnInfo[];
}

const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Distinct class names in the order labels use: natural order, so "2" comes before "10". */
export function sortClasses(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(natural);
}

function checkOptions(table: RawTable, o: EncodeOptions): void {
  const known = new Set(table.columns);
  const unknown = (name: string, option: string) => {
    if (!known.has(name)) throw new Error(`\`${option}\` must name columns of the table, got ${JSON.stringify(name)}`);
  };
  if (o.target != null) unknown(o.target, 'target');
  for (const c of o.include ?? []) unknown(c, 'include');
  for (const c of o.exclude ?? []) unknown(c, 'exclude');
  for (const c of Object.keys(o.types ?? {})) unknown(c, 'types');
  for (const c of o.markersAsMissing ?? []) unknown(c, 'markersAsMissing');
  if (o.rareFraction !== undefined && !(o.rareFraction >= 0 && o.rareFraction < 1)) {
    throw new Error(`\`rareFraction\` must be in [0, 1), got ${o.rareFraction}`);
  }
  if (o.maxCategories !== undefined && !(Number.isInteger(o.maxCategories) && o.maxCategories >= 1)) {
    throw new Error(`\`maxCategories\` must be a positive integer, got ${o.maxCategories}`);
  }
}

function pick<T>(values: ArrayLike<T>, indices: ArrayLike<number>): T[] {
  return Array.from({ length: indices.length }, (_, i) => values[indices[i] as number] as T);
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const DATE_PARTS: readonly DatePart['part'][] = ['year', 'month', 'weekday'];

function fitNumeric(info: ColumnInfo, train: Float64Array | number[], o: EncodeOptions, notes: string[]): NumericFeature | string {
  const present = Array.from(train).filter((v) => !Number.isNaN(v));
  if (present.length === 0) return 'no values in the training rows';
  if (new Set(present).size === 1) return `the same value (${present[0]}) in every training row`;
  const read = info.type === 'date' ? 'date' : info.type === 'boolean' ? 'boolean' : 'number';
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
  let fill: number;
  if (read === 'boolean') fill = mean >= 0.5 ? 1 : 0;
  else fill = (o.numericImpute ?? 'mean') === 'median' ? median([...present].sort((a, b) => a - b)) : mean;
  const scale = read !== 'boolean' && (o.standardize ?? true);
  const f: NumericFeature = {
    kind: 'numeric',
    column: info.name,
    read,
    fill,
    mean: scale ? mean : 0,
    std: scale ? std : 1,
    missingIndicator: Boolean(o.missingIndicators) && present.length < train.length,
  };
  if (info.decimalComma) f.decimalComma = true;
  if (info.dayFirst) f.dayFirst = true;
  if (read === 'date') {
    // Days since 1970 carry the trend; year, month and weekday the seasons a model cannot easily derive from it.
    const parts = DATE_PARTS.map((part): DatePart | null => {
      const values = present.map((d) => datePartOf(d, part));
      if (new Set(values).size < 2) return null;
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
      const partFill = (o.numericImpute ?? 'mean') === 'median' ? median([...values].sort((a, b) => a - b)) : m;
      return { part, fill: partFill, mean: scale ? m : 0, std: scale ? sd : 1 };
    }).filter((p): p is DatePart => p !== null);
    if (parts.length > 0) {
      f.dateParts = parts;
      notes.push(`"${info.name}": a date, given to the model as days since 1970 and ${parts.map((p) => DATE_PART_NAMES[p.part]).join(', ')}${parts.some((p) => p.part === 'weekday') ? ' (Monday 0 … Sunday 6)' : ''}`);
    }
  }
  return f;
}

/** The marker words a column reads as missing (lower case; [] when they are values). */
export function missingWordsOf(info: Pick<ColumnInfo, 'name' | 'type'>, o: Pick<EncodeOptions, 'markersAsMissing'>): string[] {
  return readsMarkersAsMissing(info.type, o.markersAsMissing?.includes(info.name)) ? MISSING_MARKERS.filter((w) => w !== '') : [];
}

function fitCategorical(info: ColumnInfo, train: string[], o: EncodeOptions, notes: string[]): CategoricalFeature | string {
  const words = missingWordsOf(info, o);
  const present = train.filter((c) => !isMissingIn(c, words)).map((c) => c.trim());
  if (present.length === 0) return 'no values in the training rows';
  const counts = countValues(present);
  if (counts.size === 1) return `the same value (${JSON.stringify(present[0])}) in every training row`;
  const minCount = Math.max(1, Math.ceil((o.rareFraction ?? 0.01) * train.length));
  const byCount = [...counts].sort((a, b) => b[1] - a[1] || natural(a[0], b[0]));
  const kept = byCount.filter(([, n]) => n >= minCount).slice(0, o.maxCategories ?? 50).map(([v]) => v);
  const rare = counts.size - kept.length;
  if (kept.length + (rare > 0 ? 1 : 0) <= 1) return `only rare values (each in fewer than ${minCount} training rows)`;
  if (rare > 0) notes.push(`"${info.name}": ${rare} rare categor${rare === 1 ? 'y' : 'ies'} grouped as (other)`);
  return {
    kind: 'categorical',
    column: info.name,
    categories: kept.sort(natural),
    other: rare > 0,
    fill: (o.categoricalImpute ?? 'mostFrequent') === 'mostFrequent' ? (byCount[0] as [string, number])[0] : null,
    missingIndicator: Boolean(o.missingIndicators) && present.length < train.length,
    missing: words,
  };
}

function fitTarget(table: RawTable, info: ColumnInfo, task: Task, trainIndices: ArrayLike<number>, o: EncodeOptions): TargetSpec {
  const j = table.columns.indexOf(info.name);
  const cells = columnCells(table, j);
  if (task === 'classification') {
    const words = missingWordsOf(info, o);
    const classes = sortClasses(cells.filter((c) => !isMissingIn(c, words)).map((c) => c.trim()));
    return { column: info.name, task, classes, missing: words };
  }
  const read = info.type === 'date' ? 'date' : 'number';
  const how: Pick<RegressionTarget, 'read' | 'decimalComma' | 'dayFirst'> = {};
  if (read === 'date') how.read = 'date';
  if (info.decimalComma) how.decimalComma = true;
  if (info.dayFirst) how.dayFirst = true;
  const values = pick(readNumbers({ ...info, type: read === 'date' ? 'date' : 'numeric' }, cells), trainIndices).filter((v) => !Number.isNaN(v));
  if (!o.standardizeTarget || values.length === 0) return { column: info.name, task, mean: 0, std: 1, ...how };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  return { column: info.name, task, mean, std, ...how };
}

/** Fits a spec on the rows in `trainIndices` (indices into `table.rows`). */
export function fitPreprocessing(table: RawTable, options: EncodeOptions, trainIndices: ArrayLike<number>): TableSpec {
  checkOptions(table, options);
  if (trainIndices.length === 0) throw new Error('`trainIndices` must hold at least one row, got none');
  const infos = (options.columns ?? buildReport(table).columns).map((c) => {
    const type = options.types?.[c.name];
    return type ? { ...c, type } : c;
  });
  const include = new Set(options.include ?? []);
  const exclude = new Set(options.exclude ?? []);
  const features: FeatureSpec[] = [];
  const dropped: DroppedColumn[] = [];
  const notes: string[] = [];
  const drop = (column: string, reason: string) => {
    dropped.push({ column, reason });
    notes.push(`"${column}" left out: ${reason}`);
  };
  infos.forEach((info, j) => {
    if (info.name === options.target) return;
    if (exclude.has(info.name)) return drop(info.name, 'excluded by the user');
    const typeOverridden = options.types?.[info.name] !== undefined;
    if (info.excludedReason && !include.has(info.name) && !typeOverridden) return drop(info.name, info.excludedReason);
    const cells = pick(columnCells(table, j), trainIndices);
    const numeric = info.type === 'numeric' || info.type === 'date' || info.type === 'boolean';
    const fitted = numeric ? fitNumeric(info, readNumbers(info, cells), options, notes) : fitCategorical(info, cells, options, notes);
    if (typeof fitted === 'string') drop(info.name, fitted);
    else features.push(fitted);
  });
  let target: TargetSpec | null = null;
  if (options.target != null) {
    const info = infos.find((c) => c.name === options.target) as ColumnInfo;
    target = fitTarget(table, info, options.task ?? defaultTask(info), trainIndices, options);
  }
  return {
    kind: 'table',
    version: SPEC_VERSION,
    columns: [...table.columns],
    features,
    featureNames: features.flatMap(featureOutputNames),
    target,
    dropped,
    notes,
  };
}
