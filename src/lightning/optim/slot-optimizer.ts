import * as tf from '@tensorflow/tfjs-core';
import {
  Optimizer,
  deserializeTensor,
  serializeTensor,
  type OptimizerState,
  type ParamGroup,
  type ParamGroupInit,
  type SerializedTensor,
} from './optimizer';

/** What an optimizer keeps for one parameter: slot tensors (PyTorch names) and plain counters (`step`). */
export interface ParamState {
  slots: Record<string, tf.Variable>;
  counters: Record<string, number>;
}

/**
 * Shared machinery of the PyTorch-style optimizers: per-parameter slot
 * variables created lazily on the first step that needs them (as PyTorch
 * creates `state[p]` on the first step), the step loop, and state
 * (de)serialisation. Subclasses only write the update rule of one parameter.
 *
 * Hyperparameters are read from the param group on every step, never captured,
 * so LR schedulers (and OneCycleLR's momentum cycling) take effect at once.
 */
export abstract class SlotOptimizer extends Optimizer {
  private readonly perParam = new Map<string, ParamState>();

  constructor(params: tf.Variable[] | ParamGroupInit[], defaults: { lr: number; weightDecay?: number; [k: string]: unknown }) {
    super(params, defaults);
    const seen = new Set<string>();
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!(p instanceof tf.Variable)) throw new Error(`${this.constructor.name}: every param must be a tf.Variable, got ${String(p)}`);
        if (seen.has(p.name)) throw new Error(`${this.constructor.name}: variable '${p.name}' appears in more than one param group`);
        seen.add(p.name);
      }
    }
  }

  /** Update one parameter in place (`param.assign`). Runs inside `tf.tidy`. */
  protected abstract updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): void;

  /**
   * Applies one update to every parameter that has a gradient in `grads`
   * (keyed by variable name). A parameter without one is left alone and its
   * state does not advance, as PyTorch skips parameters whose `.grad` is None.
   */
  step(grads: tf.NamedTensorMap): void {
    tf.tidy(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = grads[param.name];
          if (grad === undefined) continue;
          if (!sameShape(grad.shape, param.shape)) {
            throw new Error(
              `${this.constructor.name}: gradient of '${param.name}' has shape [${grad.shape.join(', ')}], the variable has [${param.shape.join(', ')}]`,
            );
          }
          this.updateParam(param, grad, group, this.stateOf(param));
        }
      }
    });
    this.stepCount += 1;
  }

  /** The slot `name` of a parameter, created from `init()` the first time it is asked for. */
  protected slot(state: ParamState, name: string, init: () => tf.Tensor): tf.Variable {
    let v = state.slots[name];
    if (v === undefined) {
      const initial = init();
      // Not trainable: `tf.variableGrads(f)` without a var list must not differentiate slots.
      v = tf.variable(initial, false);
      state.slots[name] = v;
    }
    return v;
  }

  private stateOf(param: tf.Variable): ParamState {
    let s = this.perParam.get(param.name);
    if (s === undefined) {
      s = { slots: {}, counters: {} };
      this.perParam.set(param.name, s);
    }
    return s;
  }

  async stateDict(): Promise<OptimizerState> {
    const state: OptimizerState['state'] = {};
    for (const [name, ps] of this.perParam) {
      const entry: Record<string, SerializedTensor | number> = { ...ps.counters };
      for (const [slotName, v] of Object.entries(ps.slots)) entry[slotName] = await serializeTensor(v);
      state[name] = entry;
    }
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => ({
      ...structuredClone(hyper),
      params: params.map((p) => p.name),
    }));
    return { state, paramGroups, stepCount: this.stepCount };
  }

  /**
   * Restores hyperparameters and slots. Saved parameters are matched to this
   * optimizer's by position within their groups (as PyTorch does), so a state
   * saved from one model instance loads into a fresh one whose variables got
   * other names.
   */
  loadStateDict(saved: OptimizerState): void {
    const owner = this.constructor.name;
    if (saved.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${owner}: state has ${saved.paramGroups.length} param groups, this optimizer has ${this.paramGroups.length}`);
    }
    const byName = new Map<string, tf.Variable>();
    saved.paramGroups.forEach((sg, i) => {
      const current = this.paramGroups[i]!.params;
      const names = Array.isArray(sg.params) ? (sg.params as unknown[]).map(String) : current.map((p) => p.name);
      if (names.length !== current.length) {
        throw new Error(`${owner}: param group ${i} of the state has ${names.length} params, this optimizer's has ${current.length}`);
      }
      names.forEach((n, j) => byName.set(n, current[j]!));
    });

    const fresh = new Map<string, ParamState>();
    try {
      for (const [name, entry] of Object.entries(saved.state)) {
        const param = byName.get(name);
        if (param === undefined) throw new Error(`${owner}: state holds parameter '${name}', which is in none of the param groups`);
        const ps: ParamState = { slots: {}, counters: {} };
        fresh.set(param.name, ps);
        for (const [key, value] of Object.entries(entry)) {
          if (typeof value === 'number') {
            ps.counters[key] = value;
            continue;
          }
          if (!sameShape(value.shape, param.shape)) {
            throw new Error(`${owner}: slot '${key}' of '${name}' has shape [${value.shape.join(', ')}], the variable has [${param.shape.join(', ')}]`);
          }
          const t = deserializeTensor(value);
          ps.slots[key] = tf.variable(t, false);
          t.dispose();
        }
      }
    } catch (e) {
      for (const ps of fresh.values()) disposeSlots(ps);
      throw e;
    }

    this.dispose();
    for (const [k, v] of fresh) this.perParam.set(k, v);
    saved.paramGroups.forEach((sg, i) => {
      const { params: _ignored, ...hyper } = sg;
      Object.assign(this.paramGroups[i]!, structuredClone(hyper));
    });
    this.stepCount = saved.stepCount ?? 0;
  }

  dispose(): void {
    for (const ps of this.perParam.values()) disposeSlots(ps);
    this.perParam.clear();
  }
}

function disposeSlots(ps: ParamState): void {
  for (const v of Object.values(ps.slots)) v.dispose();
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
