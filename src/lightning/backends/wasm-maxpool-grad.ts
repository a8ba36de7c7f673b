import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelBackend, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmKernelOverride } from './wasm-override';
import { withScratch, type KernelScratch } from './wasm-scratch';
import type { Shape4 } from './wasm-conv-geometry';

/*
 * tfjs-backend-wasm 4.22's MaxPoolGrad is a plain C++ loop that is slow (it
 * was the second most costly kernel of a LeNet-5 step) and, unlike the CPU
 * backend, routes no gradient out of a window whose maximum is <= 0 (it
 * starts its running max at FLT_MIN), and picks the last of tied maxima where
 * the CPU backend picks the first. When pooling windows do not overlap
 * (stride >= window, the usual 2x2/2 case) the gradient is rewritten here as
 * a few whole-tensor XNNPACK ops, with the CPU backend's semantics: each
 * window's gradient goes to its first maximum in row-major order.
 *
 * The input is viewed as [B*Ho, sh, Wo, sw, C], i.e. one (i, j) cell per
 * window position, so y and dy broadcast over the taps. With
 * s = step(y - x) (0 exactly at the maxima) and t the tap index, the key
 * -t*delta - s (delta a power of two with T*delta < 1) is largest at the
 * first maximum; a max pool of the keys finds it, and relu(key - best + delta)
 * is delta there and 0 elsewhere, which scales dy/delta back exactly.
 */

type PoolInfo = ReturnType<typeof backend_util.computePool2DInfo>;

/** Key for cells a window never reads (stride > window): below any real key. */
const OUTSIDE = -4;

/** The pooling geometry when the composition handles it, otherwise null. */
export function composableMaxPoolGrad(
  dy: Pick<TensorInfo, 'shape' | 'dtype'>,
  input: Pick<TensorInfo, 'shape' | 'dtype'>,
  attrs: MaxPoolGradAttrs,
): PoolInfo | null {
  if (input.dtype !== 'float32' || dy.dtype !== 'float32' || input.shape.length !== 4) return null;
  let info: PoolInfo;
  try {
    info = backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  } catch {
    return null;
  }
  if (!info.outShape.every((v, i) => v === dy.shape[i])) return null;
  if (info.outHeight < 1 || info.outWidth < 1) return null;
  const disjoint = info.strideHeight >= info.filterHeight && info.strideWidth >= info.filterWidth;
  return disjoint ? info : null;
}

/** Per-cell key offsets -t*delta (t = i*fw + j inside the window, OUTSIDE beyond it), tiled over channels. */
function tapKeys(info: PoolInfo, delta: number): Float32Array {
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, inChannels: c } = info;
  const keys = new Float32Array(sh * sw * c);
  for (let i = 0; i < sh; i++) {
    for (let j = 0; j < sw; j++) {
      const key = i < fh && j < fw ? -(i * fw + j) * delta : OUTSIDE;
      keys.fill(key, (i * sw + j) * c, (i * sw + j + 1) * c);
    }
  }
  return keys;
}

/**
 * Pads (with `value`) or crops axis 1 and 2 of a [B,H,W,C] tensor: `start`
 * rows/columns are added before (removed if negative) and the result has
 * `size` rows/columns.
 */
function reframe(s: KernelScratch, t: TensorInfo, top: number, rows: number, left: number, cols: number, value: number): TensorInfo {
  const [b, h, w, c] = t.shape;
  const bottom = rows - h - top;
  const right = cols - w - left;
  let out = t;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = s.run('PadV2', { x: out }, {
      paddings: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
      constantValue: value,
    });
  }
  return s.slice(out, [0, Math.max(0, -top), Math.max(0, -left), 0], [b, rows, cols, c]);
}

function composedMaxPoolGrad(backend: KernelBackend, dy: TensorInfo, x: TensorInfo, y: TensorInfo, info: PoolInfo): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const delta = 2 ** -Math.ceil(Math.log2(fh * fw + 1));
  const cells = [b * ho, sh, wo, sw, c];
  const perWindow = [b * ho, 1, wo, 1, c];
  return withScratch(backend, (s) => {
    // Padding reads as -inf, so it is never a maximum (as on the CPU backend).
    const xv = s.reshape(reframe(s, x, top, ho * sh, left, wo * sw, -Infinity), cells);
    const notMax = s.run('Step', { x: s.run('Sub', { a: s.reshape(y, perWindow), b: xv }) }, { alpha: 0 });
    const keys = s.run('Sub', { a: s.constant(tapKeys(info, delta), [1, sh, 1, sw, c]), b: notMax });
    const best = s.run('MaxPool', { x: s.reshape(keys, [b, ho * sh, wo * sw, c]) }, {
      filterSize: [fh, fw], strides: [sh, sw], pad: 'valid', dimRoundingMode: 'floor',
    });
    const threshold = s.reshape(s.run('Sub', { a: best, b: s.scalar(delta) }), perWindow);
    const first = s.run('Relu', { x: s.run('Sub', { a: keys, b: threshold }) });
    const scaledDy = s.reshape(s.run('Multiply', { a: dy, b: s.scalar(1 / delta) }), perWindow);
    const dxv = s.reshape(s.run('Multiply', { a: first, b: scaledDy }), [b, ho * sh, wo * sw, c]);
    return reframe(s, dxv, -top, h, -left, w, 0);
  });
}

/** MaxPoolGrad for 'wasm': a composition for non-overlapping windows, the built-in loop otherwise. */
export const wasmMaxPoolGradOverride = new WasmKernelOverride(MaxPoolGrad, (args, self) => {
  const { dy, input, output } = args.inputs;
  if (dy == null || input == null || output == null) {
    throw new Error(`MaxPoolGrad expected inputs 'dy', 'input' and 'output', got ${Object.keys(args.inputs).join(', ')}`);
  }
  const info = composableMaxPoolGrad(dy, input, args.attrs as unknown as MaxPoolGradAttrs);
  if (info == null) return self.runBuiltin(args);
  return composedMaxPoolGrad(args.backend as KernelBackend, dy, input, output, info);
});
