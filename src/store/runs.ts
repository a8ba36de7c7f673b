/**
 * The runs table's store: every run of this page (and of earlier loads, from
 * IndexedDB) with its config, backend, full metric history and outcome.
 *
 * It is a store of its own that follows the main store through
 * `subscribe`, so the main store and the worker client know nothing of it: a
 * new `runId` begins a record, status/backend/result/error changes update it,
 * and the metric series are copied in (throttled while the run trains, at
 * once when it ends). Writes to storage are asynchronous and throttled: at
 * most every `persistMs` while a run trains, and right after it ends.
 */
import { create } from 'zustand';
import { ACTIVE_STATUSES, type BackendReport, type RunConfig, type RunStatus, type SerializedError } from '../worker/protocol';
import { createRunsStorage, type RunsStorage } from './idb';
import { selectLatest, useStore, type SeriesPoint, type VoltState } from './state';

export interface RunEntry {
  /** Unique across page loads (the main store's run ids restart at `run-1` on every load). */
  id: string;
  /** What the table shows: #1, #2, ... in start order. */
  number: number;
  /** The main store's id of the run while it was current. */
  sourceRunId: string;
  /** The run's config as the main store had it (null only until the store sets one). */
  config: RunConfig | null;
  backend: BackendReport | null;
  status: RunStatus;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Null while the run is active (and for a run a reload interrupted). */
  durationMs: number | null;
  /** The run's result metrics; for a run without a result, the last finite value of each series. */
  finalMetrics: Record<string, number>;
  /** Every logged point, per metric name, in step order. */
  series: Record<string, SeriesPoint[]>;
  error: SerializedError | null;
  /** Set on a run that was still active when the page it ran in went away. */
  interrupted?: boolean;
  /** Mean wall time per training epoch and of its phases, over the epochs that ended (absent before the first). */
  epochTiming?: { epochs: number; epochMs: number; trainMs: number; validationMs: number };
}

export type SortDir = 'asc' | 'desc';

interface RunsState {
  /** Oldest first. */
  runs: RunEntry[];
  /** Ids of the runs whose curves the overlay draws. */
  selected: string[];
  /** A column id of the table (see ui/runs/columns.ts) and its direction. */
  sort: { column: string; dir: SortDir };
  /** The metric the overlay draws; null picks a default (train loss when there is one). */
  overlayMetric: string | null;
  /** 'indexeddb' or 'memory' once storage is open; null before. */
  storageKind: string | null;
  /** Why runs will not survive a reload (or why a write failed); null when all is well. */
  storageNote: string | null;
  loaded: boolean;
}

function initialRunsState(): RunsState {
  return { runs: [], selected: [], sort: { column: 'number', dir: 'asc' }, overlayMetric: null, storageKind: null, storageNote: null, loaded: false };
}

export const useRunsStore = create<RunsState>()(() => initialRunsState());

/** The part of the main store that the runs store reads. */
export type FollowedState = Pick<VoltState, 'runId' | 'status' | 'config' | 'backend' | 'series' | 'result' | 'error'> & Partial<Pick<VoltState, 'monitor'>>;

interface FollowedStore {
  getState(): FollowedState;
  subscribe(listener: (state: FollowedState, prev: FollowedState) => void): () => void;
}

const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'stopped', 'failed'];

interface RunsOptions {
  /** The store to follow (the studio's main store by default). */
  source?: FollowedStore;
  /** Where runs persist; by default IndexedDB, or memory when it is unavailable. */
  storage?: RunsStorage;
  /** Copy the live run's series into this store at most this often (ms). */
  syncMs?: number;
  /** Write a training run to storage at most this often (ms). */
  persistMs?: number;
  /** Delay of the write after a run ends, so its last status, result and metrics go in one write (ms). */
  endPersistMs?: number;
  now?: () => number;
}

export interface RunsHandle {
  /** Resolves once stored runs are loaded (or storage failed and memory is used). */
  readonly ready: Promise<void>;
  /** Writes every pending change now; resolves when storage has them. */
  flush(): Promise<void>;
  /** Stops following and writing (pending changes are dropped). */
  dispose(): void;
}

function finiteLatest(latest: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(latest).filter(([, v]) => Number.isFinite(v)));
}

