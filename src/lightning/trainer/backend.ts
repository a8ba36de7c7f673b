import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type AdapterInfo, type BackendRejection, type WasmFeatures } from '../backends';
import { batchTensors, type Batch } from '../data';
import type { Accelerator } from './options';
import type { Trainer } from './trainer';

export interface BackendInfo {
  name: string;
  adapter?: AdapterInfo;
  wasm?: WasmFeatures;
  rejected: BackendRejection[];
}

/**
 * One forward+backward pass of the real model on the first training batch,
 * results discarded: what proves a backend can train this model (e.g. WASM
 * without a kernel the model needs fails here rather than mid-run).
 * Differs from Lightning: with accelerator 'auto' the module's trainingStep
 * runs once more than the loop calls it (logged values are discarded).
 */
async function smokeStep(trainer: Trainer): Promise<void> {
  const dl = trainer.trainDataloader;
  const module = trainer.lightningModule;
  const params = module.parameters();
  if (!dl || params.length === 0) return;
  const it = dl.batches(0, { limit: 1, shuffle: false });
  const first = it.next();
  if (first.done) return;
  const batch: Batch = first.value;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const saved = module.trainer;
      module.trainer = null; // logging is ignored without a trainer
      try {
        const out = module.trainingStep(batch, 0);
        const loss = out instanceof tf.Tensor ? out : (out as { loss?: tf.Tensor } | null)?.loss;
        // A skipped batch still proves the forward pass; differentiate a zero that touches every parameter.
        if (!loss) return tf.mul(tf.addN(params.map((p) => tf.sum(p))), 0) as tf.Scalar;
        return tf.reshape(loss, []) as tf.Scalar;
      } finally {
        module.trainer = saved;
      }
    }, params);
    await value.data();
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  } finally {
    batchTensors(batch).forEach((t) => t.dispose());
    it.return(undefined);
  }
}

/** Picks and activates the backend for a run (feature checks only; see vetBackend for the smoke step). */
export async function chooseBackend(accelerator: Accelerator, wasmPaths?: string | Record<string, string>, deterministic = false): Promise<BackendInfo> {
  const sel = await selectBackend(accelerator, { wasmPaths, deterministic });
  return { name: sel.backend, adapter: sel.adapter, wasm: sel.wasm, rejected: sel.rejected };
}

/**
 * With accelerator 'auto': one forward/backward pass of the real model on the
 * chosen backend; if it fails (e.g. a kernel the backend lacks), selection
 * runs again with that smoke step vetting every candidate, and the reasons are kept.
 */
export async function vetBackend(trainer: Trainer, current: BackendInfo | null): Promise<BackendInfo> {
  const name = current?.name ?? tf.getBackend();
  if (name === 'cpu') return current ?? { name, rejected: [] };
  try {
    await smokeStep(trainer);
    return current ?? { name, rejected: [] };
  } catch (err) {
    const sel = await selectBackend('auto', {
      wasmPaths: trainer.options.wasmPaths,
      deterministic: trainer.options.deterministic ?? false,
      smokeTest: async (n) => (n === 'cpu' ? undefined : smokeStep(trainer)),
    });
    const first = { backend: name, reason: `smoke step failed: ${err instanceof Error ? err.message : String(err)}` };
    const rejected = [...(current?.rejected ?? []), first, ...sel.rejected.filter((r) => r.backend !== name)];
    return { name: sel.backend, adapter: sel.adapter, wasm: sel.wasm, rejected };
  }
}
