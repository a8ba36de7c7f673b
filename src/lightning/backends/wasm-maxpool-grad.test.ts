import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackendInNode } from './node-wasm';
import { composableMaxPoolGrad, wasmMaxPoolGradOverride } from './wasm-maxpool-grad';
import { maxAbs, onBackend, readAll, relativeError, seededValues, size } from './grad-test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Data = 'continuous' | 'ties' | 'positive';

interface PoolCase {
  filter: [number, number];
  stride: [number, number];
  pad: Pad;
  hw: [number, number];
  batch: number;
  channels: number;
  data: Data;
}

const PADS: Pad[] = ['same', 'valid', [[0, 0], [1, 0], [0, 1], [0, 0]]];
// Disjoint windows (composed): square, odd x even, and with gaps between windows.
const DISJOINT: [number, number][][] = [[[2, 2], [2, 2]], [[3, 2], [3, 2]], [[2, 1], [3, 2]]];
// Overlapping windows (stride 1) fall back to the built-in loop, which only
// agrees with the CPU backend on positive data without ties.
const OVERLAPPING: [number, number][][] = [[[2, 2], [1, 1]], [[3, 2], [1, 2]]];

const cases: PoolCase[] = [];
for (const [windows, data] of [[DISJOINT, 'continuous'], [DISJOINT, 'ties'], [OVERLAPPING, 'positive']] as const) {
  for (const [filter, stride] of windows) {
    for (const pad of PADS) {
      for (const hw of [[7, 9], [8, 8]] as [number, number][]) {
        for (const batch of [1, 8]) {
          for (const channels of [1, 3]) cases.push({ filter: filter!, stride: stride!, pad, hw, batch, channels, data });
        }
      }
    }
  }
}

function label(c: PoolCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `${c.data} filter=${c.filter} stride=${c.stride} pad=${pad} ${c.hw[0]}x${c.hw[1]} batch=${c.batch} c=${c.channels}`;
}

function values(c: PoolCase, count: number): Float32Array {
  const v = seededValues(count, 5);
  // 'ties': five levels, so windows often hold several equal maxima, and all-zero or all-negative windows occur.
  if (c.data === 'ties') for (let i = 0; i < count; i++) v[i] = Math.round(v[i]! * 2) / 2;
  if (c.data === 'positive') for (let i = 0; i < count; i++) v[i] = v[i]! + 2;
  return v;
}

/** dx of sum(maxPool(x) * G) for a fixed random G (so dy = G), on the current backend. */
function poolGrad(c: PoolCase): Float32Array[] {
  const xShape: [number, number, number, number] = [c.batch, c.hw[0], c.hw[1], c.channels];
  const x = tf.tensor4d(values(c, size(xShape)), xShape);
  const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.filter, c.stride, c.pad as 'same');
  const yShape = tf.tidy(() => pool(x).shape);
  const g = tf.tensor(seededValues(size(yShape), 6), yShape);
  const dx = tf.grad((t: tf.Tensor) => pool(t).mul(g).sum())(x);
  tf.dispose([x, g]);
  return readAll([dx]);
}

describe('MaxPoolGrad on wasm', () => {
  beforeAll(async () => {
    await useWasmBackendInNode();
  });

  it.each(cases.map((c) => [label(c), c] as const))('matches the cpu backend: %s', async (_name, c) => {
    const cpu = await onBackend('cpu', () => poolGrad(c));
    const wasm = await onBackend('wasm', () => poolGrad(c));
    expect(maxAbs(cpu.result[0]!)).toBeGreaterThan(0);
    expect(relativeError(wasm.result[0]!, cpu.result[0]!)).toBeLessThan(1e-4);
    expect(wasm.leakedTensors).toBe(0);
    expect(wasm.leakedBuffers).toBe(0);
  });

  it('composes exactly the disjoint-window cases', () => {
    const dy = { shape: [2, 4, 4, 3], dtype: 'float32' as const };
    const x = { shape: [2, 8, 8, 3], dtype: 'float32' as const };
    expect(composableMaxPoolGrad(dy, x, { filterSize: 2, strides: 2, pad: 'valid' })).not.toBeNull();
    expect(composableMaxPoolGrad({ ...dy, shape: [2, 7, 7, 3] }, x, { filterSize: 2, strides: 1, pad: 'valid' })).toBeNull();
    expect(composableMaxPoolGrad(dy, { ...x, dtype: 'int32' as 'float32' }, { filterSize: 2, strides: 2, pad: 'valid' })).toBeNull();
    expect(composableMaxPoolGrad({ ...dy, shape: [2, 3, 4, 3] }, x, { filterSize: 2, strides: 2, pad: 'valid' })).toBeNull();
  });

  it('sends each window\'s gradient to its first maximum, also when the maximum is 0 or negative', async () => {
    await tf.setBackend('wasm');
    // Windows: all -1 (tie), all 0 (tie), [3, 5, 5, 1] (tie at 5), [-2, -1, -3, -1].
    const x = tf.tensor4d([-1, -1, 0, 0, -1, -1, 0, 0, 3, 5, -2, -1, 5, 1, -3, -1], [1, 4, 4, 1]);
    const dx = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').mul(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).sum())(x);
    expect(Array.from(dx.dataSync())).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0]);
    tf.dispose([x, dx]);
  });

  it('is installed in place of the built-in kernel, and can be restored and reinstalled', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(wasmMaxPoolGradOverride.config);
    expect(wasmMaxPoolGradOverride.install()).toBe(false);
    expect(wasmMaxPoolGradOverride.restore()).toBe(true);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).not.toBe(wasmMaxPoolGradOverride.config);
    expect(wasmMaxPoolGradOverride.install()).toBe(true);
  });
});
