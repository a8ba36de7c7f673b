/**
 * The preprocessing spec: plain JSON saved with a run, so training,
 * inference in the app and an exported standalone page all apply exactly
 * the same transform. Keep it plain data (no classes, no functions) and
 * bump `version` on any change in meaning.
 */

export const SPEC_VERSION = 1;

/** A column read as a number: numbers, dates (days since 1970) or booleans (0/1). */
export interface NumericFeature {
  kind: 'numeric';
  column: string;
  read: 'number' | 'date' | 'boolean';
  /** "3,5" means 3.5. */
  decimalComma?: boolean;
  /** 03/04/2020 means 3 April. */
  dayFirst?: boolean;
  /** Raw value used for a missing or unreadable cell (training mean, median or mode). */
  fill: number;
  /** Output is (value - mean) / std; mean 0 and std 1 when not standardised. */
  mean: number;
  std: number;
  /** Adds a 0/1 output that is 1 where the cell was missing. */
  missingIndicator: boolean;
  /**
   * Dates: more outputs after the days value, each standardised on its own
   * (calendar parts in UTC; absent in files written before them).
   */
  dateParts?: DatePart[];
}

/** A calendar part of a date feature: year, month (1–12) or day of the week (Monday 0 … Sunday 6). */
export interface DatePart {
  part: 'year' | 'month' | 'weekday';
  fill: number;
  mean: number;
  std: number;
}

export const DATE_PART_NAMES: Record<DatePart['part'], string> = { year: 'year', month: 'month', weekday: 'day of week' };

/** A calendar part of a date given in days since 1970-01-01 (UTC). */
export function datePartOf(days: number, part: DatePart['part']): number {
  const d = new Date(Math.floor(days) * 86400000);
  if (part === 'year') return d.getUTCFullYear();
  if (part === 'month') return d.getUTCMonth() + 1;
  return (d.getUTCDay() + 6) % 7;
}

/** A column one-hot encoded over the training categories. */
export interface CategoricalFeature {
  kind: 'categorical';
  column: string;
  /** One output per category, in this order. */
  categories: string[];
  /** An extra output for rare categories (and unseen ones at inference). */
  other: boolean;
  /** Category used for a missing cell; null puts missing cells in "other" (or no output). */
  fill: string | null;
  missingIndicator: boolean;
  /**
   * Missing-value words (lower case) read as missing besides blank cells;
   * [] when words such as "None" are categories. Absent in files written
   * before this field: then every missing marker is missing.
   */
  missing?: string[];
}

export type FeatureSpec = NumericFeature | CategoricalFeature;

export interface ClassificationTarget {
  column: string;
  task: 'classification';
  /** Class names; a row's label is the index of its class here. */
  classes: string[];
  /** As `CategoricalFeature.missing`: the words that mean "no label" (absent: every marker). */
  missing?: string[];
}

export interface RegressionTarget {
  column: string;
  task: 'regression';
  /** The model predicts (value - mean) / std; mean 0, std 1 when not standardised. */
  mean: number;
  std: number;
  /** How cells are read, as for numeric features (absent: plain numbers). */
  read?: 'number' | 'date';
  decimalComma?: boolean;
  dayFirst?: boolean;
}

export type TargetSpec = ClassificationTarget | RegressionTarget;

export interface DroppedColumn {
  column: string;
  reason: string;
}

export interface TableSpec {
  kind: 'table';
  version: typeof SPEC_VERSION;
  /** The source header, used to find cells when rows are arrays. */
  columns: string[];
  features: FeatureSpec[];
  /** One name per output value, e.g. "Origin=USA" or "Horsepower (missing)". */
  featureNames: string[];
  target: TargetSpec | null;
  dropped: DroppedColumn[];
  /** Human-readable notes about decisions taken (dropped columns, buckets). */
  notes: string[];
}

export interface ImageSpec {
  kind: 'image';
  version: typeof SPEC_VERSION;
  width: number;
  height: number;
  channels: 1 | 3;
  /** How images were resized; 'auto' is area when shrinking, bilinear when enlarging. */
  resize: 'bilinear' | 'area' | 'auto';
  /** Transparent pixels are composited over this grey level (0–255) before use. */
  background: number;
  /** Pixel values are divided by 255, giving [0, 1]. */
  scale: 'unit';
  labelNames: string[];
}

export type PreprocessingSpec = TableSpec | ImageSpec;

export function outputWidth(spec: TableSpec): number {
  return spec.featureNames.length;
}

export function featureOutputNames(f: FeatureSpec): string[] {
  const names =
    f.kind === 'numeric'
      ? [f.column, ...(f.dateParts ?? []).map((p) => `${f.column} (${DATE_PART_NAMES[p.part]})`)]
      : [...f.categories.map((c) => `${f.column}=${c}`), ...(f.other ? [`${f.column}=(other)`] : [])];
  if (f.missingIndicator) names.push(`${f.column} (missing)`);
  return names;
}

/** Checks that a value read back from JSON is a spec this code understands. */
export function checkSpec(value: unknown): PreprocessingSpec {
  const v = value as Partial<PreprocessingSpec> | null;
  if (!v || typeof v !== 'object') throw new Error(`\`spec\` must be an object, got ${JSON.stringify(value)}`);
  if (v.kind !== 'table' && v.kind !== 'image') throw new Error(`\`spec.kind\` must be "table" or "image", got ${JSON.stringify(v.kind)}`);
  if (v.version !== SPEC_VERSION) throw new Error(`\`spec.version\` must be ${SPEC_VERSION}, got ${JSON.stringify(v.version)}`);
  return v as PreprocessingSpec;
}
