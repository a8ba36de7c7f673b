/**
 * From a parsed table and the user's choices to an encoded dataset: checks
 * the target, drops rows without one, splits (stratified for
 * classification), fits the spec on the training rows and encodes all rows.
 */
import { DataError, formatBytes, makeIssue, quoteValue, type DataIssue } from './errors';
import type { EncodedDataset, RawTable, Task } from './types';
import { isMissing, isMissingIn } from './csv/cells';
import { readNumbers, readsMarkersAsMissing, type ColumnInfo } from './csv/infer';
import { buildReport, columnCells, defaultTask, type TableReport } from './csv/report';
import { fitPreprocessing, missingWordsOf, sortClasses, type EncodeOptions } from './encode/fit';
import { applyPreprocessing } from './encode/apply';
import { splitIndices, type SplitOptions } from './split';

export interface TableDatasetOptions extends EncodeOptions {
  target: string;
  /** Default { validation: 0.2, test: 0.1, seed: 42 }, stratified for classification. */
  split?: SplitOptions;
  /** Dataset name (default: the file name). */
  name?: string;
  /** Refuse when the encoded features would exceed this many bytes (default 1 GiB). */
  memoryBudget?: number;
}

export const DEFAULT_SPLIT: SplitOptions = { validation: 0.2, test: 0.1, seed: 42 };

/** Classification needs on average this many rows per class, or the target is likely an id or a number. */
const MIN_ROWS_PER_CLASS = 2;

function keptRows(table: RawTable, info: ColumnInfo, task: Task, words: readonly string[], file: string, warnings: DataIssue[]): number[] {
  const j = table.columns.indexOf(info.name);
  const cells = columnCells(table, j);
  const numbers = task === 'regression' ? readNumbers({ ...info, type: info.type === 'date' ? 'date' : 'numeric' }, cells) : null;
  const dropped: number[] = [];
  const kept: number[] = [];
  const why = new Map<string, number>();
  cells.forEach((cell, i) => {
    const bad = (task === 'regression' ? isMissing(cell) : isMissingIn(cell, words)) || (numbers !== null && Number.isNaN(numbers[i]));
    if (bad) {
      dropped.push(table.rowNumbers[i] as number);
      const literal = cell.trim();
      why.set(literal, (why.get(literal) ?? 0) + 1);
    } else kept.push(i);
  });
  if (numbers && kept.length === 0 && dropped.length > 0) {
    const first = cells.findIndex((c) => !isMissing(c));
    throw new DataError({
      file,
      column: info.name,
      row: table.rowNumbers[Math.max(first, 0)],
      problem: 'the target has no numeric values, so it cannot be a regression target',
      found: first >= 0 ? quoteValue(cells[first] as string) : 'only missing cells',
      expected: 'numbers in the target column, or the classification task',
    });
  }
  if (dropped.length > 0) {
    warnings.push(
      makeIssue({
        file,
        row: dropped[0],
        column: info.name,
        problem: `${dropped.length} row(s) have no usable target value (${tokenCounts(why)}) and were left out`,
        expected: task === 'regression' ? 'a number in every row' : 'a class in every row',
        rows: dropped,
      }),
    );
  }
  return kept;
}

/** "empty ×3, "NA" ×9": the literal cells behind a count, most frequent first. */
function tokenCounts(counts: ReadonlyMap<string, number>, max = 5): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, max).map(([v, n]) => `${v === '' ? 'empty' : quoteValue(v)} ×${n}`);
  if (sorted.length > max) shown.push(`${sorted.length - max} other value(s)`);
  return shown.join(', ');
}

/**
 * One note per used column holding missing-value words: which literal words
 * were read as missing and how often, or that they were kept as categories
 * (and how to change that).
 */
function markerWarnings(file: string, infos: readonly ColumnInfo[], used: ReadonlySet<string>, o: TableDatasetOptions): DataIssue[] {
  const out: DataIssue[] = [];
  for (const info of infos) {
    if (!used.has(info.name) || !info.markers?.length) continue;
    const type = o.types?.[info.name] ?? info.type;
    const words = info.markers.map((m) => `${quoteValue(m.value)} ×${m.count}`).join(', ');
    const total = info.markers.reduce((n, m) => n + m.count, 0);
    if (readsMarkersAsMissing(type, o.markersAsMissing?.includes(info.name))) {
      out.push(makeIssue({ file, column: info.name, problem: `${total} cell(s) read as missing: ${words}`, expected: `a ${type === 'categorical' ? 'category' : type === 'date' ? 'date' : type === 'boolean' ? 'yes/no value' : 'number'}, or a blank cell for a missing one` }));
    } else {
      out.push(
        makeIssue({
          file,
          column: info.name,
          problem: `${words} kept as ${info.markers.length === 1 ? 'a category' : 'categories'}, not as missing values (choose "words are missing" for the column to change that)`,
          expected: 'a category in every row; blank cells are missing',
        }),
      );
    }
  }
  return out;
}

