export { useStore, initialState, selectLatest, MAX_LOG_LINES } from './state';
export type { StepName, DataSlice, ModelSlice, EvaluationSlice, UiSlice, VoltState, SeriesPoint, LogLine, RunSlice, BackendSlice, MetricsSlice, ProgressSlice, ErrorsSlice, SettingsSlice, WorkerSlice } from './state';
export { reduceEvent } from './events';
export { DEFAULT_RUN, configFromQuery } from './config';
export { applyWorkerEvent, connectWorker, disconnectWorker, workerLost } from './client';
export {
  defaultDataset,
  setStep,
  installTestApi,
  pauseRun,
  resumeRun,
  setAccelerator,
  setMaxEpochs,
  setRunDefaults,
  startRun,
  stopRun,
  type VoltTestApi,
} from './actions';
export {
  canExport,
  compareVariants,
  domSaveFile,
  exportChoice,
  exportModel,
  historyRows,
  importModel,
  fineTuneImported,
  predictImported,
  setSaveFile,
  type ExportSlice,
  type SaveFile,
} from './export';
export { loadBuiltin, uploadFiles, configureData, predict, previewAugmentation, setAugmentation, type PickedFile } from './data';
export { findLearningRate, findBatchSize, cancelTuning, applyLearningRate, applyBatchSize } from './tune';
export {
  NEW_LAYER,
  SPEC_PARAM,
  addLayer,
  choosePreset,
  moveLayer,
  onDataset,
  presetsFor,
  readModelFromUrl,
  removeLayer,
  setRecipe,
  setSpec,
  shapeReport,
  shareLink,
  updateLayer,
} from './model';
export { dataChangedSinceRun, evaluateLoaded, restoreRunData, runLabel } from './run-data';
