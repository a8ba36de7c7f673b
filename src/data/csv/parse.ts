/**
 * CSV parsing with papaparse: delimiter (comma, semicolon, tab) and line
 * ending detection, quoted fields, BOM, header detection, and a field-count
 * check per row. Large inputs are fed to papaparse's core parser a chunk at a
 * time (the same way papaparse's own streamers do), so progress can be
 * reported and a Blob is never read whole.
 */
import Papa from 'papaparse';
import { DataError, formatBytes, makeIssue, type DataIssue } from '../errors';
import type { RawTable } from '../types';
import { readTextChunks, type TextSource } from './text';
import { parseNumber } from './cells';

export type Delimiter = ',' | ';' | '\t';

export interface CsvProgress {
  /** Bytes (characters for a string) read so far, and in all. */
  done: number;
  total: number;
  /** Records parsed so far. */
  rows: number;
}

export interface CsvOptions {
  /** Name used in messages. Default "data.csv". */
  file?: string;
  /** Whether the first row is a header; 'auto' (default) guesses. */
  header?: boolean | 'auto';
  /** 'auto' (default) guesses among comma, semicolon and tab. */
  delimiter?: Delimiter | 'auto';
  /** Rows with the wrong number of fields: 'error' (default) or 'skip' with a warning. */
  badRows?: 'error' | 'skip';
  /** Bytes per chunk when streaming. Default 1 MiB. */
  chunkSize?: number;
  onProgress?: (p: CsvProgress) => void;
  /** Refuse before reading when the estimated memory exceeds this many bytes (default 1 GiB). */
  memoryBudget?: number;
}

/**
 * Parsed cells cost far more than the file: each cell becomes a string with
 * its own header, in arrays per row. Ten times the file size is a rough,
 * deliberately cautious figure for typical numeric CSVs.
 */
export const CSV_MEMORY_FACTOR = 10;
export const DEFAULT_CSV_BUDGET = 1024 ** 3;

function checkMemory(file: string, size: number, budget: number): void {
  const estimate = size * CSV_MEMORY_FACTOR;
  if (estimate > budget) {
    throw new DataError({
      file,
      problem: `parsing this ${formatBytes(size)} file would need about ${formatBytes(estimate)} of memory`,
      expected: `a file up to ${formatBytes(budget / CSV_MEMORY_FACTOR)} (a budget of ${formatBytes(budget)}); use fewer rows or columns`,
    });
  }
}

export interface ParsedCsv {
  table: RawTable;
  delimiter: Delimiter;
  hasHeader: boolean;
  warnings: DataIssue[];
}

/** Text gathered before guessing the delimiter, so a tiny first chunk cannot mislead it. */
const SNIFF_CHARS = 64 * 1024;
/** Rows after the first that the header guess looks at. */
const HEADER_SNIFF_ROWS = 20;

interface PapaResult {
  data: string[][];
  errors: Array<{ code: string; row?: number }>;
  meta: { cursor: number; delimiter?: string; linebreak?: string };
}

/** Collects records from text chunks, carrying an unfinished row to the next chunk. */
class RecordCollector {
  readonly records: string[][] = [];
  readonly recordNumbers: number[] = [];
  readonly warnings: DataIssue[] = [];
  delimiter: Delimiter = ',';
  private parser: Papa.Parser | null = null;
  private pending = '';
  private baseIndex = 0;
  private seen = 0;

  constructor(private readonly file: string, private readonly wanted: Delimiter | 'auto') {}

  push(text: string, last: boolean): void {
    this.pending += text;
    if (!this.parser) {
      if (!last && this.pending.length < SNIFF_CHARS) return;
      this.parser = this.start(this.pending);
    }
    const result = this.parser.parse(this.pending, this.baseIndex, !last) as PapaResult;
    this.take(result);
    if (!last) {
      this.pending = this.pending.substring(result.meta.cursor - this.baseIndex);
      this.baseIndex = result.meta.cursor;
    } else {
      this.pending = '';
    }
  }

