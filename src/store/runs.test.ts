import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import type { RunConfig, RunResult, RunStatus } from '../worker/protocol';
import { createRunsStorage, decodeRun, encodeRun, memoryStorage, type RunsStorage } from './idb';
import { deleteRun, resetRuns, setRunsSort, startRuns, toggleRunSelected, useRunsStore, type FollowedState, type RunEntry } from './runs';
import type { SeriesPoint } from './state';

/** A stand-in for the main store: only the fields the runs store follows. */
function fakeMain() {
  const store = create<FollowedState>()(() => ({ runId: null, status: 'idle', config: null, backend: null, series: {}, result: null, error: null }));
  const config = (lr: number): RunConfig => ({ dataset: 'blobs', accelerator: 'cpu', maxEpochs: 2, batchSize: 32, learningRate: lr });
  return {
    store,
    /** What startRun does: a new run id, its config, empty series. */
    start(runId: string, lr = 0.05) {
      store.setState({ runId, status: 'preparing', config: config(lr), backend: null, series: {}, result: null, error: null });
    },
    status(status: RunStatus) {
      store.setState({ status });
    },
    /** What a metrics event does: new arrays with the points appended. */
    log(name: string, from: number, count: number, f = (s: number) => 1 / (s + 1)) {
      store.setState((s) => {
        const pts: SeriesPoint[] = [];
        for (let i = from; i < from + count; i++) pts.push({ step: i, value: f(i) });
        return { series: { ...s.series, [name]: (s.series[name] ?? []).concat(pts) } };
      });
    },
    finish(result: Partial<RunResult> = {}) {
      store.setState({ status: 'finished', result: { status: 'finished', metrics: { train_loss: 0.1 }, durationMs: 1234, steps: 10, epochs: 2, evaluation: null, earlyStop: null, ...result } });
    },
  };
}

/** A storage that counts writes around the in-memory one, so throttling is visible. */
function countingStorage(inner = memoryStorage()) {
  const puts: string[] = [];
  const storage: RunsStorage = {
    kind: 'fake',
    loadAll: () => inner.loadAll(),
    put: (r) => {
      puts.push(r.id);
      return inner.put(r);
    },
    remove: (id) => inner.remove(id),
  };
  return { storage, puts, inner };
}

const runs = (): RunEntry[] => useRunsStore.getState().runs;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  resetRuns();
  vi.useRealTimers();
});

describe('following the main store', () => {
  it('records a run from start to end with its config, backend, every point and its result', async () => {
    const main = fakeMain();
    const h = startRuns({ source: main.store, storage: memoryStorage() });
    await h.ready;
    main.start('run-1', 0.01);
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).toMatchObject({ number: 1, sourceRunId: 'run-1', status: 'preparing', startedAt: 1_700_000_000_000, durationMs: null });
    expect(runs()[0]!.config?.learningRate).toBe(0.01);

    main.store.setState({ backend: { name: 'webgl', rejected: [{ backend: 'webgpu', reason: 'no adapter' }] }, status: 'training' });
    for (let b = 0; b < 100; b++) main.log('train_loss', b * 10, 10);
    main.log('val_loss', 999, 1, () => 0.5);
    vi.advanceTimersByTime(600); // one throttled copy while training
    expect(runs()[0]!.status).toBe('training');
    expect(runs()[0]!.backend?.name).toBe('webgl');
    expect(runs()[0]!.series.train_loss).toHaveLength(1000);

    main.log('train_loss', 1000, 5);
    main.finish();
    const r = runs()[0]!;
    expect(r.status).toBe('finished');
    expect(r.durationMs).toBe(1234);
    expect(r.finalMetrics).toEqual({ train_loss: 0.1 });
    expect(r.series.train_loss).toEqual(main.store.getState().series.train_loss);
    expect(r.series.train_loss!.map((p) => p.step)).toEqual([...Array(1005).keys()]);
    expect(r.series.val_loss).toEqual([{ step: 999, value: 0.5 }]);
  });

  it('keeps each run separate when the next one resets the main series, with unique ids and numbers', async () => {
    const main = fakeMain();
    await startRuns({ source: main.store, storage: memoryStorage() }).ready;
    main.start('run-1');
    main.log('train_loss', 0, 16);
    main.finish();
    vi.advanceTimersByTime(5);
    main.start('run-2', 0.1);
    main.log('train_loss', 0, 4);
    main.finish({ metrics: { train_loss: 0.3 } });
    expect(runs().map((r) => [r.number, r.sourceRunId, r.series.train_loss!.length])).toEqual([
      [1, 'run-1', 16],
      [2, 'run-2', 4],
    ]);
    expect(new Set(runs().map((r) => r.id)).size).toBe(2);
  });

  it('ends a failed run without a result with its error, wall-clock duration and last finite values', async () => {
    const main = fakeMain();
    await startRuns({ source: main.store, storage: memoryStorage() }).ready;
    main.start('run-1');
    main.status('training');
    main.log('train_loss', 0, 5);
    main.log('val_acc', 4, 1, () => 0.75);
    vi.advanceTimersByTime(2000);
    main.store.setState((s) => ({ status: 'failed', error: { name: 'AnomalyError', message: 'loss is NaN at step 5' }, series: { ...s.series, train_loss: [...s.series.train_loss!, { step: 5, value: NaN }] } }));
    const r = runs()[0]!;
    expect(r.status).toBe('failed');
    expect(r.error?.name).toBe('AnomalyError');
    expect(r.durationMs).toBe(2000);
    expect(r.finalMetrics).toEqual({ val_acc: 0.75 });
  });

  it('copies points even when the main store grows its arrays in place', async () => {
    const main = fakeMain();
    await startRuns({ source: main.store, storage: memoryStorage() }).ready;
    main.start('run-1');
    const shared: SeriesPoint[] = [{ step: 0, value: 1 }];
    main.store.setState({ status: 'training', series: { train_loss: shared } });
    vi.advanceTimersByTime(600);
    shared.push({ step: 1, value: 0.5 }, { step: 2, value: 0.25 });
    main.store.setState({ series: { train_loss: shared } }); // same array, new object
    main.finish();
    expect(runs()[0]!.series.train_loss!.map((p) => p.value)).toEqual([1, 0.5, 0.25]);
    expect(runs()[0]!.series.train_loss).not.toBe(shared);
  });

  it('records a run that was already under way when following started', async () => {
    const main = fakeMain();
    main.start('run-7');
    main.status('training');
    await startRuns({ source: main.store, storage: memoryStorage() }).ready;
    expect(runs().map((r) => [r.sourceRunId, r.status])).toEqual([['run-7', 'training']]);
  });
});

