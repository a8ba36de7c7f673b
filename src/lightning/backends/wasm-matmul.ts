import { BatchMatMul } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelBackend } from '@tensorflow/tfjs-core';
import { WasmKernelOverride } from './wasm-override';
import { withScratch } from './wasm-scratch';

/*
 * tfjs-backend-wasm 4.22 hands BatchMatMul to XNNPACK only when neither
 * operand is transposed; with transposeA or transposeB it runs a plain loop
 * that is 5-8x slower. Backprop through a dense layer asks for exactly those
 * (dx = dy·Wᵀ, dW = xᵀ·dy), so each transposed operand is transposed
 * explicitly first (a cheap copy next to the product) and the fast path runs.
 */

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export const wasmBatchMatMulOverride = new WasmKernelOverride(BatchMatMul, (args, self) => {
  const { a, b } = args.inputs;
  if (a == null || b == null) {
    throw new Error(`BatchMatMul expected inputs 'a' and 'b', got ${Object.keys(args.inputs).join(', ')}`);
  }
  const attrs = args.attrs as unknown as BatchMatMulAttrs;
  const transposable = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length >= 2;
  if (!transposable || (!attrs.transposeA && !attrs.transposeB)) return self.runBuiltin(args);
  return withScratch(args.backend as KernelBackend, (s) => {
    const a2 = attrs.transposeA ? s.transpose(a, swapLastTwo(a.shape.length)) : a;
    const b2 = attrs.transposeB ? s.transpose(b, swapLastTwo(b.shape.length)) : b;
    return s.adopt(self.runBuiltin({
      inputs: { a: a2, b: b2 },
      backend: args.backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }));
  });
});
