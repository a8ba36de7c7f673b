import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBuiltin } from '../data/builtins';
import { useWasmBackendInNode } from '../lightning/backends/node-wasm';
import { DataLoader, TensorDataset, Trainer, seedEverything, LambdaCallback } from '../lightning';
import { buildPreset, createModule, trainerOptionsFor } from './index';

it('mnist experiment', async () => {
  const env = process.env;
  if (env.BK === 'wasm') await useWasmBackendInNode(); else await tf.setBackend('cpu');
  const root = resolve(__dirname, '../..');
  const dir = '/tmp/volt/ds';
  if (!existsSync(join(dir, 'index.json'))) execFileSync(process.execPath, [join(root, 'scripts/pack-datasets.mjs'), '--out', dir]);
  const { dataset } = await loadBuiltin('mnist', async (f) => new Uint8Array(readFileSync(join(dir, f))));
  const info = { inputShape: dataset.inputShape, task: dataset.task, numClasses: 10, name: 'mnist' } as const;
  const opts: Record<string, unknown> = {};
  if (env.DEPTH) opts.depth = Number(env.DEPTH);
  if (env.WIDTH) opts.width = Number(env.WIDTH);
  if (env.DROP) opts.dropout = Number(env.DROP);
  const spec = buildPreset('mlp', info, opts);
  if (env.EPOCHS) spec.recipe.epochs = Number(env.EPOCHS);
  if (env.LR) spec.recipe.optimizer.lr = Number(env.LR);
  if (env.SCHED) spec.recipe.lrSchedule = JSON.parse(env.SCHED);
  if (env.BS) spec.recipe.batchSize = Number(env.BS);
  if (env.SEED) spec.recipe.seed = Number(env.SEED);
  console.log(JSON.stringify(spec.layers.map(l=>l.kind+JSON.stringify(l))), JSON.stringify(spec.recipe));
  const px = dataset.inputShape.reduce((a, b) => a * b, 1);
  const take = (idx: Int32Array) => {
    const x = new Float32Array(idx.length * px); const y = new Int32Array(idx.length);
    idx.forEach((r, i) => { x.set(dataset.x.subarray(r * px, (r + 1) * px), i * px); y[i] = dataset.y[r]!; });
    return new TensorDataset(tf.tensor(x, [idx.length, ...dataset.inputShape]), tf.tensor1d(y, 'int32'));
  };
  seedEverything(spec.recipe.seed ?? 0);
  const module = createModule(spec, info);
  const t0 = Date.now();
  const trainer = new Trainer({ accelerator: env.BK === 'wasm' ? 'wasm' : 'cpu', enableModelSummary: false, enableCheckpointing: false, logger: false, print: null, ...trainerOptionsFor(spec.recipe),
    callbacks: [new LambdaCallback({ onValidationEnd: (tr) => console.log(`epoch ${tr.currentEpoch} val_acc ${tr.callbackMetrics.val_acc?.toFixed(4)} loss ${tr.callbackMetrics.val_loss?.toFixed(4)} t=${((Date.now()-t0)/1000).toFixed(1)}s`) })] });
  await trainer.fit(module, { trainDataloaders: new DataLoader(take(dataset.splits.train), { batchSize: spec.recipe.batchSize, shuffle: true }), valDataloaders: new DataLoader(take(dataset.splits.validation), { batchSize: 500 }) });
  console.log('final', trainer.callbackMetrics.val_acc, (Date.now() - t0) / 1000, 's');
}, 900_000);
