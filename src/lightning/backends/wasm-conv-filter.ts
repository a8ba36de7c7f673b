import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { withScratch, type KernelScratch } from './wasm-scratch';
import { explicitPad, gradPadEnd, type Shape4 } from './wasm-conv-geometry';

/*
 * Conv2DBackpropFilter for tfjs-backend-wasm 4.22 (which lacks it). Notation
 * per spatial axis: input size H, filter size fh, stride s, padding top pt,
 * output size Ho; the forward pass reads x_padded[o*s + i] for output o and
 * filter tap i.
 *
 *   dW[i,j,ci,co] = sum_{b,ho,wo} x_pad[b, ho*sh+i, wo*sw+j, ci] * dy[b,ho,wo,co]
 *
 * Read with Ci as the batch and B as the channels, that is a correlation of
 * x^T [Ci,H,W,B] with dy^T [Ho,Wo,B,Co] (dilation = forward stride). Both
 * operands are large and dW is small, so dy^T has to be the "filter", which
 * XNNPACK repacks on every call (it is a new tensor each step). Two kernels
 * run that correlation:
 *
 * - 'channels': one Conv2D, reducing over B inside XNNPACK's GEMM.
 * - 'depthwise': one DepthwiseConv2dNative (B channels, multiplier Co), then
 *   a Sum over B of the small [Ci,fh,fw,B,Co] result.
 *
 * Measured on LeNet-5 shapes in Node (CPU time per call), the depthwise one
 * is 7-30% faster when Ci = 1, where the kernel is dominated by repacking dy
 * (25 multiply-adds per dy element for a 5x5 filter), and 35-60% slower when
 * Ci > 1 (Ci = 6: 150 per element), where the GEMM's efficiency matters more.
 */

type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;

export type FilterGradLayout = 'channels' | 'depthwise';

/** The layout conv2DBackpropFilterWasm picks for a forward convolution with `inChannels` input channels. */
export function filterGradLayout(inChannels: number): FilterGradLayout {
  return inChannels === 1 ? 'depthwise' : 'channels';
}

function correlate(s: KernelScratch, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo, layout: FilterGradLayout): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const xT = s.transpose(x, [3, 1, 2, 0]);
  const dyT = s.transpose(dy, [1, 2, 0, 3]);
  const attrs = {
    strides: [1, 1],
    dilations: [sh, sw],
    pad: explicitPad(top, gradPadEnd(h, top, ho, fh, sh, 1), left, gradPadEnd(w, left, wo, fw, sw, 1)),
    dimRoundingMode: 'floor',
  };
  let g: TensorInfo;
  if (layout === 'channels') {
    g = s.run('Conv2D', { x: xT, filter: dyT }, { ...attrs, dataFormat: 'NHWC' });
  } else {
    const perBatch = s.run('DepthwiseConv2dNative', { x: xT, filter: dyT }, attrs);
    const [, hg, wg] = perBatch.shape;
    const split = s.reshape(perBatch, [ci * hg * wg, b, co]);
    const summed = b === 1 ? split : s.run('Sum', { x: split }, { axis: [1], keepDims: false });
    g = s.reshape(summed, [ci, hg, wg, co]);
  }
  // g is [Ci, >= fh, >= fw, Co]: longer where the forward pass ignored a tail of x.
  const cropped = s.slice(g, [0, 0, 0, 0], [ci, fh, fw, co]);
  return ci === 1 ? s.reshape(cropped, [fh, fw, 1, co]) : s.transpose(cropped, [1, 2, 0, 3]);
}

/**
 * dW for 'wasm' (NHWC only). `layout` forces one of the two kernels (for
 * tests and measurements); by default filterGradLayout picks the faster.
 */
export function conv2DBackpropFilterWasm(
  backend: KernelBackend, x: TensorInfo, dy: TensorInfo, attrs: Conv2DBackpropFilterAttrs, layout?: FilterGradLayout,
): TensorInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(
      "Conv2DBackpropFilter on the 'wasm' backend supports only `dataFormat` 'NHWC', got 'NCHW'",
    );
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const chosen = layout ?? filterGradLayout(info.inChannels);
  return withScratch(backend, (s) => correlate(s, x, dy, info, chosen));
}
