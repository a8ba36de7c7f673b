import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { registerWasmTrainingKernels } from './wasm-kernels';
import {
  composableConv2DBackpropInput,
  overrideWasmConv2DBackpropInput,
  restoreBuiltinConv2DBackpropInput,
  wasmConv2DBackpropInputConfig,
} from './wasm-conv-input';
import { maxAbs, onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface InputGradCase {
  pad: Pad;
  stride: number;
  hw: [number, number];
  batch: number;
  inChannels: number;
  filter: number;
}

// Explicit padding wider than a 1x1 filter's reach on one side, so the crop path runs too.
const PADS: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]]];
const OUT_CHANNELS = 4;

const cases: InputGradCase[] = [];
for (const pad of PADS) {
  for (const stride of [1, 2]) {
    for (const hw of [[7, 9], [8, 8]] as [number, number][]) {
      for (const batch of [1, 8]) {
        for (const inChannels of [1, 3]) {
          for (const filter of [1, 3, 5]) cases.push({ pad, stride, hw, batch, inChannels, filter });
        }
      }
    }
  }
}

function label(c: InputGradCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `pad=${pad} stride=${c.stride} ${c.hw[0]}x${c.hw[1]} batch=${c.batch} ci=${c.inChannels} f=${c.filter}`;
}

function shapes(c: InputGradCase): { x: Shape4; w: Shape4 } {
  return {
    x: [c.batch, c.hw[0], c.hw[1], c.inChannels],
    w: [c.filter, c.filter, c.inChannels, OUT_CHANNELS],
  };
}

/** dx of sum(conv2d(x, W) * G) for a fixed random G (so dy = G), on the current backend. */
function inputGrad(c: InputGradCase): Float32Array {
  const s = shapes(c);
  const x = tf.tensor4d(seededValues(size(s.x), 11), s.x);
  const w = tf.tensor4d(seededValues(size(s.w), 12), s.w);
  const yShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
  const g = tf.tensor(seededValues(size(yShape), 13), yShape);
  const [dx] = tf.grads((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, c.stride, c.pad).mul(g).sum())([x]);
  tf.dispose([x, w, g]);
  return readAll([dx])[0];
}

/** Runs Conv2DBackpropInput directly (for attrs the conv2d op would not produce, such as NCHW). */
function runBackpropInput(dyShape: Shape4, filterShape: Shape4, attrs: Record<string, unknown>): Float32Array {
  const dy = tf.tensor4d(seededValues(size(dyShape), 21), dyShape);
  const filter = tf.tensor4d(seededValues(size(filterShape), 22), filterShape);
  const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as tf.NamedAttrMap) as tf.Tensor;
  tf.dispose([dy, filter]);
  return readAll([dx])[0];
}

describe('Conv2DBackpropInput on wasm (XNNPACK composition)', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it('replaces the built-in kernel, once', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(wasmConv2DBackpropInputConfig);
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(overrideWasmConv2DBackpropInput()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(wasmConv2DBackpropInputConfig);
  });

  it.each(cases.map((c) => [label(c), c] as const))('matches the cpu backend: %s', async (_name, c) => {
    const s = shapes(c);
    const yShape = tf.tidy(() => tf.conv2d(tf.zeros(s.x) as tf.Tensor4D, tf.zeros(s.w) as tf.Tensor4D, c.stride, c.pad).shape);
    // The case must take the composed path, not the built-in fallback.
    const info = composableConv2DBackpropInput(
      { shape: yShape, dtype: 'float32' },
      { shape: s.w, dtype: 'float32' },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: s.x },
    );
    expect(info).not.toBeNull();

    const cpu = await onBackend('cpu', () => inputGrad(c));
    const wasm = await onBackend('wasm', () => inputGrad(c));
    expect(maxAbs(cpu.result)).toBeGreaterThan(0);
    expect(relativeError(wasm.result, cpu.result)).toBeLessThan(1e-4);
    expect(wasm.leakedTensors).toBe(0);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('gives zeros where the padding is so wide that no input pixel met a tap', async () => {
    // Padded rows/columns 0..7 hold the input at 3..4; a stride of 5 reads only 0 and 5.
    const attrs = {
      strides: 5, pad: [[0, 0], [3, 3], [3, 3], [0, 0]], dataFormat: 'NHWC', inputShape: [2, 2, 2, 3],
    };
    const cpu = await onBackend('cpu', () => runBackpropInput([2, 2, 2, 5], [1, 1, 3, 5], attrs));
    const wasm = await onBackend('wasm', () => runBackpropInput([2, 2, 2, 5], [1, 1, 3, 5], attrs));
    expect(Array.from(cpu.result)).toEqual(new Array(24).fill(0));
    expect(Array.from(wasm.result)).toEqual(new Array(24).fill(0));
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('handles dimRoundingMode ceil, where dy reaches past the padded input', async () => {
    const attrs = { strides: 2, pad: 1, dimRoundingMode: 'ceil', dataFormat: 'NHWC', inputShape: [2, 6, 7, 2] };
    const info = composableConv2DBackpropInput(
      { shape: [2, 4, 4, 3], dtype: 'float32' }, { shape: [3, 3, 2, 3], dtype: 'float32' },
      attrs as unknown as Parameters<typeof composableConv2DBackpropInput>[2],
    );
    expect(info?.outShape).toEqual([2, 4, 4, 3]);
    const cpu = await onBackend('cpu', () => runBackpropInput([2, 4, 4, 3], [3, 3, 2, 3], attrs));
    const wasm = await onBackend('wasm', () => runBackpropInput([2, 4, 4, 3], [3, 3, 2, 3], attrs));
    expect(relativeError(wasm.result, cpu.result)).toBeLessThan(1e-4);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('falls back to the built-in kernel for NCHW', async () => {
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [2, 3, 6, 5] };
    expect(composableConv2DBackpropInput(
      { shape: [2, 4, 4, 3], dtype: 'float32' }, { shape: [3, 3, 3, 4], dtype: 'float32' },
      attrs as unknown as Parameters<typeof composableConv2DBackpropInput>[2],
    )).toBeNull();
    const cpu = await onBackend('cpu', () => runBackpropInput([2, 4, 4, 3], [3, 3, 3, 4], attrs));
    const wasm = await onBackend('wasm', () => runBackpropInput([2, 4, 4, 3], [3, 3, 3, 4], attrs));
    expect(maxAbs(cpu.result)).toBeGreaterThan(0);
    expect(relativeError(wasm.result, cpu.result)).toBeLessThan(1e-4);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('can restore the built-in kernel and override it again', async () => {
    const c: InputGradCase = { pad: 'same', stride: 2, hw: [7, 9], batch: 2, inChannels: 3, filter: 3 };
    const expected = (await onBackend('cpu', () => inputGrad(c))).result;
    try {
      expect(restoreBuiltinConv2DBackpropInput()).toBe(true);
      expect(restoreBuiltinConv2DBackpropInput()).toBe(false);
      expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).not.toBe(wasmConv2DBackpropInputConfig);
      const builtin = await onBackend('wasm', () => inputGrad(c));
      expect(relativeError(builtin.result, expected)).toBeLessThan(1e-4);
    } finally {
      expect(registerWasmTrainingKernels()).toEqual(['Conv2DBackpropInput']);
    }
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(wasmConv2DBackpropInputConfig);
    const composed = await onBackend('wasm', () => inputGrad(c));
    expect(relativeError(composed.result, expected)).toBeLessThan(1e-4);
  });
});
