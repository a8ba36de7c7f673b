/**
 * The page's one training client: started on first use, its unclaimed events
 * (the worker's `ready` and own status) and a lost worker written into the
 * store. Actions get it with `requireClient()`.
 */
import { TrainingClient, type ClientOptions } from '../worker/client';
import { ACTIVE_STATUSES, type WorkerEvent } from '../worker/protocol';
import { reduceEvent } from './events';
import { useStore, type VoltState } from './state';

let client: TrainingClient | null = null;

/** Writes one worker event into the store. */
export function applyWorkerEvent(event: WorkerEvent): void {
  useStore.setState((s) => reduceEvent(s, event));
}

/** The worker died and the client started a fresh one: a run in flight is lost, and the page says so. */
export function workerLost(reason: string): void {
  useStore.setState((s) => {
    const notice = `The training worker stopped (${reason}); a fresh one was started.`;
    const patch: Partial<VoltState> = { workerNotice: notice, workerRestarts: s.workerRestarts + 1, workerReady: false };
    if (ACTIVE_STATUSES.includes(s.status) && s.runId) Object.assign(patch, { status: 'failed', error: { name: 'WorkerLost', message: notice } });
    return patch;
  });
}

/** Starts the worker (once) and feeds its unclaimed events into the store. */
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
