export { useStore, initialState, MAX_LOG_LINES } from './state';
export type { VoltState, SeriesPoint, RunRecord, LogLine, RunSlice, BackendSlice, MetricsSlice, ProgressSlice, ErrorsSlice, RunsSlice, SettingsSlice, WorkerSlice } from './state';
export { reduceEvent } from './events';
export { DEFAULT_RUN, configFromQuery } from './config';
export {
  applyWorkerEvent,
  connectWorker,
  disconnectWorker,
  installTestApi,
  pauseRun,
  resumeRun,
  setAccelerator,
  setMaxEpochs,
  setRunDefaults,
  startRun,
  stopRun,
  workerLost,
  type VoltTestApi,
} from './actions';
