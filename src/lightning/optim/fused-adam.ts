import * as tf from '@tensorflow/tfjs-core';
import { ADAM_MOMENT_KERNEL, ADAM_PARAM_KERNEL, type MomentAttrs, type ParamAttrs } from './fused-adam-kernels';
import type { AdamStepScalars } from './fused-adam-scalars';
import { webGlAdamKernels } from './fused-adam-webgl';
import { webGpuAdamKernels } from './fused-adam-webgpu';

/** Backends with fused Adam kernels, and the backend method each kernel needs. */
const FUSED_BACKENDS: Record<string, { kernels: tf.KernelConfig[]; method: string }> = {
  webgpu: { kernels: webGpuAdamKernels, method: 'runWebGPUProgram' },
  webgl: { kernels: webGlAdamKernels, method: 'runWebGLProgram' },
};

export const FUSED_ADAM_BACKENDS: readonly string[] = Object.keys(FUSED_BACKENDS);

/**
 * Registers the fused kernels for `backendName` if it is one that has them
 * and they are not registered yet. The kernel functions only call the backend
 * object the engine hands them, so registering imports no backend package:
 * safe in Node, where the framework runs on cpu/wasm.
 */
export function registerFusedAdamKernels(backendName: string): boolean {
  const entry = FUSED_BACKENDS[backendName];
  if (entry === undefined) return false;
  for (const config of entry.kernels) {
    if (tf.getKernel(config.kernelName, backendName) === undefined) tf.registerKernel(config);
  }
  return true;
}

/**
 * Whether the active backend can run the fused update: it is webgpu or webgl
 * (registering the kernels on first ask) and it is tfjs's backend of that
 * name (it has the program runner the kernels call).
 */
export function fusedAdamAvailable(): boolean {
  const name = tf.getBackend();
  // Two registry look-ups per parameter and step: cheap, and still right if someone unregisters the kernels.
  if (!registerFusedAdamKernels(name)) return false;
  const backend = tf.backend() as unknown as Record<string, unknown>;
  return typeof backend[FUSED_BACKENDS[name]!.method] === 'function';
}

interface FusedAdamResult {
  expAvg: tf.Tensor;
  expAvgSq: tf.Tensor;
}

/**
 * The new first and second moments, two programs: m' and v' (below). With
 * amsgrad the caller takes max(vmax, v') before `fusedAdamParam`.
 */
export function fusedAdamMoments(param: tf.Tensor, grad: tf.Tensor, expAvg: tf.Tensor, expAvgSq: tf.Tensor, s: AdamStepScalars): FusedAdamResult {
  const common = { gradScale: s.gradScale, l2: s.l2 };
  const m: MomentAttrs = { beta: s.beta1, oneMinusBeta: s.oneMinusBeta1, power: 1, ...common };
  const v: MomentAttrs = { beta: s.beta2, oneMinusBeta: s.oneMinusBeta2, power: 2, ...common };
  return {
    expAvg: runKernel(ADAM_MOMENT_KERNEL, { moment: expAvg, grad, param }, m),
    expAvgSq: runKernel(ADAM_MOMENT_KERNEL, { moment: expAvgSq, grad, param }, v),
  };
}

/** The new parameter from the new moments (`second` is v', or max(vmax, v') with amsgrad): one program. */
export function fusedAdamParam(param: tf.Tensor, expAvg: tf.Tensor, second: tf.Tensor, s: AdamStepScalars): tf.Tensor {
  const attrs: ParamAttrs = { paramScale: s.paramScale, stepSize: s.stepSize, bias2Sqrt: s.bias2Sqrt, eps: s.eps };
  return runKernel(ADAM_PARAM_KERNEL, { param, expAvg, second }, attrs);
}

function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: MomentAttrs | ParamAttrs): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