describe('selection, sorting state and delete', () => {
  async function twoRuns() {
    const main = fakeMain();
    const storage = countingStorage();
    const h = startRuns({ source: main.store, storage: storage.storage });
    await h.ready;
    for (const id of ['run-1', 'run-2']) {
      main.start(id);
      main.log('train_loss', 0, 3);
      main.finish();
    }
    await h.flush();
    return { main, h, storage, ids: runs().map((r) => r.id) };
  }

  it('toggles selection in click order and sets the sort, flipping on the same column', async () => {
    const { ids } = await twoRuns();
    toggleRunSelected(ids[1]!);
    toggleRunSelected(ids[0]!);
    expect(useRunsStore.getState().selected).toEqual([ids[1], ids[0]]);
    toggleRunSelected(ids[1]!);
    toggleRunSelected(ids[0]!, true); // already on: no change
    expect(useRunsStore.getState().selected).toEqual([ids[0]]);
    setRunsSort('param:lr');
    expect(useRunsStore.getState().sort).toEqual({ column: 'param:lr', dir: 'asc' });
    setRunsSort('param:lr');
    expect(useRunsStore.getState().sort).toEqual({ column: 'param:lr', dir: 'desc' });
    setRunsSort('duration');
    expect(useRunsStore.getState().sort).toEqual({ column: 'duration', dir: 'asc' });
  });

  it('deletes a run from the table, the selection and storage', async () => {
    const { ids, storage } = await twoRuns();
    toggleRunSelected(ids[0]!);
    toggleRunSelected(ids[1]!);
    deleteRun(ids[0]!);
    expect(runs().map((r) => r.id)).toEqual([ids[1]]);
    expect(useRunsStore.getState().selected).toEqual([ids[1]]);
    await vi.runAllTimersAsync();
    expect([...storage.inner.records.keys()]).toEqual([ids[1]]);
  });

  it('stops recording a run in progress once it is deleted', async () => {
    const main = fakeMain();
    const h = startRuns({ source: main.store, storage: memoryStorage() });
    await h.ready;
    main.start('run-1');
    main.status('training');
    deleteRun(runs()[0]!.id);
    main.log('train_loss', 0, 3);
    main.finish();
    vi.advanceTimersByTime(1000);
    expect(runs()).toEqual([]);
  });
});