function patchRun(id: string, patch: Partial<RunEntry>): void {
  useRunsStore.setState((st) => ({ runs: st.runs.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
}

function findRun(id: string): RunEntry | undefined {
  return useRunsStore.getState().runs.find((r) => r.id === id);
}

/**
 * Runs `fn` when the main thread is idle (within a second), so encoding and
 * structured-cloning a run into IndexedDB does not land in the same task as a
 * chart redraw; straight away where there is no requestIdleCallback (Node).
 */
function whenIdle(fn: () => void): void {
  const ric = (globalThis as { requestIdleCallback?: (cb: () => void, opts?: { timeout: number }) => number }).requestIdleCallback;
  if (ric) ric(fn, { timeout: 1000 });
  else fn();
}

class Follower {
  private current: { entryId: string; sourceRunId: string } | null = null;
  private storage: RunsStorage | null = null;
  private readonly dirty = new Set<string>();
  private syncTimer: ReturnType<typeof setTimeout> | null = null;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  private persistDueAt = Infinity;
  private lastPersistAt = -Infinity;
  /** Storage operations run one after another, so a delete never overtakes a put of the same run. */
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private readonly syncMs: number;
  private readonly persistMs: number;
  private readonly endPersistMs: number;
  private disposed = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly source: FollowedStore,
    storage: Promise<{ storage: RunsStorage; fallbackReason: string | null }>,
    options: RunsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.syncMs = options.syncMs ?? 500;
    this.persistMs = options.persistMs ?? 3000;
    this.endPersistMs = options.endPersistMs ?? 100;
    this.unsubscribe = source.subscribe(this.onChange);
    // A run already under way when following starts is recorded too.
    const s = source.getState();
    if (s.runId !== null && s.status !== 'idle') this.begin(s);
    this.ready = this.load(storage);
  }

  private async load(opening: Promise<{ storage: RunsStorage; fallbackReason: string | null }>): Promise<void> {
    const { storage, fallbackReason } = await opening;
    let stored: RunEntry[] = [];
    let note = fallbackReason ? `Runs are kept for this page only (${fallbackReason}).` : null;
    try {
      stored = await storage.loadAll();
    } catch (err) {
      note = `Stored runs could not be read (${err instanceof Error ? err.message : String(err)}).`;
    }
    if (this.disposed) return;
    // Marked in memory only: another tab may still be running it and will write its own record.
    const restored = stored
      .map((r) => (ACTIVE_STATUSES.includes(r.status) || r.status === 'idle' ? { ...r, status: 'stopped' as const, interrupted: true } : r))
      .sort((a, b) => a.startedAt - b.startedAt);
    const storedIds = new Set(restored.map((r) => r.id));
    this.storage = storage;
    let sessionRuns: RunEntry[] = [];
    useRunsStore.setState((st) => {
      let n = restored.reduce((m, r) => Math.max(m, r.number), 0);
      sessionRuns = st.runs.filter((r) => !storedIds.has(r.id)).map((r) => ({ ...r, number: ++n }));
      return { runs: [...restored, ...sessionRuns], loaded: true, storageKind: storage.kind, storageNote: note };
    });
    for (const r of sessionRuns) this.markDirty(r.id, 'soon');
  }

  private readonly onChange = (s: FollowedState, prev: FollowedState): void => {
    if (this.disposed) return;
    if (s.runId !== prev.runId) {
      if (this.current) this.update(prev, true);
      this.current = null;
      if (s.runId !== null) this.begin(s);
      return;
    }
    if (!this.current || s.runId !== this.current.sourceRunId) return;
    const metaChanged = s.status !== prev.status || s.backend !== prev.backend || s.result !== prev.result || s.error !== prev.error || s.config !== prev.config || s.monitor?.epochs !== prev.monitor?.epochs;
    const seriesChanged = s.series !== prev.series;
    if (!metaChanged && !seriesChanged) return;
    if (TERMINAL_STATUSES.includes(s.status)) {
      this.update(s, true);
    } else {
      if (metaChanged) {
        patchRun(this.current.entryId, this.meta(s));
        this.markDirty(this.current.entryId, 'throttled');
      }
      if (seriesChanged) this.scheduleSync();
    }
  };

  private begin(s: FollowedState): void {
    const startedAt = this.now();
    const runs = useRunsStore.getState().runs;
    const entry: RunEntry = {
      id: `${s.runId}-${startedAt.toString(36)}`,
      number: runs.reduce((m, r) => Math.max(m, r.number), 0) + 1,
      sourceRunId: s.runId!,
      config: s.config,
      backend: s.backend,
      status: s.status,
      startedAt,
      durationMs: null,
      finalMetrics: {},
      series: {},
      error: s.error,
    };
    this.current = { entryId: entry.id, sourceRunId: entry.sourceRunId };
    useRunsStore.setState({ runs: [...runs, entry] });
    this.update(s, false);
    this.markDirty(entry.id, 'throttled');
  }

  private meta(s: FollowedState): Partial<RunEntry> {
    const entry = this.current && findRun(this.current.entryId);
    const ended = TERMINAL_STATUSES.includes(s.status);
    const patch: Partial<RunEntry> = { status: s.status, backend: s.backend, error: s.error, config: s.config ?? entry?.config ?? null };
    const epochs = s.monitor?.epochs ?? [];
    if (epochs.length > 0) {
      const mean = (f: (e: (typeof epochs)[number]) => number) => epochs.reduce((a, e) => a + f(e), 0) / epochs.length;
      patch.epochTiming = { epochs: epochs.length, epochMs: mean((e) => e.epochMs), trainMs: mean((e) => e.trainMs), validationMs: mean((e) => e.validationMs) };
    }
    if (ended && entry) {
      patch.durationMs = s.result?.durationMs ?? entry.durationMs ?? this.now() - entry.startedAt;
      patch.finalMetrics = s.result ? { ...s.result.metrics } : finiteLatest(selectLatest(s));
    }
    return patch;
  }

  /** Copies the new points of every series and the run's metadata; `final` also writes it soon. */
  private update(s: FollowedState, final: boolean): void {
    const cur = this.current;
    const entry = cur && findRun(cur.entryId);
    if (!cur || !entry) return;
    const series = { ...entry.series };
    for (const [name, src] of Object.entries(s.series)) {
      const mine = series[name];
      // Appending only the new points keeps a sync O(new points), whether the
      // main store replaces its arrays or grows them in place.
      if (!mine || src.length < mine.length) series[name] = src.slice();
      else for (let i = mine.length; i < src.length; i++) mine.push(src[i]!);
    }
    patchRun(cur.entryId, { ...this.meta(s), series });
    if (final) this.markDirty(cur.entryId, 'soon');
  }

  private scheduleSync(): void {
    if (this.syncTimer !== null) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      if (this.disposed || !this.current) return;
      const s = this.source.getState();
      if (s.runId !== this.current.sourceRunId) return;
      this.update(s, false);
      this.markDirty(this.current.entryId, 'throttled');
    }, this.syncMs);
  }

  markDirty(id: string, urgency: 'soon' | 'throttled'): void {
    this.dirty.add(id);
    const t = this.now();
    const due = urgency === 'soon' ? t + this.endPersistMs : Math.max(t, this.lastPersistAt + this.persistMs);
    if (this.persistTimer !== null && this.persistDueAt <= due) return;
    if (this.persistTimer !== null) clearTimeout(this.persistTimer);
    this.persistDueAt = due;
    this.persistTimer = setTimeout(() => whenIdle(() => void this.flush()), due - t);
  }

  flush(): Promise<void> {
    if (this.persistTimer !== null) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.persistDueAt = Infinity;
    const storage = this.storage;
    if (this.disposed || !storage) return this.queue; // written once storage opens (load marks them)
    this.lastPersistAt = this.now();
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const entry = findRun(id);
      if (entry) this.enqueue(() => storage.put(entry), `saving run #${entry.number}`);
    }
    return this.queue;
  }

  forget(id: string): void {
    this.dirty.delete(id);
    if (this.current?.entryId === id) this.current = null;
    const storage = this.storage;
    if (storage) this.enqueue(() => storage.remove(id), 'deleting a run');
  }

  private enqueue(op: () => Promise<void>, what: string): void {
    this.queue = this.queue.then(op).catch((err: unknown) => {
      // The in-memory list stays right; only the copy for the next load is behind.
      useRunsStore.setState({ storageNote: `Storage failed while ${what} (${err instanceof Error ? err.message : String(err)}); runs are kept for this page.` });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.syncTimer !== null) clearTimeout(this.syncTimer);
    if (this.persistTimer !== null) clearTimeout(this.persistTimer);
  }
}

