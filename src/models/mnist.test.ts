/**
 * The promise: the default MNIST MLP, with its default recipe and
 * nothing changed, reaches ≥ 95% validation accuracy on the 8,000 / 2,000
 * split. This is the whole default run (12 epochs on all 8,000 digits,
 * validated on all 2,000), on the WASM backend: about 70 s on an idle
 * 2-core machine, several times longer when the cores are shared.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { DataLoader, TensorDataset, seedEverything } from '../lightning';
import { quietTrainer } from '../lightning/testing/boring';
import { useWasmBackendInNode } from '../lightning/backends/node-wasm';
// Test-only: the packed MNIST and its benchmark split come from the data layer.
import { loadBuiltin } from '../data/builtins';
import type { EncodedDataset } from '../data/types';
import { createModule } from './module';
import { buildPreset } from './presets';
import { dataLoaderOptionsFor, trainerOptionsFor } from './training';
import type { TaskInfo } from './spec';

let mnist: EncodedDataset;

beforeAll(async () => {
  await useWasmBackendInNode();
  const root = resolve(__dirname, '../..');
  const dir = mkdtempSync(join(tmpdir(), 'volt-models-mnist-'));
  execFileSync(process.execPath, [join(root, 'scripts/pack-datasets.mjs'), '--out', dir]);
  mnist = (await loadBuiltin('mnist', async (file) => new Uint8Array(readFileSync(join(dir, file))), { mnist: { holdOutTest: false } })).dataset;
}, 60_000);

function tensors(rows: Int32Array): TensorDataset {
  const size = mnist.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, i) => x.set(mnist.x.subarray(r * size, (r + 1) * size), i * size));
  const y = Int32Array.from(rows, (r) => mnist.y[r]!);
  return new TensorDataset(tf.tensor(x, [rows.length, ...mnist.inputShape]), tf.tensor1d(y, 'int32'));
}

it('the default MLP recipe reaches ≥ 95% validation accuracy on MNIST (8,000 / 2,000)', async () => {
  expect(mnist.splits.train.length).toBe(8000);
  expect(mnist.splits.validation.length).toBe(2000);
  const info: TaskInfo = { inputShape: mnist.inputShape, task: 'classification', numClasses: 10, name: 'mnist' };
  const spec = buildPreset('mlp', { ...info, numExamples: 10000 });
  expect(spec.recipe).toMatchObject({ optimizer: { type: 'adam', lr: 2e-3 }, batchSize: 64, epochs: 12, seed: 42 });
  seedEverything(spec.recipe.seed!);
  const module = createModule(spec, info);
  // numSanityValSteps undefined: the Trainer's default sanity check, as in the studio.
  const trainer = quietTrainer({ ...trainerOptionsFor(spec.recipe), accelerator: 'wasm', numSanityValSteps: undefined });
  await trainer.fit(module, {
    trainDataloaders: new DataLoader(tensors(mnist.splits.train), dataLoaderOptionsFor(spec.recipe, 'train')),
    valDataloaders: new DataLoader(tensors(mnist.splits.validation), { batchSize: 500 }),
  });
  expect(trainer.currentEpoch).toBe(12);
  expect(trainer.callbackMetrics.val_acc).toBeGreaterThanOrEqual(0.95);
  module.dispose();
}, 600_000);