describe('persistence', () => {
  it('writes a training run at most every persistMs and right after it ends', async () => {
    const main = fakeMain();
    const { storage, puts, inner } = countingStorage();
    await startRuns({ source: main.store, storage, syncMs: 500, persistMs: 3000 }).ready;
    main.start('run-1');
    main.status('training');
    for (let t = 0; t < 100; t++) {
      main.log('train_loss', t, 1);
      await vi.advanceTimersByTimeAsync(100); // 10 s of training, a point every 100 ms
    }
    // 10 s at one write per 3 s: the first write, then about three more (not one per point).
    expect(puts.length).toBeGreaterThanOrEqual(3);
    expect(puts.length).toBeLessThanOrEqual(5);
    const before = puts.length;
    main.finish();
    await vi.advanceTimersByTimeAsync(150);
    expect(puts.length).toBe(before + 1);
    const [stored] = await inner.loadAll();
    expect(stored!.status).toBe('finished');
    expect(stored!.series.train_loss).toHaveLength(100);
  });

  it('loads stored runs on the next start, marks ones cut off mid-run, and numbers new runs after them', async () => {
    const shared = memoryStorage();
    const main = fakeMain();
    let h = startRuns({ source: main.store, storage: shared });
    await h.ready;
    main.start('run-1', 0.2);
    main.log('train_loss', 0, 50);
    main.finish();
    main.start('run-2');
    main.status('training');
    main.log('train_loss', 0, 7);
    await vi.advanceTimersByTimeAsync(4000);
    await h.flush();
    const before = runs();
    h.dispose();
    useRunsStore.setState({ runs: [], loaded: false });

    // The "reloaded page": a fresh main store whose ids restart at run-1.
    const next = fakeMain();
    h = startRuns({ source: next.store, storage: shared });
    await h.ready;
    expect(useRunsStore.getState().storageKind).toBe('memory');
    expect(runs().map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(runs()[0]!.series).toEqual(before[0]!.series);
    expect(runs()[0]!.config).toEqual(before[0]!.config);
    expect(runs()[1]).toMatchObject({ status: 'stopped', interrupted: true });
    next.start('run-1');
    expect(runs()[2]).toMatchObject({ number: 3, sourceRunId: 'run-1' });
    expect(runs()[2]!.id).not.toBe(runs()[0]!.id);
  });

  it('keeps working in memory when storage refuses writes or reads, and says so', async () => {
    const failing: RunsStorage = {
      kind: 'indexeddb',
      loadAll: () => Promise.reject(new Error('UnknownError')),
      put: () => Promise.reject(new Error('QuotaExceededError')),
      remove: () => Promise.resolve(),
    };
    const main = fakeMain();
    const h = startRuns({ source: main.store, storage: failing });
    await h.ready;
    expect(useRunsStore.getState().storageNote).toMatch(/could not be read \(UnknownError\)/);
    main.start('run-1');
    main.finish();
    await h.flush();
    expect(useRunsStore.getState().storageNote).toMatch(/QuotaExceededError/);
    expect(runs().map((r) => r.status)).toEqual(['finished']);
  });

  it('falls back to memory with the reason when IndexedDB is unavailable', async () => {
    vi.useRealTimers();
    const none = await createRunsStorage({ factory: undefined });
    expect(none.storage.kind).toBe('memory');
    expect(none.fallbackReason).toMatch(/IndexedDB is not available/);
    const throwing = { open: () => { throw new Error('SecurityError: access denied'); } } as unknown as IDBFactory;
    const denied = await createRunsStorage({ factory: throwing });
    expect(denied.storage.kind).toBe('memory');
    expect(denied.fallbackReason).toMatch(/SecurityError/);
  });

  it('stores series as typed arrays and reads back exactly what it stored; skips unreadable records', () => {
    const run: RunEntry = {
      id: 'run-1-x', number: 1, sourceRunId: 'run-1', config: null, backend: null, status: 'finished', startedAt: 1, durationMs: 2,
      finalMetrics: { a: 1 }, series: { a: [{ step: 0, value: 0.5 }, { step: 3, value: NaN }] }, error: null,
    };
    const stored = encodeRun(run);
    expect(stored.series.a!.values).toBeInstanceOf(Float64Array);
    expect(decodeRun(structuredClone(stored))).toEqual(run);
    expect(decodeRun({ ...stored, v: 99 })).toBeNull();
    expect(decodeRun({ ...stored, series: { a: { steps: new Float64Array(2), values: new Float64Array(1) } } })).toBeNull();
    expect(decodeRun('garbage')).toBeNull();
  });
});

describe('with the studio store', () => {
  it('follows the real main store through worker events (the default source)', async () => {
    const { applyWorkerEvent } = await import('./client');
    const { useStore, initialState } = await import('./state');
    const { PROTOCOL_VERSION, encodeMetricBatch } = await import('../worker/protocol');
    try {
      await startRuns({ storage: memoryStorage() }).ready;
      const config = { dataset: 'blobs', accelerator: 'auto', maxEpochs: 1, batchSize: 32, learningRate: 0.05 } as RunConfig;
      useStore.setState({ runId: 'run-1', status: 'preparing', config, series: {}, result: null, error: null });
      const ev = <T extends object>(body: T) => ({ ...body, v: PROTOCOL_VERSION }) as unknown as Parameters<typeof applyWorkerEvent>[0];
      applyWorkerEvent(ev({ type: 'status', runId: 'run-1', status: 'training' }));
      applyWorkerEvent(ev({ type: 'metrics', runId: 'run-1', batch: encodeMetricBatch([0, 1, 2].map((step) => ({ name: 'train_loss', step, value: 2 - step }))) }));
      applyWorkerEvent(ev({ type: 'status', runId: 'run-1', status: 'finished' }));
      // What the start call's reply does (actions.ts): the result and the final status.
      useStore.setState({ result: { status: 'finished', metrics: { train_loss: 0 }, durationMs: 50, steps: 3, epochs: 1, evaluation: null, earlyStop: null }, status: 'finished' });
      expect(runs()).toHaveLength(1);
      expect(runs()[0]).toMatchObject({ status: 'finished', durationMs: 50, finalMetrics: { train_loss: 0 } });
      expect(runs()[0]!.series.train_loss!.map((p) => p.value)).toEqual([2, 1, 0]);
    } finally {
      useStore.setState(initialState(), true);
    }
  });
});
