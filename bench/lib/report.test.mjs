import { describe, expect, it } from 'vitest';
import { coldStartRows, ratio, renderMarkdown } from './report.mjs';

const rep = (samplesPerSec, firstStepMs, extra = {}) => ({ samplesPerSec, firstStepMs, tensorsAfterEpoch: [5, 5, 5, 5], bytesAfterEpoch: [9, 9, 9, 9], ...extra });
const tp = (impl, reps) => ({ runtime: 'chromium', backend: 'webgpu', threads: 1, model: 'mlp', batch: 64, impl, steps: 6, reps });
const cold = (impl, position, firstStepMs) => ({ runtime: 'chromium', backend: 'webgpu', model: 'mlp', batch: 64, impl, position, firstStepMs });

const result = (report) => ({
  date: 'D',
  machine: { cpu: 'CPU', cores: 2, os: 'Linux', node: 'v20', loadBefore: [1, 2, 3], loadAfter: [4, 5, 6] },
  args: [],
  reports: [report],
  skipped: ['chromium:webgpu lenet b64: estimated 185 s (run with --all)'],
  failures: [],
  wallS: 10,
});

describe('ratio', () => {
  it('is the median of the per-repetition pairs, not the ratio of medians', () => {
    // Load rose during the third repetition's fit run: its pair is an outlier, the medians' ratio (120/310) would not be.
    const row = { trainer: tp('trainer', [rep(100, 0), rep(300, 0), rep(120, 0)]), fit: tp('fit', [rep(90, 0), rep(310, 0), rep(400, 0)]) };
    expect(ratio(row).median).toBeCloseTo(300 / 310, 10);
    expect(ratio(row).text).toBe('**0.97×** (0.30–1.11)');
  });
});

describe('renderMarkdown', () => {
  const report = {
    runtime: 'chromium', backend: 'webgpu', threads: 1, info: {}, longTasks: 0, errors: [], accuracy: [],
    throughput: [
      tp('trainer', [rep(100, 5000, { hostMsPerStep: 20, dispatchesPerStep: 99.3, readbacksPerStep: 0.4 }), rep(120, 300, { hostMsPerStep: 22, dispatchesPerStep: 99.3, readbacksPerStep: 0.4 })]),
      tp('fit', [rep(100, 600, { hostMsPerStep: 30, dispatchesPerStep: 106.5, readbacksPerStep: 0 }), rep(100, 500, { hostMsPerStep: 30, dispatchesPerStep: 106.5, readbacksPerStep: 0 })]),
      tp('trainer:noflush', [rep(90, 400), rep(95, 400)]),
    ],
    coldStarts: [cold('trainer', 0, 4400), cold('fit', 1, 650), cold('fit', 0, 4000), cold('trainer', 1, 780)],
  };
  const md = renderMarkdown(result(report));

  it('shows the warm first step without the repetition that compiled the shaders', () => {
    const row = md.split('\n').find((l) => l.startsWith('| chromium | webgpu | 1 | mlp | 64 |'));
    expect(row).toContain('| 300 / 500 |');
    expect(row).not.toContain('5,000');
    expect(row).toContain('| 6 × 3 × 2 |');
    expect(row).toContain('| 21.0 / 30.0 | 99.3 / 106.5 | 0.40 / 0.00 |');
  });

  it('compares cold first steps with cold ones, in a table of their own', () => {
    expect(md).toContain('| chromium | webgpu | mlp | 64 | 4,400 | 4,000 | 1.10× | 780 | 650 |');
    expect(coldStartRows([report])[0].trainer).toEqual([[4400], [780]]);
  });

  it('lists Trainer variants against both the Trainer and fit', () => {
    expect(md).toContain('| chromium | webgpu | mlp | 64 | noflush | 93 (90–95) | 0.84× | 0.93× |');
  });

  it('prints the machine, the load average and what was skipped', () => {
    expect(md).toContain('CPU, 2 cores');
    expect(md).toContain('load average (1/5/15 min) before 1/2/3, after 4/5/6');
    expect(md).toContain('- skipped: chromium:webgpu lenet b64');
  });
});

describe('live charts section', () => {
  it('gives median, p95 and long tasks per renderer and size, and says whether the target is met', () => {
    const ms = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20 ms: p95 = 19
    const md = renderMarkdown({
      ...result({}),
      charts: { plan: { stepsPerUpdate: 40, intervalMs: 250, updates: 20 }, cases: [{ renderer: 'canvas', points: 100000, updates: 20, msPerUpdate: ms.map((x) => x / 2), longTasks: 0 }, { renderer: 'recharts', points: 100000, updates: 20, msPerUpdate: ms, longTasks: 3 }] },
    });
    expect(md).toContain('## Live charts');
    expect(md).toContain('| canvas | 100,000 | 20 | 5.3 | 9.5 | 10.0 | 0 | yes |');
    expect(md).toContain('| recharts | 100,000 | 20 | 10.5 | 19.0 | 20.0 | 3 | no |');
  });
});
