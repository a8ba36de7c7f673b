/**
 * Store actions as plain functions (zustand's "no store actions" pattern):
 * the worker client's callbacks and the UI's handlers call them directly.
 */
import { isNoAugmentation } from '../data/images/augment';
import { ACTIVE_STATUSES, serializeError, type AcceleratorChoice, type ProgressEvent, type RunConfig, type RunResult } from '../worker/protocol';
import { tunedForConfig } from './tune';
import { requireClient } from './client';
import { DEFAULT_RUN } from './config';
import { reduceEvent } from './events';
import { useRunsStore, type RunEntry } from './runs';
import { useStore, type StepName, type VoltState } from './state';

let runCounter = 0;
let runDefaults: Omit<RunConfig, 'accelerator' | 'debug' | 'detectAnomaly'> = { ...DEFAULT_RUN };
/** Test hooks apply to the next run only, so "a failing run, then one that works" needs no reload. */
let nextRunHooks: Pick<RunConfig, 'debug' | 'detectAnomaly'> = {};

export function setStep(step: StepName): void {
  useStore.setState({ step });
}

export function setAccelerator(accelerator: AcceleratorChoice): void {
  useStore.setState({ accelerator });
}

export function setMaxEpochs(maxEpochs: number): void {
  useStore.setState({ maxEpochs });
}

/** The dataset runs use before the page has loaded one (the URL's `dataset`, else MNIST). */
export function defaultDataset(): string {
  return runDefaults.dataset;
}

/** Changes what the next runs use (e.g. from the URL); `debug` and `detectAnomaly` apply to the next run only. */
export function setRunDefaults(patch: Partial<RunConfig>): void {
  const { accelerator, maxEpochs, debug, detectAnomaly, ...rest } = patch;
  runDefaults = { ...runDefaults, ...rest };
  if (accelerator) setAccelerator(accelerator);
  if (maxEpochs !== undefined) setMaxEpochs(maxEpochs);
  if (debug !== undefined) nextRunHooks.debug = debug;
  if (detectAnomaly !== undefined) nextRunHooks.detectAnomaly = detectAnomaly;
}

/**
 * Starts a run with the current settings; returns its id at once (the run's
 * progress and end reach the store as they happen), or null when a run is
 * already active.
 */
export function startRun(overrides: Partial<RunConfig> = {}): string | null {
  const s = useStore.getState();
  if (ACTIVE_STATUSES.includes(s.status)) return null;
  const id = `run-${++runCounter}`;
  const config: RunConfig = {
    ...runDefaults,
    ...(s.dataset ? { dataset: s.dataset.name } : {}),
    spec: s.spec,
    accelerator: s.accelerator,
    maxEpochs: s.maxEpochs,
    // Augmentation is for images; a table (or no dataset yet) never gets it.
    ...(s.dataset?.inputShape.length === 3 && !isNoAugmentation(s.augmentation) ? { augmentation: { ...s.augmentation } } : {}),
    ...(tunedForConfig() ? { tuned: tunedForConfig() } : {}),
    ...nextRunHooks,
    ...overrides,
  };
  nextRunHooks = {};
  const runModel = config.initFrom === 'imported' ? `fine-tune of ${s.imported?.source ?? 'the imported model'}` : s.presetId;
  useStore.setState({
    runId: id, status: 'preparing', config, result: null, backend: null, series: {}, throughput: [], progress: null, boundary: null, monitor: null, error: null,
    evaluation: null, prediction: null, predictionError: null, predictionField: null, runDataset: s.dataset, runModel, loadedEvaluation: null, loadedEvaluationError: null,
  });
  // The run is one long call: its progress streams into the store, its reply ends it.
  const onProgress = (event: ProgressEvent) => useStore.setState((st) => reduceEvent(st, event));
  let call: Promise<RunResult>;
  try {
    call = requireClient().start(id, config, { onProgress });
  } catch (err) {
    call = Promise.reject(err); // no worker could be started here
  }
  call.then(
      (result) => useStore.setState((st) => (st.runId === id ? finished(result) : {})),
      (err: unknown) => {
        const error = serializeError(err);
        useStore.setState((st) => {
          if (st.runId !== id) return {};
          // A lost worker already failed the run (with the page's notice).
          if (error.name === 'WorkerLost' && st.status === 'failed' && st.error) return {};
          return { status: 'failed', error };
        });
      },
    );
  return id;
}

function finished(result: RunResult): Partial<VoltState> {
  return { result, status: result.status, evaluation: result.evaluation };
}

async function control(what: 'pause' | 'resume' | 'stop'): Promise<void> {
  try {
    await requireClient()[what]();
  } catch (err) {
    // A refused control (e.g. pause racing the run's end) is worth a log line, not a failed run.
    const e = serializeError(err);
    useStore.setState((s) => ({ logs: [...s.logs, { runId: s.runId, level: 'warn' as const, message: `${what}: ${e.message}` }] }));
  }
}

export const pauseRun = (): Promise<void> => control('pause');
export const resumeRun = (): Promise<void> => control('resume');
export const stopRun = (): Promise<void> => control('stop');

export interface VoltTestApi {
  /** The store's current state (read it; do not change it). */
  getState(): Readonly<VoltState>;
  /** The runs history, oldest first (the runs store). */
  getRuns(): readonly RunEntry[];
  /** The backend of the current run, or null before one is chosen. */
  readonly backend: string | null;
}

/** Exposes the read-only `window.__volt` that tests and scripts use. */
export function installTestApi(target: object = globalThis): VoltTestApi {
  const api: VoltTestApi = Object.freeze({
    getState: () => useStore.getState(),
    getRuns: () => useRunsStore.getState().runs,
    get backend() {
      return useStore.getState().backend?.name ?? null;
    },
  });
  Object.defineProperty(target, '__volt', { value: api, configurable: true, enumerable: false, writable: false });
  return api;
}
