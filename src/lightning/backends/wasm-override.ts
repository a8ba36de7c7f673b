import { engine, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Replaces one of tfjs-backend-wasm's own kernels with a faster composition,
 * keeping the built-in to fall back on (for cases the composition does not
 * cover) and to restore (for side-by-side measurements).
 */
export class WasmKernelOverride {
  /** The built-in kernel we displaced. */
  private builtin: KernelConfig | null = null;
  /** Backends the built-in's setupFunc has been run for by us (it binds its C++ entry point). */
  private readonly setUp = new WeakSet<object>();
  readonly config: KernelConfig;

  constructor(readonly kernelName: string, kernelFunc: (args: Parameters<KernelFunc>[0], self: WasmKernelOverride) => TensorInfo) {
    this.config = { kernelName, backendName: 'wasm', kernelFunc: (args) => kernelFunc(args, this) };
  }

  /**
   * Puts the composition in place of the built-in. Does nothing (and returns
   * false) when it is already in place, or when no built-in is registered
   * yet: then tfjs-backend-wasm has not been imported, and its import would
   * overwrite ours anyway.
   */
  install(): boolean {
    const current = getKernel(this.kernelName, 'wasm');
    if (current == null || current === this.config) return false;
    this.builtin = current;
    unregisterKernel(this.kernelName, 'wasm');
    registerKernel(this.config);
    return true;
  }

  /** Puts the built-in back; returns whether anything changed. */
  restore(): boolean {
    if (this.builtin == null || getKernel(this.kernelName, 'wasm') !== this.config) return false;
    unregisterKernel(this.kernelName, 'wasm');
    registerKernel(this.builtin);
    // tfjs runs setup functions only on setBackend; an already running backend needs it now.
    const running = engine().registry['wasm'];
    if (running != null && this.builtin.setupFunc != null) this.builtin.setupFunc(running);
    return true;
  }

  /** Runs the displaced built-in kernel on `args`. */
  runBuiltin(args: Parameters<KernelFunc>[0]): TensorInfo {
    if (this.builtin == null) {
      throw new Error(
        `${this.kernelName} on the 'wasm' backend: this case needs the built-in kernel, which was never registered; ` +
        'import @tensorflow/tfjs-backend-wasm before registerWasmTrainingKernels()',
      );
    }
    const backend = args.backend as object;
    if (this.builtin.setupFunc != null && !this.setUp.has(backend)) {
      this.builtin.setupFunc(args.backend);
      this.setUp.add(backend);
    }
    const out = this.builtin.kernelFunc(args);
    if (Array.isArray(out)) throw new Error(`${this.kernelName} returned ${out.length} outputs where one was expected`);
    return out;
  }
}
