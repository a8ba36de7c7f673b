import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  registerKernel,
} from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { withScratch } from './wasm-scratch';
import { alignAxis, explicitPad, gradPadEnd, spreadColumns, spreadRows, type Shape4 } from './wasm-conv-geometry';
import { overrideWasmConv2DBackpropInput } from './wasm-conv-input';
import { conv2DBackpropFilterWasm } from './wasm-conv-filter';
import { wasmBatchMatMulOverride } from './wasm-matmul';
import { wasmMaxPoolGradOverride } from './wasm-maxpool-grad';

/*
 * tfjs-backend-wasm 4.22 has the forward convolutions but not three of their
 * gradients, so a CNN cannot train there. Each gradient below is rewritten as
 * a forward convolution (plus transposes/reshapes), which XNNPACK runs fast.
 *
 * Notation per spatial axis: input size H, filter size fh, stride s,
 * dilation d, padding top pt, output size Ho. The forward pass reads
 * x_padded[o*s + i*d] for output o and filter tap i.
 */

/**
 * dW[i,j,c,m] = sum_{b,o} x_pad[b, o*s+i*d, c] * dy[b, o, c*M+m].
 * With every (batch, channel) pair as its own depthwise channel k = b*C+c,
 * this is one depthwise convolution of x [1,H,W,B*C] by dy [Ho,Wo,B*C,M]
 * (dilation = forward stride, stride = forward dilation); the batch is then
 * summed out.
 */
function depthwiseBackpropFilterWasm(
  backend: KernelBackend, x: TensorInfo, dy: TensorInfo, attrs: DepthwiseConv2dNativeBackpropFilterAttrs,
): TensorInfo {
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4, attrs.filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true,
  );
  const [fh, fw, c, m] = attrs.filterShape;
  const [b, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  return withScratch(backend, (s) => {
    const xT = s.reshape(s.transpose(x, [1, 2, 0, 3]), [1, h, w, b * c]);
    const dyT = s.reshape(s.transpose(dy, [1, 2, 0, 3]), [ho, wo, b * c, m]);
    const g = s.run('DepthwiseConv2dNative', { x: xT, filter: dyT }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: explicitPad(top, gradPadEnd(h, top, ho, fh, sh, dh), left, gradPadEnd(w, left, wo, fw, sw, dw)),
      dimRoundingMode: 'floor',
    });
    const [, hg, wg] = g.shape;
    const perBatch = s.reshape(g, [hg, wg, b, c * m]);
    const summed = b === 1 ? s.reshape(perBatch, [hg, wg, c * m]) : s.run('Sum', { x: perBatch }, { axis: [2], keepDims: false });
    const cropped = s.slice(summed, [0, 0, 0], [fh, fw, c * m]);
    return s.reshape(cropped, [fh, fw, c, m]);
  });
}

/**
 * dx[b,h,w,c] = sum_{m,i,j} dy[b, o, c*M+m] * W[i,j,c,m] over taps with
 * o*s + i*d = h + pt. Spreading dy by the stride (zeros between rows and
 * columns) turns it into a stride-1 depthwise correlation with the flipped
 * filter on C*M channels; the M multipliers are then summed per channel.
 */
function depthwiseBackpropInputWasm(
  backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, attrs: DepthwiseConv2dNativeBackpropInputAttrs,
): TensorInfo {
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true,
  );
  const [b, h, w, c] = attrs.inputShape;
  const [fh, fw, , m] = filter.shape;
  const [, ho, wo] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const rows = alignAxis(h, info.padInfo.top, ho * sh, fh, dh);
  const cols = alignAxis(w, info.padInfo.left, wo * sw, fw, dw);
  return withScratch(backend, (s) => {
    if (rows.keep <= 0 || cols.keep <= 0) {
      // The padding is so wide that no input pixel ever met a filter tap.
      return s.run('Fill', {}, { shape: [b, h, w, c], value: 0, dtype: 'float32' });
    }
    const spread = spreadColumns(s, spreadRows(s, dy, sh), sw);
    const aligned = s.slice(spread, [0, rows.cropStart, cols.cropStart, 0], [b, rows.keep, cols.keep, c * m]);
    const flipped = s.reshape(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [fh, fw, c * m, 1]);
    const z = s.run('DepthwiseConv2dNative', { x: aligned, filter: flipped }, {
      strides: [1, 1],
      dilations: [dh, dw],
      pad: explicitPad(rows.padStart, rows.padEnd, cols.padStart, cols.padEnd),
      dimRoundingMode: 'floor',
    });
    if (m === 1) return z;
    return s.run('Sum', { x: s.reshape(z, [b, h, w, c, m]) }, { axis: [4], keepDims: false });
  });
}

function kernel<A>(body: (backend: KernelBackend, a: TensorInfo, b: TensorInfo, attrs: A) => TensorInfo, names: [string, string]): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const first = inputs[names[0]];
    const second = inputs[names[1]];
    if (first == null || second == null) {
      throw new Error(`expected inputs '${names[0]}' and '${names[1]}', got ${Object.keys(inputs).join(', ')}`);
    }
    return body(backend as KernelBackend, first, second, attrs as unknown as A);
  };
}

/** The three gradient kernels tfjs-backend-wasm 4.22 lacks, composed from kernels it has. */
export const wasmTrainingKernelConfigs: readonly KernelConfig[] = [
  {
    kernelName: Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: kernel(conv2DBackpropFilterWasm, ['x', 'dy']),
  },
  {
    kernelName: DepthwiseConv2dNativeBackpropFilter,
    backendName: 'wasm',
    kernelFunc: kernel(depthwiseBackpropFilterWasm, ['x', 'dy']),
  },
  {
    kernelName: DepthwiseConv2dNativeBackpropInput,
    backendName: 'wasm',
    kernelFunc: kernel(depthwiseBackpropInputWasm, ['dy', 'filter']),
  },
];

/** Built-in WASM kernels that registerWasmTrainingKernels replaces with faster compositions. */
export const wasmKernelOverrides = [wasmBatchMatMulOverride, wasmMaxPoolGradOverride] as const;

/**
 * Registers the missing WASM gradient kernels, and replaces built-in kernels
 * that are slow plain loops (Conv2DBackpropInput, MaxPoolGrad, transposed
 * BatchMatMul) with XNNPACK-backed compositions. Safe
 * to call any number of times, before or after the WASM backend is
 * initialised; a missing kernel that is already registered (by an earlier
 * call, or by a future tfjs that ships its own) is left alone. Call it after
 * importing tfjs-backend-wasm, or the override has nothing to replace yet.
 * Returns the names it registered on this call.
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const config of wasmTrainingKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) != null) continue;
    registerKernel(config);
    added.push(config.kernelName);
  }
  if (overrideWasmConv2DBackpropInput()) added.push(Conv2DBackpropInput);
  for (const override of wasmKernelOverrides) {
    if (override.install()) added.push(override.kernelName);
  }
  return added;
}
