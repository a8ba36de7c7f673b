/** Parse + report in one call: what the worker does when a CSV is dropped in. */
import type { DataIssue } from '../errors';
import { parseCsv, type CsvOptions, type Delimiter } from './parse';
import { buildReport, defaultTarget, summariseTarget, type TableReport, type TargetSummary } from './report';
import type { TextSource } from './text';
import type { RawTable } from '../types';

export interface LoadedCsv {
  table: RawTable;
  report: TableReport;
  delimiter: Delimiter;
  hasHeader: boolean;
  /** The suggested target (last usable column) and its summary, if any. */
  target: TargetSummary | null;
  warnings: DataIssue[];
}

export async function loadCsv(source: TextSource, options: CsvOptions = {}): Promise<LoadedCsv> {
  const parsed = await parseCsv(source, options);
  const report = buildReport(parsed.table, parsed.warnings);
  const name = defaultTarget(report);
  return {
    table: parsed.table,
    report,
    delimiter: parsed.delimiter,
    hasHeader: parsed.hasHeader,
    target: name === undefined ? null : summariseTarget(parsed.table, report, name),
    warnings: report.warnings,
  };
}
