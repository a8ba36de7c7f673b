/**
 * The studio's store: one zustand store made of typed slices. Components read
 * it with `useStore(selector)`; the worker client writes it through the plain
 * functions in actions.ts (no hooks needed in a message handler).
 */
import type { MonitorState } from './monitor';
import { create } from 'zustand';
import { NO_AUGMENTATION, type AugmentationSpec } from '../data/images/augment';
import { DEFAULT_RUN } from './config';
import type {
  AcceleratorChoice,
  BatchFindReport,
  LrFindReport,
  TuneProgress,
  AugmentationPreview,
  BackendReport,
  BoundaryReport,
  DataFailure,
  DataProgress,
  DatasetReport,
  Evaluation,
  Prediction,
  Progress,
  RunConfig,
  RunResult,
  RunStatus,
  SerializedError,
} from '../worker/protocol';
import type { ModelSpec } from '../models/spec';
import { initialExport, type ExportSlice } from './export-state';

export interface SeriesPoint {
  step: number;
  value: number;
}

/** The run on screen now. */
export interface RunSlice {
  runId: string | null;
  status: RunStatus;
  config: RunConfig | null;
  result: RunResult | null;
  /** The dataset the run on screen trained on, as the page had it at the start (Try it and labels use it). */
  runDataset: DatasetReport | null;
  /** What the run trained, as the page named it: the preset, "custom", or the imported model it continued. */
  runModel: string | null;
}

export interface BackendSlice {
  /** The backend of the current run, with the adapter and why better ones were skipped. */
  backend: BackendReport | null;
}

export interface MetricsSlice {
  /** Every logged point of the current run, per metric name, in step order (the latest value of each: `selectLatest`). */
  series: Record<string, SeriesPoint[]>;
  /** Samples per second at each progress report (after warm-up). */
  throughput: SeriesPoint[];
}

export interface ProgressSlice {
  progress: Progress | null;
  /** A two-feature table's latest decision picture (null for other datasets). */
  boundary: BoundaryReport | null;
  /** Gradient norms, histograms, device memory and epoch timing of the current run (null until its first report). */
  monitor: MonitorState | null;
}

export interface LogLine {
  runId: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface ErrorsSlice {
  /** The error that failed the current run (or a refused command). */
  error: SerializedError | null;
  /** Set when the worker died and was replaced. */
  workerNotice: string | null;
  /** The latest log lines (at most MAX_LOG_LINES). */
  logs: LogLine[];
}

export interface SettingsSlice {
  accelerator: AcceleratorChoice;
  /** Epochs of the next run. */
  maxEpochs: number;
}

export interface DataSlice {
  /** The dataset the worker has loaded (what the next run trains on). */
  dataset: DatasetReport | null;
  /** The latest load in flight: what it loads and its parse progress. */
  dataLoading: { what: string; progress: DataProgress | null } | null;
  /** The last load that failed (the previous dataset stays loaded). */
  dataError: DataFailure | null;
  /** Training-time augmentation for image datasets (sent with a run only when the dataset has images). */
  augmentation: AugmentationSpec;
  /** Training images as loaded and augmented, for the Data step (null until asked, and after a new dataset). */
  augmentPreview: AugmentationPreview | null;
  /** Whether a preview request is in flight. */
  augmentPreviewing: boolean;
  augmentPreviewError: string | null;
}

export type StepName = 'data' | 'model' | 'train' | 'evaluate' | 'export';

export interface ModelSlice {
  /** The architecture and recipe of the next run; null until a dataset is known. */
  spec: ModelSpec | null;
  /** The preset the spec came from ('custom' once a layer was edited). */
  presetId: string;
}

export interface EvaluationSlice {
  /** The current run's evaluation. */
  evaluation: Evaluation | null;
  prediction: Prediction | null;
  predictionError: string | null;
  /** The "Try it" field the last prediction could not read (its message is `predictionError`). */
  predictionField: string | null;
  /** Whether a prediction is in flight. */
  predicting: boolean;
  /** The run's model on a dataset loaded after it (asked for with `evaluateLoaded`), and on which one. */
  loadedEvaluation: { dataset: string; evaluation: Evaluation } | null;
  loadedEvaluationError: string | null;
}

export interface UiSlice {
  step: StepName;
}

/** The finders of the Model step (one at a time; `stop` cancels). */
export interface TuneSlice {
  tuning: 'lr' | 'batchSize' | null;
  tuneProgress: TuneProgress | null;
  lrFind: LrFindReport | null;
  batchFind: BatchFindReport | null;
  tuneError: string | null;
  /** Recipe values applied from a finder (kept in the run's config while the recipe still has them). */
  tuned: { lr: { value: number; rule: string } | null; batchSize: { value: number; objective: string } | null };
}

export interface WorkerSlice {
  workerReady: boolean;
  workerRestarts: number;
}

export type VoltState = RunSlice &
  BackendSlice &
  MetricsSlice &
  ProgressSlice &
  ErrorsSlice &
  SettingsSlice &
  WorkerSlice &
  DataSlice &
  ModelSlice &
  EvaluationSlice &
  ExportSlice &
  UiSlice &
  TuneSlice;

export const MAX_LOG_LINES = 500;

export const initialRun: RunSlice = { runId: null, status: 'idle', config: null, result: null, runDataset: null, runModel: null };
export const initialBackend: BackendSlice = { backend: null };
export const initialMetrics: MetricsSlice = { series: {}, throughput: [] };
export const initialProgress: ProgressSlice = { progress: null, boundary: null, monitor: null };
export const initialErrors: ErrorsSlice = { error: null, workerNotice: null, logs: [] };
export const initialSettings: SettingsSlice = { accelerator: 'auto', maxEpochs: DEFAULT_RUN.maxEpochs };
export const initialWorker: WorkerSlice = { workerReady: false, workerRestarts: 0 };
export const initialData: DataSlice = {
  dataset: null,
  dataLoading: null,
  dataError: null,
  augmentation: NO_AUGMENTATION,
  augmentPreview: null,
  augmentPreviewing: false,
  augmentPreviewError: null,
};
export const initialModel: ModelSlice = { spec: null, presetId: 'mlp' };
export const initialEvaluation: EvaluationSlice = { evaluation: null, prediction: null, predictionError: null, predictionField: null, predicting: false, loadedEvaluation: null, loadedEvaluationError: null };
export const initialUi: UiSlice = { step: 'data' };
export const initialTune: TuneSlice = { tuning: null, tuneProgress: null, lrFind: null, batchFind: null, tuneError: null, tuned: { lr: null, batchSize: null } };

export function initialState(): VoltState {
  return {
    ...initialRun,
    ...initialBackend,
    ...initialMetrics,
    ...initialProgress,
    ...initialErrors,
    ...initialSettings,
    ...initialWorker,
    ...initialData,
    ...initialModel,
    ...initialEvaluation,
    ...initialExport,
    ...initialUi,
    ...initialTune,
  };
}

export const useStore = create<VoltState>()(() => initialState());

const latestCache = new WeakMap<Record<string, SeriesPoint[]>, Record<string, number>>();

/** The latest value of each metric of the current run (one object per `series`, so selectors stay stable). */
export function selectLatest(s: Pick<VoltState, 'series'>): Record<string, number> {
  let latest = latestCache.get(s.series);
  if (!latest) {
    latest = {};
    for (const [name, points] of Object.entries(s.series)) {
      const last = points[points.length - 1];
      if (last) latest[name] = last.value;
    }
    latestCache.set(s.series, latest);
  }
  return latest;
}
