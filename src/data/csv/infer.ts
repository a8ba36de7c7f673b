/**
 * Per-column type inference and summary statistics.
 *
 * Types: numeric, boolean, date, categorical, and two that are left out of
 * the features by default: free text and identifiers (row ids, names), which
 * a small network would only memorise.
 */
import { makeIssue, quoteValue, type DataIssue } from '../errors';
import { isBlank, isDayFirstDate, isMissing, looksLikeDecimalComma, markerWord, parseBoolean, parseDate, parseNumber } from './cells';

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'date' | 'text' | 'identifier';

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  std: number;
}

export interface CategoryCount {
  value: string;
  count: number;
}

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  /** Cells that are empty or a missing marker (NA, null, ?, ...). */
  missing: number;
  /** Distinct non-missing values (trimmed text). */
  unique: number;
  /** Numeric and date columns (dates in days since 1970-01-01). */
  summary?: NumericSummary;
  /** Numeric columns whose values are all whole numbers. */
  integer?: boolean;
  /** Most frequent values (up to 5), for every type but numeric and date. */
  top?: CategoryCount[];
  /** Numbers written as "3,5". */
  decimalComma?: boolean;
  /** Dates written day first (31/12/2020). */
  dayFirst?: boolean;
  /** Spreadsheet rows whose cell did not read as the column's type; treated as missing. */
  invalidRows: number[];
  /** Distinct values that occur in one row only (a class of one row cannot be both trained on and validated). */
  singles?: number;
  /** Missing-value words found (NA, None, null, ?, ...) as written, most frequent first. */
  markers?: CategoryCount[];
  /**
   * Whether those words count as missing: in numeric, date and boolean
   * columns they do; in the others they are values (a category "None")
   * unless the user marks them missing (`EncodeOptions.markersAsMissing`).
   */
  markersMissing?: boolean;
  /** Left out of the features unless the user includes it, with the reason. */
  excludedReason?: string;
}

/** Share of readable cells a column needs to count as numeric, boolean or date. */
const TYPE_SHARE = 0.8;
/** At most this many unreadable cells (or 5%) are tolerated as "a few". */
const FEW_INVALID = 2;
const TOP_COUNT = 5;
const ID_NAME = /(^id$|^id[_\s-]|[_\s-]id$|^index$|^uuid$)/i;

function tolerated(invalid: number, present: number): boolean {
  return invalid <= Math.max(FEW_INVALID, 0.05 * present) && present - invalid >= TYPE_SHARE * present;
}

function summarise(values: readonly number[]): NumericSummary {
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = values.length ? sum / values.length : NaN;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { min, max, mean, std: values.length ? Math.sqrt(sq / values.length) : NaN };
}

export function countValues(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function topValues(counts: Map<string, number>, max = TOP_COUNT): CategoryCount[] {
  // Stable sort keeps first appearance first among equal counts.
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count).slice(0, max);
}

function singlesOf(counts: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const c of counts.values()) if (c === 1) n++;
  return n;
}

/** Whether a column of this type reads missing-value words as missing (see `ColumnInfo.markersMissing`). */
export function readsMarkersAsMissing(type: ColumnType, optedIn = false): boolean {
  return optedIn || type === 'numeric' || type === 'date' || type === 'boolean';
}

/** Reads a column's cells as numbers (for numeric/date/boolean columns), NaN where missing or invalid. */
export function readNumbers(info: Pick<ColumnInfo, 'type' | 'decimalComma' | 'dayFirst'>, cells: readonly string[]): Float64Array {
  const out = new Float64Array(cells.length);
  cells.forEach((cell, i) => {
    let v: number | null = null;
    if (!isMissing(cell)) {
      if (info.type === 'date') v = parseDate(cell, info.dayFirst);
      else if (info.type === 'boolean') {
        const b = parseBoolean(cell);
        v = b === null ? null : b ? 1 : 0;
      } else v = parseNumber(cell, info.decimalComma);
    }
    out[i] = v ?? NaN;
  });
  return out;
}

/**
 * Infers a column's type from its cells. `rowNumbers[i]` is the spreadsheet
 * row of `cells[i]`, used to list unreadable cells.
 */