  private start(sample: string): Papa.Parser {
    const guess = Papa.parse<string[]>(sample, { preview: 50, delimitersToGuess: [',', ';', '\t'] });
    const found = guess.meta.delimiter;
    this.delimiter = this.wanted !== 'auto' ? this.wanted : found === ';' || found === '\t' ? found : ',';
    const newline = guess.meta.linebreak === '\r\n' || guess.meta.linebreak === '\r' ? guess.meta.linebreak : '\n';
    return new Papa.Parser({ delimiter: this.delimiter, newline, quoteChar: '"' });
  }

  private take(result: PapaResult): void {
    const first = this.seen;
    for (const err of result.errors) {
      const rowNumber = first + (err.row ?? 0) + 1;
      if (err.code === 'MissingQuotes') {
        throw new DataError({
          file: this.file,
          row: rowNumber,
          problem: 'a quoted field is never closed',
          expected: 'a closing double quote (") before the end of the file',
        });
      }
      this.warnings.push(
        makeIssue({
          file: this.file,
          row: rowNumber,
          problem: 'a quoted field has text after its closing quote; kept as read',
          expected: 'a delimiter right after a closing quote',
        }),
      );
    }
    for (const record of result.data) {
      this.seen++;
      if (record.every((cell) => cell.trim() === '')) continue;
      this.records.push(record);
      this.recordNumbers.push(this.seen);
    }
  }
}

function emptyFileError(file: string): DataError {
  return new DataError({ file, problem: 'the file is empty', expected: 'a header row and at least one data row' });
}

/** Guesses whether the first record is a header by comparing it with the rows below. */
export function looksLikeHeader(records: readonly string[][]): boolean {
  const [first, ...rest] = records.slice(0, HEADER_SNIFF_ROWS + 1);
  if (!first) return false;
  let header = 0;
  let data = 0;
  first.forEach((cell, j) => {
    const below = rest.map((r) => r[j] ?? '').filter((v) => v.trim() !== '');
    if (below.length === 0) return;
    const numericBelow = below.filter((v) => parseNumber(v) !== null).length / below.length >= 0.8;
    const numericHere = parseNumber(cell) !== null;
    if (numericBelow) {
      if (numericHere) data++;
      else header++;
    } else if (below.includes(cell)) {
      data++;
    }
  });
  // Ties go to "header": most CSV files in the wild have one.
  return header >= data;
}

function headerNames(cells: readonly string[], file: string, warnings: DataIssue[]): string[] {
  const used = new Set<string>();
  return cells.map((raw, j) => {
    let name = raw.trim() || `column ${j + 1}`;
    if (used.has(name)) {
      let k = 2;
      while (used.has(`${name} (${k})`)) k++;
      warnings.push(
        makeIssue({ file, row: 1, column: name, problem: `the header repeats this name; renamed it "${name} (${k})"`, expected: 'unique column names' }),
      );
      name = `${name} (${k})`;
    }
    used.add(name);
    return name;
  });
}

function buildTable(collector: RecordCollector, file: string, options: CsvOptions): ParsedCsv {
  const { records, recordNumbers, warnings } = collector;
  if (records.length === 0) throw emptyFileError(file);
  const hasHeader = options.header === undefined || options.header === 'auto' ? looksLikeHeader(records) : options.header;
  const width = (records[0] as string[]).length;
  const columns = hasHeader
    ? headerNames(records[0] as string[], file, warnings)
    : Array.from({ length: width }, (_, j) => `column ${j + 1}`);
  const start = hasHeader ? 1 : 0;
  if (records.length === start) {
    throw new DataError({ file, row: 1, problem: 'the file has a header but no data rows', expected: 'at least one data row below the header' });
  }
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const bad: Array<{ row: number; fields: number }> = [];
  for (let i = start; i < records.length; i++) {
    let record = records[i] as string[];
    // Trailing empty fields (a trailing delimiter) are harmless; real extra data is not.
    if (record.length > width && record.slice(width).every((c) => c.trim() === '')) record = record.slice(0, width);
    if (record.length !== width) {
      bad.push({ row: recordNumbers[i] as number, fields: record.length });
      continue;
    }
    rows.push(record);
    rowNumbers.push(recordNumbers[i] as number);
  }
  if (bad.length > 0) {
    const firstBad = bad[0] as { row: number; fields: number };
    const describe = (b: { fields: number }) => `${b.fields} field${b.fields === 1 ? '' : 's'}, too ${b.fields < width ? 'few' : 'many'}`;
    const count = describe(firstBad);
    // The other kind (too many after too few, or the reverse) is named too, with its first row.
    const other = bad.find((b) => b.fields < width !== firstBad.fields < width);
    const also = other ? `; row ${other.row} has ${describe(other)}` : '';
    const parts = {
      file,
      row: firstBad.row,
      problem: `this row has ${count}${also}`,
      expected: `${width} fields separated by ${describeDelimiter(collector.delimiter)}, like the ${hasHeader ? 'header' : 'first row'}`,
      rows: bad.map((b) => b.row),
    };
    if ((options.badRows ?? 'error') === 'error') throw new DataError(parts);
    warnings.push(makeIssue({ ...parts, problem: `${bad.length} row(s) with the wrong number of fields were skipped; the first has ${count}${also}` }));
    if (rows.length === 0) throw new DataError({ ...parts, problem: 'no row has the right number of fields' });
  }
  return { table: { file, columns, rows, rowNumbers }, delimiter: collector.delimiter, hasHeader, warnings };
}

