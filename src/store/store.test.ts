// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, PROTOCOL_VERSION, encodeMetricBatch, type EventBody, type WorkerEvent } from '../worker/protocol';
import { memoryStorage } from './idb';
import { resetRuns, startRuns, useRunsStore, type RunsHandle } from './runs';
import { InProcessWorker } from '../worker/session-fixture';
import { installTestApi, pauseRun, setRunDefaults, startRun } from './actions';
import { applyWorkerEvent, connectWorker, disconnectWorker, workerLost } from './client';
import { configFromQuery } from './config';
import { reduceEvent } from './events';
import { initialState, selectLatest, useStore } from './state';
import { loadBuiltin, setAugmentation, uploadFiles } from './data';
import type { RunConfig } from '../worker/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
let history: RunsHandle | null = null;
afterEach(() => {
  disconnectWorker();
  history?.dispose();
  history = null;
  resetRuns();
  useStore.setState(initialState(), true);
});

const ev = (body: EventBody): WorkerEvent => ({ ...body, v: PROTOCOL_VERSION }) as WorkerEvent;

function withRun(id: string) {
  useStore.setState({ runId: id, status: 'training' });
}

/** The runs store (the one run history) following the main store, kept in memory. */
async function followRuns(): Promise<void> {
  history = startRuns({ storage: memoryStorage() });
  await history.ready;
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('startRun and augmentation', () => {
  const images = { name: 'shapes.zip', inputShape: [8, 8, 1] } as never;
  const table = { name: 'people.csv', inputShape: [4] } as never;
  async function configOf(dataset: unknown): Promise<RunConfig> {
    useStore.setState({ dataset: dataset as never });
    // No worker is connected: the run fails to start, but the config it would have sent is in the store.
    await startRun();
    return useStore.getState().config!;
  }

  it('sends the augmentation with a run on images, a copy, and never on a table or when it is all off', async () => {
    setAugmentation({ flipHorizontal: true, maxShift: 0.2 });
    const c = await configOf(images);
    expect(c.augmentation).toEqual({ flipHorizontal: true, flipVertical: false, maxShift: 0.2, maxRotation: 0, maxBrightness: 0 });
    expect(c.augmentation).not.toBe(useStore.getState().augmentation);
    expect((await configOf(table)).augmentation).toBeUndefined();
    setAugmentation({ flipHorizontal: false, maxShift: 0 });
    expect((await configOf(images)).augmentation).toBeUndefined();
  });

  it('refuses a bad setting in the page, keeping the last good one', () => {
    setAugmentation({ maxRotation: 10 });
    expect(() => setAugmentation({ maxShift: 2 })).toThrow('`maxShift` must be a number in [0, 0.5], got 2');
    expect(useStore.getState().augmentation.maxRotation).toBe(10);
    expect(useStore.getState().augmentation.maxShift).toBe(0);
  });
});

describe('reduceEvent', () => {
  it('keeps every metric point across batches, in order, with the latest value per name', () => {
    withRun('r');
    applyWorkerEvent(ev({ type: 'metrics', id: 1, runId: 'r', batch: encodeMetricBatch([{ name: 'loss', step: 0, value: 3 }, { name: 'loss', step: 1, value: 2 }]) }));
    applyWorkerEvent(ev({ type: 'metrics', id: 1, runId: 'r', batch: encodeMetricBatch([{ name: 'loss', step: 2, value: 1 }, { name: 'val_loss', step: 2, value: 1.5 }]) }));
    const s = useStore.getState();
    expect(s.series.loss).toEqual([{ step: 0, value: 3 }, { step: 1, value: 2 }, { step: 2, value: 1 }]);
    expect(selectLatest(s)).toEqual({ loss: 1, val_loss: 1.5 });
    // The selector is stable for the same series (a component re-renders only when they change).
    expect(selectLatest(useStore.getState())).toBe(selectLatest(s));
  });

  it('ignores a stale run’s live events', () => {
    withRun('new');
    applyWorkerEvent(ev({ type: 'status', id: 1, runId: 'old', status: 'stopped' }));
    applyWorkerEvent(ev({ type: 'metrics', id: 1, runId: 'old', batch: encodeMetricBatch([{ name: 'loss', step: 9, value: 9 }]) }));
    const s = useStore.getState();
    expect(s.status).toBe('training');
    expect(s.series).toEqual({});
  });

  it('handles every event type of the protocol', () => {
    const samples: Record<(typeof EVENT_TYPES)[number], EventBody> = {
      ready: { type: 'ready' },
      reply: { type: 'reply', id: 1, ok: true, result: null },
      status: { type: 'status', id: 1, runId: 'r', status: 'paused' },
      backend: { type: 'backend', id: 1, runId: 'r', backend: { name: 'webgl', rejected: [{ backend: 'webgpu', reason: 'no navigator.gpu' }] } },
      metrics: { type: 'metrics', id: 1, runId: 'r', batch: encodeMetricBatch([{ name: 'a', step: 0, value: 1 }]) },
      progress: { type: 'progress', id: 1, runId: 'r', progress: { epoch: 0, totalEpochs: 1, batch: 1, batchesPerEpoch: 2, step: 1, totalSteps: 2, samplesPerSec: 10, etaSeconds: 1, compileMs: 5 } },
      log: { type: 'log', id: 1, runId: 'r', level: 'info', message: 'hello' },
      tune: { type: 'tune', id: 1, progress: { what: 'lr', done: 3, total: 100 } },
      boundary: {
        type: 'boundary', id: 1, runId: 'r',
        boundary: { epoch: 0, task: 'classification', size: 1, xRange: [0, 1], yRange: [0, 1], axes: ['a', 'b'], labels: ['x', 'y'], classes: Uint8Array.of(1), confidence: Float32Array.of(0.9), values: null, points: { x: new Float32Array(0), y: new Float32Array(0), target: new Float32Array(0) } },
      },
      monitor: {
        type: 'monitor', id: 1, runId: 'r',
        monitor: { gradNorms: [{ step: 0, total: 1, norms: { w: 1 } }], histograms: [], device: [{ step: 0, epoch: 0, numTensors: 3, numBytes: 12, gpuBytes: null }], epochs: [], leak: null },
      },
      dataProgress: { type: 'dataProgress', id: 7, progress: { phase: 'parsing', done: 1, total: 2, file: 'a.csv' } },
    };
    withRun('r');
    useStore.setState({ dataLoading: { what: 'a.csv', progress: null } });
    for (const t of EVENT_TYPES) {
      const before = useStore.getState();
      const patch = reduceEvent(before, ev(samples[t]));
      if (t !== 'reply') expect(Object.keys(patch).length, `event ${t} changes the state`).toBeGreaterThan(0);
      applyWorkerEvent(ev(samples[t]));
    }
    const s = useStore.getState();
    expect([s.workerReady, s.status, s.backend?.name, s.progress?.step, s.logs.at(-1)?.message, s.series.a?.length, s.dataLoading?.progress?.done, s.monitor?.device[0]?.numTensors]).toEqual([
      true, 'paused', 'webgl', 1, 'hello', 1, 1, 3,
    ]);
    expect(() => reduceEvent(s, { v: 1, type: 'bogus' } as unknown as WorkerEvent)).toThrow('unhandled event type "bogus"');
  });

  it('a lost worker fails the active run and says a fresh one was started', () => {
    withRun('r');
    workerLost('no message from it for 46 s');
    const s = useStore.getState();
    expect(s.status).toBe('failed');
    expect(s.error?.name).toBe('WorkerLost');
    expect(s.workerNotice).toBe('The training worker stopped (no message from it for 46 s); a fresh one was started.');
    expect(s.workerRestarts).toBe(1);
  });
});

describe('actions with a real session behind the client', () => {
  it('a run started from the store streams into it until finished; window.__volt reads it', async () => {
    await followRuns();
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    const target: Record<string, unknown> = {};
    const api = installTestApi(target);
    expect(target.__volt).toBe(api);
    expect(api.backend).toBeNull();
    const id = startRun({ dataset: 'blobs', accelerator: 'cpu', maxSteps: 20, maxEpochs: 2 });
    await until(() => useStore.getState().result !== null, 'the run\'s result');
    const s = api.getState();
    expect(s.runId).toBe(id);
    expect(api.backend).toBe('cpu');
    expect(s.series.train_loss!.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(s.status).toBe('finished');
    expect(s.result).toMatchObject({ status: 'finished', steps: 20 });
    expect(selectLatest(s).train_loss).toBe(s.series.train_loss!.at(-1)!.value);
    // The runs store is the one history.
    const runs = api.getRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ sourceRunId: id, status: 'finished' });
    expect(runs[0]!.durationMs).toBeGreaterThan(0);
    expect(runs[0]!.series.train_loss).toEqual(s.series.train_loss);
    expect(() => {
      (target as { __volt: unknown }).__volt = null;
    }).toThrow();
  });

  it('a NaN test hook fails only the next run; the one after it finishes', async () => {
    await followRuns();
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    setRunDefaults({ ...configFromQuery('?injectNaN=3&maxSteps=12&dataset=blobs'), accelerator: 'cpu', maxEpochs: 1 });
    await startRun();
    // The 'failed' status event can arrive a moment before the reply that carries the error.
    await until(() => useStore.getState().status === 'failed' && useStore.getState().error !== null, 'failed');
    expect(useStore.getState().error?.message).toMatch(/detectAnomaly: the loss is NaN at epoch 0, batch 3/);
    await startRun();
    await until(() => useStore.getState().result !== null, 'finished');
    const s = useStore.getState();
    expect(s.status).toBe('finished');
    expect(s.error).toBeNull();
    const runs = useRunsStore.getState().runs;
    expect(runs.map((r) => [r.status, r.config!.debug?.injectNaNAtStep])).toEqual([['failed', 3], ['finished', undefined]]);
    expect(runs[1]!.config).toMatchObject({ maxSteps: 12, maxEpochs: 1, accelerator: 'cpu' });
  });

  it('data actions: a load sets the dataset from its reply; a bad file keeps it and names the row', async () => {
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    await loadBuiltin({ name: 'iris' });
    expect(useStore.getState()).toMatchObject({ dataset: { name: 'iris' }, dataLoading: null, dataError: null });
    const bad = new Blob(['a,b,c\n1,2,3\n4,5\n']);
    await uploadFiles([{ path: 'bad.csv', file: bad }]);
    const s = useStore.getState();
    expect(s.dataset?.name).toBe('iris');
    expect(s.dataLoading).toBeNull();
    expect(s.dataError).toMatchObject({ name: 'DataError', issue: { file: 'bad.csv', row: 3 } });
  });

  it('the latest of overlapping loads wins: its dataset stays and only its end clears the loading state', async () => {
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    const first = loadBuiltin({ name: 'iris' });
    const second = loadBuiltin({ name: 'blobs' });
    await first;
    expect(useStore.getState().dataLoading?.what).toBe('blobs');
    await second;
    expect(useStore.getState()).toMatchObject({ dataset: { name: 'blobs' }, dataLoading: null });
  });

  it('a refused control is logged as a warning, not a failure', async () => {
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    await pauseRun();
    const s = useStore.getState();
    expect(s.status).toBe('idle');
    expect(s.logs.at(-1)).toMatchObject({ level: 'warn', message: 'pause: `pause` needs an active run; the status is idle' });
  });
});

describe('configFromQuery', () => {
  it('reads run sizes and the NaN test hook, ignoring junk', () => {
    expect(configFromQuery('?maxSteps=30&lr=0.1&accelerator=wasm&injectNaN=4&batchSize=x')).toEqual({
      maxSteps: 30, learningRate: 0.1, accelerator: 'wasm', debug: { injectNaNAtStep: 4 }, detectAnomaly: true,
    });
    expect(configFromQuery('?accelerator=tpu')).toEqual({});
  });
});
