// The full package registers the gradient kernels that tfjs-core alone lacks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceFixture, replayReferenceRun, type TorchLinear } from './reference';

/** |a − b| ≤ tol · max(1, |b|), element-wise, with a message naming the first offender. */
function expectClose(actual: number[], expected: number[], tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const b = expected[i]!;
    const ok = Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
    if (!ok) expect.fail(`${what}[${i}]: got ${a}, PyTorch ${b} (|diff| ${Math.abs(a - b)})`);
  });
}

function flatten(layers: TorchLinear[]): number[] {
  return layers.flatMap((l) => [...l.weight.flat(), ...l.bias]);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PyTorch reference fixture', () => {
  it('covers every optimizer, clipping mode and a scheduled run', () => {
    const runs = referenceFixture.runs;
    expect(new Set(runs.map((r) => r.optimizer))).toEqual(new Set(['SGD', 'Adam', 'AdamW', 'RMSprop']));
    expect(runs.some((r) => r.options.nesterov === true)).toBe(true);
    expect(runs.some((r) => r.clip?.type === 'value')).toBe(true);
    expect(runs.some((r) => r.clip?.type === 'norm' && r.clip.normType === 'inf')).toBe(true);
    expect(runs.some((r) => r.scheduler !== null)).toBe(true);
    expect(String(referenceFixture.meta.torch)).toMatch(/^1\.13/);
  });

  describe.each(referenceFixture.runs.map((r) => [r.name, r] as const))('%s', (_name, run) => {
    it('reproduces PyTorch per-step losses, LRs and final weights within 1e-4', async () => {
      const result = await replayReferenceRun(run);
      expectClose(result.losses, run.losses, 1e-4, 'loss');
      expectClose(flatten(result.finalLayers), flatten(run.finalLayers), 1e-4, 'final weight');
      expectClose(result.lrs, run.lrs, 1e-9, 'lr');
      if (run.gradNorms) expectClose(result.gradNorms, run.gradNorms, 1e-4, 'grad norm');
      // The weights must have moved, or matching final weights would prove nothing.
      const initial = flatten(referenceFixture.models[run.model]!.layers);
      const moved = Math.max(...flatten(result.finalLayers).map((w, i) => Math.abs(w - initial[i]!)));
      expect(moved).toBeGreaterThan(1e-3);
    });
  });
});
