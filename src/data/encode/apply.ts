/**
 * Applying a fitted spec to rows: training rows, rows typed into a form for
 * inference, or rows in an exported page. Pure and dependency-light on
 * purpose: an export can ship this file with the spec.
 */
import { isMissing, isMissingIn, parseBoolean, parseDate, parseNumber } from '../csv/cells';
import type { FeatureSpec, NumericFeature, TableSpec, TargetSpec } from './spec';
import { datePartOf, outputWidth } from './spec';

/** A cell as it may come from a CSV, JSON or a form. */
export type CellValue = string | number | boolean | null | undefined;
/** Rows as arrays in the spec's `columns` order, or as objects keyed by column name. */
export type InputRows = ReadonlyArray<ReadonlyArray<CellValue>> | ReadonlyArray<Readonly<Record<string, CellValue>>>;

export interface EncodedRows {
  /** count × width, row-major. */
  x: Float32Array;
  /**
   * Class index (-1 when missing or unknown) or the encoded target value (NaN
   * when missing); null when the spec has no target or the rows lack it.
   */
  y: Int32Array | Float32Array | null;
  count: number;
  width: number;
}

function cellText(v: CellValue): string {
  return v === null || v === undefined ? '' : String(v);
}

function makeGetter(spec: TableSpec, rows: InputRows): (row: number, column: string) => string {
  const first = rows[0];
  if (Array.isArray(first)) {
    const index = new Map(spec.columns.map((c, j) => [c, j]));
    return (row, column) => {
      const j = index.get(column);
      return j === undefined ? '' : cellText((rows[row] as ReadonlyArray<CellValue>)[j]);
    };
  }
  return (row, column) => cellText((rows[row] as Readonly<Record<string, CellValue>>)[column]);
}

function readFeatureNumber(f: NumericFeature, cell: string): number {
  if (isMissing(cell)) return NaN;
  if (f.read === 'date') return parseDate(cell, f.dayFirst) ?? NaN;
  if (f.read === 'boolean') {
    const b = parseBoolean(cell);
    return b === null ? NaN : b ? 1 : 0;
  }
  return parseNumber(cell, f.decimalComma) ?? NaN;
}

const EXPECTED_READ = { number: 'a number', date: 'a date such as 2020-12-31', boolean: 'yes or no' } as const;

/**
 * The first cell of a row (e.g. typed into "Try it") that a number, date or
 * yes/no feature cannot read, or null. Blank cells and missing-value words
 * are fine (they get the fill value); "abc" for a number is not.
 */
export function unreadableCell(spec: TableSpec, row: Readonly<Record<string, CellValue>>): { column: string; found: string; expected: string } | null {
  for (const f of spec.features) {
    if (f.kind !== 'numeric') continue;
    const cell = cellText(row[f.column]);
    if (isMissing(cell)) continue;
    if (Number.isNaN(readFeatureNumber(f, cell))) return { column: f.column, found: cell, expected: EXPECTED_READ[f.read] };
  }
  return null;
}

/** Writes one feature's outputs for one cell at `out[at...]`; returns the next offset. */
function writeFeature(f: FeatureSpec, cell: string, out: Float32Array, at: number): number {
  if (f.kind === 'numeric') {
    const raw = readFeatureNumber(f, cell);
    const missing = Number.isNaN(raw);
    out[at++] = ((missing ? f.fill : raw) - f.mean) / f.std;
    for (const p of f.dateParts ?? []) out[at++] = ((missing ? p.fill : datePartOf(raw, p.part)) - p.mean) / p.std;
    if (f.missingIndicator) out[at++] = missing ? 1 : 0;
    return at;
  }
  const missing = isMissingIn(cell, f.missing);
  const value = missing ? f.fill : cell.trim();
  const k = value === null ? -1 : f.categories.indexOf(value);
  const outputs = f.categories.length + (f.other ? 1 : 0);
  if (k >= 0) out[at + k] = 1;
  else if (value !== null && f.other) out[at + f.categories.length] = 1;
  at += outputs;
  if (f.missingIndicator) out[at++] = missing ? 1 : 0;
  return at;
}

export function encodeTargetCell(target: TargetSpec, cell: string): number {
  if (target.task === 'classification') return isMissingIn(cell, target.missing) ? -1 : target.classes.indexOf(cell.trim());
  if (isMissing(cell)) return NaN;
  const v = (target.read === 'date' ? parseDate(cell, target.dayFirst) : parseNumber(cell, target.decimalComma)) ?? NaN;
  return (v - target.mean) / target.std;
}

/** Turns a model's regression output back into the target's units. */
export function decodeRegression(target: TargetSpec, value: number): number {
  return target.task === 'regression' ? value * target.std + target.mean : value;
}

/** Encodes rows with a fitted spec. Missing cells get the spec's fill values. */
export function applyPreprocessing(spec: TableSpec, rows: InputRows): EncodedRows {
  const width = outputWidth(spec);
  const count = rows.length;
  const x = new Float32Array(count * width);
  const get = makeGetter(spec, rows);
  for (let i = 0; i < count; i++) {
    let at = i * width;
    for (const f of spec.features) at = writeFeature(f, get(i, f.column), x, at);
  }
  let y: Int32Array | Float32Array | null = null;
  const target = spec.target;
  if (target && count > 0 && hasColumn(rows, spec, target.column)) {
    y = target.task === 'classification' ? new Int32Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) y[i] = encodeTargetCell(target, get(i, target.column));
  }
  return { x, y, count, width };
}

function hasColumn(rows: InputRows, spec: TableSpec, column: string): boolean {
  const first = rows[0];
  if (Array.isArray(first)) return spec.columns.includes(column) && spec.columns.indexOf(column) < first.length;
  return column in (first as Record<string, CellValue>);
}
