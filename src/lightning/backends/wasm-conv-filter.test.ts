import * as tf from '@tensorflow/tfjs';
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { conv2DBackpropFilterWasm, filterGradLayout, type FilterGradLayout } from './wasm-conv-filter';
import { onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  pad: Pad;
  stride: number;
  hw: [number, number];
  batch: number;
  inChannels: number;
}

const FILTER: [number, number] = [3, 2];
const OUT_CHANNELS = 5;

const cases: Case[] = [];
for (const pad of ['same', 'valid', [[0, 0], [2, 1], [0, 3], [0, 0]]] as Pad[]) {
  for (const stride of [1, 2]) {
    for (const hw of [[7, 9], [8, 6]] as [number, number][]) {
      for (const [batch, inChannels] of [[1, 1], [5, 1], [5, 3]]) cases.push({ pad, stride, hw, batch, inChannels });
    }
  }
}

function label(c: Case): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `pad=${pad} stride=${c.stride} ${c.hw[0]}x${c.hw[1]} batch=${c.batch} ci=${c.inChannels}`;
}

function inputs(c: Case): { x: tf.Tensor4D; dy: tf.Tensor4D; filterShape: [number, number, number, number] } {
  const xShape: [number, number, number, number] = [c.batch, c.hw[0], c.hw[1], c.inChannels];
  const filterShape: [number, number, number, number] = [FILTER[0], FILTER[1], c.inChannels, OUT_CHANNELS];
  const x = tf.tensor4d(seededValues(size(xShape), 11), xShape);
  const yShape = tf.tidy(() => tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, c.stride, c.pad).shape);
  const dy = tf.tensor4d(seededValues(size(yShape), 12), yShape);
  return { x, dy, filterShape };
}

/** dW on the cpu backend, through its own Conv2DBackpropFilter. */
function cpuFilterGrad(c: Case): Float32Array {
  const { x, dy, filterShape } = inputs(c);
  const dw = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, c.stride, c.pad).mul(dy).sum())(tf.zeros(filterShape));
  const [out] = readAll([dw]);
  tf.dispose([x, dy]);
  return out;
}

/** dW on wasm with one layout forced, calling the composition directly. */
function wasmFilterGrad(c: Case, layout: FilterGradLayout): { values: Float32Array; shape: number[] } {
  const { x, dy, filterShape } = inputs(c);
  const info = conv2DBackpropFilterWasm(tf.engine().backend as KernelBackend, x, dy, {
    strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape,
  }, layout);
  const dw = tf.engine().makeTensorFromTensorInfo(info);
  const shape = dw.shape;
  const [values] = readAll([dw]);
  tf.dispose([x, dy]);
  return { values, shape };
}

describe('conv2DBackpropFilterWasm layouts', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it('picks the depthwise layout only for a single input channel', () => {
    expect(filterGradLayout(1)).toBe('depthwise');
    expect(filterGradLayout(3)).toBe('channels');
  });

  it.each(cases.map((c) => [label(c), c] as const))('both layouts match the cpu backend: %s', async (_name, c) => {
    const cpu = await onBackend('cpu', () => cpuFilterGrad(c));
    for (const layout of ['channels', 'depthwise'] as const) {
      const wasm = await onBackend('wasm', () => wasmFilterGrad(c, layout));
      expect(wasm.result.shape).toEqual([FILTER[0], FILTER[1], c.inChannels, OUT_CHANNELS]);
      expect(relativeError(wasm.result.values, cpu.result)).toBeLessThan(1e-4);
      expect(wasm.leakedTensors).toBe(0);
      expect(wasm.leakedBuffers).toBe(0);
    }
  });

  it('rejects NCHW, naming the field and value', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 1]);
    const dy = tf.zeros([1, 4, 4, 2]);
    expect(() => conv2DBackpropFilterWasm(tf.engine().backend as KernelBackend, x, dy, {
      strides: 1, pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined, filterShape: [3, 3, 1, 2],
    })).toThrow("`dataFormat` 'NHWC', got 'NCHW'");
    tf.dispose([x, dy]);
  });
});
