import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam';
import { fusedAdamAvailable, FUSED_ADAM_BACKENDS, registerFusedAdamKernels } from './fused-adam';
import { ADAM_MOMENT_KERNEL, ADAM_PARAM_KERNEL } from './fused-adam-kernels';
import { adamStepScalars } from './fused-adam-scalars';
import { webGlAdamKernels, type WebGlElementwiseProgram } from './fused-adam-webgl';
import { webGpuAdamKernels, type WebGpuElementwiseProgram } from './fused-adam-webgpu';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  for (const backend of FUSED_ADAM_BACKENDS) {
    for (const k of [ADAM_MOMENT_KERNEL, ADAM_PARAM_KERNEL]) if (tf.getKernel(k, backend)) tf.unregisterKernel(k, backend);
  }
});

type Info = { dataId: object; shape: number[]; dtype: 'float32' };
const info = (shape: number[]): Info => ({ dataId: {}, shape, dtype: 'float32' });
const momentInputs = (shape: number[]) => ({ moment: info(shape), grad: info(shape), param: info(shape) });
const paramInputs = (shape: number[]) => ({ param: info(shape), expAvg: info(shape), second: info(shape) });

/** Calls a kernel function with a stand-in backend that records what it was asked to run. */
function capture<P>(kernel: tf.KernelConfig, method: string, inputs: object, attrs: object): { program: P; uniforms: unknown } {
  const seen: { program?: P; uniforms?: unknown } = {};
  const backend = {
    [method]: (program: P, _inputs: unknown, _dtype: unknown, uniforms: unknown) => {
      seen.program = program;
      seen.uniforms = uniforms;
      return info([1]);
    },
  };
  kernel.kernelFunc({ inputs, backend, attrs } as unknown as Parameters<tf.KernelFunc>[0]);
  return seen as { program: P; uniforms: unknown };
}

const scalarsAt = (step: number) => adamStepScalars({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, maximize: false }, step, true);
const paramAttrs = (step: number) => {
  const s = scalarsAt(step);
  return { paramScale: s.paramScale, stepSize: s.stepSize, bias2Sqrt: s.bias2Sqrt, eps: s.eps };
};

describe('registration', () => {
  it('is not available on the cpu backend and registers nothing for it', () => {
    expect(fusedAdamAvailable()).toBe(false);
    expect(registerFusedAdamKernels('cpu')).toBe(false);
    expect(tf.getKernel(ADAM_MOMENT_KERNEL, 'cpu')).toBeUndefined();
  });

  it('registers both kernels for webgpu and webgl without loading either backend, once', () => {
    expect(registerFusedAdamKernels('webgpu')).toBe(true);
    expect(registerFusedAdamKernels('webgpu')).toBe(true);
    expect(registerFusedAdamKernels('webgl')).toBe(true);
    for (const backend of ['webgpu', 'webgl']) {
      expect(tf.getKernel(ADAM_MOMENT_KERNEL, backend)?.backendName).toBe(backend);
      expect(tf.getKernel(ADAM_PARAM_KERNEL, backend)?.backendName).toBe(backend);
    }
    expect(tf.findBackend('webgpu')).toBeNull();
  });
});

describe('WebGPU programs', () => {
  const [moment, param] = webGpuAdamKernels as [tf.KernelConfig, tf.KernelConfig];

  it('take the per-step scalars as uniforms, so every step reuses one compiled shader', () => {
    const a = capture<WebGpuElementwiseProgram>(param, 'runWebGPUProgram', paramInputs([8, 3]), paramAttrs(1));
    const b = capture<WebGpuElementwiseProgram>(param, 'runWebGPUProgram', paramInputs([8, 3]), paramAttrs(50));
    expect(a.program.getUserCode()).toBe(b.program.getUserCode());
    expect(a.program.shaderKey).toBe(b.program.shaderKey);
    const p = paramAttrs(50);
    expect(b.uniforms).toEqual([p.paramScale, p.stepSize, p.bias2Sqrt, p.eps].map((v) => ({ type: 'float32', data: [v] })));
    expect(b.program.uniforms).toBe('paramScale : f32, stepSize : f32, bias2Sqrt : f32, eps : f32,');
  });

  it('work on four values a thread when the size allows, one otherwise', () => {
    const attrs = { beta: 0.9, oneMinusBeta: 0.1, gradScale: 1, l2: 0, power: 1 };
    const wide = capture<WebGpuElementwiseProgram>(moment, 'runWebGPUProgram', momentInputs([128, 10]), attrs).program;
    expect(wide.outputComponent).toBe(4);
    expect(wide.dispatch).toEqual([Math.ceil(1280 / 4 / 64), 1, 1]);
    expect(wide.getUserCode()).toContain('vec4<f32>(Moment[index])');
    const odd = capture<WebGpuElementwiseProgram>(moment, 'runWebGPUProgram', momentInputs([7]), attrs).program;
    expect(odd.outputComponent).toBe(1);
    expect(odd.dispatch).toEqual([1, 1, 1]);
  });

  it('square the gradient for the second moment only', () => {
    const attrs = { beta: 0.999, oneMinusBeta: 0.001, gradScale: 1, l2: 0 };
    const first = capture<WebGpuElementwiseProgram>(moment, 'runWebGPUProgram', momentInputs([4]), { ...attrs, power: 1 }).program;
    const second = capture<WebGpuElementwiseProgram>(moment, 'runWebGPUProgram', momentInputs([4]), { ...attrs, power: 2 }).program;
    expect(first.getUserCode()).not.toContain('(g * g)');
    expect(second.getUserCode()).toContain('(g * g)');
    expect(first.shaderKey).not.toBe(second.shaderKey);
  });

  it('reject a missing attr or a mismatched input, naming it', () => {
    expect(() => capture(param, 'runWebGPUProgram', paramInputs([4]), { ...paramAttrs(1), stepSize: Number.NaN })).toThrow(
      'VoltAdamParam: attr `stepSize` must be a finite number, got NaN',
    );
    expect(() => capture(param, 'runWebGPUProgram', { ...paramInputs([4]), second: info([5]) }, paramAttrs(1))).toThrow(
      'input `second` has shape [5], `param` has [4]',
    );
    expect(() => capture(moment, 'runWebGPUProgram', momentInputs([4]), { beta: 0.9, oneMinusBeta: 0.1, gradScale: 1, l2: 0, power: 3 })).toThrow(
      'attr `power` must be 1 or 2, got 3',
    );
  });
});

