import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, TensorDataset, seedEverything, unseed } from '../lightning';
import { quietTrainer } from '../lightning/testing/boring';
import { SpecModule, computeLoss, createModule } from './module';
import { buildPreset } from './presets';
import { trainerOptionsFor } from './training';
import type { ModelSpec, TaskInfo } from './spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => unseed());

/** Three Gaussian blobs in 2-D: an easy problem a small MLP separates in a few epochs. */
function blobs(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const centres = [[-2, 0], [2, 0], [0, 2.5]];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push(centres[c]![0]! + (rand() - 0.5) * 1.6, centres[c]![1]! + (rand() - 0.5) * 1.6);
    ys.push(c);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor1d(ys, 'int32') };
}

function loaders(spec: ModelSpec, train: { x: tf.Tensor; y: tf.Tensor }, val: { x: tf.Tensor; y: tf.Tensor }) {
  return {
    trainDataloaders: new DataLoader(new TensorDataset(train.x, train.y), { batchSize: spec.recipe.batchSize, shuffle: true, generator: 1 }),
    valDataloaders: new DataLoader(new TensorDataset(val.x, val.y), { batchSize: 64 }),
  };
}

const blobTask: TaskInfo = { inputShape: [2], task: 'classification', numClasses: 3 };

describe('SpecModule', () => {
  it('trains a classifier through the Trainer and logs loss, accuracy and F1 for train, val and test', async () => {
    seedEverything(7);
    const spec = buildPreset('mlp', blobTask);
    spec.recipe.epochs = 4;
    const train = blobs(300, 1);
    const val = blobs(90, 2);
    const module = createModule(spec, blobTask);
    const trainer = quietTrainer(trainerOptionsFor(spec.recipe));
    const before = tf.memory().numTensors;
    await trainer.fit(module, loaders(spec, train, val));
    const m = trainer.callbackMetrics;
    expect(m.val_acc).toBeGreaterThan(0.9);
    expect(m.val_f1).toBeGreaterThan(0.9);
    expect(m.val_loss).toBeLessThan(0.5);
    expect(m.train_acc_epoch).toBeGreaterThan(0.8);
    expect(m.train_loss_step).toBeTypeOf('number');
    expect(Object.keys(trainer.progressBarMetrics)).toEqual(expect.arrayContaining(['train_loss_step', 'train_acc_step', 'val_loss', 'val_acc']));
    // Only the optimizer's state (Adam: two slots per weight + its step) is new after training.
    const params = module.parameters().length;
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * params + 8);
    const [result] = await trainer.test(module, { dataloaders: new DataLoader(new TensorDataset(val.x, val.y), { batchSize: 64 }) });
    expect(result!.test_acc).toBeCloseTo(m.val_acc!, 6);
    expect(result!.test_f1).toBeGreaterThan(0.9);
    expect(result!.test_loss).toBeCloseTo(m.val_loss!, 5);
    module.dispose();
  });

  it('trains a regression model (y = 2x) and logs MAE and R²', async () => {
    seedEverything(3);
    const task: TaskInfo = { inputShape: [1], task: 'regression' };
    const spec = buildPreset('myModel', task);
    spec.recipe.epochs = 30;
    const xs = Array.from({ length: 128 }, (_, i) => i / 64 - 1);
    const data = { x: tf.tensor2d(xs, [128, 1]), y: tf.tensor1d(xs.map((v) => 2 * v)) };
    const module = new SpecModule(spec, task);
    const trainer = quietTrainer(trainerOptionsFor(spec.recipe));
    await trainer.fit(module, loaders(spec, data, data));
    const m = trainer.callbackMetrics;
    expect(m.val_r2).toBeGreaterThan(0.99);
    expect(m.val_mae).toBeLessThan(0.1);
    expect(m.train_mae_epoch).toBeLessThan(0.2);
    expect(m.train_r2).toBeGreaterThan(0.9);
    module.dispose();
  });

  it('steps a oneCycle schedule per batch, from the recipe', async () => {
    seedEverything(1);
    const spec = buildPreset('linear', blobTask);
    spec.recipe.epochs = 2;
    spec.recipe.batchSize = 50;
    spec.recipe.lrSchedule = { type: 'oneCycle', maxLr: 0.05, pctStart: 0.5 };
    const train = blobs(200, 3);
    const module = createModule(spec, blobTask);
    const lrs: number[] = [];
    const trainer = quietTrainer(trainerOptionsFor(spec.recipe));
    const orig = module.optimizerStep.bind(module);
    module.optimizerStep = (epoch, batchIdx, optimizer) => {
      lrs.push(optimizer.paramGroups[0]!.lr);
      return orig(epoch, batchIdx, optimizer);
    };
    await trainer.fit(module, loaders(spec, train, train));
    // 4 batches × 2 epochs: up to maxLr at the middle, then down to far below the start.
    expect(lrs).toHaveLength(8);
    expect(Math.max(...lrs)).toBeCloseTo(0.05, 6);
    expect(lrs.indexOf(Math.max(...lrs))).toBe(3);
    expect(lrs[7]!).toBeLessThan(lrs[0]!);
    module.dispose();
  });

  it('gives ReduceLROnPlateau its monitor and adds the recipe’s early stopping', async () => {
    seedEverything(2);
    const spec = buildPreset('linear', blobTask);
    spec.recipe.epochs = 50;
    spec.recipe.optimizer.lr = 1e-6; // accuracy cannot move, so early stopping must end the run
    spec.recipe.lrSchedule = { type: 'reduceOnPlateau', monitor: 'val_acc', mode: 'max', factor: 0.5, patience: 0 };
    spec.recipe.earlyStopping = { monitor: 'val_acc', patience: 2, mode: 'max' };
    const train = blobs(60, 4);
    const module = createModule(spec, blobTask);
    const trainer = quietTrainer(trainerOptionsFor(spec.recipe));
    await trainer.fit(module, loaders(spec, train, train));
    expect(trainer.earlyStoppingCallback?.monitor).toBe('val_acc');
    expect(trainer.currentEpoch).toBeLessThan(10);
    expect(trainer.optimizers[0]!.paramGroups[0]!.lr).toBeLessThan(1e-6 / 3);
    module.dispose();
  });

  it('refuses a spec that cannot train, listing the problems', () => {
    const spec = buildPreset('mlp', blobTask);
    spec.layers[spec.layers.length - 1] = { id: 'out', kind: 'dense', units: 4 };
    spec.recipe.optimizer.lr = -1;
    expect(() => createModule(spec, blobTask)).toThrow(
      "The model spec cannot be trained: The output has 4 values but the task has 3 classes; set the last Dense layer's `units` to 3; `optimizer.lr` must be a positive number, got -1",
    );
  });

  it('passes `training` to the model: dropout is active in training only', () => {
    const spec = buildPreset('mlp', { inputShape: [8], task: 'regression' }, { depth: 1, width: 64, dropout: 0.5 });
    const module = createModule(spec, { inputShape: [8], task: 'regression' });
    const x = tf.ones([4, 8]);
    const evalA = module.eval().forward(x);
    const evalB = module.forward(x);
    const trainOut = module.train().forward(x);
    expect(tf.max(tf.abs(tf.sub(evalA, evalB))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(evalA, trainOut))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, evalA, evalB, trainOut]);
    module.dispose();
  });

  it('computes each loss as the reference formula does', () => {
    const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 3]]);
    const ce = computeLoss('crossEntropy', logits, tf.tensor1d([0, 2], 'int32')).dataSync()[0]!;
    const lse = (r: number[]) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    expect(ce).toBeCloseTo((lse([2, 0, -1]) - 2 + lse([0.5, 0.5, 3]) - 3) / 2, 5);
    const bce = computeLoss('binaryCrossEntropy', tf.tensor2d([[0], [2]]), tf.tensor1d([1, 0])).dataSync()[0]!;
    expect(bce).toBeCloseTo((Math.log(2) + Math.log(1 + Math.exp(2))) / 2, 5);
    const pred = tf.tensor2d([[1], [3]]);
    const y = tf.tensor1d([0, 1]);
    expect(computeLoss('mse', pred, y).dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(computeLoss('mae', pred, y).dataSync()[0]).toBeCloseTo(1.5, 6);
    expect(computeLoss('huber', pred, y).dataSync()[0]).toBeCloseTo(1, 6); // both errors beyond delta 1: |e| − 0.5
  });
});