function checkClasses(labels: string[], column: string, file: string, warnings: DataIssue[]): void {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  if (counts.size < 2) {
    throw new DataError({
      file,
      column,
      problem: 'the target has only one class',
      found: labels.length ? quoteValue(labels[0] as string) : 'no values',
      expected: 'at least two different values to tell apart',
    });
  }
  const maxClasses = Math.floor(labels.length / MIN_ROWS_PER_CLASS);
  if (counts.size > maxClasses) {
    throw new DataError({
      file,
      column,
      problem: `the target has ${counts.size} classes for ${labels.length} rows, too many to learn`,
      expected: `at most ${maxClasses} classes (${MIN_ROWS_PER_CLASS} rows per class on average); for a numeric target choose regression`,
    });
  }
  const single = [...counts].filter(([, n]) => n === 1).map(([c]) => c);
  if (single.length > 0) {
    warnings.push(
      makeIssue({
        file,
        column,
        problem: `${single.length} class(es) have a single row, so they cannot appear in both training and validation`,
        found: single.slice(0, 5).map((c) => quoteValue(c)).join(', '),
        expected: 'at least two rows per class',
      }),
    );
  }
}

/** Builds an encoded, split dataset from a table and the user's choices. */
export function prepareTable(table: RawTable, options: TableDatasetOptions, report: TableReport = buildReport(table)): EncodedDataset {
  const file = table.file;
  const info = report.columns.find((c) => c.name === options.target);
  if (!info) {
    throw new Error(`\`target\` must be one of the columns (${table.columns.map((c) => JSON.stringify(c)).join(', ')}), got ${JSON.stringify(options.target)}`);
  }
  const targetType = options.types?.[info.name];
  const targetInfo = targetType ? { ...info, type: targetType } : info;
  const task = options.task ?? defaultTask(targetInfo);
  if (task !== 'classification' && task !== 'regression') throw new Error(`\`task\` must be "classification" or "regression", got ${JSON.stringify(task)}`);
  const warnings: DataIssue[] = [...report.warnings];
  const kept = keptRows(table, targetInfo, task, missingWordsOf(targetInfo, options), file, warnings);
  const sub: RawTable = {
    file,
    columns: table.columns,
    rows: kept.map((i) => table.rows[i] as string[]),
    rowNumbers: kept.map((i) => table.rowNumbers[i] as number),
  };
  const t = table.columns.indexOf(info.name);
  let labels: Int32Array | undefined;
  if (task === 'classification') {
    const names = sub.rows.map((r) => (r[t] as string).trim());
    checkClasses(names, info.name, file, warnings);
    const index = new Map(sortClasses(names).map((c, k) => [c, k]));
    labels = Int32Array.from(names, (n) => index.get(n) as number);
  }
  const columns = kept.length === table.rows.length ? report.columns : buildReport(sub).columns;
  const splits = splitIndices(sub.rows.length, options.split ?? DEFAULT_SPLIT, labels);
  const spec = fitPreprocessing(sub, { ...options, task, columns }, splits.train);
  if (spec.features.length === 0) {
    throw new DataError({
      file,
      problem: 'no column can be used as a feature',
      found: spec.dropped.map((d) => `"${d.column}": ${d.reason}`).join('; ') || 'only the target column',
      expected: 'at least one numeric, boolean, date or categorical column besides the target',
    });
  }
  warnings.push(...markerWarnings(file, columns, new Set([info.name, ...spec.features.map((f) => f.column)]), options));
  const bytes = sub.rows.length * spec.featureNames.length * Float32Array.BYTES_PER_ELEMENT;
  const budget = options.memoryBudget ?? 1024 ** 3;
  if (bytes > budget) {
    throw new DataError({
      file,
      problem: `encoding ${sub.rows.length} rows into ${spec.featureNames.length} features would need about ${formatBytes(bytes)}`,
      expected: `at most ${formatBytes(budget)}; leave out wide categorical columns or lower \`maxCategories\``,
    });
  }
  const encoded = applyPreprocessing(spec, sub.rows);
  return {
    name: options.name ?? file,
    task,
    inputShape: [encoded.width],
    x: encoded.x,
    y: encoded.y as Int32Array | Float32Array,
    labelNames: spec.target?.task === 'classification' ? spec.target.classes : [],
    splits,
    spec,
    warnings,
  };
}
