/// <reference lib="webworker" />
/**
 * The bench worker: activates one backend, then runs the plan with the same
 * code as the Node runner. One worker per backend, so each starts clean.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../../src/lightning/backends/index';
import { runPlan } from '../src/run-plan';
import type { MnistSplit, RunPlan } from '../src/types';
import type { WorkerMessage } from './protocol';

const post = (m: WorkerMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const log = (text: string) => post({ type: 'log', text: `[chromium] ${text}` });

async function fetchSplit(): Promise<MnistSplit> {
  const u8 = async (name: string) => {
    const res = await fetch(`/data/${name}`);
    if (!res.ok) throw new Error(`fetching /data/${name}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const [xTrain, yTrain, xVal, yVal] = await Promise.all(['train-x.u8', 'train-y.u8', 'val-x.u8', 'val-y.u8'].map(u8));
  return { xTrain: xTrain!, yTrain: yTrain!, xVal: xVal!, yVal: yVal! };
}

async function activate(plan: RunPlan): Promise<{ threads: number; info: Record<string, unknown> }> {
  const info: Record<string, unknown> = { userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated };
  let threads = 1;
  if (plan.backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    wasm.setWasmPaths('/wasm/');
    if (!plan.wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // tfjs defaults to half the cores (one thread on a 2-core machine): ask for all of them.
    else wasm.setThreadsCount(Math.max(2, navigator.hardwareConcurrency || 2));
    info.threadsRequested = plan.wasmThreads ? Math.max(2, navigator.hardwareConcurrency || 2) : 1;
  }
  if (plan.backend === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
    const adapter = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu?.requestAdapter();
    info.adapter = adapter?.info ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture } : null;
  }
  if (!(await tf.setBackend(plan.backend))) throw new Error(`tf.setBackend('${plan.backend}') failed in the worker`);
  await tf.ready();
  if (plan.backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return { threads, info };
}

self.onmessage = async (ev: MessageEvent<RunPlan>) => {
  try {
    const plan = ev.data;
    const env = await activate(plan);
    log(`${plan.backend} ready (${env.threads} thread${env.threads === 1 ? '' : 's'})`);
    const report = await runPlan(plan, await fetchSplit(), { runtime: 'chromium', ...env }, log);
    post({ type: 'done', report });
  } catch (err) {
    post({ type: 'error', error: String((err as Error)?.stack ?? err) });
  }
};
