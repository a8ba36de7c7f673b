// The studio's finders through the worker session, on the blobs toy set in Node.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, commandResult as result } from './session-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = { dataset: 'blobs', accelerator: 'cpu' as const, maxEpochs: 1, batchSize: 16, learningRate: 0.05 };

describe('findLr and findBatchSize', () => {
  it('the LR finder returns its curve and every rule, streams progress, and leaves no tensors behind', async () => {
    const h = new Harness();
    await result(h, { type: 'loadBuiltin', request: { name: 'blobs' } });
    const before = tf.memory().numTensors;
    const id = h.send({ type: 'findLr', config });
    const reply = await h.reply(id);
    if (!reply.ok) throw new Error(reply.error.message);
    const r = reply.result as import('./protocol').LrFindReport;
    expect(r.lr.length).toBe(r.loss.length);
    expect(r.lr.length).toBeGreaterThan(10);
    expect(r.lr[0]).toBeCloseTo(1e-6, 12);
    expect(r.suggestions.valley).toBeGreaterThan(1e-6);
    expect(['completed', 'diverged', 'out of data']).toContain(r.stopped);
    const ticks = h.events.filter((e) => e.event.type === 'tune' && e.event.id === id);
    expect(ticks.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('the batch finder reports each size tried and a size that ran; a run is refused while it searches', async () => {
    const h = new Harness();
    await result(h, { type: 'loadBuiltin', request: { name: 'blobs' } });
    const id = h.send({ type: 'findBatchSize', config });
    const refused = await h.reply(h.send({ type: 'start', runId: 'r', config }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/batch-size finder is running/);
    const reply = await h.reply(id);
    if (!reply.ok) throw new Error(reply.error.message);
    const r = reply.result as import('./protocol').BatchFindReport;
    expect(r.trials.length).toBeGreaterThan(2);
    expect(r.trials.filter((t) => t.fits).map((t) => t.batchSize)).toContain(r.batchSize);
    expect(r.objective).toBe('throughput');
  }, 60_000);

  it('stop cancels a finder; the session trains afterwards', async () => {
    const h = new Harness();
    await result(h, { type: 'loadBuiltin', request: { name: 'blobs' } });
    const id = h.send({ type: 'findLr', config });
    await h.reply(h.send({ type: 'stop' }));
    const reply = await h.reply(id);
    if (!reply.ok) throw new Error(reply.error.message);
    expect((reply.result as import('./protocol').LrFindReport).stopped).toBe('cancelled');
    await h.run('after', config);
    expect(h.result('after')).toBeTruthy();
  }, 60_000);
});
