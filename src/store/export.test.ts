// The export slice: events into state, downloads through the injected saver, and the whole path with an in-process worker.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerLike } from '../worker/client';
import { PROTOCOL_VERSION, type Command } from '../worker/protocol';
import { InProcessWorker } from '../worker/session-fixture';
import { startRun, setRunDefaults } from './actions';
import { connectWorker, disconnectWorker } from './client';
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

/** A worker stand-in that answers each command with what `answer` returns, when the test says so. */
class ScriptedWorker implements WorkerLike {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  readonly received: Command[] = [];
  postMessage(message: unknown): void {
    this.received.push(message as Command);
  }
  answer(id: number, body: { ok: true; result: unknown } | { ok: false; error: { name: string; message: string } }): void {
    this.onmessage?.({ data: { type: 'reply', id, ...body, v: PROTOCOL_VERSION } } as MessageEvent);
  }
  terminate(): void {}
}

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

  it('is busy while an export runs, saves the file its reply carries, and shows a failure', async () => {
    const saved: string[] = [];
    setSaveFile((bytes, name) => saved.push(`${name}:${bytes.byteLength}`));
    const worker = new ScriptedWorker();
    connectWorker({ createWorker: () => worker, heartbeatMs: 60_000 });
    useStore.setState({ runId: 'r', status: 'finished' });
    const done = exportModel('tfjs');
    expect(useStore.getState().exportBusy).toEqual({ what: 'tfjs' });
    const cmd = worker.received.at(-1)!;
    expect(cmd).toMatchObject({ type: 'export', request: { kind: 'tfjs', variant: 'float32' } });
    worker.answer(cmd.id, { ok: true, result: { kind: 'tfjs', variant: 'float32', fileName: 'a-mlp-tfjs.zip', mime: 'application/zip', bytes: new ArrayBuffer(7), files: ['model.json'] } });
    await done;
    expect(saved).toEqual(['a-mlp-tfjs.zip:7']);
    expect(useStore.getState()).toMatchObject({ exportBusy: null, exportError: null, lastExport: { runId: 'r', fileName: 'a-mlp-tfjs.zip', bytes: 7 } });

    const failing = compareVariants();
    worker.answer(worker.received.at(-1)!.id, { ok: false, error: { name: 'Error', message: 'the dataset has no validation or test rows' } });
    await failing;
    expect(useStore.getState()).toMatchObject({ exportBusy: null, exportError: 'the dataset has no validation or test rows', variants: null });
    expect(saved).toHaveLength(1);
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
    startRun();
    await until(() => useStore.getState().result !== null, 'the run');
    await compareVariants();
    expect(useStore.getState().variants!.variants.map((v) => v.variant)).toEqual(['float32', 'float16', 'uint8']);
    expect(useStore.getState().variantsRunId).toBe(useStore.getState().runId);
    await exportModel('tfjs', 'float16');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.name).toMatch(/^blobs-.+-tfjs-float16\.zip$/);
    expect(useStore.getState().exportBusy).toBeNull();
  });
});
