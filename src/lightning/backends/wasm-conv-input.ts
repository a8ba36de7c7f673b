import {
  backend_util,
  Conv2DBackpropInput,
  engine,
  getKernel,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropInputAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { alignAxis, explicitPad, spreadColumns, spreadRows, type Shape4 } from './wasm-conv-geometry';
import { withScratch } from './wasm-scratch';

/*
 * tfjs-backend-wasm 4.22 ships Conv2DBackpropInput as a plain C++ loop, while
 * its Conv2D runs on XNNPACK; in a LeNet-5 step the former was the single
 * slowest kernel. The input gradient is itself a convolution, so it is
 * rewritten here as one Conv2D and the built-in loop is kept only as a
 * fallback for what the rewrite does not cover (NCHW, non-float data).
 */

/** The built-in kernel we displaced, kept to fall back on and to restore. */
let builtin: KernelConfig | null = null;
/** Backends the built-in's setupFunc has been run for by us (it binds its C++ entry point). */
const builtinSetUp = new WeakSet<object>();

type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;

/**
 * The forward convolution's geometry when the composition can handle it,
 * otherwise null (the caller then falls back to the built-in kernel).
 * Conv2D gradients in tfjs never have a dilation, so there is none to check.
 */
export function composableConv2DBackpropInput(
  dy: Pick<TensorInfo, 'shape' | 'dtype'>,
  filter: Pick<TensorInfo, 'shape' | 'dtype'>,
  attrs: Conv2DBackpropInputAttrs,
): Conv2DInfo | null {
  if (attrs.dataFormat === 'NCHW') return null;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || attrs.inputShape.length !== 4) return null;
  let info: Conv2DInfo;
  try {
    info = backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
    );
  } catch {
    return null;
  }
  const consistent = info.outShape.every((v, i) => v === dy.shape[i]) && filter.shape[2] === attrs.inputShape[3];
  return consistent ? info : null;
}

/**
 * dx[b,h,w,ci] = sum over taps with o*s + i = h + pt of dy[b,o,.,co] W[i,.,ci,co].
 * Spreading dy by the stride (s-1 zeros between rows and columns) makes this
 * a stride-1 correlation with the spatially flipped filter whose channel axes
 * are swapped ([fh,fw,co,ci]); padding/cropping per side lines it up.
 */
function composedBackpropInput(backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const [b, h, w, ci] = info.inShape;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo } = info;
  const co = info.outChannels;
  const rows = alignAxis(h, info.padInfo.top, ho * sh, fh, 1);
  const cols = alignAxis(w, info.padInfo.left, wo * sw, fw, 1);
  return withScratch(backend, (s) => {
    if (rows.keep <= 0 || cols.keep <= 0) {
      // The padding is so wide that no input pixel ever met a filter tap.
      return s.run('Fill', {}, { shape: [b, h, w, ci], value: 0, dtype: 'float32' });
    }
    const spread = spreadColumns(s, spreadRows(s, dy, sh), sw);
    const aligned = s.slice(spread, [0, rows.cropStart, cols.cropStart, 0], [b, rows.keep, cols.keep, co]);
    const flipped = fh === 1 && fw === 1 ? filter : s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = ci === 1 || co === 1
      ? s.reshape(flipped, [fh, fw, co, ci])
      : s.transpose(flipped, [0, 1, 3, 2]);
    return s.run('Conv2D', { x: aligned, filter: swapped }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPad(rows.padStart, rows.padEnd, cols.padStart, cols.padEnd),
      dataFormat: 'NHWC',
      dimRoundingMode: 'floor',
    });
  });
}

function runBuiltin(args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc> {
  if (builtin == null) {
    throw new Error(
      'Conv2DBackpropInput on the \'wasm\' backend: this case (e.g. `dataFormat` \'NCHW\') needs the built-in kernel, ' +
      'which was never registered; import @tensorflow/tfjs-backend-wasm before registerWasmTrainingKernels()',
    );
  }
  const backend = args.backend as object;
  if (builtin.setupFunc != null && !builtinSetUp.has(backend)) {
    builtin.setupFunc(args.backend);
    builtinSetUp.add(backend);
  }
  return builtin.kernelFunc(args);
}

const conv2DBackpropInputKernel: KernelFunc = (args) => {
  const { dy, filter } = args.inputs;
  if (dy == null || filter == null) {
    throw new Error(`Conv2DBackpropInput expected inputs 'dy' and 'filter', got ${Object.keys(args.inputs).join(', ')}`);
  }
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const info = composableConv2DBackpropInput(dy, filter, attrs);
  if (info == null) return runBuiltin(args);
  return composedBackpropInput(args.backend as KernelBackend, dy, filter, info);
};

/** Conv2DBackpropInput for 'wasm' as one XNNPACK Conv2D, with the built-in kernel as fallback. */
export const wasmConv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputKernel,
};

/**
 * Puts the composed kernel in place of the built-in one. Does nothing (and
 * returns false) when it is already in place, or when no built-in is
 * registered yet: then tfjs-backend-wasm has not been imported, and its
 * import would overwrite ours anyway.
 */
export function overrideWasmConv2DBackpropInput(): boolean {
  const current = getKernel(Conv2DBackpropInput, 'wasm');
  if (current == null || current === wasmConv2DBackpropInputConfig) return false;
  builtin = current;
  unregisterKernel(Conv2DBackpropInput, 'wasm');
  registerKernel(wasmConv2DBackpropInputConfig);
  return true;
}

/** Puts the built-in kernel back (for comparisons); returns whether anything changed. */
export function restoreBuiltinConv2DBackpropInput(): boolean {
  if (builtin == null || getKernel(Conv2DBackpropInput, 'wasm') !== wasmConv2DBackpropInputConfig) return false;
  unregisterKernel(Conv2DBackpropInput, 'wasm');
  registerKernel(builtin);
  // tfjs runs setup functions only on setBackend; an already running backend needs it now.
  const running = engine().registry['wasm'];
  if (running != null && builtin.setupFunc != null) builtin.setupFunc(running);
  return true;
}
