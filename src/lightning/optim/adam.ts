import * as tf from '@tensorflow/tfjs-core';
import type { ParamGroup, ParamGroupInit } from './optimizer';
import { fusedAdamAvailable, fusedAdamMoments, fusedAdamParam } from './fused-adam';
import { adamStepScalars } from './fused-adam-scalars';
import { SlotOptimizer, type ParamState } from './slot-optimizer';
import { checkBoolean, checkKnownKeys, checkNonNegative, checkRange, definedOnly, fail } from './validate';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay, p ← p·(1 − lr·weightDecay). */
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /**
   * On WebGPU and WebGL, run each parameter's update as 3 fused GPU programs
   * (4 with amsgrad) instead of 13 elementwise ops; the result agrees with the
   * op-by-op path to float32 rounding. Other backends always go op by op.
   * `false` forces op by op everywhere (for A/B comparisons). Default true.
   * Differs from PyTorch: `fused: true` on a backend without fused kernels is
   * not an error, it falls back. Not a param-group hyperparameter, so it is
   * not saved in `stateDict`.
   */
  fused?: boolean;
}

export interface AdamParamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  amsgrad: boolean;
  maximize: boolean;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize', 'fused'] as const;

/**
 * Adam with PyTorch's `torch.optim.Adam` semantics (single-tensor path):
 *   1. g = ±grad (+ weightDecay·p for Adam; AdamW instead scales p by 1 − lr·weightDecay first)
 *   2. m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  (amsgrad) vmax = max(vmax, v)
 *   3. p = p − lr/(1−β1^t) · m / (√v / √(1−β2^t) + eps)
 * The bias corrections are computed in double precision on the CPU from the
 * per-parameter step count, exactly as PyTorch does, so no value is read back.
 */
export class Adam extends SlotOptimizer {
  /** Whether weight decay is decoupled (AdamW) rather than an L2 term in the gradient. */
  protected readonly decoupled: boolean = false;
  /** Whether to use the fused GPU kernels where the backend has them (see `AdamOptions.fused`). */
  readonly fused: boolean;

  constructor(params: tf.Variable[] | ParamGroupInit[], options: AdamOptions = {}) {
    const { fused, hyper } = splitFused(options);
    super(params, resolveAdamOptions(new.target.name, hyper));
    this.paramGroups.forEach((g) => validateAdamGroup(new.target.name, g as AdamParamGroup));
    this.fused = checkBoolean(new.target.name, 'fused', fused ?? true);
  }

  protected updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): void {
    const { lr, weightDecay, betas, eps, amsgrad, maximize } = group as AdamParamGroup;
    const [beta1, beta2] = betas;
    const step = (state.counters.step ?? 0) + 1;
    state.counters.step = step;
    if (this.fused && param.dtype === 'float32' && grad.dtype === 'float32' && fusedAdamAvailable()) {
      this.updateParamFused(param, grad, group as AdamParamGroup, state, step);
      return;
    }

    let g: tf.Tensor = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) {
      if (this.decoupled) param.assign(tf.mul(param, 1 - lr * weightDecay));
      else g = tf.add(g, tf.mul(param, weightDecay));
    }
    const expAvg = this.slot(state, 'exp_avg', () => tf.zerosLike(param));
    const expAvgSq = this.slot(state, 'exp_avg_sq', () => tf.zerosLike(param));
    const m = tf.add(tf.mul(expAvg, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(expAvgSq, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
    expAvg.assign(m);
    expAvgSq.assign(v);

    let second = v;
    if (amsgrad) {
      const maxSq = this.slot(state, 'max_exp_avg_sq', () => tf.zerosLike(param));
      second = tf.maximum(maxSq, v);
      maxSq.assign(second);
    }
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    const denom = tf.add(tf.div(tf.sqrt(second), bias2Sqrt), eps);
    param.assign(tf.sub(param, tf.mul(tf.div(m, denom), stepSize)));
  }

  /** The same update as `updateParam`'s op-by-op path in 3 GPU programs (4 with amsgrad). */
  private updateParamFused(param: tf.Variable, grad: tf.Tensor, group: AdamParamGroup, state: ParamState, step: number): void {
    const scalars = adamStepScalars(group, step, this.decoupled);
    const expAvg = this.slot(state, 'exp_avg', () => tf.zerosLike(param));
    const expAvgSq = this.slot(state, 'exp_avg_sq', () => tf.zerosLike(param));
    const { expAvg: m, expAvgSq: v } = fusedAdamMoments(param, grad, expAvg, expAvgSq, scalars);
    let second = v;
    if (group.amsgrad) {
      const maxSq = this.slot(state, 'max_exp_avg_sq', () => tf.zerosLike(param));
      second = tf.maximum(maxSq, v);
      maxSq.assign(second);
    }
    // Both moments are computed before any assign, so every program reads this step's inputs.
    const p = fusedAdamParam(param, m, second, scalars);
    expAvg.assign(m);
    expAvgSq.assign(v);
    param.assign(p);
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's `torch.optim.AdamW`; `weightDecay` defaults to 1e-2. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: tf.Variable[] | ParamGroupInit[], options: AdamOptions = {}) {
    super(params, { weightDecay: 1e-2, ...definedOnly(options) });
  }
}

/** Takes `fused` out of the options: it picks an implementation, it is not a param-group hyperparameter. */
function splitFused(options: AdamOptions): { fused: unknown; hyper: AdamOptions } {
  if (options === null || typeof options !== 'object') return { fused: undefined, hyper: options };
  const { fused, ...hyper } = options;
  return { fused, hyper };
}

function resolveAdamOptions(owner: string, options: AdamOptions) {
  if (options === null || typeof options !== 'object') fail(owner, `options must be an object, got ${String(options)}`);
  checkKnownKeys(owner, options, KEYS);
  return { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...definedOnly(options) };
}

function validateAdamGroup(owner: string, g: AdamParamGroup): void {
  checkNonNegative(owner, 'lr', g.lr);
  checkNonNegative(owner, 'eps', g.eps);
  checkNonNegative(owner, 'weightDecay', g.weightDecay);
  if (!Array.isArray(g.betas) || g.betas.length !== 2) fail(owner, `\`betas\` must be a pair [beta1, beta2], got ${String(g.betas)}`);
  checkRange(owner, 'betas[0]', g.betas[0], 0, 1);
  checkRange(owner, 'betas[1]', g.betas[1], 0, 1);
  checkBoolean(owner, 'amsgrad', g.amsgrad);
  checkBoolean(owner, 'maximize', g.maximize);
  // Copy so that OneCycleLR writing betas[0] of one group cannot alias another group's pair.
  g.betas = [g.betas[0], g.betas[1]];
}
