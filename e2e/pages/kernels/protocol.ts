// What the kernel test page reports to e2e/kernels.spec.ts (imported by both sides).

export type GpuBackend = 'webgpu' | 'webgl';

export interface PathRun {
  /** GPU programs (WebGPU `runWebGPUProgram`, WebGL `runWebGLProgram`) of each `step` call. */
  programsPerStep: number[];
  /** `tf.memory().numTensors` after each step, with the optimizer's slots alive. */
  tensorsPerStep: number[];
}

export interface CaseResult {
  name: string;
  params: number;
  fused: PathRun;
  unfused: PathRun;
  /** Largest relative difference between the paths over every parameter and slot, and where it was. */
  maxRelDiff: number;
  worst: string;
  /** Smallest relative change of a parameter over the steps (fused path): proves the steps did something. */
  moved: number;
  /** Slot names per parameter (both paths must create the same). */
  slotsFused: string[];
  slotsUnfused: string[];
}

export interface KernelReport {
  backend: string;
  cases: CaseResult[];
  tensorsBefore: number;
  tensorsAfter: number;
}

export interface KernelPageApi {
  runAdamComparison(backend: GpuBackend, steps: number): Promise<KernelReport>;
}
