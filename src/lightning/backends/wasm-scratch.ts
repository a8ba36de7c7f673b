import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs other WASM kernels from inside a kernel function and remembers every
 * output, so that all intermediates are freed in one place.
 *
 * Calling a sibling kernel's `kernelFunc` directly (as tfjs-backend-wasm's own
 * kernels do) bypasses the engine: nothing is recorded on the gradient tape
 * and nothing is counted in `tf.memory()`. The flip side is that the engine
 * will not free these buffers either, so each one must be released with
 * `backend.disposeData`, which honours the refcount that `Reshape` shares.
 */
export class KernelScratch {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName = 'wasm',
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs: object = {}): TensorInfo {
    const config = getKernel(kernelName, this.backendName);
    if (config == null) {
      throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    }
    const out = config.kernelFunc({
      // Pack/Concat take an array; every other kernel takes a name map.
      inputs: inputs as NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as NamedAttrMap,
    });
    if (Array.isArray(out)) {
      for (const info of out) this.owned.push(info);
      throw new Error(`Kernel '${kernelName}' returned ${out.length} outputs where one was expected`);
    }
    this.owned.push(out);
    return out;
  }

  /** Takes ownership of `info`, made outside `run` (e.g. by a displaced built-in kernel). */
  adopt(info: TensorInfo): TensorInfo {
    this.owned.push(info);
    return info;
  }

  /** A float32 tensor holding `values` (a small constant, such as a pattern to broadcast). */
  constant(values: Float32Array, shape: number[]): TensorInfo {
    const heap = this.backend as unknown as HeapBackend;
    if (typeof heap.makeOutput !== 'function' || typeof heap.typedArrayFromHeap !== 'function') {
      throw new Error(`KernelScratch.constant needs the 'wasm' backend's heap, got backend '${this.backendName}'`);
    }
    const info = heap.makeOutput(shape, 'float32');
    heap.typedArrayFromHeap(info).set(values);
    return this.adopt(info);
  }

  /** A float32 scalar, for scalar-broadcast arithmetic. */
  scalar(value: number): TensorInfo {
    return this.constant(Float32Array.of(value), []);
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    if (sameShape(x.shape, shape)) return x;
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && sameShape(x.shape, size)) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  /** Hands `info` to the caller: it will not be freed by `dispose()`. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(info);
    if (i >= 0) this.owned.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.owned) this.backend.disposeData(info.dataId);
    this.owned.length = 0;
  }
}

/** The two BackendWasm methods that put data on its heap (not in KernelBackend's public type). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Runs `body` with a scratch and frees every intermediate except the result, even on error. */
export function withScratch(backend: KernelBackend, body: (s: KernelScratch) => TensorInfo): TensorInfo {
  const scratch = new KernelScratch(backend);
  try {
    return scratch.keep(body(scratch));
  } finally {
    scratch.dispose();
  }
}
