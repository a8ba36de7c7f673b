/**
 * Store actions as plain functions (zustand's "no store actions" pattern):
 * the worker client's callbacks and the UI's handlers call them directly.
 */
import { TrainingClient, type ClientOptions } from '../worker/client';
import { isNoAugmentation } from '../data/images/augment';
import { ACTIVE_STATUSES, serializeError, type AcceleratorChoice, type RunConfig, type WorkerEvent } from '../worker/protocol';
import { DEFAULT_RUN } from './config';
import { reduceEvent } from './events';
import { onExportEvent } from './export';
import { onDataset } from './model';
import { useStore, type RunRecord, type StepName, type VoltState } from './state';

let client: TrainingClient | null = null;
let runCounter = 0;
let runDefaults: Omit<RunConfig, 'accelerator' | 'debug' | 'detectAnomaly'> = { ...DEFAULT_RUN };
/** Test hooks apply to the next run only, so "a failing run, then one that works" needs no reload. */
let nextRunHooks: Pick<RunConfig, 'debug' | 'detectAnomaly'> = {};

export function applyWorkerEvent(event: WorkerEvent): void {
  useStore.setState((s) => reduceEvent(s, event));
  if (event.type === 'dataset') onDataset(event.report);
  onExportEvent(event);
}

export function setStep(step: StepName): void {
  useStore.setState({ step });
}

/** The worker died and the client started a fresh one: a run in flight is lost, and the page says so. */
export function workerLost(reason: string): void {
  useStore.setState((s) => {
    const active = ACTIVE_STATUSES.includes(s.status);
    const notice = `The training worker stopped (${reason}); a fresh one was started.`;
    const patch: Partial<VoltState> = { workerNotice: notice, workerRestarts: s.workerRestarts + 1, workerReady: false };
    if (active && s.runId) {
      const error = { name: 'WorkerLost', message: notice };
      Object.assign(patch, { status: 'failed', error, runs: s.runs.map((r) => (r.id === s.runId ? { ...r, status: 'failed' as const, error } : r)) });
    }
    return patch;
  });
}

/** Starts the worker (once) and feeds its events into the store. */
export function connectWorker(options: Partial<ClientOptions> = {}): TrainingClient {
  client ??= new TrainingClient({ onEvent: applyWorkerEvent, onWorkerLost: workerLost, ...options });
  return client;
}

export function disconnectWorker(): void {
  client?.dispose();
  client = null;
}

export function requireClient(): TrainingClient {
  return client ?? connectWorker();
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

/** Starts a run with the current settings; resolves to its id, or null when a run is already active. */
export async function startRun(overrides: Partial<RunConfig> = {}): Promise<string | null> {
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
    ...nextRunHooks,
    ...overrides,
  };
  nextRunHooks = {};
  const record: RunRecord = {
    id, config, status: 'preparing', backend: null, startedAt: Date.now(), durationMs: null, finalMetrics: {}, series: {}, error: null, evaluation: null,
  };
  useStore.setState({
    runId: id, status: 'preparing', config, result: null, backend: null, series: {}, latest: {}, throughput: [], progress: null, error: null, runs: [...s.runs, record],
    evaluation: null, prediction: null, predictionError: null,
  });
  try {
    await requireClient().start(id, config);
  } catch (err) {
    const error = serializeError(err);
    useStore.setState((st) => ({
      status: st.runId === id ? 'failed' : st.status,
      error,
      runs: st.runs.map((r) => (r.id === id ? { ...r, status: 'failed' as const, error } : r)),
    }));
  }
  return id;
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
  /** The backend of the current run, or null before one is chosen. */
  readonly backend: string | null;
}

/** Exposes the read-only `window.__volt` that tests and scripts use. */
export function installTestApi(target: object = globalThis): VoltTestApi {
  const api: VoltTestApi = Object.freeze({
    getState: () => useStore.getState(),
    get backend() {
      return useStore.getState().backend?.name ?? null;
    },
  });
  Object.defineProperty(target, '__volt', { value: api, configurable: true, enumerable: false, writable: false });
  return api;
}
