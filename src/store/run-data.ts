/**
 * The run on screen and the loaded dataset, once they differ (another file
 * was loaded after training): load the run's dataset back, or evaluate the
 * run's model on the loaded one when its columns fit.
 */
import { requireClient } from './client';
import { setSpec } from './model';
import { useStore, type VoltState } from './state';

/** Whether the loaded dataset is not the one the run on screen trained on. */
export function dataChangedSinceRun(s: Pick<VoltState, 'dataset' | 'runDataset' | 'runId'>): boolean {
  return s.runId !== null && s.runDataset !== null && s.dataset !== s.runDataset;
}

/** A run's name as the page shows it: "Run #3 · iris · mlp" (the number is the runs table's). */
export function runLabel(s: Pick<VoltState, 'runDataset' | 'runModel' | 'config'>, number: number | null): string {
  const dataset = s.runDataset?.name ?? s.config?.dataset ?? 'dataset';
  return [number !== null ? `Run #${number}` : 'Run', dataset, s.runModel ?? 'model'].join(' · ');
}

/** Loads the run's dataset back into the worker (and the run's model into the Model step). */
export async function restoreRunData(): Promise<void> {
  try {
    const report = await requireClient().call({ type: 'restoreRunData' });
    const s = useStore.getState();
    useStore.setState({ dataset: report, runDataset: report, dataError: null, loadedEvaluation: null, loadedEvaluationError: null, augmentPreview: null });
    if (s.config?.spec) setSpec(s.config.spec, s.runModel && !s.runModel.startsWith('fine-tune') ? s.runModel : 'custom');
  } catch (err) {
    useStore.setState({ loadedEvaluationError: (err as Error).message });
  }
}

/** The run's model on the loaded dataset's held-out rows (refused, with the reason, when the columns do not fit). */
export async function evaluateLoaded(): Promise<void> {
  const dataset = useStore.getState().dataset?.name ?? 'the loaded dataset';
  useStore.setState({ loadedEvaluationError: null });
  try {
    const evaluation = await requireClient().call({ type: 'evaluateLoaded' });
    useStore.setState({ loadedEvaluation: { dataset, evaluation } });
  } catch (err) {
    useStore.setState({ loadedEvaluation: null, loadedEvaluationError: (err as Error).message });
  }
}
