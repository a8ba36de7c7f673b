/* Helpers shared by the WASM gradient tests (test-only; not exported from index). */
import * as tf from '@tensorflow/tfjs';

/** Deterministic values in [-1, 1), so both backends see identical inputs. */
export function seededValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    // xorshift32: good enough for test data, and reproducible.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = (state / 0x1_0000_0000) * 2 - 1;
  }
  return out;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** max|actual - expected| / max|expected|, the relative error the issue bounds by 1e-4. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`);
  }
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

export function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Runs `body` on `backend` and checks that it leaves no tensor behind, in the
 * engine (`tf.memory()`) or in the backend's own storage (buffers a kernel
 * allocated and forgot would show up only there).
 */
export async function onBackend<T>(backend: string, body: () => T): Promise<{ result: T; leakedTensors: number; leakedBuffers: number }> {
  if (!(await tf.setBackend(backend))) throw new Error(`could not set backend '${backend}'`);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const result = body();
  return {
    result,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    leakedBuffers: tf.engine().backend.numDataIds() - buffersBefore,
  };
}

/** Reads and disposes a list of tensors (tests only: dataSync is fine here). */
export function readAll(tensors: tf.Tensor[]): Float32Array[] {
  const out = tensors.map((t) => t.dataSync() as Float32Array);
  tf.dispose(tensors);
  return out;
}