export function describeDelimiter(d: Delimiter): string {
  return d === ',' ? 'commas' : d === ';' ? 'semicolons' : 'tabs';
}

function checkOptions(o: CsvOptions): void {
  if (o.delimiter !== undefined && ![',', ';', '\t', 'auto'].includes(o.delimiter)) {
    throw new Error(`\`delimiter\` must be ",", ";", "\\t" or "auto", got ${JSON.stringify(o.delimiter)}`);
  }
  if (o.badRows !== undefined && o.badRows !== 'error' && o.badRows !== 'skip') {
    throw new Error(`\`badRows\` must be "error" or "skip", got ${JSON.stringify(o.badRows)}`);
  }
  if (o.memoryBudget !== undefined && !(o.memoryBudget > 0)) {
    throw new Error(`\`memoryBudget\` must be a positive number of bytes, got ${o.memoryBudget}`);
  }
  if (o.chunkSize !== undefined && !(Number.isInteger(o.chunkSize) && o.chunkSize > 0)) {
    throw new Error(`\`chunkSize\` must be a positive integer, got ${o.chunkSize}`);
  }
}

/** Parses a CSV from a string, bytes or a Blob/File, chunk by chunk. */
export async function parseCsv(source: TextSource, options: CsvOptions = {}): Promise<ParsedCsv> {
  checkOptions(options);
  const file = options.file ?? (typeof Blob !== 'undefined' && source instanceof Blob && 'name' in source ? String(source.name) : 'data.csv');
  if (typeof source === 'string') assertTextString(source, file);
  const size = typeof source === 'string' ? source.length : source instanceof Uint8Array ? source.length : source.size;
  checkMemory(file, size, options.memoryBudget ?? DEFAULT_CSV_BUDGET);
  const collector = new RecordCollector(file, options.delimiter ?? 'auto');
  for await (const chunk of readTextChunks(source, file, options.chunkSize)) {
    collector.push(chunk.text, chunk.last);
    options.onProgress?.({ done: chunk.done, total: chunk.total, rows: collector.records.length });
  }
  return buildTable(collector, file, options);
}

/** Parses a whole CSV text at once (no progress), synchronously. */
export function parseCsvText(text: string, options: CsvOptions = {}): ParsedCsv {
  checkOptions(options);
  const file = options.file ?? 'data.csv';
  assertTextString(text, file);
  checkMemory(file, text.length, options.memoryBudget ?? DEFAULT_CSV_BUDGET);
  const collector = new RecordCollector(file, options.delimiter ?? 'auto');
  collector.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, true);
  return buildTable(collector, file, options);
}

/** A string that holds NUL characters came from a binary file decoded as text. */
function assertTextString(text: string, file: string): void {
  const head = text.slice(0, 8192);
  if (head.includes('\u0000')) {
    throw new DataError({ file, problem: 'this is not a text file', found: 'NUL characters, so binary data', expected: 'a text CSV file (comma, semicolon or tab separated)' });
  }
  if (text.trim() === '') throw emptyFileError(file);
}
