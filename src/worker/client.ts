/**
 * The main thread's side of the worker protocol: `call` sends a command and
 * returns a promise of its reply's result; the command's progress events go
 * to its `onProgress`; events no pending command claims (the worker's
 * `ready`, its own status) go to `onEvent`. A worker that died (an error
 * escaped it, or it stopped answering) is replaced, and every pending call
 * rejects with a `WorkerLost` error. It knows nothing of the store.
 */
import {
  PROTOCOL_VERSION,
  deserializeError,
  parseEvent,
  commandTransferables,
  type AugmentationSpec,
  type BuiltinRequest,
  type Command,
  type CommandBody,
  type DataChoices,
  type ExportRequest,
  type PredictInput,
  type ProgressEvent,
  type ResultOf,
  type RunConfig,
  type UploadFile,
  type UploadOptions,
  type WorkerEvent,
} from './protocol';

/** The part of `Worker` the client uses (a fake in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
}

export interface ClientOptions {
  /** Events no pending command claims (`ready`, the worker's own status, a log line of no command), in arrival order. */
  onEvent(event: WorkerEvent): void;
  /** The worker died and a fresh one was started; pending requests were rejected. */
  onWorkerLost?(reason: string): void;
  createWorker?: () => WorkerLike;
  /** How often to check the worker is alive (and ping it). Default 2000 ms. */
  heartbeatMs?: number;
  /**
   * Silence after which the worker counts as dead. Generous by default
   * (45 s): a backend may block the worker's thread while it compiles.
   */
  deadAfterMs?: number;
  now?: () => number;
}

/** What a call can listen to while its command runs. */
interface CallOptions {
  /** The command's progress events (a run's status, metrics, ...; a load's parse progress), in order, before the reply. */
  onProgress?(event: ProgressEvent): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  onProgress?: (event: ProgressEvent) => void;
}

/** The error a pending call rejects with when the worker died before replying. */
function workerLostError(reason: string): Error {
  const err = new Error(`the training worker stopped (${reason})`);
  err.name = 'WorkerLost';
  return err;
}

function createTrainingWorker(): WorkerLike {
  return new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'volt-training' }) as unknown as WorkerLike;
}

export class TrainingClient {
  private worker!: WorkerLike;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private lastSeen = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private disposed = false;
  /** Workers started so far (1 + restarts). */
  generation = 0;

  constructor(private readonly opts: ClientOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.spawn();
    this.heartbeat = setInterval(() => this.checkAlive(), opts.heartbeatMs ?? 2000);
  }

  /**
   * Sends a command; resolves to its reply's result, or rejects with the
   * worker's error (name, message, stack and a data error's `issue`).
   */
  call<B extends CommandBody>(body: B, options: CallOptions = {}): Promise<ResultOf<B['type']>> {
    if (this.disposed) return Promise.reject(new Error('the training client was disposed'));
    const id = this.nextId++;
    const cmd = { ...body, v: PROTOCOL_VERSION, id } as Command;
    return new Promise<ResultOf<B['type']>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      this.worker.postMessage(cmd, commandTransferables(body));
    });
  }

  /** A whole run: resolves when it finishes or is stopped, rejects when it fails. */
  start(runId: string, config: RunConfig, options: CallOptions = {}): Promise<ResultOf<'start'>> {
    return this.call({ type: 'start', runId, config }, options);
  }
  pause(): Promise<null> {
    return this.call({ type: 'pause' });
  }
  resume(): Promise<null> {
    return this.call({ type: 'resume' });
  }
  stop(): Promise<null> {
    return this.call({ type: 'stop' });
  }
  ping(): Promise<null> {
    return this.call({ type: 'ping' });
  }
  loadBuiltin(request: BuiltinRequest, options: CallOptions = {}): Promise<ResultOf<'loadBuiltin'>> {
    return this.call({ type: 'loadBuiltin', request }, options);
  }
  /** The files' buffers are transferred (they are unusable on this side afterwards). */
  upload(files: UploadFile[], uploadOptions: UploadOptions = {}, options: CallOptions = {}): Promise<ResultOf<'upload'>> {
    return this.call({ type: 'upload', files, options: uploadOptions }, options);
  }
  configureData(choices: DataChoices, options: CallOptions = {}): Promise<ResultOf<'configureData'>> {
    return this.call({ type: 'configureData', choices }, options);
  }
  previewAugmentation(augmentation: AugmentationSpec, seed: number): Promise<ResultOf<'previewAugmentation'>> {
    return this.call({ type: 'previewAugmentation', augmentation, seed });
  }
  predict(input: PredictInput, model: 'run' | 'imported' = 'run'): Promise<ResultOf<'predict'>> {
    return this.call(model === 'imported' ? { type: 'predict', input, model } : { type: 'predict', input });
  }
  exportModel(request: ExportRequest): Promise<ResultOf<'export'>> {
    return this.call({ type: 'export', request });
  }
  compareVariants(): Promise<ResultOf<'compareVariants'>> {
    return this.call({ type: 'compareVariants' });
  }
  /** The files' buffers are transferred. */
  importModel(files: UploadFile[]): Promise<ResultOf<'importModel'>> {
    return this.call({ type: 'importModel', files });
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.heartbeat);
    this.worker.terminate();
    this.rejectAll(new Error('the training client was disposed'));
  }

  private spawn(): void {
    const w = (this.opts.createWorker ?? createTrainingWorker)();
    this.worker = w;
    this.generation += 1;
    this.lastSeen = this.now();
    w.onmessage = (e) => this.receive(w, e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      this.lose(w, `an error escaped the worker: ${e.message || 'the worker script failed to load'}`);
    };
    w.onmessageerror = () => this.lose(w, 'a message from the worker could not be read');
  }

  private receive(w: WorkerLike, data: unknown): void {
    if (w !== this.worker) return; // a message from a worker already replaced
    this.lastSeen = this.now();
    let event: WorkerEvent;
    try {
      event = parseEvent(data);
    } catch (err) {
      this.lose(w, `the worker sent an unreadable message: ${(err as Error).message}`);
      return;
    }
    if (event.type === 'reply') {
      const p = this.pending.get(event.id);
      if (!p) return;
      this.pending.delete(event.id);
      if (event.ok) p.resolve(event.result);
      else p.reject(deserializeError(event.error));
      return;
    }
    const owner = event.type === 'ready' || event.id === null ? undefined : this.pending.get(event.id);
    if (owner?.onProgress) owner.onProgress(event as ProgressEvent);
    else this.opts.onEvent(event);
  }

  private checkAlive(): void {
    const silent = this.now() - this.lastSeen;
    const limit = this.opts.deadAfterMs ?? 45_000;
    if (silent > limit) {
      this.lose(this.worker, `no message from it for ${Math.round(silent / 1000)} s`);
      return;
    }
    this.ping().catch(() => {}); // the reply is the heartbeat; a refused ping is still a sign of life
  }

  private lose(w: WorkerLike, reason: string): void {
    if (w !== this.worker || this.disposed) return;
    w.onmessage = null;
    w.onerror = null;
    w.onmessageerror = null;
    w.terminate();
    this.rejectAll(workerLostError(reason));
    this.spawn();
    this.opts.onWorkerLost?.(reason);
  }

  private rejectAll(err: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    waiting.forEach((p) => p.reject(err));
  }
}