let follower: Follower | null = null;

/** Starts following a store and loading/writing runs; replaces any earlier follower. */
export function startRuns(options: RunsOptions = {}): RunsHandle {
  follower?.dispose();
  const opening = options.storage ? Promise.resolve({ storage: options.storage, fallbackReason: null }) : createRunsStorage();
  const f = new Follower(options.source ?? useStore, opening, options);
  follower = f;
  return {
    ready: f.ready,
    flush: () => f.flush(),
    dispose: () => {
      f.dispose();
      if (follower === f) follower = null;
    },
  };
}

let appHandle: RunsHandle | null = null;

/**
 * The studio's entry point: loads stored runs and follows the main store.
 * Idempotent (React StrictMode mounts twice); writes pending changes when the
 * page is hidden or left.
 */
export function initRuns(): Promise<void> {
  if (appHandle) return appHandle.ready;
  const handle = startRuns();
  appHandle = handle;
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', () => void handle.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void handle.flush();
    });
  }
  return handle.ready;
}

/** For tests: stops following and empties the runs store. */
export function resetRuns(): void {
  follower?.dispose();
  follower = null;
  appHandle = null;
  useRunsStore.setState(initialRunsState(), true);
}

// ----- actions (plain functions, callable from handlers and tests) -----------------

export function toggleRunSelected(id: string, on?: boolean): void {
  useRunsStore.setState((st) => {
    const has = st.selected.includes(id);
    const want = on ?? !has;
    if (want === has) return {};
    return { selected: want ? [...st.selected, id] : st.selected.filter((x) => x !== id) };
  });
}

/** Sorts by `column`; the same column again flips the direction. */
export function setRunsSort(column: string, dir?: SortDir): void {
  useRunsStore.setState((st) => ({
    sort: { column, dir: dir ?? (st.sort.column === column && st.sort.dir === 'asc' ? 'desc' : 'asc') },
  }));
}

export function setOverlayMetric(name: string | null): void {
  useRunsStore.setState({ overlayMetric: name });
}

/** Removes a run from the table, the selection and storage; a run in progress is no longer recorded. */
export function deleteRun(id: string): void {
  useRunsStore.setState((st) => ({ runs: st.runs.filter((r) => r.id !== id), selected: st.selected.filter((x) => x !== id) }));
  follower?.forget(id);
}
