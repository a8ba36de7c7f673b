/**
 * Node side of the bench: one process per backend (a tfjs backend cannot be
 * swapped cleanly mid-process once kernels and WASM memory are warm).
 * Usage: node bench/.build/node-main.mjs <plan.json> <data dir> <report.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useWasmBackendInNode } from '../../src/lightning/backends/node-wasm';
import { runPlan } from './run-plan';
import type { MnistSplit, RunPlan } from './types';

function readSplit(dir: string): MnistSplit {
  const u8 = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return { xTrain: u8('train-x.u8'), yTrain: u8('train-y.u8'), xVal: u8('val-x.u8'), yVal: u8('val-y.u8') };
}

async function activate(plan: RunPlan): Promise<number> {
  if (plan.backend === 'wasm') {
    // The package registers its flags on import. One thread unless asked: the
    // comparison with PyTorch is one thread against one thread.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!plan.wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await useWasmBackendInNode();
    return wasm.getThreadsCount();
  }
  if (!(await tf.setBackend(plan.backend))) throw new Error(`backend '${plan.backend}' could not be initialised in Node`);
  await tf.ready();
  return 1;
}

async function main(): Promise<void> {
  const [planPath, dataDir, outPath] = process.argv.slice(2);
  if (!planPath || !dataDir || !outPath) throw new Error('usage: node-main.mjs <plan.json> <data dir> <report.json>');
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as RunPlan;
  const threads = await activate(plan);
  const info: Record<string, unknown> = { node: process.version, tfBackend: tf.getBackend() };
  if (plan.backend === 'wasm') info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const report = await runPlan(plan, readSplit(dataDir), { runtime: 'node', threads, info }, (m) => console.log(`[node] ${m}`));
  writeFileSync(outPath, JSON.stringify(report));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
