/**
 * Loading a built-in by name. The caller supplies `read(file)` for the
 * packed files: the worker fetches them from the app's own origin
 * (`datasets/<file>`), Node tests read them from disk.
 */
import { decodeMnist, type MnistOptions } from './mnist';
import { makeToy, type ToyOptions } from './toy';
import { loadTableBuiltin, type LoadedTable } from './tables';
import { GENERATED_BUILTINS, MANIFEST_FILE, parseManifest, type Manifest, type ToyName } from './manifest';
import type { EncodedDataset } from '../types';
import type { TableDatasetOptions } from '../prepare';

export type ReadFile = (file: string) => Promise<Uint8Array>;

export interface BuiltinOptions {
  mnist?: MnistOptions;
  toy?: ToyOptions;
  table?: Partial<TableDatasetOptions>;
}

export interface LoadedBuiltin {
  dataset: EncodedDataset;
  /** For tables: the report shown in the preview. */
  table?: Omit<LoadedTable, 'dataset'>;
}

export async function readManifest(read: ReadFile): Promise<Manifest> {
  return parseManifest(new TextDecoder().decode(await read(MANIFEST_FILE)));
}

/** A reader for the browser or worker: fetches `<base>/<file>` from the same origin. */
export function fetchReader(base: string, fetchFn: typeof fetch = fetch): ReadFile {
  return async (file) => {
    const url = `${base.replace(/\/$/, '')}/${file}`;
    const res = await fetchFn(url);
    if (!res.ok) throw new Error(`built-in data file ${url} could not be loaded: HTTP ${res.status}; run "npm run data" before building`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

export async function loadBuiltin(name: string, read: ReadFile, options: BuiltinOptions = {}): Promise<LoadedBuiltin> {
  if (GENERATED_BUILTINS.some((g) => g.name === name)) return { dataset: makeToy(name as ToyName, options.toy) };
  const manifest = await readManifest(read);
  const entry = manifest.datasets.find((d) => d.name === name);
  if (!entry) {
    const names = [...manifest.datasets.map((d) => d.name), ...GENERATED_BUILTINS.map((g) => g.name)];
    throw new Error(`\`name\` must be a built-in dataset (${names.map((n) => JSON.stringify(n)).join(', ')}), got ${JSON.stringify(name)}`);
  }
  if (entry.kind === 'image') {
    const [images, labels] = await Promise.all([read(entry.files.images), read(entry.files.labels)]);
    return { dataset: decodeMnist(images, labels, options.mnist, entry.files.images) };
  }
  const text = new TextDecoder().decode(await read(entry.files.table));
  const { dataset, ...table } = loadTableBuiltin(entry, text, options.table);
  return { dataset, table };
}
