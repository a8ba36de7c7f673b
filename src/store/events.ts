/**
 * How each progress event changes the store: a pure function of the state
 * and the event, so it is tested without a worker or React. Replies are the
 * actions' business (see actions.ts, data.ts, export.ts): they settle the
 * call that sent the command.
 */
import { assertNever, decodeMetricBatch, type WorkerEvent } from '../worker/protocol';
import { mergeMonitor } from './monitor';
import { MAX_LOG_LINES, type SeriesPoint, type VoltState } from './state';

/** The part of the state an event changes ({} when it changes nothing). */
export function reduceEvent(state: VoltState, event: WorkerEvent): Partial<VoltState> {
  // Events of a run that is no longer current (a late flush) change nothing on screen.
  const stale = 'runId' in event && event.runId !== null && event.runId !== state.runId;
  switch (event.type) {
    case 'ready':
      return { workerReady: true };
    case 'reply':
      return {}; // the client settles the call; its action updates the store
    case 'status':
      // The worker's own status (before any run) only shows while the page has no run.
      if (event.runId === null) return state.runId === null ? { status: event.status } : {};
      return stale ? {} : { status: event.status };
    case 'backend':
      return stale ? {} : { backend: event.backend };
    case 'metrics': {
      if (stale) return {};
      const fresh: Record<string, SeriesPoint[]> = {};
      for (const p of decodeMetricBatch(event.batch)) (fresh[p.name] ??= []).push({ step: p.step, value: p.value });
      const series = { ...state.series };
      for (const [name, points] of Object.entries(fresh)) series[name] = (series[name] ?? []).concat(points);
      return { series };
    }
    case 'progress': {
      if (stale) return {};
      const p = event.progress;
      const last = state.throughput[state.throughput.length - 1];
      if (p.samplesPerSec > 0 && (!last || last.step < p.step)) return { progress: p, throughput: [...state.throughput, { step: p.step, value: p.samplesPerSec }] };
      return { progress: p };
    }
    case 'boundary':
      return stale ? {} : { boundary: event.boundary };
    case 'monitor':
      return stale ? {} : { monitor: mergeMonitor(state.monitor, event.monitor) };
    case 'log': {
      const logs = state.logs.length >= MAX_LOG_LINES ? state.logs.slice(-MAX_LOG_LINES + 1) : state.logs.slice();
      logs.push({ runId: event.runId, level: event.level, message: event.message });
      return { logs };
    }
    case 'tune':
      // A finder's progress.
      return { tuneProgress: event.progress };
    case 'dataProgress':
      // A load's progress: the data actions pass on the latest load's (see data.ts).
      return state.dataLoading ? { dataLoading: { ...state.dataLoading, progress: event.progress } } : {};
    default:
      return assertNever(event, 'event');
  }
}
