// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingClient } from './client';
import type { WorkerEvent } from './protocol';
import { InProcessWorker, sleep, tinyConfig } from './session-fixture';

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
  it('resolves each command by its reply, forwards events, and a run streams to onEvent', async () => {
    const { client, events } = setup({ heartbeatMs: 60_000 });
    await client.ping();
    await client.start('c1', tinyConfig);
    while (!events.some((e) => e.type === 'status' && e.runId === 'c1' && e.status === 'finished')) await sleep(5);
    expect(events[0]!.type).toBe('ready');
    expect(events.some((e) => e.type === 'metrics')).toBe(true);
    expect(events.some((e) => e.type === 'reply')).toBe(false);
    expect(client.pendingRequests).toBe(0);
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
    expect(lost).toEqual(['an error escaped the worker: out of memory']);
    expect(workers[0]!.terminated).toBe(true);
    expect(client.generation).toBe(2);
    await client.start('after-crash', tinyConfig);
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
