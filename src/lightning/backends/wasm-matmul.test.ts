import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { wasmBatchMatMulOverride } from './wasm-matmul';
import { onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

interface MatMulCase {
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const cases: MatMulCase[] = [];
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    for (const [m, k, n] of [[1, 1, 1], [7, 5, 3], [64, 400, 120], [3, 8, 1]]) {
      for (const batch of [[], [3], [2, 1]] as number[][]) {
        const aShape = [...batch, ...(transposeA ? [k, m] : [m, k])];
        // A batch of 1 on b broadcasts against a's batch.
        const bBatch = batch.length === 0 ? [] : batch.map(() => 1);
        const bShape = [...bBatch, ...(transposeB ? [n, k] : [k, n])];
        cases.push({ aShape: aShape as number[], bShape: bShape as number[], transposeA, transposeB });
      }
    }
  }
}

function label(c: MatMulCase): string {
  return `a=[${c.aShape}]${c.transposeA ? 'ᵀ' : ''} b=[${c.bShape}]${c.transposeB ? 'ᵀ' : ''}`;
}

function product(c: MatMulCase): Float32Array[] {
  const a = tf.tensor(seededValues(size(c.aShape), 7), c.aShape);
  const b = tf.tensor(seededValues(size(c.bShape), 8), c.bShape);
  const out = tf.matMul(a, b, c.transposeA, c.transposeB);
  tf.dispose([a, b]);
  return readAll([out]);
}

describe('BatchMatMul on wasm', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it.each(cases.map((c) => [label(c), c] as const))('matches the cpu backend: %s', async (_name, c) => {
    const cpu = await onBackend('cpu', () => product(c));
    const wasm = await onBackend('wasm', () => product(c));
    expect(relativeError(wasm.result[0]!, cpu.result[0]!)).toBeLessThan(1e-4);
    expect(wasm.leakedTensors).toBe(0);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('gives dense-layer gradients (transposed products) that match the cpu backend', async () => {
    const grads = () => {
      const x = tf.tensor2d(seededValues(16 * 40, 1), [16, 40]);
      const w = tf.tensor2d(seededValues(40 * 12, 2), [40, 12]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).square().sum())([x, w]);
      tf.dispose([x, w]);
      return readAll(g);
    };
    const cpu = await onBackend('cpu', grads);
    const wasm = await onBackend('wasm', grads);
    for (let i = 0; i < 2; i++) expect(relativeError(wasm.result[i]!, cpu.result[i]!)).toBeLessThan(1e-4);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('is installed in place of the built-in kernel, and can be restored and reinstalled', async () => {
    await tf.setBackend('wasm');
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(wasmBatchMatMulOverride.config);
    expect(wasmBatchMatMulOverride.restore()).toBe(true);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const builtin = tf.matMul(a, a, true, true);
    expect(Array.from(builtin.dataSync())).toEqual([7, 15, 10, 22]);
    expect(wasmBatchMatMulOverride.install()).toBe(true);
    const composed = tf.matMul(a, a, true, true);
    expect(Array.from(composed.dataSync())).toEqual([7, 15, 10, 22]);
    tf.dispose([a, builtin, composed]);
  });
});
