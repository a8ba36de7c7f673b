/**
 * How each worker event changes the store: a pure function of the state and
 * the event, so it is tested without a worker or React.
 */
import { assertNever, decodeMetricBatch, type WorkerEvent } from '../worker/protocol';
import { reduceExportEvent } from './export';
import { MAX_LOG_LINES, type RunRecord, type SeriesPoint, type VoltState } from './state';

function updateRun(state: VoltState, id: string, patch: Partial<RunRecord>): RunRecord[] {
  return state.runs.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

/** The part of the state an event changes ({} when it changes nothing). */
export function reduceEvent(state: VoltState, event: WorkerEvent): Partial<VoltState> {
  // Events of a run that is no longer current (a late flush) only update its record.
  const stale = 'runId' in event && event.runId !== null && event.runId !== state.runId;
  switch (event.type) {
    case 'ready':
      return { workerReady: true };
    case 'reply':
      return {}; // the client settles the request; nothing to show
    case 'status':
      // The worker's own status (before any run) only shows while the page has no run.
      if (event.runId === null) return state.runId === null ? { status: event.status } : {};
      if (stale) return { runs: updateRun(state, event.runId, { status: event.status }) };
      return { status: event.status, runs: updateRun(state, event.runId, { status: event.status }) };
    case 'backend':
      if (stale) return {};
      return { backend: event.backend, runs: updateRun(state, event.runId, { backend: event.backend }) };
    case 'metrics': {
      if (stale) return {};
      const fresh: Record<string, SeriesPoint[]> = {};
      const latest = { ...state.latest };
      for (const p of decodeMetricBatch(event.batch)) {
        (fresh[p.name] ??= []).push({ step: p.step, value: p.value });
        latest[p.name] = p.value;
      }
      const series = { ...state.series };
      for (const [name, points] of Object.entries(fresh)) series[name] = (series[name] ?? []).concat(points);
      return { series, latest, runs: updateRun(state, event.runId, { series }) };
    }
    case 'progress': {
      if (stale) return {};
      const p = event.progress;
      const last = state.throughput[state.throughput.length - 1];
      if (p.samplesPerSec > 0 && (!last || last.step < p.step)) return { progress: p, throughput: [...state.throughput, { step: p.step, value: p.samplesPerSec }] };
      return { progress: p };
    }
    case 'log': {
      const logs = state.logs.length >= MAX_LOG_LINES ? state.logs.slice(-MAX_LOG_LINES + 1) : state.logs.slice();
      logs.push({ runId: event.runId, level: event.level, message: event.message });
      return { logs };
    }
    case 'result': {
      const patch = { durationMs: event.result.durationMs, finalMetrics: event.result.metrics };
      if (stale) return { runs: updateRun(state, event.runId, patch) };
      return { result: event.result, runs: updateRun(state, event.runId, patch) };
    }
    case 'error':
      if (event.runId === null) return { error: event.error };
      if (stale) return { runs: updateRun(state, event.runId, { error: event.error }) };
      return { error: event.error, runs: updateRun(state, event.runId, { error: event.error }) };
    case 'dataProgress':
      if (state.dataLoading?.requestId !== event.requestId) return {};
      return { dataLoading: { ...state.dataLoading, progress: event.progress } };
    case 'dataset':
      return { dataset: event.report, dataError: null, augmentPreview: null, augmentPreviewError: null, dataLoading: state.dataLoading?.requestId === event.requestId ? null : state.dataLoading };
    case 'dataError':
      if (state.importedPredicting === event.requestId) return { importedPredicting: null, importedPredictionError: event.failure.message };
      if (state.predicting === event.requestId) return { predicting: null, predictionError: event.failure.message };
      return { dataError: event.failure, dataLoading: state.dataLoading?.requestId === event.requestId ? null : state.dataLoading };
    case 'augmentationPreview':
      if (state.augmentPreviewing !== event.requestId) return {};
      if (!event.preview) return { augmentPreviewing: null, augmentPreviewError: event.error?.message ?? 'the preview failed' };
      return { augmentPreview: event.preview, augmentPreviewing: null, augmentPreviewError: null };
    case 'evaluation':
      if (stale) return { runs: updateRun(state, event.runId, { evaluation: event.evaluation }) };
      return { evaluation: event.evaluation, runs: updateRun(state, event.runId, { evaluation: event.evaluation }) };
    case 'prediction':
      if (state.importedPredicting === event.requestId) return { importedPrediction: event.prediction, importedPredicting: null, importedPredictionError: null };
      if (state.predicting !== event.requestId) return {};
      return { prediction: event.prediction, predicting: null, predictionError: null };
    case 'exported':
    case 'variants':
    case 'imported':
    case 'exportError':
      return reduceExportEvent(state, event);
    default:
      return assertNever(event, 'event');
  }
}
