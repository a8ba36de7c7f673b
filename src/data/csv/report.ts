/**
 * The preview a person sees after loading a table: first rows, per-column
 * type and statistics, warnings, and the target's class balance.
 */
import type { DataIssue } from '../errors';
import type { RawTable, Task } from '../types';
import { isMissingIn } from './cells';
import { countValues, inferColumn, invalidCellsWarning, type CategoryCount, type ColumnInfo, type NumericSummary } from './infer';

export interface TableReport {
  file: string;
  rows: number;
  columns: ColumnInfo[];
  /** The first rows as read (plain strings: render as text, never as HTML). */
  preview: string[][];
  warnings: DataIssue[];
}

export interface TargetSummary {
  column: string;
  /** The sensible default task for this column. */
  task: Task;
  /** Every class with its row count, most frequent first (classification). */
  classBalance?: CategoryCount[];
  /** Regression targets. */
  summary?: NumericSummary;
  /** Rows with no target value (they are dropped when the dataset is built). */
  missing: number;
}

/** Integer targets with at most this many distinct values default to classification. */
const MAX_INTEGER_CLASSES = 10;
const PREVIEW_ROWS = 10;

export function columnCells(table: RawTable, column: number): string[] {
  return table.rows.map((r) => r[column] ?? '');
}

export function buildReport(table: RawTable, warnings: readonly DataIssue[] = [], previewRows = PREVIEW_ROWS): TableReport {
  const all = [...warnings];
  const columns = table.columns.map((name, j) => {
    const cells = columnCells(table, j);
    const info = inferColumn(name, cells, table.rowNumbers);
    const warning = invalidCellsWarning(table.file, info, cells, table.rowNumbers);
    if (warning) all.push(warning);
    return info;
  });
  return { file: table.file, rows: table.rows.length, columns, preview: table.rows.slice(0, previewRows).map((r) => [...r]), warnings: all };
}

export function defaultTask(info: ColumnInfo): Task {
  if (info.type === 'numeric') return info.integer && info.unique <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
  if (info.type === 'date') return 'regression';
  return 'classification';
}

/** Most classes a column may have to be a default classification target. */
const MAX_DEFAULT_CLASSES = 50;

/** A column that makes a sensible target as it is: a regression column, or classes with several rows each. */
function goodTarget(c: ColumnInfo, rows: number): boolean {
  if (defaultTask(c) === 'regression') return true;
  return c.unique >= 2 && c.unique <= MAX_DEFAULT_CLASSES && c.unique * 5 <= rows && (c.singles ?? 0) === 0;
}

/**
 * The default target: the last column (the usual place of the label) when it
 * makes a sensible target; otherwise the last categorical column with few
 * classes of several rows each; otherwise the last column that is not free
 * text or an identifier.
 */
export function defaultTarget(report: TableReport): string | undefined {
  const usable = report.columns.filter((c) => !c.excludedReason);
  const last = usable[usable.length - 1];
  if (!last || goodTarget(last, report.rows)) return last?.name;
  const classes = usable.filter((c) => defaultTask(c) === 'classification' && goodTarget(c, report.rows));
  return (classes[classes.length - 1] ?? last).name;
}

export function findColumn(report: Pick<TableReport, 'columns'>, name: string): ColumnInfo | undefined {
  return report.columns.find((c) => c.name === name);
}

export function summariseTarget(table: RawTable, report: TableReport, column: string, task?: Task): TargetSummary {
  const j = table.columns.indexOf(column);
  const info = findColumn(report, column);
  if (j < 0 || !info) {
    throw new Error(`\`target\` must be one of the columns (${table.columns.map((c) => JSON.stringify(c)).join(', ')}), got ${JSON.stringify(column)}`);
  }
  const chosen = task ?? defaultTask(info);
  const result: TargetSummary = { column, task: chosen, missing: info.missing };
  if (chosen === 'classification') {
    // Class names as the dataset reads them: a word such as "None" is a class of a categorical target.
    const words = info.markersMissing === false ? [] : undefined;
    const present = columnCells(table, j).filter((c) => !isMissingIn(c, words)).map((c) => c.trim());
    result.classBalance = [...countValues(present)].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
  } else if (info.summary) {
    result.summary = info.summary;
  }
  return result;
}
