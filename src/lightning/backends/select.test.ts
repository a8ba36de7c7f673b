import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wasmDistDirectory } from './node-wasm';
import { selectBackend, type Accelerator } from './select';

let wasmPaths: string;

beforeAll(async () => {
  wasmPaths = await wasmDistDirectory();
});

/** Installs a fake `navigator` for one test; Node 20 has none, later Nodes have a configurable one. */
function fakeNavigator(value: unknown): void {
  Object.defineProperty(globalThis, 'navigator', { value, configurable: true, writable: true });
}
const originalNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
afterEach(() => {
  if (originalNavigator) Object.defineProperty(globalThis, 'navigator', originalNavigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

/** A smoke step that really trains: one SGD step of a small CNN, which needs Conv2DBackpropFilter. */
function cnnStep(): void {
  tf.tidy(() => {
    const x = tf.ones([2, 6, 6, 1]) as tf.Tensor4D;
    const w = tf.variable(tf.ones([3, 3, 1, 2])) as tf.Variable<tf.Rank.R4>;
    tf.train.sgd(0.1).minimize(() => tf.conv2d(x, w, 1, 'same').square().mean() as tf.Scalar);
    w.dispose();
  });
}

describe('selectBackend in Node', () => {
  it("'auto' without navigator.gpu or OffscreenCanvas ends on wasm and says why the GPUs were skipped", async () => {
    const logs: string[] = [];
    const tried: string[] = [];
    const result = await selectBackend('auto', {
      wasmPaths,
      log: (m) => logs.push(m),
      smokeTest: (name) => {
        tried.push(name);
        cnnStep();
      },
    });
    expect(result.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(result.rejected).toEqual([
      { backend: 'webgpu', reason: 'no navigator.gpu' },
      { backend: 'webgl', reason: 'no OffscreenCanvas' },
    ]);
    // The feature checks failed, so the smoke step ran only where the backend started.
    expect(tried).toEqual(['wasm']);
    expect(result.wasm).toEqual({ simd: expect.any(Boolean), threads: false, threadsCount: 1 });
    expect(result.adapter).toBeUndefined();
    expect(logs).toContain("backend 'webgpu' rejected: no navigator.gpu");
    expect(logs[logs.length - 1]).toBe("using backend 'wasm'");
  });

  it('a smoke step that throws on wasm moves the choice to cpu with the error in the reason', async () => {
    const result = await selectBackend('auto', {
      wasmPaths,
      smokeTest: (name) => {
        if (name === 'wasm') throw new Error("Kernel 'Foo' not registered for backend 'wasm'");
        cnnStep();
      },
    });
    expect(result.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(result.rejected.map((r) => r.backend)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(result.rejected[2].reason).toBe("smoke step failed: Kernel 'Foo' not registered for backend 'wasm'");
    expect(result.wasm).toBeUndefined();
  });

  it('an async smoke step that rejects counts as a failure too', async () => {
    await expect(
      selectBackend('cpu', { smokeTest: async () => Promise.reject(new Error('NaN loss')) }),
    ).rejects.toThrow("accelerator 'cpu' cannot be used: smoke step failed: NaN loss");
  });

  it("forcing 'webgpu' in Node throws an error naming webgpu and the reason", async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow("accelerator 'webgpu' cannot be used: no navigator.gpu");
  });

  it("forcing 'webgl' in Node throws an error naming webgl", async () => {
    await expect(selectBackend('webgl')).rejects.toThrow(/accelerator 'webgl'.*no OffscreenCanvas/);
  });

  it('forcing a backend that works tries only that one', async () => {
    const tried: string[] = [];
    const result = await selectBackend('cpu', { smokeTest: (n) => void tried.push(n) });
    expect(result).toEqual({ backend: 'cpu', rejected: [] });
    expect(tried).toEqual(['cpu']);
  });

  it('records a missing WebGPU adapter and a failing requestAdapter', async () => {
    fakeNavigator({ gpu: { requestAdapter: async () => null } });
    const noAdapter = await selectBackend('auto', { wasmPaths });
    expect(noAdapter.rejected[0]).toEqual({ backend: 'webgpu', reason: 'no WebGPU adapter' });

    fakeNavigator({ gpu: { requestAdapter: async () => { throw new Error('device lost'); } } });
    await expect(selectBackend('webgpu')).rejects.toThrow("accelerator 'webgpu' cannot be used: requestAdapter() failed: device lost");
  });

  it('names the bad accelerator value', async () => {
    await expect(selectBackend('tpu' as Accelerator)).rejects.toThrow(
      '`accelerator` must be one of auto, webgpu, webgl, wasm, cpu, got "tpu"',
    );
  });

  it('registers the training kernels before the wasm smoke step, so a CNN step passes there', async () => {
    const result = await selectBackend('wasm', { wasmPaths, smokeTest: cnnStep });
    expect(result.backend).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});
