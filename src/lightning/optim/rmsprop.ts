import * as tf from '@tensorflow/tfjs-core';
import type { ParamGroup, ParamGroupInit } from './optimizer';
import { SlotOptimizer, type ParamState } from './slot-optimizer';
import { checkBoolean, checkKnownKeys, checkNonNegative, definedOnly, fail } from './validate';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

export interface RMSpropParamGroup extends ParamGroup {
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'] as const;

/**
 * RMSprop with PyTorch's `torch.optim.RMSprop` semantics. Unlike tfjs's
 * RMSPropOptimizer, eps is added outside the square root and the averages
 * start at zero:
 *   1. g = ±grad (+ weightDecay·p);  s = α·s + (1−α)·g²
 *   2. avg = √(s − ḡ²) + eps with ḡ = α·ḡ + (1−α)·g (centered), else √s + eps
 *   3. momentum > 0: buf = momentum·buf + g/avg; p = p − lr·buf.  Else p = p − lr·g/avg
 */
export class RMSprop extends SlotOptimizer {
  constructor(params: tf.Variable[] | ParamGroupInit[], options: RMSpropOptions = {}) {
    if (options === null || typeof options !== 'object') fail('RMSprop', `options must be an object, got ${String(options)}`);
    checkKnownKeys('RMSprop', options, KEYS);
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...definedOnly(options),
    });
    this.paramGroups.forEach((g) => validateRmspropGroup(g as RMSpropParamGroup));
  }

  protected updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): void {
    const { lr, weightDecay, alpha, eps, momentum, centered, maximize } = group as RMSpropParamGroup;
    state.counters.step = (state.counters.step ?? 0) + 1;

    let g: tf.Tensor = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    const squareAvg = this.slot(state, 'square_avg', () => tf.zerosLike(param));
    const s = tf.add(tf.mul(squareAvg, alpha), tf.mul(tf.mul(g, g), 1 - alpha));
    squareAvg.assign(s);

    let avg: tf.Tensor;
    if (centered) {
      const gradAvg = this.slot(state, 'grad_avg', () => tf.zerosLike(param));
      const ga = tf.add(tf.mul(gradAvg, alpha), tf.mul(g, 1 - alpha));
      gradAvg.assign(ga);
      avg = tf.add(tf.sqrt(tf.sub(s, tf.mul(ga, ga))), eps);
    } else {
      avg = tf.add(tf.sqrt(s), eps);
    }

    if (momentum > 0) {
      const buf = this.slot(state, 'momentum_buffer', () => tf.zerosLike(param));
      const b = tf.add(tf.mul(buf, momentum), tf.div(g, avg));
      buf.assign(b);
      param.assign(tf.sub(param, tf.mul(b, lr)));
    } else {
      param.assign(tf.sub(param, tf.mul(tf.div(g, avg), lr)));
    }
  }
}

function validateRmspropGroup(g: RMSpropParamGroup): void {
  checkNonNegative('RMSprop', 'lr', g.lr);
  checkNonNegative('RMSprop', 'alpha', g.alpha);
  checkNonNegative('RMSprop', 'eps', g.eps);
  checkNonNegative('RMSprop', 'weightDecay', g.weightDecay);
  checkNonNegative('RMSprop', 'momentum', g.momentum);
  checkBoolean('RMSprop', 'centered', g.centered);
  checkBoolean('RMSprop', 'maximize', g.maximize);
}
