import * as tf from '@tensorflow/tfjs-core';
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
 * The part of tfjs-backend-webgl's `MathBackendWebGL` these kernels call,
 * typed here so that loading the optimizer never loads the WebGL package.
 */
interface WebGlRunner {
  runWebGLProgram(program: WebGlElementwiseProgram, inputs: TensorInfo[], dtype: DataType, customUniformValues?: number[][]): TensorInfo;
}

/** The fields of tfjs's `GPGPUProgram` that an elementwise program sets. */
export interface WebGlElementwiseProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs: boolean;
  packedOutput: boolean;
  enableShapeUniforms: boolean;
  customUniforms: Array<{ name: string; type: 'float' }>;
}

/** GLSL name of a scalar uniform, prefixed to keep clear of the names tfjs's shader prelude declares. */
const uniformName = (n: string): string => `adam${n.charAt(0).toUpperCase()}${n.slice(1)}`;

/**
 * An elementwise program over same-shape inputs. Packed (four values a texel)
 * when tfjs packs its binary ops, as it does by default: the gradients and the
 * previous step's outputs then arrive packed, and a program of the other
 * layout would pay a pack or unpack program per input. `body` is one of the
 * shared bodies (fused-adam-kernels.ts), rewritten from WGSL's syntax.
 */
function elementwiseProgram(names: readonly string[], uniforms: readonly string[], shape: number[], body: string, packed: boolean): WebGlElementwiseProgram {
  const type = packed ? 'vec4' : 'float';
  const reads = names.map((n) => `${type} ${n}v = get${storageName(n)}AtOutCoords();`).join('\n        ');
  let code = body;
  for (const u of uniforms) code = code.replaceAll(`uniforms.${u}`, uniformName(u));
  return {
    variableNames: names.map(storageName),
    outputShape: shape,
    packedInputs: packed,
    packedOutput: packed,
    // As tfjs's own programs decide: shapes as uniforms let one binary serve every shape.
    enableShapeUniforms: tf.env().getBool('WEBGL_USE_SHAPES_UNIFORMS') && shape.length <= 4,
    customUniforms: uniforms.map((u) => ({ name: uniformName(u), type: 'float' as const })),
    userCode: `
      void main() {
        ${reads}
        ${code.replaceAll('let ', `${type} `)}
        setOutput(updated);
      }`,
  };
}

const packBinaryOps = (): boolean => tf.env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
const asUniforms = (values: number[]): number[][] => values.map((v) => [v]);

function adamMomentWebGl({ inputs, backend, attrs }: KernelArgs<WebGlRunner>): TensorInfo {
  const ins = orderedInputs(ADAM_MOMENT_KERNEL, MOMENT_INPUTS, inputs);
  const program = elementwiseProgram(MOMENT_INPUTS, MOMENT_UNIFORMS, [...ins[0]!.shape], momentBody(momentPower(attrs)), packBinaryOps());
  return backend.runWebGLProgram(program, ins, FLOAT32, asUniforms(uniformValues(ADAM_MOMENT_KERNEL, MOMENT_UNIFORMS, attrs)));
}

function adamParamWebGl({ inputs, backend, attrs }: KernelArgs<WebGlRunner>): TensorInfo {
  const ins = orderedInputs(ADAM_PARAM_KERNEL, PARAM_INPUTS, inputs);
  const program = elementwiseProgram(PARAM_INPUTS, PARAM_UNIFORMS, [...ins[0]!.shape], PARAM_BODY, packBinaryOps());
  return backend.runWebGLProgram(program, ins, FLOAT32, asUniforms(uniformValues(ADAM_PARAM_KERNEL, PARAM_UNIFORMS, attrs)));
}

export const webGlAdamKernels: KernelConfig[] = [
  { kernelName: ADAM_MOMENT_KERNEL, backendName: 'webgl', kernelFunc: adamMomentWebGl as unknown as KernelConfig['kernelFunc'] },
  { kernelName: ADAM_PARAM_KERNEL, backendName: 'webgl', kernelFunc: adamParamWebGl as unknown as KernelConfig['kernelFunc'] },
];
