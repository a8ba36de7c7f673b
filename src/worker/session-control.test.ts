// tfjs-core alone, as in the worker: proves the session registers what training needs (gradients).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRun } from './run';
import { Harness, sleep, tinyConfig } from './session-fixture';
import type { RunConfig } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const long: RunConfig = { ...tinyConfig, maxEpochs: 500, maxSteps: 5000 };

/** A harness whose module records the end hooks. */
function recordingHarness(): { h: Harness; hooks: string[] } {
  const hooks: string[] = [];
  const h = new Harness({
    buildRun: async (c, d) => {
      const b = await buildRun(c, d);
      b.module.onTrainEnd = () => void hooks.push('onTrainEnd');
      b.module.teardown = (stage) => void hooks.push(`teardown:${stage}`);
      return b;
    },
  });
  return { h, hooks };
}

async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

describe('TrainingSession: pause, resume, stop', () => {
  it('pauses between steps, holds still while paused, resumes, and stops with the end hooks run', async () => {
    const { h, hooks } = recordingHarness();
    h.send({ type: 'start', runId: 'p', config: long });
    await until(() => h.session.status === 'training', 'training');
    const pauseId = h.send({ type: 'pause' });
    expect((await h.reply(pauseId)).ok).toBe(true);
    await until(() => h.session.status === 'paused', 'paused');
    const trainer = h.session.lastTrainer!;
    const stepAtPause = trainer.globalStep;
    await sleep(80);
    expect(trainer.globalStep).toBe(stepAtPause);

    h.send({ type: 'resume' });
    await until(() => trainer.globalStep >= stepAtPause + 5, 'steps after resume');
    expect(h.session.status).toBe('training');

    h.send({ type: 'stop' });
    await h.session.whenIdle();
    expect(h.statuses('p')).toEqual(['preparing', 'compiling', 'training', 'paused', 'training', 'stopped']);
    const result = h.result('p');
    expect(result!.status).toBe('stopped');
    expect(result!.steps).toBe(trainer.globalStep);
    expect(result!.steps).toBeLessThan(5000);
    expect(hooks).toEqual(['onTrainEnd', 'teardown:fit']);
    // Every step's loss reached the page, the last one included.
    const steps = h.points('p').filter((p) => p.name === 'train_loss').map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: trainer.globalStep }, (_, i) => i));

    // The trained weights stay usable after a stop.
    const out = tf.tidy(() => h.session.lastRun!.module.forward(tf.tensor2d([[1, 1]])).arraySync() as number[][]);
    expect(out[0]!.every(Number.isFinite)).toBe(true);
  });

  it('a stop while paused ends the run without going back to training', async () => {
    const { h, hooks } = recordingHarness();
    h.send({ type: 'start', runId: 's', config: long });
    await until(() => h.session.status === 'training', 'training');
    h.send({ type: 'pause' });
    await until(() => h.session.status === 'paused', 'paused');
    h.send({ type: 'stop' });
    await h.session.whenIdle();
    expect(h.statuses('s').slice(-2)).toEqual(['paused', 'stopped']);
    expect(hooks).toEqual(['onTrainEnd', 'teardown:fit']);
  });

  it('a stop sent with the start ends before the first step; a second run then finishes', async () => {
    const h = new Harness();
    h.send({ type: 'start', runId: 'early', config: long });
    h.send({ type: 'stop' });
    await h.session.whenIdle();
    await sleep(0);
    expect(h.result('early')).toMatchObject({ status: 'stopped', steps: 0 });
    await h.run('after');
    expect(h.statuses('after')).toEqual(['preparing', 'compiling', 'training', 'finished']);
  });

  it('pause and resume without a run are refused; stop without a run is a harmless no-op', async () => {
    const h = new Harness();
    const p = await h.reply(h.send({ type: 'pause' }));
    const r = await h.reply(h.send({ type: 'resume' }));
    const s = await h.reply(h.send({ type: 'stop' }));
    expect(p.ok || r.ok).toBe(false);
    if (!p.ok) expect(p.error.message).toBe('`pause` needs an active run; the status is idle');
    if (!r.ok) expect(r.error.message).toBe('`resume` needs a paused run; the status is idle');
    expect(s.ok).toBe(true);
  });

  it('answers a ping, and a malformed command with an error reply naming the field', async () => {
    const h = new Harness();
    expect((await h.reply(h.send({ type: 'ping' }))).ok).toBe(true);
    h.session.handle({ v: 99, id: 77, type: 'ping' });
    const bad = await h.reply(77);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe('command `v` must be protocol version 3, got 99');
    // Without an id there is nothing to reply to: the worker logs it (no command's id) and carries on.
    h.session.handle('garbage');
    const log = h.ofType('log').at(-1)!;
    expect(log.id).toBeNull();
    expect(log.message).toMatch(/a command must be an object/);
  });
});
