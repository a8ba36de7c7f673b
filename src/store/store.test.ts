// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, PROTOCOL_VERSION, encodeMetricBatch, type EventBody, type WorkerEvent } from '../worker/protocol';
import { InProcessWorker } from '../worker/session-fixture';
import { applyWorkerEvent, connectWorker, disconnectWorker, installTestApi, pauseRun, setRunDefaults, startRun, workerLost } from './actions';
import { configFromQuery } from './config';
import { setSaveFile } from './export';
import { reduceEvent } from './events';
import { initialState, useStore } from './state';
import { setAugmentation } from './data';
import type { RunConfig } from '../worker/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  disconnectWorker();
  useStore.setState(initialState(), true);
});

const ev = (body: EventBody): WorkerEvent => ({ ...body, v: PROTOCOL_VERSION }) as WorkerEvent;

function withRun(id: string) {
  useStore.setState({ runId: id, status: 'training', runs: [{ id, config: {} as never, status: 'training', backend: null, startedAt: 0, durationMs: null, finalMetrics: {}, series: {}, error: null }] });
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
    applyWorkerEvent(ev({ type: 'metrics', runId: 'r', batch: encodeMetricBatch([{ name: 'loss', step: 0, value: 3 }, { name: 'loss', step: 1, value: 2 }]) }));
    applyWorkerEvent(ev({ type: 'metrics', runId: 'r', batch: encodeMetricBatch([{ name: 'loss', step: 2, value: 1 }, { name: 'val_loss', step: 2, value: 1.5 }]) }));
    const s = useStore.getState();
    expect(s.series.loss).toEqual([{ step: 0, value: 3 }, { step: 1, value: 2 }, { step: 2, value: 1 }]);
    expect(s.latest).toEqual({ loss: 1, val_loss: 1.5 });
    expect(s.runs[0]!.series).toBe(s.series); // the run record holds the same history
  });

  it('ignores a stale run’s live events but records its end on its run record', () => {
    withRun('new');
    useStore.setState((s) => ({ runs: [{ ...s.runs[0]!, id: 'old' }, ...s.runs] }));
    applyWorkerEvent(ev({ type: 'status', runId: 'old', status: 'stopped' }));
    applyWorkerEvent(ev({ type: 'metrics', runId: 'old', batch: encodeMetricBatch([{ name: 'loss', step: 9, value: 9 }]) }));
    const s = useStore.getState();
    expect(s.status).toBe('training');
    expect(s.series).toEqual({});
    expect(s.runs.find((r) => r.id === 'old')!.status).toBe('stopped');
  });

  it('handles every event type of the protocol', () => {
    const samples: Record<(typeof EVENT_TYPES)[number], EventBody> = {
      ready: { type: 'ready' },
      reply: { type: 'reply', id: 1, ok: true },
      status: { type: 'status', runId: 'r', status: 'paused' },
      backend: { type: 'backend', runId: 'r', backend: { name: 'webgl', rejected: [{ backend: 'webgpu', reason: 'no navigator.gpu' }] } },
      metrics: { type: 'metrics', runId: 'r', batch: encodeMetricBatch([{ name: 'a', step: 0, value: 1 }]) },
      progress: { type: 'progress', runId: 'r', progress: { epoch: 0, totalEpochs: 1, batch: 1, batchesPerEpoch: 2, step: 1, totalSteps: 2, samplesPerSec: 10, etaSeconds: 1, compileMs: 5 } },
      log: { type: 'log', runId: 'r', level: 'info', message: 'hello' },
      result: { type: 'result', runId: 'r', result: { status: 'finished', metrics: { a: 1 }, durationMs: 10, steps: 2, epochs: 1 } },
      error: { type: 'error', runId: 'r', error: { name: 'Error', message: 'boom' } },
      dataProgress: { type: 'dataProgress', requestId: 7, progress: { phase: 'parsing', done: 1, total: 2, file: 'a.csv' } },
      dataset: { type: 'dataset', requestId: 7, report: { name: 'a.csv', source: 'upload', kind: 'table', task: 'classification', inputShape: [2], rows: 4, labelNames: ['x', 'y'], splits: { train: 2, validation: 1, test: 1 }, classBalance: [], validationFraction: 0.25, testFraction: 0.25, warnings: [] } },
      dataError: { type: 'dataError', requestId: 9, failure: { name: 'DataError', message: 'file "b.csv", row 3: bad' } },
      evaluation: { type: 'evaluation', runId: 'r', evaluation: { task: 'classification', split: 'test', count: 1, metrics: { test_acc: 1 }, labels: ['x', 'y'], confusion: [[1, 0], [0, 0]], samples: [] } },
      prediction: { type: 'prediction', requestId: 8, prediction: { task: 'classification', labels: ['x', 'y'], probabilities: [0.9, 0.1], predicted: 0 } },
      exported: { type: 'exported', requestId: 10, file: { kind: 'tfjs', variant: 'float32', fileName: 'a-mlp-tfjs.zip', mime: 'application/zip', bytes: new ArrayBuffer(4), files: ['model.json'] } },
      variants: { type: 'variants', requestId: 11, report: { split: 'test', count: 1, variants: [] } },
      imported: { type: 'imported', requestId: 12, report: { source: 'm.zip', kind: 'bundle', inputShape: [2], outputUnits: 2, trainedOn: 'a', learningRate: 0.01, cardMetrics: null, schema: null, dataset: null, evaluation: null } },
      exportError: { type: 'exportError', requestId: 13, error: { name: 'Error', message: 'nope' } },
      augmentationPreview: { type: 'augmentationPreview', requestId: 14, preview: { images: [] } },
    };
    setSaveFile(() => {});
    withRun('r');
    useStore.setState({ dataLoading: { requestId: 7, what: 'a.csv', progress: null }, predicting: 8, augmentPreviewing: 14 });
    for (const t of EVENT_TYPES) {
      const before = useStore.getState();
      const patch = reduceEvent(before, ev(samples[t]));
      if (t !== 'reply') expect(Object.keys(patch).length, `event ${t} changes the state`).toBeGreaterThan(0);
      applyWorkerEvent(ev(samples[t]));
    }
    const s = useStore.getState();
    expect([s.workerReady, s.status, s.backend?.name, s.progress?.step, s.logs.at(-1)?.message, s.result?.steps, s.error?.message]).toEqual([
      true, 'paused', 'webgl', 1, 'hello', 2, 'boom',
    ]);
    expect([s.dataset?.name, s.dataLoading, s.dataError?.message, s.evaluation?.metrics.test_acc, s.prediction?.predicted, s.predicting]).toEqual([
      'a.csv', null, 'file "b.csv", row 3: bad', 1, 0, null,
    ]);
    expect(s.runs[0]!.evaluation?.count).toBe(1);
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
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    const target: Record<string, unknown> = {};
    const api = installTestApi(target);
    expect(target.__volt).toBe(api);
    expect(api.backend).toBeNull();
    const id = await startRun({ dataset: 'blobs', accelerator: 'cpu', maxSteps: 20, maxEpochs: 2 });
    await until(() => useStore.getState().status === 'finished', 'finished');
    const s = api.getState();
    expect(s.runId).toBe(id);
    expect(api.backend).toBe('cpu');
    expect(s.series.train_loss!.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(s.latest.train_loss).toBe(s.series.train_loss!.at(-1)!.value);
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({ id, status: 'finished' });
    expect(s.runs[0]!.durationMs).toBeGreaterThan(0);
    expect(() => {
      (target as { __volt: unknown }).__volt = null;
    }).toThrow();
  });

  it('a NaN test hook fails only the next run; the one after it finishes', async () => {
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    setRunDefaults({ ...configFromQuery('?injectNaN=3&maxSteps=12&dataset=blobs'), accelerator: 'cpu', maxEpochs: 1 });
    await startRun();
    await until(() => useStore.getState().status === 'failed', 'failed');
    expect(useStore.getState().error?.message).toMatch(/detectAnomaly: the loss is NaN at epoch 0, batch 3/);
    await startRun();
    await until(() => useStore.getState().status === 'finished', 'finished');
    const s = useStore.getState();
    expect(s.error).toBeNull();
    expect(s.runs.map((r) => [r.status, r.config.debug?.injectNaNAtStep])).toEqual([['failed', 3], ['finished', undefined]]);
    expect(s.runs[1]!.config).toMatchObject({ maxSteps: 12, maxEpochs: 1, accelerator: 'cpu' });
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
