/**
 * The worker's dataset: loading a built-in, parsing uploads (CSV, images,
 * zips) with src/data, and re-encoding a table for a new target, task or
 * split. A load that fails leaves the previous dataset loaded.
 */
import {
  DataError,
  GENERATED_BUILTINS,
  expandZips,
  hasImageExtension,
  loadBuiltin,
  loadCsv,
  loadImages,
  prepareTable,
  splitIndices,
  type EncodedDataset,
  type FileEntry,
  type ImageDecoder,
  type ColumnType,
  type ReadFile,
  type TableDatasetOptions,
  type Task,
} from '../data';
import { describeDataset, mapRows, type LoadedData } from './dataset-report';
import type { BuiltinRequest, ColumnChoice, DataChoices, DataProgress, UploadFile, UploadOptions } from './protocol';
import { makeBlobsDataset } from './blobs';

interface DataSessionOptions {
  /** Reads a packed built-in file (the worker fetches `/datasets/<file>`, tests read public/datasets). */
  readBuiltin?: ReadFile;
  /** Decodes image bytes (the worker passes `browserDecoder`). */
  decodeImage?: ImageDecoder;
  now?: () => number;
}

/** Progress is passed on at most this often (and always at the end). */
const PROGRESS_MS = 100;
const DEFAULT_SPLIT = { validation: 0.2, test: 0.1, seed: 42 };
const TABLE_EXTENSIONS = /\.(csv|tsv|txt)$/i;

function throttled(report: (p: DataProgress) => void, now: () => number): (p: DataProgress) => void {
  let last = -Infinity;
  return (p) => {
    const t = now();
    if (p.done < p.total && t - last < PROGRESS_MS) return;
    last = t;
    report(p);
  };
}

const basename = (path: string) => path.split(/[\\/]/).pop() ?? path;

const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'date', 'text', 'identifier'];

/** The earlier column choices with the new ones laid over them, checked; columns back at their defaults are left out. */
function mergeColumnChoices(names: readonly string[], before: Record<string, ColumnChoice>, changes: Record<string, ColumnChoice>): Record<string, ColumnChoice> {
  const out: Record<string, ColumnChoice> = structuredClone(before);
  for (const [name, change] of Object.entries(changes)) {
    if (!names.includes(name)) throw new Error(`\`columns\` must name columns of the table, got ${JSON.stringify(name)}`);
    if (change === null || typeof change !== 'object') throw new Error(`\`columns.${name}\` must be an object, got ${JSON.stringify(change)}`);
    if (change.use !== undefined && change.use !== 'feature' && change.use !== 'ignore') throw new Error(`\`columns.${name}.use\` must be "feature" or "ignore", got ${JSON.stringify(change.use)}`);
    if (change.type !== undefined && !COLUMN_TYPES.includes(change.type)) throw new Error(`\`columns.${name}.type\` must be one of ${COLUMN_TYPES.join(', ')}, got ${JSON.stringify(change.type)}`);
    const next: ColumnChoice = {};
    if (change.use) next.use = change.use;
    if (change.type) next.type = change.type;
    if (change.markersMissing) next.markersMissing = true;
    if (Object.keys(next).length > 0) out[name] = next;
    else delete out[name];
  }
  return out;
}

/** Column choices as the data layer's encode options. */
function encodeOptionsOf(columns: Record<string, ColumnChoice>): Pick<TableDatasetOptions, 'include' | 'exclude' | 'types' | 'markersAsMissing'> {
  const entries = Object.entries(columns);
  return {
    include: entries.filter(([, c]) => c.use === 'feature').map(([n]) => n),
    exclude: entries.filter(([, c]) => c.use === 'ignore').map(([n]) => n),
    types: Object.fromEntries(entries.filter(([, c]) => c.type).map(([n, c]) => [n, c.type!])),
    markersAsMissing: entries.filter(([, c]) => c.markersMissing).map(([n]) => n),
  };
}

export class DataSession {
  current: LoadedData | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly opts: DataSessionOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Runs loads one after another, in the order they were asked for. */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every queued load has ended. */
  settled(): Promise<unknown> {
    return this.queue;
  }

  async loadBuiltin(req: BuiltinRequest): Promise<LoadedData> {
    if (typeof req?.name !== 'string' || req.name === '') throw new Error(`\`name\` must be a built-in dataset name, got ${JSON.stringify(req?.name)}`);
    if (req.name === 'blobs') return this.replace({ dataset: makeBlobsDataset(req.seed ?? 0), source: 'builtin', builtin: { ...req } });
    const generated = GENERATED_BUILTINS.some((g) => g.name === req.name);
    if (!generated && !this.opts.readBuiltin) throw new Error('built-in datasets cannot be read here (no reader was given)');
    const read: ReadFile = this.opts.readBuiltin ?? (() => Promise.reject(new Error('no reader')));
    const toy = { ...(req.noise !== undefined ? { noise: req.noise } : {}), ...(req.n !== undefined ? { n: req.n } : {}), ...(req.seed !== undefined ? { seed: req.seed } : {}) };
    const loaded = await loadBuiltin(req.name, read, { toy });
    return this.replace({ dataset: loaded.dataset, source: 'builtin', builtin: { ...req }, ...(loaded.table ? { table: { table: loaded.table.table, report: loaded.table.report } } : {}) });
  }

