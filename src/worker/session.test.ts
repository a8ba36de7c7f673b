// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, tinyConfig } from './session-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TrainingSession: a run from start to finish', () => {
  it('goes idle → preparing → compiling → training → finished and reports backend, progress and result', async () => {
    const h = new Harness();
    h.session.announce();
    await h.run('r1');
    expect(h.statuses()).toEqual(['idle', 'preparing', 'compiling', 'training', 'finished']);
    expect(h.events[0]!.event.type).toBe('ready');

    const [backend] = h.ofType('backend', 'r1');
    expect(backend!.backend.name).toBe('cpu');
    expect(backend!.backend.rejected).toEqual([]);

    const progress = h.ofType('progress', 'r1').map((e) => e.progress);
    const last = progress[progress.length - 1]!;
    expect(last.step).toBe(12);
    expect(last.totalSteps).toBe(12);
    expect(last.batchesPerEpoch).toBe(16); // 512 samples / 32
    expect(last.totalEpochs).toBe(1);
    expect(last.compileMs).toBeGreaterThan(0);
    expect(last.samplesPerSec).toBeGreaterThan(0);
    expect(last.etaSeconds).toBe(0);
    // Warm-up steps carry no speed: it would mix shader compilation into throughput.
    expect(progress.filter((p) => p.compileMs === null).every((p) => p.samplesPerSec === 0 && p.etaSeconds === null)).toBe(true);

    const result = h.result('r1');
    expect(result!.status).toBe('finished');
    expect(result!.steps).toBe(12);
    expect(result!.metrics.train_loss).toBeGreaterThan(0);
    // The run is one call: its progress events carry the start's id, and its one reply comes last.
    const startId = h.events.find((r) => r.event.type === 'status' && r.event.runId === 'r1')!.event as { id: number | null };
    const mine = h.events.filter((r) => 'id' in r.event && r.event.id === startId.id).map((r) => r.event.type);
    expect(mine.at(-1)).toBe('reply');
    expect(mine.filter((t) => t === 'reply')).toHaveLength(1);
    expect(mine).toEqual(expect.arrayContaining(['status', 'backend', 'metrics', 'progress', 'log']));
  });

  it('posts every logged value, in batches no closer than the interval', async () => {
    const h = new Harness({ postIntervalMs: 40 });
    await h.run('m1', { ...tinyConfig, maxSteps: 40, maxEpochs: 3 });
    const points = h.points('m1');
    const lossSteps = points.filter((p) => p.name === 'train_loss').map((p) => p.step);
    expect(lossSteps).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(points.filter((p) => p.name === 'train_acc')).toHaveLength(40);
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
    // One validation per completed epoch (0 and 1); the run stops inside epoch 2.
    expect(points.filter((p) => p.name === 'val_loss')).toHaveLength(2);

    const batches = h.events.filter((r) => r.event.type === 'metrics');
    // Batched, not one message per step: no more messages than the interval allows in the run's time
    // (on a loaded machine a step can take longer than the interval; then a batch holds one step).
    const elapsed = batches.at(-1)!.at - batches[0]!.at;
    expect(batches.length).toBeLessThanOrEqual(Math.floor(elapsed / 35) + 2);
    // Only the flushes forced by a status change (queued values go first) or by the end of the run may come sooner
    // than the interval; a slower warm-up (the monitors' first histograms) can put the first timed flush before 'training'.
    const forced = (r: (typeof batches)[number]) => h.events.slice(h.events.indexOf(r) + 1).find((e) => e.event.type !== 'progress')?.event.type === 'status';
    for (let i = 1; i < batches.length - 1; i++) if (!forced(batches[i]!)) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(35);
    for (const b of batches) {
      expect(b.transfer).toHaveLength(3);
      if (b.event.type === 'metrics') expect(b.transfer).toContain(b.event.batch.values.buffer);
    }
  });

  it('the loss of the tiny model goes down', async () => {
    const h = new Harness();
    await h.run('l1', { ...tinyConfig, maxSteps: 48, maxEpochs: 3 });
    const loss = h.points('l1').filter((p) => p.name === 'train_loss').map((p) => p.value);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(loss.slice(-8))).toBeLessThan(mean(loss.slice(0, 8)) * 0.8);
  });

  it('frees the previous run when a new one starts (no tensor leak across runs)', async () => {
    const h = new Harness();
    await h.run('a');
    const after1 = tf.memory().numTensors;
    await h.run('b');
    await h.run('c');
    expect(tf.memory().numTensors).toBe(after1);
  });
});

describe('TrainingSession: errors', () => {
  it('a NaN loss under detectAnomaly fails the run with the error, and the next run finishes', async () => {
    const h = new Harness();
    await h.run('bad', { ...tinyConfig, detectAnomaly: true, debug: { injectNaNAtStep: 5 } });
    expect(h.statuses('bad').slice(-1)).toEqual(['failed']);
    const err = h.runError('bad');
    expect(err!.message).toMatch(/detectAnomaly: the loss is NaN/);
    expect(err!.name).toBe('Error');
    expect(err!.stack).toBeTruthy();
    expect(h.result('bad')).toBeNull();
    // Values read back before the failure reached the page; none from the NaN step on.
    expect(h.points('bad').every((p) => p.step < 5)).toBe(true);

    await h.run('good');
    expect(h.statuses('good')).toEqual(['preparing', 'compiling', 'training', 'finished']);
  });

  it('bad data fails in preparing, naming the field', async () => {
    const h = new Harness();
    await h.run('x', { ...tinyConfig, dataset: 'nope' });
    expect(h.statuses('x')).toEqual(['preparing', 'failed']);
    expect(h.runError('x')!.message).toMatch(/^`name` must be a built-in dataset \("mnist", .*"gaussians"\), got "nope"$/);
  });

  it('an error thrown by the data builder fails the run; the session stays usable', async () => {
    let calls = 0;
    const h = new Harness({
      buildRun: async (c, d) => {
        calls += 1;
        if (calls === 1) throw new TypeError('corrupt file');
        const { buildRun } = await import('./run');
        return buildRun(c, d);
      },
    });
    await h.run('e1');
    expect(h.runError('e1')).toMatchObject({ name: 'TypeError', message: 'corrupt file' });
    await h.run('e2');
    expect(h.statuses('e2').slice(-1)).toEqual(['finished']);
  });

  it('a forced backend that cannot start fails the run with the reason', async () => {
    const h = new Harness();
    await h.run('gpu', { ...tinyConfig, accelerator: 'webgpu' });
    expect(h.statuses('gpu').slice(-1)).toEqual(['failed']);
    expect(h.runError('gpu')!.message).toMatch(/accelerator 'webgpu' cannot be used: no navigator.gpu/);
  });

  it('refuses a second start while a run is active', async () => {
    const h = new Harness();
    const first = h.send({ type: 'start', runId: 'one', config: { ...tinyConfig, maxSteps: 200, maxEpochs: 1 } });
    const second = h.send({ type: 'start', runId: 'two', config: tinyConfig });
    const r = await h.reply(second);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/a run is already active \(one, status preparing\)/);
    h.send({ type: 'stop' });
    await h.session.whenIdle();
    const done = await h.reply(first);
    expect(done.ok && (done.result as { status: string }).status).toBe('stopped');
    expect(h.statuses('two')).toEqual([]);
  });
});