describe('WebGL programs', () => {
  const [, param] = webGlAdamKernels as [tf.KernelConfig, tf.KernelConfig];

  it('take the scalars as custom uniforms and follow tfjs in packing', () => {
    tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', false);
    tf.env().set('WEBGL_PACK_BINARY_OPERATIONS', true);
    const a = capture<WebGlElementwiseProgram>(param, 'runWebGLProgram', paramInputs([3, 5]), paramAttrs(1));
    const b = capture<WebGlElementwiseProgram>(param, 'runWebGLProgram', paramInputs([3, 5]), paramAttrs(9));
    expect(a.program.userCode).toBe(b.program.userCode);
    expect(a.program.packedInputs && a.program.packedOutput).toBe(true);
    expect(a.program.userCode).toContain('vec4 paramv = getParamAtOutCoords();');
    expect(a.program.userCode).toContain('adamStepSize');
    expect(a.program.userCode).not.toMatch(/\blet\b|uniforms\./);
    const p = paramAttrs(9);
    expect(b.uniforms).toEqual([[p.paramScale], [p.stepSize], [p.bias2Sqrt], [p.eps]]);
    expect(b.program.customUniforms.map((u) => u.name)).toEqual(['adamParamScale', 'adamStepSize', 'adamBias2Sqrt', 'adamEps']);

    tf.env().set('WEBGL_PACK_BINARY_OPERATIONS', false);
    const flat = capture<WebGlElementwiseProgram>(param, 'runWebGLProgram', paramInputs([3, 5]), paramAttrs(1)).program;
    expect(flat.packedInputs).toBe(false);
    expect(flat.userCode).toContain('float paramv = getParamAtOutCoords();');
  });
});

describe('Adam `fused` option', () => {
  it('defaults to true, is not a param-group hyperparameter, and must be a boolean', () => {
    const p = tf.variable(tf.zeros([2]));
    expect(new Adam([p]).fused).toBe(true);
    expect(new AdamW([p], { fused: false }).fused).toBe(false);
    expect(new Adam([p], { fused: false }).paramGroups[0]).not.toHaveProperty('fused');
    expect(() => new Adam([p], { fused: 'yes' as unknown as boolean })).toThrow('Adam: `fused` must be true or false, got "yes"');
    p.dispose();
  });

  it('on cpu takes the op-by-op path whatever `fused` says: identical weights and slots', async () => {
    const run = (fused: boolean) => {
      const p = tf.variable(tf.tensor2d([[0.5, -1.5, 2], [0.25, 3, -0.75]]));
      const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.05, amsgrad: true, fused });
      for (let i = 0; i < 3; i++) tf.tidy(() => opt.step({ [p.name]: tf.mul(p, i + 1) }));
      return { p, opt };
    };
    const a = run(true);
    const b = run(false);
    expect(Array.from(a.p.dataSync())).toEqual(Array.from(b.p.dataSync()));
    const [sa, sb] = [await a.opt.stateDict(), await b.opt.stateDict()];
    expect(Object.values(sa.state)[0]).toEqual(Object.values(sb.state)[0]);
    for (const r of [a, b]) {
      r.opt.dispose();
      r.p.dispose();
    }
  });
});
