/**
 * Errors and warnings about user data. Every message names the file, the row
 * and the column where it can, and what was expected, so a person can find
 * the cell in a spreadsheet. Values are kept as plain strings: the UI must
 * render them as text, never as HTML.
 */

/** A problem with the data, as plain JSON (it crosses the worker boundary). */
export interface DataIssue {
  /** The file (or built-in dataset) the problem is in. */
  file: string;
  /**
   * 1-based row as a spreadsheet numbers it: the header, when there is one,
   * is row 1 and the first data row is row 2. Absent when not about one row.
   */
  row?: number;
  /** The column's name, when the problem is about one column. */
  column?: string;
  /** What the data should have been. */
  expected: string;
  /** What was found instead, e.g. the offending value. */
  found?: string;
  /** Further rows with the same problem (for warnings that list rows). */
  rows?: number[];
  /** The full human-readable message. */
  message: string;
}

export interface DataIssueParts {
  file: string;
  row?: number;
  column?: string;
  expected: string;
  found?: string;
  rows?: number[];
  /** Leading sentence; the location and expectation are appended. */
  problem: string;
}

/** How many listed rows a message spells out before saying "and N more". */
const ROWS_IN_MESSAGE = 10;

function formatRows(rows: readonly number[]): string {
  const shown = rows.slice(0, ROWS_IN_MESSAGE).join(', ');
  const more = rows.length - ROWS_IN_MESSAGE;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

function formatMessage(p: DataIssueParts): string {
  const where = [`file "${p.file}"`];
  if (p.row !== undefined) where.push(`row ${p.row}`);
  if (p.column !== undefined) where.push(`column "${p.column}"`);
  let msg = `${where.join(', ')}: ${p.problem}`;
  if (p.found !== undefined) msg += ` (found ${p.found})`;
  msg += `; expected ${p.expected}`;
  if (p.rows && p.rows.length > 0) msg += `. Rows: ${formatRows(p.rows)}`;
  return msg;
}

export function makeIssue(p: DataIssueParts): DataIssue {
  const issue: DataIssue = { file: p.file, expected: p.expected, message: formatMessage(p) };
  if (p.row !== undefined) issue.row = p.row;
  if (p.column !== undefined) issue.column = p.column;
  if (p.found !== undefined) issue.found = p.found;
  if (p.rows !== undefined) issue.rows = [...p.rows];
  return issue;
}

/** Thrown for data that cannot be loaded. `toIssue()` gives the plain form. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly expected: string;
  readonly found: string | undefined;
  readonly rows: number[] | undefined;

  constructor(parts: DataIssueParts) {
    super(formatMessage(parts));
    this.file = parts.file;
    this.row = parts.row;
    this.column = parts.column;
    this.expected = parts.expected;
    this.found = parts.found;
    this.rows = parts.rows;
  }

  static fromIssue(issue: DataIssue): DataError {
    const err = new DataError({ ...issue, problem: '' });
    // Keep the original wording rather than re-deriving it.
    err.message = issue.message;
    return err;
  }

  toIssue(): DataIssue {
    const issue: DataIssue = { file: this.file, expected: this.expected, message: this.message };
    if (this.row !== undefined) issue.row = this.row;
    if (this.column !== undefined) issue.column = this.column;
    if (this.found !== undefined) issue.found = this.found;
    if (this.rows !== undefined) issue.rows = [...this.rows];
    return issue;
  }
}

export function isDataError(e: unknown): e is DataError {
  return e instanceof DataError;
}

/** Quotes a user value for a message, shortened so one cell cannot flood it. */
export function quoteValue(value: string, max = 40): string {
  const v = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(v);
}

/** Formats a byte count as MB/GB for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
