import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './wasm-kernels';
import {
  errorText,
  isCrossOriginIsolated,
  probeWasm,
  probeWebGl,
  probeWebGpu,
  type AdapterInfo,
  type ProbeResult,
} from './probes';

export type Accelerator = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendName = Exclude<Accelerator, 'auto'>;

/** Preference order for 'auto': the GPU backends first, CPU last. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export const ACCELERATORS: readonly Accelerator[] = ['auto', ...BACKEND_ORDER];

/**
 * The backends whose results repeat bit for bit from run to run for the same
 * seed: the CPU backend and WASM (each output element summed by one thread,
 * in a fixed order). Not the GPU ones: tfjs's WebGPU backend adds partial sums with
 * atomics in some kernels (split-K matmul, scatter, segment sums), in no
 * fixed order, and on both GPU backends the numbers depend on the GPU,
 * driver and shader compiler.
 */
export const DETERMINISTIC_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

const NOT_DETERMINISTIC = '`deterministic: true` runs only on the backends whose results repeat bit for bit (wasm, cpu)';

/** The error for `deterministic: true` with a GPU backend named, or null when they go together. */
export function deterministicConflict(accelerator: Accelerator): string | null {
  if (accelerator === 'auto' || DETERMINISTIC_BACKENDS.includes(accelerator)) return null;
  return `\`deterministic: true\` cannot run on \`accelerator: '${accelerator}'\`: tfjs does not repeat its results bit for bit on the GPU backends; use 'auto' (which then picks wasm or cpu), 'wasm' or 'cpu', or drop \`deterministic\``;
}

export interface BackendRejection {
  backend: string;
  reason: string;
}

export interface WasmFeatures {
  simd: boolean;
  /** True only when the page is cross-origin isolated and the browser can share WASM memory. */
  threads: boolean;
  /** Threads the WASM backend actually runs with (1 without threads). */
  threadsCount: number;
}

export interface SelectBackendOptions {
  /**
   * Run on each candidate after `tf.setBackend` succeeds, e.g. one training
   * step of the real model; throwing rejects the backend. Catches what a
   * feature check cannot, such as a kernel the backend lacks.
   */
  smokeTest?: (backend: string) => Promise<void> | void;
  log?: (msg: string) => void;
  /**
   * Where the WASM backend finds its .wasm binaries: a folder prefix ending in
   * '/', or a map from each binary's file name to its URL (what a bundler's
   * asset imports give). Only honoured before the WASM backend first starts.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Only DETERMINISTIC_BACKENDS: 'auto' skips the GPU backends (each listed
   * in `rejected` with the reason) and naming one of them throws.
   */
  deterministic?: boolean;
}

export interface BackendSelection {
  backend: string;
  adapter?: AdapterInfo;
  wasm?: WasmFeatures;
  /** Every better backend that was tried and why it was not used, in the order tried. */
  rejected: BackendRejection[];
}

type Attempt = { ok: true; selection: Omit<BackendSelection, 'rejected'> } | { ok: false; reason: string };

/**
 * Chooses and activates a tfjs backend. 'auto' walks BACKEND_ORDER and
 * settles on the first that passes its feature check, starts, and survives
 * the smoke test; naming a backend tries only that one and throws if it fails.
 */
export async function selectBackend(accelerator: Accelerator, opts: SelectBackendOptions = {}): Promise<BackendSelection> {
  if (!ACCELERATORS.includes(accelerator)) {
    throw new Error(`\`accelerator\` must be one of ${ACCELERATORS.join(', ')}, got ${JSON.stringify(accelerator)}`);
  }
  const conflict = opts.deterministic ? deterministicConflict(accelerator) : null;
  if (conflict) throw new Error(conflict);
  const log = opts.log ?? (() => {});
  const candidates = accelerator === 'auto' ? BACKEND_ORDER : [accelerator];
  const rejected: BackendRejection[] = [];
  for (const name of candidates) {
    if (opts.deterministic && !DETERMINISTIC_BACKENDS.includes(name)) {
      log(`backend '${name}' skipped: ${NOT_DETERMINISTIC}`);
      rejected.push({ backend: name, reason: NOT_DETERMINISTIC });
      continue;
    }
    log(`trying backend '${name}'`);
    const attempt = await tryBackend(name, opts);
    if (attempt.ok) {
      log(`using backend '${name}'`);
      return { ...attempt.selection, rejected };
    }
    log(`backend '${name}' rejected: ${attempt.reason}`);
    rejected.push({ backend: name, reason: attempt.reason });
  }
  if (accelerator !== 'auto') {
    throw new Error(`accelerator '${accelerator}' cannot be used: ${rejected[0].reason}`);
  }
  const reasons = rejected.map((r) => `${r.backend}: ${r.reason}`).join('; ');
  throw new Error(`no tfjs backend is usable (${reasons})`);
}

async function tryBackend(name: BackendName, opts: SelectBackendOptions): Promise<Attempt> {
  const probe = await probeFor(name);
  if (!probe.ok) return probe;

  try {
    await loadBackendPackage(name, opts);
  } catch (err) {
    return { ok: false, reason: `loading the ${name} backend failed: ${errorText(err)}` };
  }
  if (tf.findBackendFactory(name) == null) {
    return { ok: false, reason: `the ${name} backend did not register (tfjs found no support for it here)` };
  }

  try {
    // setBackend logs the cause and resolves false when initialisation fails.
    if (!(await tf.setBackend(name))) {
      return { ok: false, reason: `tf.setBackend('${name}') failed to initialise the backend${initHint(name, opts)}` };
    }
  } catch (err) {
    return { ok: false, reason: `tf.setBackend('${name}') failed: ${errorText(err)}` };
  }

  if (opts.smokeTest) {
    try {
      await opts.smokeTest(name);
    } catch (err) {
      return { ok: false, reason: `smoke step failed: ${errorText(err)}` };
    }
  }

  const selection: Omit<BackendSelection, 'rejected'> = { backend: name };
  if (probe.adapter) selection.adapter = probe.adapter;
  if (name === 'wasm') selection.wasm = await wasmFeatures();
  return { ok: true, selection };
}

function initHint(name: BackendName, opts: SelectBackendOptions): string {
  if (name !== 'wasm') return '';
  const where = typeof opts.wasmPaths === 'string' ? ` under '${opts.wasmPaths}'` : '';
  return ` (could its .wasm binary be loaded${where}? see \`wasmPaths\`)`;
}

async function probeFor(name: BackendName): Promise<ProbeResult> {
  switch (name) {
    case 'webgpu':
      return probeWebGpu();
    case 'webgl':
      return probeWebGl();
    case 'wasm':
      return probeWasm();
    case 'cpu':
      return { ok: true };
  }
}

/**
 * Imported lazily: each package registers its backend on import (and only
 * where it is supported), so a page that never needs WebGL never loads it,
 * and Node can set up a `navigator.gpu` before WebGPU's package looks for it.
 */
async function loadBackendPackage(name: BackendName, opts: SelectBackendOptions): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // The smoke step of a CNN needs these, so they go in before it runs.
      registerWasmTrainingKernels();
      if (opts.wasmPaths != null && tf.engine().registry['wasm'] == null) {
        wasm.setWasmPaths(opts.wasmPaths);
      }
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

async function wasmFeatures(): Promise<WasmFeatures> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const canThread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const threadsCount = wasm.getThreadsCount();
  return { simd, threads: canThread && isCrossOriginIsolated() && threadsCount > 1, threadsCount };
}