  async upload(files: readonly UploadFile[], options: UploadOptions = {}, progress: (p: DataProgress) => void = () => {}): Promise<LoadedData> {
    if (!Array.isArray(files) || files.length === 0) throw new DataError({ file: 'upload', problem: 'no files were given', expected: 'a CSV file, images in class folders, or a .zip of them' });
    const entries: FileEntry[] = files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes) }));
    const report = throttled(progress, this.now);
    const tables = entries.filter((e) => TABLE_EXTENSIONS.test(e.path));
    // A selection holding images (or zips of them) is an image dataset: a stray notes.txt or
    // labels.csv beside them is ignored and listed, as inside a zip, not parsed as the table.
    const holdsImages = entries.some((e) => hasImageExtension(e.path) || /\.zip$/i.test(e.path));
    const looksTabular = !holdsImages && (tables.length > 0 || entries.length === 1);
    if (looksTabular) return this.uploadTable(tables[0] ?? entries[0]!, report);
    const size = options.imageSize ?? 28;
    const channels = options.channels ?? 1;
    if (!this.opts.decodeImage) throw new Error('images cannot be decoded here (no decoder was given)');
    const expanded = expandZips(entries);
    const source = entries.length === 1 ? basename(entries[0]!.path) : `${entries.length} files`;
    const loaded = await loadImages(expanded, {
      decode: this.opts.decodeImage,
      size,
      channels,
      source,
      onProgress: (p) => report({ phase: 'decoding', done: p.done, total: p.total, file: source }),
    });
    return this.replace({ dataset: loaded.dataset, source: 'upload', image: { ...loaded.report, size, channels } });
  }

  private async uploadTable(entry: FileEntry, progress: (p: DataProgress) => void): Promise<LoadedData> {
    const file = basename(entry.path);
    const csv = await loadCsv(entry.bytes, { file, onProgress: (p) => progress({ phase: 'parsing', done: p.done, total: p.total, file }) });
    if (!csv.target) {
      throw new DataError({ file, problem: 'no column can be the target', expected: 'at least one numeric, boolean, date or categorical column' });
    }
    progress({ phase: 'encoding', done: 0, total: 1, file });
    const dataset = prepareTable(csv.table, { target: csv.target.column, task: csv.target.task, split: DEFAULT_SPLIT, name: file }, csv.report);
    return this.replace({ dataset, source: 'upload', table: { table: csv.table, report: csv.report } });
  }

  /** A new target, task, split or column choices for the loaded data. */
  configure(choices: DataChoices): LoadedData {
    const cur = this.current;
    if (!cur) throw new Error('`configureData` needs a loaded dataset; load one first');
    const ds = cur.dataset;
    if (choices.columns !== undefined && !cur.raw) throw new Error(`\`columns\` cannot be chosen for ${ds.name}: it is not a table read from a CSV`);
    const split = {
      validation: choices.validation ?? cur.report.validationFraction,
      test: choices.test ?? cur.report.testFraction,
      seed: 42,
    };
    if (cur.raw) {
      const target = choices.target ?? cur.report.table?.target ?? '';
      const sameTarget = target === cur.report.table?.target;
      const task: Task | undefined = choices.task ?? (sameTarget ? ds.task : undefined);
      const columns = mergeColumnChoices(cur.raw.table.columns, cur.report.table?.choices ?? {}, choices.columns ?? {});
      const dataset = prepareTable(cur.raw.table, { target, ...(task ? { task } : {}), split, name: ds.name, ...encodeOptionsOf(columns) }, cur.raw.report);
      return this.replace({ dataset, source: cur.report.source, table: cur.raw, choices: columns, ...(cur.builtin ? { builtin: cur.builtin } : {}) }, cur);
    }
    if (choices.target !== undefined && choices.target !== (cur.report.table?.target ?? 'label')) {
      throw new Error(`\`target\` cannot be changed for ${ds.name}: it has one target`);
    }
    if (choices.task !== undefined && choices.task !== ds.task) throw new Error(`\`task\` must be ${ds.task} for ${ds.name}, got ${JSON.stringify(choices.task)}`);
    const labels = ds.task === 'classification' ? ds.y : undefined;
    const dataset: EncodedDataset = { ...ds, splits: splitIndices(ds.y.length, split, labels) };
    const image = cur.report.image && cur.report.source === 'upload' ? { image: { classes: cur.report.image.classes, thumbnails: cur.report.image.thumbnails, ignored: cur.report.image.ignored, skipped: cur.report.image.skipped, estimatedBytes: 0, warnings: [], size: cur.report.image.size, channels: cur.report.image.channels } } : {};
    return this.replace({ dataset, source: cur.report.source, ...(cur.builtin ? { builtin: cur.builtin } : {}), ...image }, cur);
  }

  private replace(input: Parameters<typeof describeDataset>[0], previous: LoadedData | null = null): LoadedData {
    const report = describeDataset(input);
    if (previous?.report.image && !input.image && report.image) report.image = previous.report.image;
    const loaded: LoadedData = { dataset: input.dataset, report };
    if (input.table) {
      loaded.raw = input.table;
      const map = mapRows(input.table.table, input.table.report, input.dataset);
      if (map) loaded.rowMap = map;
    }
    if (input.builtin) loaded.builtin = input.builtin;
    this.current = loaded;
    return loaded;
  }
}
