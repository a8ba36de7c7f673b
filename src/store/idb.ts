/**
 * Where the runs table keeps its runs between page loads: IndexedDB when the
 * browser has it, an in-memory map when it does not (private windows, a
 * blocked or broken database, Node tests). The runs store only sees the
 * `RunsStorage` interface, so a test can hand it any fake.
 */
import type { SeriesPoint } from './state';
import type { RunEntry } from './runs';

export interface RunsStorage {
  /** 'indexeddb' or 'memory' (what the panel tells the user). */
  readonly kind: string;
  /** Every stored run, in no particular order; records it cannot read are skipped. */
  loadAll(): Promise<RunEntry[]>;
  /** Stores a snapshot of the run as it is now (later changes to `run` are not seen). */
  put(run: RunEntry): Promise<void>;
  remove(id: string): Promise<void>;
}

/** Bumped when the stored shape changes; older records are dropped rather than misread. */
const STORED_RUN_VERSION = 1;

/**
 * A run as stored: series as parallel typed arrays. Structured-cloning
 * 100,000 `{step, value}` objects costs tens of milliseconds of main-thread
 * time (a long task); cloning two Float64Arrays of the same data is a copy.
 */
interface StoredRun extends Omit<RunEntry, 'series'> {
  v: number;
  series: Record<string, { steps: Float64Array; values: Float64Array }>;
}

export function encodeRun(run: RunEntry): StoredRun {
  const series: StoredRun['series'] = {};
  for (const [name, points] of Object.entries(run.series)) {
    const steps = new Float64Array(points.length);
    const values = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) {
      steps[i] = points[i]!.step;
      values[i] = points[i]!.value;
    }
    series[name] = { steps, values };
  }
  return { ...run, v: STORED_RUN_VERSION, series };
}

/** The run back from its stored form, or null when the record is not one this version can read. */
export function decodeRun(stored: unknown): RunEntry | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const s = stored as Partial<StoredRun>;
  if (s.v !== STORED_RUN_VERSION || typeof s.id !== 'string' || typeof s.series !== 'object' || s.series === null) return null;
  const series: Record<string, SeriesPoint[]> = {};
  for (const [name, col] of Object.entries(s.series)) {
    if (!(col?.steps instanceof Float64Array) || !(col.values instanceof Float64Array) || col.steps.length !== col.values.length) return null;
    const points: SeriesPoint[] = new Array(col.steps.length);
    for (let i = 0; i < col.steps.length; i++) points[i] = { step: col.steps[i]!, value: col.values[i]! };
    series[name] = points;
  }
  const { v: _v, ...rest } = s as StoredRun;
  return { ...rest, series };
}

/** Keeps encoded snapshots in a Map: the fallback when IndexedDB is unavailable, and a fake for tests. */
export function memoryStorage(): RunsStorage & { readonly records: Map<string, StoredRun> } {
  const records = new Map<string, StoredRun>();
  return {
    kind: 'memory',
    records,
    async loadAll() {
      return [...records.values()].map(decodeRun).filter((r): r is RunEntry => r !== null);
    },
    async put(run) {
      records.set(run.id, encodeRun(run));
    },
    async remove(id) {
      records.delete(id);
    },
  };
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

interface IndexedDbOptions {
  factory?: IDBFactory;
  dbName?: string;
  storeName?: string;
  /** Give up opening after this long (another tab can block an upgrade indefinitely). */
  openTimeoutMs?: number;
}

/** Opens (creating when needed) the runs object store; rejects when IndexedDB is missing or refuses. */
async function openIndexedDbStorage(options: IndexedDbOptions = {}): Promise<RunsStorage> {
  const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const dbName = options.dbName ?? 'volt-studio';
  const storeName = options.storeName ?? 'runs';
  if (!factory) throw new Error('IndexedDB is not available in this browser');
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`opening IndexedDB "${dbName}" timed out`)), options.openTimeoutMs ?? 3000);
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(dbName, 1);
    } catch (err) {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(storeName)) req.result.createObjectStore(storeName, { keyPath: 'id' });
    };
    req.onsuccess = () => {
      clearTimeout(timer);
      resolve(req.result);
    };
    req.onerror = () => {
      clearTimeout(timer);
      reject(req.error ?? new Error(`opening IndexedDB "${dbName}" failed`));
    };
    req.onblocked = () => {
      clearTimeout(timer);
      reject(new Error(`opening IndexedDB "${dbName}" is blocked by another tab`));
    };
  });
  return {
    kind: 'indexeddb',
    async loadAll() {
      const tx = db.transaction(storeName, 'readonly');
      const all = await promised(tx.objectStore(storeName).getAll());
      return all.map(decodeRun).filter((r): r is RunEntry => r !== null);
    },
    async put(run) {
      const tx = db.transaction(storeName, 'readwrite');
      tx.objectStore(storeName).put(encodeRun(run));
      await done(tx);
    },
    async remove(id) {
      const tx = db.transaction(storeName, 'readwrite');
      tx.objectStore(storeName).delete(id);
      await done(tx);
    },
  };
}

/** IndexedDB when it opens, else the in-memory fallback with the reason (shown on the page). */
export async function createRunsStorage(options: IndexedDbOptions = {}): Promise<{ storage: RunsStorage; fallbackReason: string | null }> {
  try {
    return { storage: await openIndexedDbStorage(options), fallbackReason: null };
  } catch (err) {
    return { storage: memoryStorage(), fallbackReason: err instanceof Error ? err.message : String(err) };
  }
}
