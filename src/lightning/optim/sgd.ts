import * as tf from '@tensorflow/tfjs-core';
import type { ParamGroup, ParamGroupInit } from './optimizer';
import { SlotOptimizer, type ParamState } from './slot-optimizer';
import { checkBoolean, checkKnownKeys, checkNonNegative, definedOnly, fail } from './validate';

export interface SGDOptions {
  /** Required, as in PyTorch: there is no sensible default step size for plain SGD. */
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
  maximize?: boolean;
}

export interface SGDParamGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  maximize: boolean;
}

const KEYS = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'maximize'] as const;

/**
 * Stochastic gradient descent with PyTorch's `torch.optim.SGD` semantics:
 *   1. g = ±grad (+ weightDecay·p)
 *   2. with momentum: buf = g on the first step, else momentum·buf + (1−dampening)·g;
 *      g = g + momentum·buf (nesterov) or buf
 *   3. p = p − lr·g
 * Note the momentum convention differs from tfjs's `MomentumOptimizer` only in
 * the first step (PyTorch starts the buffer at the gradient, undampened).
 */
export class SGD extends SlotOptimizer {
  constructor(params: tf.Variable[] | ParamGroupInit[], options: SGDOptions) {
    if (options === undefined || options.lr === undefined) fail('SGD', '`lr` is required');
    checkKnownKeys('SGD', options, KEYS);
    super(params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, ...definedOnly(options), lr: options.lr });
    this.paramGroups.forEach((g) => validateSgdGroup(g as SGDParamGroup));
  }

  protected updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): void {
    const { lr, weightDecay, momentum, dampening, nesterov, maximize } = group as SGDParamGroup;
    let d: tf.Tensor = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) d = tf.add(d, tf.mul(param, weightDecay));
    if (momentum !== 0) {
      let buf: tf.Tensor;
      const existing = state.slots.momentum_buffer;
      if (existing === undefined) {
        buf = d;
        this.slot(state, 'momentum_buffer', () => d);
      } else {
        buf = tf.add(tf.mul(existing, momentum), tf.mul(d, 1 - dampening));
        existing.assign(buf);
      }
      d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
    }
    param.assign(tf.sub(param, tf.mul(d, lr)));
  }
}

function validateSgdGroup(g: SGDParamGroup): void {
  checkNonNegative('SGD', 'lr', g.lr);
  checkNonNegative('SGD', 'momentum', g.momentum);
  if (typeof g.dampening !== 'number' || !Number.isFinite(g.dampening)) {
    fail('SGD', `\`dampening\` must be a number, got ${String(g.dampening)}`);
  }
  checkNonNegative('SGD', 'weightDecay', g.weightDecay);
  checkBoolean('SGD', 'nesterov', g.nesterov);
  checkBoolean('SGD', 'maximize', g.maximize);
  if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
    fail('SGD', `\`nesterov\` needs \`momentum\` > 0 and \`dampening\` = 0, got momentum ${g.momentum} and dampening ${g.dampening}`);
  }
}
