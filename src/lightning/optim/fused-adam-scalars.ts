/** The hyperparameters of one Adam/AdamW param group that one update reads. */
export interface AdamHyper {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * Every number a fused Adam update needs for one parameter at one step, in
 * double precision; the GPU programs receive them as float32 uniforms, as the
 * op-by-op path hands the same doubles to `tf.mul`/`tf.div` as float32 scalars.
 * None of them is written into shader source: the step count changes the bias
 * corrections every step and a scheduler changes `lr`, so baking them in would
 * compile a new program per step.
 */
export interface AdamStepScalars {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** −1 with `maximize` (ascend), else 1: the gradient is multiplied by it. */
  gradScale: number;
  /** Adam's L2 term: g ← g + l2·p. 0 for AdamW (its decay is decoupled). */
  l2: number;
  /** AdamW's decoupled decay: p ← p·paramScale before the step. 1 for Adam. */
  paramScale: number;
  /** lr / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  bias2Sqrt: number;
  eps: number;
}

/**
 * The scalars of step `step` (1-based, the parameter's own step count):
 *   1. g = gradScale·grad + l2·p
 *   2. m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   3. p = p·paramScale − stepSize · m / (√v / bias2Sqrt + eps)
 * The same formulas as the op-by-op path in adam.ts, so both agree to rounding.
 */
export function adamStepScalars(h: AdamHyper, step: number, decoupled: boolean): AdamStepScalars {
  if (!Number.isInteger(step) || step < 1) throw new Error(`\`step\` must be a positive integer, got ${step}`);
  const [beta1, beta2] = h.betas;
  return {
    beta1,
    oneMinusBeta1: 1 - beta1,
    beta2,
    oneMinusBeta2: 1 - beta2,
    gradScale: h.maximize ? -1 : 1,
    l2: decoupled ? 0 : h.weightDecay,
    paramScale: decoupled && h.weightDecay !== 0 ? 1 - h.lr * h.weightDecay : 1,
    stepSize: h.lr / (1 - Math.pow(beta1, step)),
    bias2Sqrt: Math.sqrt(1 - Math.pow(beta2, step)),
    eps: h.eps,
  };
}
