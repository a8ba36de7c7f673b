import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, type Optimizer, type OptimizerState, RMSprop, SGD } from './index';
import { buildReferenceMlp, referenceFixture, type ReferenceMlp } from './reference';

const classifier = referenceFixture.models.classifier!;

const configs: Array<[string, (params: tf.Variable[]) => Optimizer]> = [
  ['SGD nesterov + weight decay', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['SGD dampened', (p) => new SGD(p, { lr: 0.05, momentum: 0.8, dampening: 0.2 })],
  ['Adam amsgrad', (p) => new Adam(p, { lr: 1e-2, amsgrad: true, weightDecay: 1e-2 })],
  ['AdamW', (p) => new AdamW(p, { lr: 1e-2 })],
  ['RMSprop centered + momentum', (p) => new RMSprop(p, { lr: 5e-3, momentum: 0.9, centered: true })],
];

/** Runs `steps` training steps over the fixture's batches, starting at batch `offset`. */
function train(mlp: ReferenceMlp, opt: Optimizer, steps: number, offset = 0): void {
  const batches = mlp.batches();
  for (let s = 0; s < steps; s++) {
    const { x, y } = batches[(offset + s) % batches.length]!;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => mlp.loss(x, y), mlp.params);
      opt.step(grads);
    });
  }
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));
}

function weights(mlp: ReferenceMlp): number[] {
  return mlp.params.flatMap((p) => Array.from(p.dataSync()));
}

/** What a checkpoint file would hold: typed arrays as plain arrays, through JSON text. */
function throughJson(state: OptimizerState): OptimizerState {
  const plain = JSON.stringify(state, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
  return JSON.parse(plain) as OptimizerState;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(configs)('%s', (_name, make) => {
  it('resumes from stateDict exactly: 3 steps + save/load + 3 steps equals 6 steps', async () => {
    const first = buildReferenceMlp(classifier);
    const firstOpt = make(first.params);
    train(first, firstOpt, 3);
    firstOpt.paramGroups[0]!.lr *= 0.5; // a scheduler's change must survive the checkpoint too
    const saved = throughJson(await firstOpt.stateDict());

    // A fresh model gets other variable names; the state maps by position.
    const resumed = buildReferenceMlp(classifier);
    resumed.params.forEach((p, i) => p.assign(first.params[i]!));
    const resumedOpt = make(resumed.params);
    resumedOpt.loadStateDict(saved);
    expect(resumedOpt.stepCount).toBe(3);
    expect(resumedOpt.paramGroups[0]!.lr).toBe(firstOpt.paramGroups[0]!.lr);
    train(resumed, resumedOpt, 3, 3);

    // The uninterrupted run, with the same LR change after step 3.
    const again = buildReferenceMlp(classifier);
    const againOpt = make(again.params);
    train(again, againOpt, 3);
    againOpt.paramGroups[0]!.lr *= 0.5;
    train(again, againOpt, 3, 3);

    expect(weights(resumed)).toEqual(weights(again));
    expect(weights(resumed)).not.toEqual(weights(first));
    for (const [m, o] of [[first, firstOpt], [resumed, resumedOpt], [again, againOpt]] as const) {
      o.dispose();
      m.dispose();
    }
  });

  it('keeps the tensor count constant after the first step, and dispose frees every slot', () => {
    const mlp = buildReferenceMlp(classifier);
    const before = tf.memory().numTensors;
    const opt = make(mlp.params);
    train(mlp, opt, 1);
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBeGreaterThan(before); // slots exist now
    train(mlp, opt, 5, 1);
    expect(tf.memory().numTensors).toBe(afterFirst);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    mlp.dispose();
  });

  it('creates its slots as non-trainable variables', () => {
    const mlp = buildReferenceMlp(classifier);
    const names = new Set(Object.keys(tf.engine().registeredVariables));
    const opt = make(mlp.params);
    train(mlp, opt, 1);
    const slots = Object.values(tf.engine().registeredVariables).filter((v) => !names.has(v.name));
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((v) => !v.trainable)).toBe(true);
    opt.dispose();
    mlp.dispose();
  });
});

describe('Optimizer state details', () => {
  it('stores PyTorch slot names and per-parameter step counts', async () => {
    const mlp = buildReferenceMlp(classifier);
    const adam = new Adam(mlp.params, { amsgrad: true });
    train(mlp, adam, 2);
    const state = await adam.stateDict();
    const entry = state.state[mlp.params[0]!.name]!;
    expect(Object.keys(entry).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(entry.step).toBe(2);
    expect(state.paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: true });
    expect(state.paramGroups[0]!.params).toEqual(mlp.params.map((p) => p.name));
    adam.dispose();
    mlp.dispose();
  });

  it('leaves a parameter without a gradient untouched and without state', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3, 4]));
    const opt = new SGD([a, b], { lr: 0.5, momentum: 0.9 });
    tf.tidy(() => opt.step({ [a.name]: tf.tensor1d([1, 1]) }));
    expect(Array.from(a.dataSync())).toEqual([0.5, 1.5]);
    expect(Array.from(b.dataSync())).toEqual([3, 4]);
    expect(Object.keys((await opt.stateDict()).state)).toEqual([a.name]);
    opt.dispose();
    tf.dispose([a, b]);
  });

  it('honours per-group hyperparameters and reads lr at every step', () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(1));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0 }], { lr: 0.25 });
    const grads = () => ({ [a.name]: tf.scalar(1), [b.name]: tf.scalar(1) });
    tf.tidy(() => opt.step(grads()));
    opt.paramGroups[0]!.lr = 0.5;
    tf.tidy(() => opt.step(grads()));
    expect(a.dataSync()[0]).toBeCloseTo(0.25, 7);
    expect(b.dataSync()[0]).toBe(1);
    opt.dispose();
    tf.dispose([a, b]);
  });

  it('rejects mismatched gradients and states', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Adam([a]);
    expect(() => tf.tidy(() => opt.step({ [a.name]: tf.tensor1d([1, 2, 3]) }))).toThrow(/gradient of '.*' has shape \[3\], the variable has \[2\]/);
    tf.tidy(() => opt.step({ [a.name]: tf.tensor1d([1, 2]) }));
    const state = await opt.stateDict();
    const c = tf.variable(tf.tensor1d([1, 2, 3]));
    expect(() => new Adam([c]).loadStateDict(state)).toThrow(/slot 'exp_avg' .* has shape \[2\], the variable has \[3\]/);
    expect(() => new Adam([a, c]).loadStateDict(state)).toThrow(/param group 0 of the state has 1 params, this optimizer's has 2/);
    expect(() => new Adam([{ params: [a] }, { params: [c] }]).loadStateDict(state)).toThrow(/state has 1 param groups/);
    opt.dispose();
    tf.dispose([a, c]);
  });

  it('rejects a variable listed in two param groups', () => {
    const a = tf.variable(tf.scalar(1));
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/appears in more than one param group/);
    a.dispose();
  });
});