export function inferColumn(name: string, cells: readonly string[], rowNumbers: readonly number[]): ColumnInfo {
  const present: string[] = [];
  const presentRows: number[] = [];
  cells.forEach((c, i) => {
    if (!isMissing(c)) {
      present.push(c.trim());
      presentRows.push(rowNumbers[i] as number);
    }
  });
  const missing = cells.length - present.length;
  const counts = countValues(present);
  const words = countValues(cells.map(markerWord).filter((w): w is string => w !== null));
  const markers = topValues(words, Infinity);
  const base = { name, missing, unique: counts.size, singles: singlesOf(counts), invalidRows: [] as number[], ...(markers.length > 0 ? { markers, markersMissing: true } : {}) };
  if (present.length === 0) {
    return { ...base, type: 'categorical', top: [], excludedReason: 'every cell is missing' };
  }
  const failures = (ok: (v: string) => boolean) => presentRows.filter((_, i) => !ok(present[i] as string));

  const lower = new Set(present.map((v) => v.toLowerCase()));
  if (lower.size <= 2 && present.every((v) => parseBoolean(v) !== null)) {
    return { ...base, type: 'boolean', top: topValues(counts) };
  }

  const decimalComma = present.some(looksLikeDecimalComma) && !present.some((v) => v.includes('.'));
  const badNumbers = failures((v) => parseNumber(v, decimalComma) !== null);
  if (tolerated(badNumbers.length, present.length)) {
    const values = present.map((v) => parseNumber(v, decimalComma)).filter((v): v is number => v !== null);
    const integer = values.every(Number.isInteger);
    const info: ColumnInfo = { ...base, type: 'numeric', summary: summarise(values), integer, invalidRows: badNumbers };
    if (decimalComma) info.decimalComma = true;
    const distinct = new Set(values).size;
    const allDistinct = distinct === values.length && values.length >= 10;
    if (integer && allDistinct && (ID_NAME.test(name) || (info.summary as NumericSummary).max - (info.summary as NumericSummary).min + 1 === distinct)) {
      return { ...info, type: 'identifier', excludedReason: 'a different whole number in every row (a row id)' };
    }
    return info;
  }

  const dayFirst = present.some(isDayFirstDate);
  const badDates = failures((v) => parseDate(v, dayFirst) !== null);
  if (tolerated(badDates.length, present.length)) {
    const values = present.map((v) => parseDate(v, dayFirst)).filter((v): v is number => v !== null);
    const info: ColumnInfo = { ...base, type: 'date', summary: summarise(values), invalidRows: badDates };
    if (dayFirst) info.dayFirst = true;
    return info;
  }

  // Not numbers, dates or booleans: here a word such as "None" is a value
  // (often the most common one: "no damage"), and only blank cells are missing.
  const values = markers.length > 0 ? cells.filter((c) => !isBlank(c)).map((c) => c.trim()) : present;
  const valueCounts = markers.length > 0 ? countValues(values) : counts;
  const asValues = markers.length > 0 ? { ...base, missing: cells.length - values.length, unique: valueCounts.size, markersMissing: false, singles: singlesOf(valueCounts) } : base;
  const top = topValues(valueCounts);
  const meanLength = values.reduce((s, v) => s + v.length, 0) / values.length;
  const spaced = values.filter((v) => /\s/.test(v)).length > values.length / 2;
  const allDistinct = valueCounts.size === values.length && values.length >= 10;
  const manyValues = valueCounts.size > 50 && valueCounts.size > 0.5 * values.length;
  if (allDistinct || manyValues || meanLength > 50) {
    const text = spaced || meanLength > 40;
    const what = allDistinct ? 'a different value in every row' : `${valueCounts.size} distinct values in ${values.length} rows`;
    return { ...asValues, type: text ? 'text' : 'identifier', top, excludedReason: `${what} (${text ? 'free text' : 'an identifier'})` };
  }
  return { ...asValues, type: 'categorical', top };
}

/** A warning for a column whose few unreadable cells are treated as missing, or null. */
export function invalidCellsWarning(file: string, info: ColumnInfo, cells: readonly string[], rowNumbers: readonly number[]): DataIssue | null {
  if (info.invalidRows.length === 0) return null;
  const first = info.invalidRows[0] as number;
  const value = cells[rowNumbers.indexOf(first)] ?? '';
  const expected = info.type === 'date' ? 'a date such as 2020-12-31' : 'a number';
  return makeIssue({
    file,
    row: first,
    column: info.name,
    problem: `${info.invalidRows.length} cell(s) in a ${info.type} column could not be read and are treated as missing`,
    found: quoteValue(value),
    expected,
    rows: info.invalidRows,
  });
}
