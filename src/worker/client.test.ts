// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingClient } from './client';
import type { WorkerError, WorkerEvent } from './protocol';
import { InProcessWorker, tinyConfig } from './session-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function setup(opts: { silent?: boolean; deadAfterMs?: number; heartbeatMs?: number } = {}) {
  const workers: InProcessWorker[] = [];
  const events: WorkerEvent[] = [];
  const lost: string[] = [];
  const client = new TrainingClient({
    createWorker: () => {
      const w = new InProcessWorker(opts.silent && workers.length === 0);
      workers.push(w);
      return w;
    },
    onEvent: (e) => events.push(e),
    onWorkerLost: (r) => lost.push(r),
    heartbeatMs: opts.heartbeatMs ?? 20,
    deadAfterMs: opts.deadAfterMs ?? 10_000,
  });
  return { client, workers, events, lost };
}

describe('TrainingClient', () => {
  it('a run is one call: its progress streams to onProgress and its result resolves it; other events go to onEvent', async () => {
    const { client, events } = setup({ heartbeatMs: 60_000 });
    expect(await client.ping()).toBeNull();
    const progress: WorkerEvent[] = [];
    const result = await client.start('c1', tinyConfig, { onProgress: (e) => progress.push(e) });
    expect(result).toMatchObject({ status: 'finished', steps: 12 });
    expect(progress.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status)).toEqual(['preparing', 'compiling', 'training', 'finished']);
    expect(progress.some((e) => e.type === 'metrics')).toBe(true);
    // Only what no call claims reaches onEvent: the worker's ready and its own first status.
    expect(events.map((e) => e.type)).toEqual(['ready', 'status']);
    expect(client.pendingRequests).toBe(0);
    client.dispose();
  });

  it('a load resolves to its dataset report, and a bad file rejects with the data issue', async () => {
    const { client } = setup({ heartbeatMs: 60_000 });
    const report = await client.loadBuiltin({ name: 'iris' });
    expect(report).toMatchObject({ name: 'iris', rows: 150 });
    const bytes = new TextEncoder().encode('a,b,c\n1,2,3\n4,5\n').buffer as ArrayBuffer;
    const err = await client.upload([{ path: 'bad.csv', bytes }]).catch((e: unknown) => e as WorkerError);
    expect(err).toBeInstanceOf(Error);
    expect((err as WorkerError).name).toBe('DataError');
    expect((err as WorkerError).issue).toMatchObject({ file: 'bad.csv', row: 3 });
    client.dispose();
  });

  it('rejects a refused command with the worker error rebuilt', async () => {
    const { client } = setup();
    await expect(client.pause()).rejects.toThrow('`pause` needs an active run; the status is idle');
    client.dispose();
  });

  it('when an error escapes the worker: rejects what was pending, says so, and starts a fresh worker that works', async () => {
    const { client, workers, lost } = setup();
    await client.ping();
    const pending = client.ping(); // in flight when the worker dies
    workers[0]!.crash('out of memory');
    await expect(pending).rejects.toThrow('the training worker stopped (an error escaped the worker: out of memory)');
    await expect(pending).rejects.toMatchObject({ name: 'WorkerLost' });
    expect(lost).toEqual(['an error escaped the worker: out of memory']);
    expect(workers[0]!.terminated).toBe(true);
    expect(client.generation).toBe(2);
    await expect(client.start('after-crash', tinyConfig)).resolves.toMatchObject({ status: 'finished' });
    expect(workers[1]!.session.runId).toBe('after-crash');
    client.dispose();
  });

  it('a worker that stops answering is declared dead after deadAfterMs and replaced', async () => {
    const { client, workers, lost } = setup({ silent: true, deadAfterMs: 100 });
    const pending = client.ping();
    await expect(pending).rejects.toThrow(/the training worker stopped \(no message from it for 0 s\)|no message from it/);
    expect(lost).toHaveLength(1);
    expect(workers).toHaveLength(2);
    await client.ping(); // the fresh worker answers
    client.dispose();
  });
});
