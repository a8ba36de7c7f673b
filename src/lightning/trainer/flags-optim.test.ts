// Optimization flags: accumulateGradBatches, gradient clipping, deterministic, detectAnomaly.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaCallback, seedEverything, SGD, type Batch, type Optimizer } from '../index';
import { BoringModel, boringLoader, LossRecorder, paramValues, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Records the gradients exactly as the optimizer receives them (after accumulation and clipping). */
class GradSpy extends BoringModel {
  readonly applied: number[][] = [];
  override optimizerStep(epoch: number, batchIdx: number, optimizer: Optimizer): void {
    const grads = this.trainer!.gradients;
    this.applied.push(Object.keys(grads).sort().flatMap((k) => Array.from(grads[k]!.dataSync())));
    super.optimizerStep(epoch, batchIdx, optimizer);
  }
}

const l2 = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

describe('accumulateGradBatches', () => {
  it('2 halves the optimizer steps and globalStep', async () => {
    let optimizer: SGD | null = null;
    const model = new BoringModel({ optimizer: (p) => (optimizer = new SGD(p, { lr: 0.1 })) });
    const trainer = quietTrainer({ maxEpochs: 2, accumulateGradBatches: 2 });
    await trainer.fit(model, { trainDataloaders: boringLoader(16, { batchSize: 2 }) });
    expect(model.calls.trainingStep).toBe(16);
    expect(trainer.globalStep).toBe(8);
    expect(optimizer!.stepCount).toBe(8);
  });

  it('steps on the last batch of an epoch even when the window is not full', async () => {
    const trainer = quietTrainer({ maxEpochs: 1, accumulateGradBatches: 2 });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(10, { batchSize: 2 }) });
    expect(trainer.globalStep).toBe(3); // windows [0,1], [2,3], [4]
  });

  it('one accumulated step over 2 batches equals one step on both batches concatenated (mean loss)', async () => {
    seedEverything(11);
    const accumulated = new BoringModel({ lr: 0.5 });
    seedEverything(11);
    const single = new BoringModel({ lr: 0.5 });
    const initial = paramValues(single);
    expect(paramValues(accumulated)).toEqual(initial);

    await quietTrainer({ maxSteps: 1, accumulateGradBatches: 2 }).fit(accumulated, { trainDataloaders: boringLoader(4, { batchSize: 2 }) });
    await quietTrainer({ maxSteps: 1 }).fit(single, { trainDataloaders: boringLoader(4, { batchSize: 4 }) });

    const a = paramValues(accumulated);
    const b = paramValues(single);
    expect(a).not.toEqual(initial);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    // Without the 1/N scaling the update would be twice as large: make sure the check can tell.
    const moved = a.map((v, i) => Math.abs(v - initial[i]!)).reduce((x, y) => Math.max(x, y));
    expect(moved).toBeGreaterThan(1e-3);
  });
});

describe('gradient clipping', () => {
  it("gradientClipVal with 'norm' bounds the global gradient norm the optimizer sees", async () => {
    const free = new GradSpy({ lr: 0.01 });
    await quietTrainer({ maxEpochs: 1 }).fit(free, { trainDataloaders: boringLoader(8) });
    const freeNorms = free.applied.map(l2);
    expect(Math.min(...freeNorms)).toBeGreaterThan(0.05); // so clipping at 0.05 has an effect

    const clipped = new GradSpy({ lr: 0.01 });
    await quietTrainer({ maxEpochs: 1, gradientClipVal: 0.05, gradientClipAlgorithm: 'norm' }).fit(clipped, { trainDataloaders: boringLoader(8) });
    expect(clipped.applied).toHaveLength(4);
    for (const g of clipped.applied) {
      expect(l2(g)).toBeLessThanOrEqual(0.05 * (1 + 1e-4));
      expect(l2(g)).toBeGreaterThan(0.05 * 0.99); // scaled down to the bound, not zeroed
    }
  });

  it("'norm' is the default algorithm, and the direction of the gradient is kept", async () => {
    seedEverything(3);
    const free = new GradSpy({ lr: 0 });
    seedEverything(3);
    const clipped = new GradSpy({ lr: 0 });
    await quietTrainer({ maxSteps: 1 }).fit(free, { trainDataloaders: boringLoader(4) });
    await quietTrainer({ maxSteps: 1, gradientClipVal: 0.05 }).fit(clipped, { trainDataloaders: boringLoader(4) });
    const f = free.applied[0]!;
    const c = clipped.applied[0]!;
    const scale = 0.05 / l2(f);
    c.forEach((v, i) => expect(v).toBeCloseTo(f[i]! * scale, 6));
  });

  it("'value' clamps every gradient element to [-clip, clip]", async () => {
    const free = new GradSpy({ lr: 0.01 });
    await quietTrainer({ maxEpochs: 1 }).fit(free, { trainDataloaders: boringLoader(8) });
    expect(Math.max(...free.applied.flat().map(Math.abs))).toBeGreaterThan(0.01);

    const clipped = new GradSpy({ lr: 0.01 });
    await quietTrainer({ maxEpochs: 1, gradientClipVal: 0.01, gradientClipAlgorithm: 'value' }).fit(clipped, {
      trainDataloaders: boringLoader(8),
    });
    const all = clipped.applied.flat();
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.01 + 1e-7);
    expect(all.filter((v) => Math.abs(v) > 0.01 - 1e-7).length).toBeGreaterThan(0); // some were clamped to the bound
  });

  it('gradientClipVal 0 leaves the gradients alone', async () => {
    seedEverything(5);
    const free = new GradSpy();
    seedEverything(5);
    const zero = new GradSpy();
    await quietTrainer({ maxSteps: 2 }).fit(free, { trainDataloaders: boringLoader(4) });
    await quietTrainer({ maxSteps: 2, gradientClipVal: 0 }).fit(zero, { trainDataloaders: boringLoader(4) });
    expect(zero.applied).toEqual(free.applied);
  });
});

