import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  ADAM_MOMENT_KERNEL,
  ADAM_PARAM_KERNEL,
  FLOAT32,
  MOMENT_INPUTS,
  MOMENT_UNIFORMS,
  PARAM_BODY,
  PARAM_INPUTS,
  PARAM_UNIFORMS,
  momentBody,
  momentPower,
  orderedInputs,
  storageName,
  uniformValues,
  type KernelArgs,
} from './fused-adam-kernels';

/**
 * The part of tfjs-backend-webgpu's `WebGPUBackend` these kernels call. Typed
 * here rather than imported so that loading the optimizer never loads the
 * WebGPU package (Node runs it on cpu/wasm without one).
 */
interface WebGpuRunner {
  runWebGPUProgram(program: WebGpuElementwiseProgram, inputs: TensorInfo[], dtype: DataType, uniforms?: Array<{ type: string; data: number[] }>): TensorInfo;
}

/** The fields of tfjs's `WebGPUProgram` that a flat elementwise program sets. */
export interface WebGpuElementwiseProgram {
  variableNames: string[];
  variableComponents: number[];
  outputShape: number[];
  outputComponent: number;
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode: () => string;
}

const WORKGROUP = 64;

/**
 * A flat elementwise program over same-shape inputs: thread `index` handles
 * one element, or four (vec4) when the size is a multiple of 4, as tfjs's
 * binary ops do. `body` is one of the shared bodies (fused-adam-kernels.ts).
 * The scalars arrive as uniforms, so one compiled pipeline serves every step.
 */
function elementwiseProgram(key: string, names: readonly string[], uniforms: readonly string[], shape: number[], body: string): WebGpuElementwiseProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  const component = size % 4 === 0 ? 4 : 1;
  const type = component === 4 ? 'vec4<f32>' : 'f32';
  const reads = names.map((n) => `let ${n}v = ${type}(${storageName(n)}[index]);`).join('\n          ');
  return {
    variableNames: names.map(storageName),
    variableComponents: names.map(() => component),
    outputShape: shape,
    outputComponent: component,
    shaderKey: `${key}_${component}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / (WORKGROUP * component)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms: uniforms.map((u) => `${u} : f32,`).join(' '),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${reads}
          ${body}
          setOutputAtIndex(index, updated);
        }
      }`,
  };
}

const asUniforms = (values: number[]) => values.map((v) => ({ type: 'float32', data: [v] }));

function adamMomentWebGpu({ inputs, backend, attrs }: KernelArgs<WebGpuRunner>): TensorInfo {
  const ins = orderedInputs(ADAM_MOMENT_KERNEL, MOMENT_INPUTS, inputs);
  const power = momentPower(attrs);
  const program = elementwiseProgram(`voltAdamMoment${power}`, MOMENT_INPUTS, MOMENT_UNIFORMS, [...ins[0]!.shape], momentBody(power));
  return backend.runWebGPUProgram(program, ins, FLOAT32, asUniforms(uniformValues(ADAM_MOMENT_KERNEL, MOMENT_UNIFORMS, attrs)));
}

function adamParamWebGpu({ inputs, backend, attrs }: KernelArgs<WebGpuRunner>): TensorInfo {
  const ins = orderedInputs(ADAM_PARAM_KERNEL, PARAM_INPUTS, inputs);
  const program = elementwiseProgram('voltAdamParam', PARAM_INPUTS, PARAM_UNIFORMS, [...ins[0]!.shape], PARAM_BODY);
  return backend.runWebGPUProgram(program, ins, FLOAT32, asUniforms(uniformValues(ADAM_PARAM_KERNEL, PARAM_UNIFORMS, attrs)));
}

export const webGpuAdamKernels: KernelConfig[] = [
  { kernelName: ADAM_MOMENT_KERNEL, backendName: 'webgpu', kernelFunc: adamMomentWebGpu as unknown as KernelConfig['kernelFunc'] },
  { kernelName: ADAM_PARAM_KERNEL, backendName: 'webgpu', kernelFunc: adamParamWebGpu as unknown as KernelConfig['kernelFunc'] },
];
