import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { maxAbs, onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface DepthwiseCase {
  pad: Pad;
  stride: number;
  dilation: number;
  hw: [number, number];
  batch: number;
  channels: number;
  multiplier: number;
}

const PADS: Pad[] = ['same', 'valid', [[0, 0], [2, 1], [0, 3], [0, 0]]];
const FILTER: [number, number] = [3, 2];
// tfjs allows dilation > 1 only with stride 1.
const STRIDE_DILATION: [number, number][] = [[1, 1], [2, 1], [1, 2]];

const cases: DepthwiseCase[] = [];
for (const pad of PADS) {
  for (const [stride, dilation] of STRIDE_DILATION) {
    for (const hw of [[7, 9], [8, 8]] as [number, number][]) {
      for (const batch of [1, 8]) {
        for (const channels of [1, 3]) {
          for (const multiplier of [1, 2]) cases.push({ pad, stride, dilation, hw, batch, channels, multiplier });
        }
      }
    }
  }
}

function label(c: DepthwiseCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `pad=${pad} s=${c.stride} d=${c.dilation} ${c.hw[0]}x${c.hw[1]} b=${c.batch} c=${c.channels} m=${c.multiplier}`;
}

function shapes(c: DepthwiseCase): { x: Shape4; w: Shape4 } {
  return {
    x: [c.batch, c.hw[0], c.hw[1], c.channels],
    w: [FILTER[0], FILTER[1], c.channels, c.multiplier],
  };
}

/** W with (d-1) zeros between taps: a dilated filter as an undilated one. */
function dilateFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [fh, fw, c, m] = w.shape;
  const buffer = tf.buffer([(fh - 1) * d + 1, (fw - 1) * d + 1, c, m]);
  const values = w.arraySync();
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let k = 0; k < c; k++) {
        for (let n = 0; n < m; n++) buffer.set(values[i][j][k][n], i * d, j * d, k, n);
      }
    }
  }
  return buffer.toTensor() as tf.Tensor4D;
}

/**
 * Reference dx and dW of sum(depthwiseConv2d(x, W) * G). tfjs's gradient
 * refuses dilation > 1 (and the cpu kernels ignore it), so a dilated case is
 * computed as the undilated convolution with a zero-spread filter, whose
 * filter gradient is then read at the real taps.
 */
function referenceGrads(c: DepthwiseCase): Float32Array[] {
  const s = shapes(c);
  const x = tf.tensor4d(seededValues(size(s.x), 11), s.x);
  const w = tf.tensor4d(seededValues(size(s.w), 12), s.w);
  const wd = dilateFilter(w, c.dilation);
  const yShape = tf.tidy(() => tf.depthwiseConv2d(x, wd, c.stride, c.pad).shape);
  const g = tf.tensor(seededValues(size(yShape), 13), yShape);
  const [dx, dwd] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(g).sum(),
  )([x, wd]);
  const dw = tf.stridedSlice(dwd, [0, 0, 0, 0], dwd.shape, [c.dilation, c.dilation, 1, 1]);
  tf.dispose([x, w, wd, g, dwd]);
  return readAll([dx, dw]);
}

/** The same gradients on the current backend: through tf.grads when tfjs allows it, else the kernels directly. */
function backendGrads(c: DepthwiseCase): Float32Array[] {
  const s = shapes(c);
  const x = tf.tensor4d(seededValues(size(s.x), 11), s.x);
  const w = tf.tensor4d(seededValues(size(s.w), 12), s.w);
  const yShape = tf.tidy(() => tf.depthwiseConv2d(x, w, c.stride, c.pad, 'NHWC', c.dilation).shape);
  const g = tf.tensor(seededValues(size(yShape), 13), yShape);
  let grads: tf.Tensor[];
  if (c.dilation === 1) {
    grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(g).sum(),
    )([x, w]);
  } else {
    const common = { strides: c.stride, dilations: c.dilation, pad: c.pad };
    grads = [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: g, filter: w }, { ...common, inputShape: s.x }) as tf.Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: g }, { ...common, filterShape: s.w }) as tf.Tensor,
    ];
  }
  tf.dispose([x, w, g]);
  return readAll(grads);
}

describe('depthwise gradient kernels on wasm', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it.each(cases.map((c) => [label(c), c] as const))('match the reference: %s', async (_name, c) => {
    const cpu = await onBackend('cpu', () => referenceGrads(c));
    const wasm = await onBackend('wasm', () => backendGrads(c));
    const [dxRef, dwRef] = cpu.result;
    const [dx, dw] = wasm.result;
    expect(dw.length).toBe(dwRef.length);
    expect(maxAbs(dwRef)).toBeGreaterThan(0);
    expect(maxAbs(dxRef)).toBeGreaterThan(0);
    expect(relativeError(dw, dwRef)).toBeLessThan(1e-4);
    expect(relativeError(dx, dxRef)).toBeLessThan(1e-4);
    expect(wasm.leakedTensors).toBe(0);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('handles padding wider than the filter reaches', async () => {
    // Explicit padding of 4 rows on a 3-tap filter: some dy rows see only padding.
    const c: DepthwiseCase = {
      pad: [[0, 0], [4, 4], [3, 0], [0, 0]], stride: 2, dilation: 1, hw: [5, 6], batch: 2, channels: 2, multiplier: 2,
    };
    const cpu = await onBackend('cpu', () => referenceGrads(c));
    const wasm = await onBackend('wasm', () => backendGrads(c));
    expect(relativeError(wasm.result[0], cpu.result[0])).toBeLessThan(1e-4);
    expect(relativeError(wasm.result[1], cpu.result[1])).toBeLessThan(1e-4);
    expect(wasm.leakedBuffers).toBe(0);
  });
});
