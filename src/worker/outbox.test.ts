import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from './outbox';
import { decodeMetricBatch, type ProgressBody, type Progress } from './protocol';

const progress = (step: number): Progress => ({
  epoch: 0, totalEpochs: 1, batch: step, batchesPerEpoch: 100, step, totalSteps: 100, samplesPerSec: 0, etaSeconds: null, compileMs: null,
});

describe('Outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function make() {
    const sent: Array<{ at: number; e: ProgressBody }> = [];
    const timers = { setTimeout: (f: () => void, ms: number) => setTimeout(f, ms), clearTimeout: (h: unknown) => clearTimeout(h as number), now: () => Date.now() };
    const box = new Outbox((e) => sent.push({ at: Date.now(), e }), 100, timers);
    return { sent, box };
  }

  it('posts at most once per interval, keeps every point in order and only the latest progress', () => {
    const { sent, box } = make();
    for (let step = 0; step < 1000; step++) {
      box.addMetrics('r', { loss: 1 / (step + 1), epoch: 0 }, step);
      box.setProgress('r', progress(step));
      vi.advanceTimersByTime(1); // a step per millisecond
    }
    vi.advanceTimersByTime(200);
    const metrics = sent.filter((s) => s.e.type === 'metrics');
    expect(metrics.length).toBeGreaterThanOrEqual(10);
    expect(metrics.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < metrics.length; i++) expect(metrics[i]!.at - metrics[i - 1]!.at).toBeGreaterThanOrEqual(100);
    const points = metrics.flatMap((s) => (s.e.type === 'metrics' ? decodeMetricBatch(s.e.batch) : []));
    expect(points.filter((p) => p.name === 'loss').map((p) => p.step)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(points).toHaveLength(2000);
    const progresses = sent.flatMap((s) => (s.e.type === 'progress' ? [s.e.progress.step] : []));
    expect(progresses.length).toBe(metrics.length);
    expect(progresses.at(-1)).toBe(999);
  });

  it('flush posts what is pending at once; switching runs flushes the old run first', () => {
    const { sent, box } = make();
    box.addMetrics('a', { loss: 1 }, 0);
    box.addMetrics('b', { loss: 2 }, 0);
    expect(sent.map((s) => [s.e.type, (s.e as { runId?: string }).runId])).toEqual([['metrics', 'a']]);
    box.flush();
    expect(sent.map((s) => (s.e as { runId?: string }).runId)).toEqual(['a', 'b']);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(2); // nothing pending, nothing posted
  });
});
