import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './wasm-kernels';

/**
 * Node-only: makes 'wasm' the active tfjs backend, with the training kernels
 * registered. Not exported from the browser-facing index, because it pulls
 * in `node:` modules.
 *
 * The package's Node bundle would find its .wasm beside itself anyway; the
 * explicit folder keeps that true when a test runner inlines or relocates
 * the bundle. Emscripten reads the file with `fs` in Node, so a plain
 * directory path (with its trailing separator) is what the prefix must be,
 * not a file:// URL.
 */
export async function useWasmBackendInNode(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (tf.engine().registry['wasm'] == null) {
    wasm.setWasmPaths(await wasmDistDirectory());
  }
  const ok = await tf.setBackend('wasm');
  if (!ok) {
    throw new Error(`tf.setBackend('wasm') failed: could not load the .wasm binary from ${await wasmDistDirectory()}`);
  }
  await tf.ready();
}

/** Absolute path (with trailing separator) of the folder holding tfjs-backend-wasm's .wasm binaries. */
export async function wasmDistDirectory(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}
