import { describe, expect, it } from 'vitest';
import { ALL_TARGETS, coldStartsFor, estimateS, jobCostS, parseArgs, planFor } from './plan.mjs';

const defaults = () => parseArgs([]);

describe('planFor', () => {
  it('gives the emulated GPU backends at least 3 timed epochs of several steps for MLP b64', () => {
    for (const target of ['chromium:webgl', 'chromium:webgpu']) {
      const job = planFor(target, defaults()).plan.throughput.find((j) => j.model === 'mlp' && j.batch === 64);
      expect(job, target).toBeDefined();
      expect(job.measuredEpochs).toBeGreaterThanOrEqual(3);
      expect(job.reps).toBeGreaterThanOrEqual(2);
      // The old plan timed 5 steps × 2 epochs on WebGPU; a ratio needs more than that.
      expect(job.steps * job.measuredEpochs).toBeGreaterThan(10);
    }
  });

  it('keeps every default job within its budget and skips the rest with a reason', () => {
    for (const target of ALL_TARGETS) {
      const { plan, skipped } = planFor(target, defaults());
      for (const job of plan.throughput) {
        expect(jobCostS(target, job), `${target} ${job.model} b${job.batch}`).toBeLessThanOrEqual(45 * 2.5);
        expect(job.steps * job.measuredEpochs).toBeGreaterThanOrEqual(4);
      }
      for (const s of skipped) {
        expect(s.startsWith(`${target} `)).toBe(true);
        expect(s).toContain('(run with --all)');
      }
    }
    expect(planFor('chromium:webgpu', defaults()).skipped.some((s) => s.startsWith('chromium:webgpu lenet b64'))).toBe(true);
  });

  it('runs what it skipped by default when --all is given', () => {
    const all = planFor('chromium:webgpu', parseArgs(['--all'])).plan.throughput;
    expect(all.map((j) => `${j.model}${j.batch}`)).toEqual(['mlp64', 'mlp256', 'lenet64', 'lenet256']);
  });

  it('fits the default run in about ten minutes of training', () => {
    const opts = defaults();
    const total = ALL_TARGETS.reduce((a, t) => a + estimateS(planFor(t, opts).plan, t, coldStartsFor(t, opts)), 0);
    expect(total).toBeLessThan(12 * 60);
    expect(total).toBeGreaterThan(5 * 60);
  });

  it('counts a Trainer variant as a third implementation in the cost', () => {
    const opts = parseArgs(['--trainer-variant=noflush:{"flushIntervalMs":1e9}']);
    const { plan } = planFor('chromium:wasm', opts);
    expect(plan.trainerVariants).toEqual({ noflush: { flushIntervalMs: 1e9 } });
    const job = plan.throughput[0];
    expect(estimateS(plan, 'chromium:wasm')).toBeGreaterThan(estimateS({ ...plan, trainerVariants: undefined }, 'chromium:wasm'));
    expect(jobCostS('chromium:wasm', job, 3)).toBeCloseTo(jobCostS('chromium:wasm', job, 2) * 1.5, 5);
  });
});

describe('coldStartsFor', () => {
  it('measures both orders, each in its own worker, for MLP on WebGL and WebGPU only', () => {
    expect(coldStartsFor('chromium:webgpu', defaults())).toEqual([
      { model: 'mlp', batch: 64, order: ['trainer', 'fit'] },
      { model: 'mlp', batch: 64, order: ['fit', 'trainer'] },
    ]);
    expect(coldStartsFor('chromium:wasm', defaults())).toEqual([]);
    expect(coldStartsFor('chromium:webgl', parseArgs(['--no-cold-starts']))).toEqual([]);
    expect(coldStartsFor('chromium:webgl', parseArgs(['--all'])).map((c) => c.model)).toEqual(['mlp', 'mlp', 'lenet', 'lenet']);
  });
});

describe('parseArgs', () => {
  it('names the option and the bad value', () => {
    expect(() => parseArgs(['--trainer-variant=oops'])).toThrow('`--trainer-variant` takes NAME:{json Trainer options}, got "oops"');
    expect(() => parseArgs(['--reps=0'])).toThrow('`--reps` must be a positive integer, got 0');
    expect(() => parseArgs(['--models=resnet'])).toThrow('`--models` takes mlp and lenet, got "resnet"');
  });
});

describe('--only', () => {
  it('charts alone skips every training runtime; training alone skips the charts', () => {
    const charts = parseArgs(['--only=charts']);
    expect([charts.charts, charts.node, charts.browser, charts.pytorch]).toEqual([true, false, false, false]);
    const training = parseArgs(['--only=training']);
    expect([training.charts, training.node, training.browser]).toEqual([false, true, true]);
    expect(() => parseArgs(['--only=gpu'])).toThrow(/`--only` takes training and charts/);
  });
});
