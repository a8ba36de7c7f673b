/**
 * A loaded dataset → the plain report the Data step shows (and the raw-row
 * map the evaluation uses to show table rows). Generated sets get a table
 * built from their points, so every table looks the same on the page.
 */
import {
  buildReport,
  datasetThumbnails,
  type EncodedDataset,
  type ImageReport,
  type RawTable,
  type TableReport,
} from '../data';
import { isMissing, isMissingIn } from '../data/csv/cells';
import { readNumbers } from '../data/csv/infer';
import type { BuiltinRequest, ColumnChoice, DatasetReport } from './protocol';

/** What the worker keeps about the loaded dataset. */
export interface LoadedData {
  dataset: EncodedDataset;
  report: DatasetReport;
  /** Tables: the rows as read, so a new target or split can be encoded again. */
  raw?: { table: RawTable; report: TableReport };
  /** Tables: dataset row → row of `raw.table` (rows without a target are left out of the dataset). */
  rowMap?: Int32Array;
  builtin?: BuiltinRequest;
}

function classBalance(ds: EncodedDataset): DatasetReport['classBalance'] {
  if (ds.task !== 'classification') return [];
  const counts = new Array<number>(ds.labelNames.length).fill(0);
  for (let i = 0; i < ds.y.length; i++) counts[ds.y[i] as number]! += 1;
  return ds.labelNames.map((value, k) => ({ value, count: counts[k]! })).sort((a, b) => b.count - a.count);
}

/** The raw row behind each dataset row: the same rows `prepareTable` keeps (those with a usable target). */
export function mapRows(table: RawTable, report: TableReport, ds: EncodedDataset): Int32Array | undefined {
  const spec = ds.spec;
  if (spec.kind !== 'table' || !spec.target) return undefined;
  const column = spec.target.column;
  const j = table.columns.indexOf(column);
  const info = report.columns.find((c) => c.name === column);
  if (j < 0 || !info) return undefined;
  const cells = table.rows.map((r) => r[j] ?? '');
  const numbers = ds.task === 'regression' ? readNumbers({ ...info, type: info.type === 'date' ? 'date' : 'numeric' }, cells) : null;
  const kept: number[] = [];
  cells.forEach((c, i) => {
    const missing = spec.target!.task === 'classification' ? isMissingIn(c, spec.target!.missing) : isMissing(c);
    if (!missing && !(numbers && Number.isNaN(numbers[i]))) kept.push(i);
  });
  return kept.length === ds.y.length ? Int32Array.from(kept) : undefined;
}

/** A table of a generated set's points, for the preview and the evaluation's rows. */
function pointsTable(ds: EncodedDataset): RawTable {
  const spec = ds.spec.kind === 'table' ? ds.spec : null;
  const width = ds.inputShape.reduce((a, b) => a * b, 1);
  const features = spec?.featureNames.length === width ? spec.featureNames : Array.from({ length: width }, (_, k) => `x${k + 1}`);
  const target = spec?.target?.column ?? 'label';
  const rows: string[][] = [];
  for (let i = 0; i < ds.y.length; i++) {
    const row = Array.from(ds.x.subarray(i * width, (i + 1) * width), (v) => String(Number(v.toPrecision(4))));
    const y = ds.y[i] as number;
    row.push(ds.task === 'classification' ? (ds.labelNames[y] ?? String(y)) : String(Number(y.toPrecision(4))));
    rows.push(row);
  }
  return { file: ds.name, columns: [...features, target], rows, rowNumbers: rows.map((_, i) => i + 2) };
}

function splitFractions(ds: EncodedDataset): { validationFraction: number; testFraction: number } {
  const n = Math.max(1, ds.y.length);
  return { validationFraction: ds.splits.validation.length / n, testFraction: ds.splits.test.length / n };
}

interface ReportInput {
  dataset: EncodedDataset;
  source: 'builtin' | 'upload';
  builtin?: BuiltinRequest;
  table?: { table: RawTable; report: TableReport };
  image?: ImageReport & { size: number; channels: number };
  /** The user's column choices the table was encoded with. */
  choices?: Record<string, ColumnChoice>;
}

export function describeDataset(input: ReportInput): DatasetReport {
  const ds = input.dataset;
  const report: DatasetReport = {
    name: ds.name,
    source: input.source,
    kind: ds.inputShape.length === 3 ? 'image' : 'table',
    task: ds.task,
    inputShape: [...ds.inputShape],
    rows: ds.y.length,
    labelNames: [...ds.labelNames],
    splits: { train: ds.splits.train.length, validation: ds.splits.validation.length, test: ds.splits.test.length },
    classBalance: classBalance(ds),
    ...splitFractions(ds),
    warnings: ds.warnings.map((w) => w.message),
  };
  if (input.builtin) report.builtin = { ...input.builtin };
  if (ds.spec.kind === 'table') {
    const spec = ds.spec;
    const t = input.table ?? { table: pointsTable(ds), report: buildReport(pointsTable(ds)) };
    report.table = {
      columns: t.report.columns,
      preview: t.report.preview,
      target: spec.target?.column ?? '',
      featureNames: [...spec.featureNames],
      inputs: spec.features.map((f) => (f.kind === 'categorical' ? { column: f.column, kind: 'categorical' as const, categories: [...f.categories] } : { column: f.column, kind: 'numeric' as const, read: f.read })),
      dropped: spec.dropped.map((d) => ({ ...d })),
      notes: [...spec.notes],
      choices: structuredClone(input.choices ?? {}),
    };
  } else if (input.image) {
    const im = input.image;
    report.image = { classes: im.classes, thumbnails: im.thumbnails, ignored: im.ignored, skipped: im.skipped, size: im.size, channels: im.channels };
  } else {
    const [size, , channels] = ds.inputShape as [number, number, number];
    const counts = new Map(report.classBalance.map((c) => [c.value, c.count]));
    report.image = {
      classes: ds.labelNames.map((name) => ({ name, count: counts.get(name) ?? 0 })),
      thumbnails: datasetThumbnails(ds, 4),
      ignored: [],
      skipped: [],
      size,
      channels,
    };
  }
  return report;
}
