import * as tf from '@tensorflow/tfjs-core';

/** A tensor serialised as plain data, safe for postMessage, JSON (via Array.from) and storage. */
export interface SerializedTensor {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: Float32Array | Int32Array | Uint8Array;
}

/** Hyperparameters shared by all optimizers; subclasses add their own (betas, momentum, ...). */
export interface ParamGroup {
  params: tf.Variable[];
  /** Current learning rate; LR schedulers write it. */
  lr: number;
  /** Learning rate at construction, what schedulers scale from (PyTorch's `initial_lr`). */
  initialLr: number;
  weightDecay: number;
  [hyper: string]: unknown;
}

export interface ParamGroupInit {
  params: tf.Variable[];
  lr?: number;
  weightDecay?: number;
  [hyper: string]: unknown;
}

export interface OptimizerState {
  /** Per parameter (by variable name): the optimizer's slots (e.g. `exp_avg`, `momentum_buffer`). */
  state: Record<string, Record<string, SerializedTensor | number>>;
  paramGroups: Array<Record<string, unknown>>;
  /** The optimizer's `stepCount`; absent in states written before it existed. */
  stepCount?: number;
}

/**
 * Base class of the framework's optimizers (PyTorch semantics, not tfjs's).
 * `step(grads)` receives gradients keyed by variable name, as returned by
 * `tf.variableGrads`. It is called inside `tf.tidy` by the Trainer and must not
 * read values back from the device. The Trainer owns gradient accumulation,
 * so `zeroGrad` exists for API familiarity and has nothing to clear.
 */
export abstract class Optimizer {
  readonly paramGroups: ParamGroup[];
  /** Number of `step` calls so far. */
  stepCount = 0;

  constructor(params: tf.Variable[] | ParamGroupInit[], defaults: { lr: number; weightDecay?: number; [k: string]: unknown }) {
    if (!(defaults.lr >= 0) || !Number.isFinite(defaults.lr)) {
      throw new Error(`\`lr\` must be a non-negative number, got ${defaults.lr}`);
    }
    const groups: ParamGroupInit[] =
      params.length > 0 && !(params[0] instanceof tf.Variable) ? (params as ParamGroupInit[]) : [{ params: params as tf.Variable[] }];
    this.paramGroups = groups.map((g) => {
      const merged = { ...defaults, weightDecay: defaults.weightDecay ?? 0, ...g } as ParamGroup;
      merged.initialLr = merged.lr;
      return merged;
    });
  }

  /** All variables this optimizer updates. */
  get params(): tf.Variable[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  abstract step(grads: tf.NamedTensorMap): void;

  zeroGrad(): void {
    /* gradients are not stored on variables in tfjs; nothing to clear */
  }

  abstract stateDict(): Promise<OptimizerState>;
  abstract loadStateDict(state: OptimizerState): void;

  /** Frees the optimizer's slot variables. */
  abstract dispose(): void;
}

/** Reads a tensor back (asynchronously) as plain data. */
export async function serializeTensor(t: tf.Tensor): Promise<SerializedTensor> {
  const dtype = t.dtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new Error(`cannot serialise a tensor of dtype ${dtype}`);
  }
  const data = (await t.data()) as Float32Array | Int32Array | Uint8Array;
  return { shape: [...t.shape], dtype, data: data.slice() };
}

/**
 * Rebuilds a tensor from `serializeTensor`'s output. Also accepts `data` as a
 * plain number array or as the `{"0": x, ...}` object that `JSON.stringify`
 * makes of a typed array, so a checkpoint read back from JSON still loads.
 */
export function deserializeTensor(s: SerializedTensor | { shape: number[]; dtype: string; data: unknown }): tf.Tensor {
  const raw = s.data;
  let values: ArrayLike<number>;
  if (ArrayBuffer.isView(raw) || Array.isArray(raw)) values = raw as ArrayLike<number>;
  else if (raw !== null && typeof raw === 'object') values = Object.values(raw as Record<string, number>);
  else throw new Error(`serialised tensor has no \`data\`, got ${String(raw)}`);
  const size = s.shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new Error(`serialised tensor of shape [${s.shape.join(', ')}] needs ${size} values, got ${values.length}`);
  }
  const dtype = s.dtype === 'int32' || s.dtype === 'bool' ? s.dtype : 'float32';
  return tf.tensor(Array.from(values), s.shape, dtype);
}
