/**
 * Reading single cells: missing markers, numbers, booleans and dates. Pure
 * string functions, shared by type inference and by the encoder (so a spec
 * reads new rows exactly as training rows were read).
 */

/** Cell texts that mean "no value" (compared trimmed and lower-cased). */
export const MISSING_MARKERS: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', 'none', '?', '#n/a', 'missing'];
const MISSING = new Set(MISSING_MARKERS);

export function isMissing(cell: string | null | undefined): boolean {
  return cell === null || cell === undefined || MISSING.has(cell.trim().toLowerCase());
}

/** An empty (or all-blank) cell: missing in every column. */
export function isBlank(cell: string | null | undefined): boolean {
  return cell === null || cell === undefined || cell.trim() === '';
}

/**
 * Missing in a column that reads the marker words `words` (lower case) as
 * missing: blank cells always, words only when listed. A categorical column
 * reads none of them (there "None" is usually a category, e.g. "no damage");
 * numeric, date and boolean columns read all of them. Without `words`, all
 * markers (the rule of spec version 1 files, written before this choice).
 */
export function isMissingIn(cell: string | null | undefined, words?: readonly string[]): boolean {
  if (isBlank(cell)) return true;
  if (!words) return isMissing(cell);
  return words.length > 0 && words.includes((cell as string).trim().toLowerCase());
}

/** The marker word of a non-blank missing-marker cell as written (trimmed), or null. */
export function markerWord(cell: string | null | undefined): string | null {
  if (isBlank(cell) || !isMissing(cell)) return null;
  return (cell as string).trim();
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/**
 * Parses a plain decimal number. Hex, "Infinity" and thousands separators
 * are not numbers here: in a CSV they are far more often labels or typos.
 * With `decimalComma`, "3,5" reads as 3.5 (common in semicolon CSVs).
 */
export function parseNumber(cell: string, decimalComma = false): number | null {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  if (decimalComma && DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
  return null;
}

export function looksLikeDecimalComma(cell: string): boolean {
  return DECIMAL_COMMA.test(cell.trim());
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'f']);

/** true/false/yes/no/y/n/t/f (any case) and 0/1; null for anything else. */
export function parseBoolean(cell: string): boolean | null {
  const s = cell.trim().toLowerCase();
  if (TRUE_WORDS.has(s) || s === '1') return true;
  if (FALSE_WORDS.has(s) || s === '0') return false;
  return null;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASH_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const SLASH_XYY = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;
const MS_PER_DAY = 86_400_000;

/**
 * Parses a date to days since 1970-01-01 (UTC, fractional for times), or
 * null. `dayFirst` reads 03/04/2020 as 3 April rather than March 4.
 * Time zones in ISO strings are ignored: only the calendar position matters
 * for a feature.
 */
export function parseDate(cell: string, dayFirst = false): number | null {
  const s = cell.trim();
  let y: number, m: number, d: number, hh = 0, mm = 0, ss = 0;
  let match = ISO_DATE.exec(s);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    hh = Number(match[4] ?? 0);
    mm = Number(match[5] ?? 0);
    ss = Number(match[6] ?? 0);
  } else if ((match = SLASH_YMD.exec(s))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = SLASH_XYY.exec(s))) {
    const a = Number(match[1]);
    const b = Number(match[2]);
    y = Number(match[3]);
    [d, m] = dayFirst ? [a, b] : [b, a];
  } else {
    return null;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return null;
  const ms = Date.UTC(y, m - 1, d, hh, mm, ss);
  // Date.UTC rolls 31 February into March; such a cell is not a date.
  if (new Date(ms).getUTCDate() !== d) return null;
  return ms / MS_PER_DAY;
}

/** True when a slash date's first part exceeds 12, i.e. the column is day-first. */
export function isDayFirstDate(cell: string): boolean {
  const match = SLASH_XYY.exec(cell.trim());
  return match !== null && Number(match[1]) > 12;
}
