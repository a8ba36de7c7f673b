// A page for e2e/kernels.spec.ts: runs the framework's Adam/AdamW on the page's GPU backend
// with the fused kernels and op by op, and reports agreement, program counts and leaks.
import * as tf from '@tensorflow/tfjs-core';
import { Adam, AdamW, type AdamOptions, type Optimizer } from '../../../src/lightning/optim/index';
import type { CaseResult, GpuBackend, KernelPageApi, KernelReport, PathRun } from './protocol';

declare global {
  interface Window {
    __kernels: KernelPageApi;
  }
}

/** Shapes of an MLP 784-128-10 plus an odd-sized 3-D tensor (no vec4 path, uneven packing). */
const SHAPES: number[][] = [[784, 128], [128], [128, 10], [10], [3, 5, 7]];

interface Case {
  name: string;
  make: (params: tf.Variable[], fused: boolean) => Optimizer;
}

const CASES: Case[] = [
  { name: 'Adam', make: (p, fused) => new Adam(p, { lr: 1e-2, fused }) },
  { name: 'Adam L2 + amsgrad + maximize', make: (p, fused) => new Adam(p, { lr: 1e-2, weightDecay: 0.1, amsgrad: true, maximize: true, fused }) },
  { name: 'AdamW', make: (p, fused) => new AdamW(p, { lr: 1e-2, weightDecay: 0.05, betas: [0.8, 0.95], eps: 1e-6, fused } satisfies AdamOptions) },
];

async function useBackend(name: GpuBackend): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  else await import('@tensorflow/tfjs-backend-webgl');
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/** Counts the active backend's GPU program runs while `fn` runs. */
function countPrograms(fn: () => void): number {
  const backend = tf.backend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const method = tf.getBackend() === 'webgpu' ? 'runWebGPUProgram' : 'runWebGLProgram';
  const original = backend[method]!;
  let n = 0;
  backend[method] = function (this: unknown, ...args: unknown[]) {
    n += 1;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    backend[method] = original;
  }
  return n;
}

interface Outcome {
  run: PathRun;
  values: Map<string, Float32Array>;
  slots: string[];
}

async function runPath(c: Case, fused: boolean, init: tf.Tensor[], grads: tf.Tensor[][]): Promise<Outcome> {
  const params = init.map((t) => tf.variable(t, true));
  const opt = c.make(params, fused);
  const run: PathRun = { programsPerStep: [], tensorsPerStep: [] };
  for (const stepGrads of grads) {
    const named = Object.fromEntries(params.map((p, i) => [p.name, stepGrads[i]!]));
    run.programsPerStep.push(countPrograms(() => tf.tidy(() => opt.step(named))));
    run.tensorsPerStep.push(tf.memory().numTensors);
  }
  const values = new Map<string, Float32Array>();
  const state = await opt.stateDict();
  const slots: string[] = [];
  for (const [i, p] of params.entries()) {
    values.set(`param ${i}`, (await p.data()) as Float32Array);
    const entry = state.state[p.name] ?? {};
    for (const [slot, v] of Object.entries(entry)) {
      if (typeof v === 'number') continue;
      slots.push(`${i}:${slot}`);
      values.set(`param ${i} ${slot}`, v.data as Float32Array);
    }
  }
  opt.dispose();
  params.forEach((p) => p.dispose());
  return { run, values, slots };
}

/** Elementwise |a−b| / |b|, with |b| floored at 1e-3 of the tensor's largest magnitude (a moment can cancel to ~0). */
function relDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  const floor = Math.max(scale * 1e-3, 1e-30);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}

async function runAdamComparison(backend: GpuBackend, steps: number): Promise<KernelReport> {
  await useBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const cases: CaseResult[] = [];
  let seed = 1;
  for (const c of CASES) {
    const init = SHAPES.map((s) => tf.randomNormal(s, 0, 1, 'float32', seed++));
    // Each path gets its own gradients (same seeds), so neither inherits the other's uploads to the GPU.
    const gradSeed = seed;
    seed += steps * SHAPES.length;
    const makeGrads = () => {
      let s = gradSeed;
      return Array.from({ length: steps }, () => SHAPES.map((shape) => tf.randomNormal(shape, 0, 0.1, 'float32', s++)));
    };
    const fusedGrads = makeGrads();
    const fused = await runPath(c, true, init, fusedGrads);
    const unfusedGrads = makeGrads();
    const unfused = await runPath(c, false, init, unfusedGrads);
    let moved = Infinity;
    for (const [i, t] of init.entries()) moved = Math.min(moved, relDiff(fused.values.get(`param ${i}`)!, (await t.data()) as Float32Array));
    let maxRelDiff = 0;
    let worst = '';
    for (const [key, want] of unfused.values) {
      const got = fused.values.get(key);
      const d = got === undefined ? Infinity : relDiff(got, want);
      if (d >= maxRelDiff) [maxRelDiff, worst] = [d, key];
    }
    tf.dispose([...init, ...fusedGrads.flat(), ...unfusedGrads.flat()]);
    cases.push({ name: c.name, params: SHAPES.length, fused: fused.run, unfused: unfused.run, maxRelDiff, worst, moved, slotsFused: fused.slots, slotsUnfused: unfused.slots });
  }
  return { backend: tf.getBackend(), cases, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

window.__kernels = { runAdamComparison };
