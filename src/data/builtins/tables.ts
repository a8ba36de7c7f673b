/**
 * Built-in tables (Iris, penguins, cars) go through the same CSV pipeline as
 * an upload, so the one-click path also exercises parsing and encoding.
 */
import { parseCsvText } from '../csv/parse';
import { buildReport, type TableReport } from '../csv/report';
import { prepareTable, DEFAULT_SPLIT, type TableDatasetOptions } from '../prepare';
import type { EncodedDataset, RawTable } from '../types';
import type { TableBuiltin } from './manifest';

export interface LoadedTable {
  table: RawTable;
  report: TableReport;
  dataset: EncodedDataset;
}

/** Builds a built-in table's dataset from its CSV text; `options` may change target, task, split. */
export function loadTableBuiltin(entry: TableBuiltin, text: string, options: Partial<TableDatasetOptions> = {}): LoadedTable {
  const parsed = parseCsvText(text, { file: entry.files.table, header: true });
  const report = buildReport(parsed.table, parsed.warnings);
  const dataset = prepareTable(
    parsed.table,
    { target: entry.target, task: entry.task, split: DEFAULT_SPLIT, name: entry.name, ...options },
    report,
  );
  return { table: parsed.table, report, dataset };
}
