// The export slice: events into state, downloads through the injected saver, and the whole path with an in-process worker.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type EventBody, type WorkerEvent } from '../worker/protocol';
import { InProcessWorker } from '../worker/session-fixture';
import { applyWorkerEvent, connectWorker, disconnectWorker, startRun, setRunDefaults } from './actions';
import { canExport, compareVariants, exportChoice, exportModel, historyRows, setSaveFile, domSaveFile } from './export';
import { initialState, useStore } from './state';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  disconnectWorker();
  setSaveFile(domSaveFile);
  useStore.setState(initialState(), true);
});

const ev = (body: EventBody): WorkerEvent => ({ ...body, v: PROTOCOL_VERSION }) as WorkerEvent;

async function until(pred: () => boolean, what: string): Promise<void> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('export slice', () => {
  it('is enabled only after a finished or stopped run', () => {
    expect(canExport({ runId: null, status: 'idle' })).toBe(false);
    expect(canExport({ runId: 'r', status: 'training' })).toBe(false);
    expect(canExport({ runId: 'r', status: 'failed' })).toBe(false);
    expect(canExport({ runId: 'r', status: 'stopped' })).toBe(true);
    expect(exportChoice({ ...initialState(), runId: 'r', status: 'finished' })).toBe('ready');
  });

  it('saves an exported file and clears the busy state of its request only', () => {
    const saved: string[] = [];
    setSaveFile((bytes, name) => saved.push(`${name}:${bytes.byteLength}`));
    useStore.setState({ runId: 'r', status: 'finished', exportBusy: { requestId: 4, what: 'tfjs' } });
    applyWorkerEvent(ev({ type: 'exportError', requestId: 3, error: { name: 'Error', message: 'old' } }));
    expect(useStore.getState().exportBusy).not.toBeNull();
    applyWorkerEvent(ev({ type: 'exported', requestId: 4, file: { kind: 'tfjs', variant: 'float32', fileName: 'a-mlp-tfjs.zip', mime: 'application/zip', bytes: new ArrayBuffer(7), files: ['model.json'] } }));
    expect(saved).toEqual(['a-mlp-tfjs.zip:7']);
    expect(useStore.getState()).toMatchObject({ exportBusy: null, exportError: null, lastExport: { runId: 'r', fileName: 'a-mlp-tfjs.zip', bytes: 7 } });
  });

  it('turns logged series into one history row per step', () => {
    expect(historyRows({ train_loss: [{ step: 0, value: 1 }, { step: 1, value: 0.5 }], val_acc: [{ step: 1, value: 0.9 }] })).toEqual([
      { step: 0, train_loss: 1 },
      { step: 1, train_loss: 0.5, val_acc: 0.9 },
    ]);
  });

  it('trains, measures the variants and downloads the tfjs zip through a worker', async () => {
    const saved: Array<{ name: string; bytes: number }> = [];
    setSaveFile((bytes, name) => saved.push({ name, bytes: bytes.byteLength }));
    connectWorker({ createWorker: () => new InProcessWorker(), heartbeatMs: 60_000 });
    setRunDefaults({ dataset: 'blobs', maxSteps: 20, batchSize: 32, seed: 1 });
    useStore.setState({ accelerator: 'cpu', maxEpochs: 1 });
    await startRun();
    await until(() => useStore.getState().status === 'finished', 'the run');
    await compareVariants();
    await until(() => useStore.getState().variants !== null, 'variants');
    expect(useStore.getState().variants!.variants.map((v) => v.variant)).toEqual(['float32', 'float16', 'uint8']);
    expect(useStore.getState().variantsRunId).toBe(useStore.getState().runId);
    await exportModel('tfjs', 'float16');
    await until(() => saved.length === 1, 'the download');
    expect(saved[0]!.name).toMatch(/^blobs-.+-tfjs-float16\.zip$/);
    expect(useStore.getState().exportBusy).toBeNull();
  });
});
