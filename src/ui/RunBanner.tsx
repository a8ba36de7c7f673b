/**
 * Which run the Evaluate and Export steps show ("Run #3 · iris · mlp"), and,
 * once another dataset was loaded after it, a notice saying so with the two
 * ways back: load the run's dataset again, or evaluate the run's model on
 * the loaded data (refused, with the reason, when its columns do not fit).
 */
import { useShallow } from 'zustand/react/shallow';
import { dataChangedSinceRun, evaluateLoaded, restoreRunData, runLabel, useStore } from '../store';
import { useRunsStore } from '../store/runs';

/** The runs table's number of the run on screen (the latest entry of this page with its id). */
function useRunNumber(): number | null {
  const runId = useStore((s) => s.runId);
  return useRunsStore((r) => {
    for (let i = r.runs.length - 1; runId && i >= 0; i--) if (r.runs[i]!.sourceRunId === runId) return r.runs[i]!.number;
    return null;
  });
}

export function RunBanner({ offerEvaluate }: { offerEvaluate: boolean }) {
  const number = useRunNumber();
  const { label, changed, loaded, trainedOn, error } = useStore(
    useShallow((s) => ({
      label: runLabel(s, number),
      changed: dataChangedSinceRun(s),
      loaded: s.dataset?.name ?? null,
      trainedOn: s.runDataset?.name ?? null,
      error: s.loadedEvaluationError,
    })),
  );
  return (
    <div className="run-banner">
      <p className="run-label" data-testid="run.label">
        {label}
      </p>
      {changed && (
        <div className="notice" role="status" data-testid="run.data-changed">
          <p>
            This is the model of {label}. The loaded dataset is now <strong>{loaded}</strong>
            {loaded === trainedOn ? ' (loaded again or re-configured)' : ''}, not the data it trained on.
          </p>
          <div className="buttons">
            <button type="button" data-testid="run.restore-data" onClick={() => void restoreRunData()}>
              Load {trainedOn} again
            </button>
            {offerEvaluate && (
              <button type="button" data-testid="run.evaluate-loaded" onClick={() => void evaluateLoaded()}>
                Evaluate this model on {loaded}
              </button>
            )}
          </div>
          {error && (
            <p className="error" role="alert" data-testid="run.evaluate-loaded.error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