describe('deterministic + seedEverything', () => {
  const run = async (seed: number) => {
    seedEverything(seed);
    const recorder = new LossRecorder();
    // Shuffled with a seed drawn from the seeded Math.random, like a user's loader.
    const loader = boringLoader(16, { batchSize: 4, shuffle: true });
    const model = new BoringModel({ lr: 0.05 });
    await quietTrainer({ maxEpochs: 3, deterministic: true, callbacks: [recorder] }).fit(model, { trainDataloaders: loader });
    return { losses: recorder.losses, weights: paramValues(model) };
  };

  it('two runs with the same seed have identical losses and weights; another seed differs', async () => {
    const a = await run(1234);
    const b = await run(1234);
    const c = await run(99);
    expect(a.losses).toHaveLength(12);
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
    expect(c.losses).not.toEqual(a.losses);
  });
});

describe('detectAnomaly', () => {
  /** The loss turns NaN at epoch 1, batch 2. */
  class NaNAt extends BoringModel {
    override trainingStep(batch: Batch, batchIdx: number) {
      const loss = this.lossOf(batch);
      this.calls.trainingStep += 1;
      return this.currentEpoch === 1 && batchIdx === 2 ? (tf.mul(loss, NaN) as tf.Scalar) : loss;
    }
  }

  it('a NaN loss stops fit with an error naming the epoch, batch and step, before the optimizer step', async () => {
    const model = new NaNAt();
    const trainer = quietTrainer({ maxEpochs: 3, detectAnomaly: true });
    let before: number[] = [];
    trainer.callbacks.push(new LambdaCallback({ onTrainBatchStart: (_t, m, _b, i) => void (i === 2 && (before = paramValues(m))) }));
    await expect(trainer.fit(model, { trainDataloaders: boringLoader(8) })).rejects.toThrow(/NaN at epoch 1, batch 2 \(global step 6\)/);
    expect(trainer.state.status).toBe('interrupted');
    expect(paramValues(model)).toEqual(before);
    expect(paramValues(model).every(Number.isFinite)).toBe(true);
  });

  it('an infinite loss is caught too', async () => {
    class InfModel extends BoringModel {
      override trainingStep(batch: Batch) {
        return tf.div(this.lossOf(batch), 0) as tf.Scalar;
      }
    }
    await expect(quietTrainer({ maxEpochs: 1, detectAnomaly: true }).fit(new InfModel(), { trainDataloaders: boringLoader(4) })).rejects.toThrow(
      /detectAnomaly: the loss is Infinity at epoch 0, batch 0/,
    );
  });

  it('without the flag the NaN goes through: fit completes and the weights become NaN', async () => {
    const model = new NaNAt();
    const trainer = quietTrainer({ maxEpochs: 2 });
    await trainer.fit(model, { trainDataloaders: boringLoader(8) });
    expect(trainer.globalStep).toBe(8);
    expect(paramValues(model).some(Number.isNaN)).toBe(true);
  });
});
