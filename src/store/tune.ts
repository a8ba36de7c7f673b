/**
 * The Model step's finders: the learning-rate finder and the batch-size
 * finder run in the worker on the current model and data; applying a result
 * sets the recipe and records where the value came from for the run's config.
 */
import type { BatchFindReport, LrFindReport, ProgressEvent, RunConfig } from '../worker/protocol';
import { requireClient } from './client';
import { setRecipe } from './model';
import { useStore } from './state';

function configNow(): RunConfig {
  const s = useStore.getState();
  return { dataset: s.dataset?.name ?? 'mnist', spec: s.spec, accelerator: s.accelerator, maxEpochs: s.maxEpochs };
}

async function tune<R>(what: 'lr' | 'batchSize', call: (config: RunConfig, onProgress: (e: ProgressEvent) => void) => Promise<R>, done: (r: R) => Partial<ReturnType<typeof useStore.getState>>): Promise<void> {
  if (useStore.getState().tuning) return;
  useStore.setState({ tuning: what, tuneProgress: null, tuneError: null });
  try {
    const result = await call(configNow(), (e) => {
      if (e.type === 'tune') useStore.setState({ tuneProgress: e.progress });
    });
    useStore.setState({ tuning: null, tuneProgress: null, ...done(result) });
  } catch (err) {
    useStore.setState({ tuning: null, tuneProgress: null, tuneError: (err as Error).message });
  }
}

/** Runs the LR finder on the current model and data (progress in `tuneProgress`). */
export function findLearningRate(): Promise<void> {
  return tune('lr', (config, onProgress) => requireClient().call({ type: 'findLr', config }, { onProgress }), (lrFind: LrFindReport) => ({ lrFind }));
}

/** Runs the batch-size finder on the current model and data. */
export function findBatchSize(): Promise<void> {
  return tune('batchSize', (config, onProgress) => requireClient().call({ type: 'findBatchSize', config }, { onProgress }), (batchFind: BatchFindReport) => ({ batchFind }));
}

/** Stops the finder in progress (the worker's `stop` also cancels finders). */
export function cancelTuning(): void {
  void requireClient().call({ type: 'stop' });
}

/** Sets the recipe's learning rate to a finder's suggestion and remembers it came from there. */
export function applyLearningRate(value: number, rule: string): void {
  const spec = useStore.getState().spec;
  if (!spec) return;
  setRecipe({ optimizer: { ...spec.recipe.optimizer, lr: value } });
  useStore.setState((s) => ({ tuned: { ...s.tuned, lr: { value, rule } } }));
}

export function applyBatchSize(value: number, objective: string): void {
  setRecipe({ batchSize: value });
  useStore.setState((s) => ({ tuned: { ...s.tuned, batchSize: { value, objective } } }));
}

/** The finder values the recipe still holds, for the run's config (a value edited since is not "tuned"). */
export function tunedForConfig(): RunConfig['tuned'] | undefined {
  const s = useStore.getState();
  const r = s.spec?.recipe;
  if (!r) return undefined;
  const out: NonNullable<RunConfig['tuned']> = {};
  if (s.tuned.lr && s.tuned.lr.value === r.optimizer.lr) out.lr = s.tuned.lr;
  if (s.tuned.batchSize && s.tuned.batchSize.value === r.batchSize) out.batchSize = s.tuned.batchSize;
  return Object.keys(out).length > 0 ? out : undefined;
}
