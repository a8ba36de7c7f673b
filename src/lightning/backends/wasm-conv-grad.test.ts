import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { maxAbs, onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  pad: Pad;
  stride: number;
  hw: [number, number];
  batch: number;
  inChannels: number;
}

const PADS: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]]];
// An odd filter height and an even filter width, so 'same' padding is asymmetric on one axis.
const FILTER: [number, number] = [3, 2];
const OUT_CHANNELS = 4;

const cases: ConvCase[] = [];
for (const pad of PADS) {
  for (const stride of [1, 2]) {
    for (const hw of [[7, 9], [8, 8]] as [number, number][]) {
      for (const batch of [1, 8]) {
        for (const inChannels of [1, 3]) cases.push({ pad, stride, hw, batch, inChannels });
      }
    }
  }
}

function label(c: ConvCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `pad=${pad} stride=${c.stride} ${c.hw[0]}x${c.hw[1]} batch=${c.batch} ci=${c.inChannels}`;
}

/** dx and dW of sum(conv2d(x, W) * G) for a fixed random G (so dy = G), on the current backend. */
function conv2dGrads(c: ConvCase): Float32Array[] {
  const xShape: [number, number, number, number] = [c.batch, c.hw[0], c.hw[1], c.inChannels];
  const wShape: [number, number, number, number] = [FILTER[0], FILTER[1], c.inChannels, OUT_CHANNELS];
  const x = tf.tensor4d(seededValues(size(xShape), 1), xShape);
  const w = tf.tensor4d(seededValues(size(wShape), 2), wShape);
  const yShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
  const g = tf.tensor(seededValues(size(yShape), 3), yShape);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(g).sum(),
  )([x, w]);
  tf.dispose([x, w, g]);
  return readAll(grads);
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it.each(cases.map((c) => [label(c), c] as const))('matches the cpu backend: %s', async (_name, c) => {
    const cpu = await onBackend('cpu', () => conv2dGrads(c));
    const wasm = await onBackend('wasm', () => conv2dGrads(c));
    const [dxCpu, dwCpu] = cpu.result;
    const [dxWasm, dwWasm] = wasm.result;
    expect(maxAbs(dwCpu)).toBeGreaterThan(0);
    expect(relativeError(dwWasm, dwCpu)).toBeLessThan(1e-4);
    expect(relativeError(dxWasm, dxCpu)).toBeLessThan(1e-4);
    expect(wasm.leakedTensors).toBe(0);
    expect(wasm.leakedBuffers).toBe(0);
    expect(cpu.leakedTensors).toBe(0);
  });

  it('runs as a wasm kernel, not through a fallback', async () => {
    await tf.setBackend('wasm');
    const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    expect(kernel?.backendName).toBe('wasm');
    const x = tf.ones([2, 5, 5, 1]);
    const dy = tf.ones([2, 3, 3, 1]);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1],
    }) as tf.Tensor;
    // Every tap sees 2 batches x 9 output positions of ones.
    expect(Array.from(dw.dataSync())).toEqual(new Array(9).fill(18));
    tf.dispose([x, dy, dw]);
  });

  it('rejects NCHW with a message naming dataFormat', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 1, 5, 5]);
    const dy = tf.ones([1, 1, 3, 3]);
    const before = tf.engine().backend.numDataIds();
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 1, 1],
      }),
    ).toThrow(/`dataFormat` 'NHWC', got 'NCHW'/);
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, dy]);
  });

  it('registers once: later calls add nothing', () => {
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
  });
});
