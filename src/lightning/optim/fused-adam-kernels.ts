import type { DataType, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The two fused Adam kernels, shared by the WebGPU and WebGL programs.
 *
 * `VoltAdamMoment` (inputs moment, grad, param) returns
 *   β·moment + (1−β)·g^power,  g = gradScale·grad + l2·param,
 * which is the new first moment with power 1 and the new second with power 2.
 * `VoltAdamParam` (inputs param, expAvg, second) returns
 *   param·paramScale − (expAvg / (√second / bias2Sqrt + eps))·stepSize.
 * The order of operations copies the op-by-op path so both round alike.
 */
export const ADAM_MOMENT_KERNEL = 'VoltAdamMoment';
export const ADAM_PARAM_KERNEL = 'VoltAdamParam';

export const MOMENT_INPUTS = ['moment', 'grad', 'param'] as const;
export const PARAM_INPUTS = ['param', 'expAvg', 'second'] as const;

export interface MomentAttrs {
  beta: number;
  oneMinusBeta: number;
  gradScale: number;
  l2: number;
  power: 1 | 2;
}

export interface ParamAttrs {
  paramScale: number;
  stepSize: number;
  bias2Sqrt: number;
  eps: number;
}

/** Uniform names in the order the programs declare them (and receive their values). */
export const MOMENT_UNIFORMS = ['beta', 'oneMinusBeta', 'gradScale', 'l2'] as const;
export const PARAM_UNIFORMS = ['paramScale', 'stepSize', 'bias2Sqrt', 'eps'] as const;

/** What a kernel function receives from the engine, without naming a backend's class. */
export interface KernelArgs<B> {
  inputs: Partial<Record<string, TensorInfo>>;
  backend: B;
  attrs?: NamedAttrMap;
}

/** Inputs in the kernel's order, each checked to be float32 and of the first one's shape. */
export function orderedInputs(kernel: string, names: readonly string[], inputs: Partial<Record<string, TensorInfo>>): TensorInfo[] {
  const out = names.map((n) => {
    const t = inputs[n];
    if (t === undefined) throw new Error(`${kernel}: input \`${n}\` is missing`);
    if (t.dtype !== 'float32') throw new Error(`${kernel}: input \`${n}\` must be float32, got ${t.dtype}`);
    return t;
  });
  const shape = out[0]!.shape;
  out.forEach((t, i) => {
    if (t.shape.length !== shape.length || t.shape.some((d, j) => d !== shape[j])) {
      throw new Error(`${kernel}: input \`${names[i]}\` has shape [${t.shape.join(', ')}], \`${names[0]}\` has [${shape.join(', ')}]`);
    }
  });
  return out;
}

/** The attrs' values for `names`, each required to be a finite number. */
export function uniformValues(kernel: string, names: readonly string[], attrs: NamedAttrMap | undefined): number[] {
  return names.map((n) => {
    const v = attrs?.[n];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${kernel}: attr \`${n}\` must be a finite number, got ${String(v)}`);
    return v;
  });
}

export function momentPower(attrs: NamedAttrMap | undefined): 1 | 2 {
  const p = attrs?.power;
  if (p !== 1 && p !== 2) throw new Error(`${ADAM_MOMENT_KERNEL}: attr \`power\` must be 1 or 2, got ${String(p)}`);
  return p;
}

export const FLOAT32: DataType = 'float32';

/** Shader-side name of an input (WGSL storage buffer, GLSL sampler), capitalised to keep clear of reserved words. */
export const storageName = (n: string): string => n.charAt(0).toUpperCase() + n.slice(1);

/*
 * The arithmetic, written once in WGSL's syntax: inputs are read into
 * `<input>v`, scalars are `uniforms.<name>`, and the body leaves `updated`.
 * The WebGL programs rewrite `let` and `uniforms.` into GLSL; both languages
 * mix scalars and 4-vectors in arithmetic, so one body serves every width.
 */
export function momentBody(power: 1 | 2): string {
  const gTerm = power === 1 ? 'g' : '(g * g)';
  return `let g = gradv * uniforms.gradScale + paramv * uniforms.l2;
        let updated = momentv * uniforms.beta + ${gTerm} * uniforms.oneMinusBeta;`;
}

export const PARAM_BODY = `let denom = sqrt(secondv) / uniforms.bias2Sqrt + uniforms.eps;
        let updated = paramv * uniforms.paramScale - (expAvgv / denom) * uniforms.stepSize;`;
