/**
 * The studio's store: one zustand store made of typed slices. Components read
 * it with `useStore(selector)`; the worker client writes it through the plain
 * functions in actions.ts (no hooks needed in a message handler).
 */
import { create } from 'zustand';
import { DEFAULT_RUN } from './config';
import type { AcceleratorChoice, BackendReport, Progress, RunConfig, RunResult, RunStatus, SerializedError } from '../worker/protocol';

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
}

export interface BackendSlice {
  /** The backend of the current run, with the adapter and why better ones were skipped. */
  backend: BackendReport | null;
}

export interface MetricsSlice {
  /** Every logged point of the current run, per metric name, in step order. */
  series: Record<string, SeriesPoint[]>;
  /** The latest value of each metric. */
  latest: Record<string, number>;
}

export interface ProgressSlice {
  progress: Progress | null;
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

export interface RunRecord {
  id: string;
  config: RunConfig;
  status: RunStatus;
  backend: BackendReport | null;
  startedAt: number;
  durationMs: number | null;
  finalMetrics: Record<string, number>;
  /** The run's full metric history (the same arrays as `series` while it is current). */
  series: Record<string, SeriesPoint[]>;
  error: SerializedError | null;
}

export interface RunsSlice {
  /** Every run of this page session, oldest first. */
  runs: RunRecord[];
}

export interface SettingsSlice {
  accelerator: AcceleratorChoice;
  /** Epochs of the next run. */
  maxEpochs: number;
}

export interface WorkerSlice {
  workerReady: boolean;
  workerRestarts: number;
}

export type VoltState = RunSlice & BackendSlice & MetricsSlice & ProgressSlice & ErrorsSlice & RunsSlice & SettingsSlice & WorkerSlice;

export const MAX_LOG_LINES = 500;

export const initialRun: RunSlice = { runId: null, status: 'idle', config: null, result: null };
export const initialBackend: BackendSlice = { backend: null };
export const initialMetrics: MetricsSlice = { series: {}, latest: {} };
export const initialProgress: ProgressSlice = { progress: null };
export const initialErrors: ErrorsSlice = { error: null, workerNotice: null, logs: [] };
export const initialRuns: RunsSlice = { runs: [] };
export const initialSettings: SettingsSlice = { accelerator: 'auto', maxEpochs: DEFAULT_RUN.maxEpochs };
export const initialWorker: WorkerSlice = { workerReady: false, workerRestarts: 0 };

export function initialState(): VoltState {
  return {
    ...initialRun,
    ...initialBackend,
    ...initialMetrics,
    ...initialProgress,
    ...initialErrors,
    ...initialRuns,
    ...initialSettings,
    ...initialWorker,
  };
}

export const useStore = create<VoltState>()(() => initialState());
