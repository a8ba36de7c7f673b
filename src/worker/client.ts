/**
 * The main thread's side of the worker protocol: sends commands, matches each
 * reply to its request by id, hands every other event to `onEvent`, and
 * replaces a worker that died (an error escaped it, or it stopped answering).
 * It knows nothing of the store; src/store wires `onEvent` into it.
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
  /** Every event but replies, in arrival order. */
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

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

export function createTrainingWorker(): WorkerLike {
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

  start(runId: string, config: RunConfig): Promise<void> {
    return this.request({ type: 'start', runId, config });
  }
  pause(): Promise<void> {
    return this.request({ type: 'pause' });
  }
  resume(): Promise<void> {
    return this.request({ type: 'resume' });
  }
  stop(): Promise<void> {
    return this.request({ type: 'stop' });
  }
  ping(): Promise<void> {
    return this.request({ type: 'ping' });
  }
  /** The data commands and `predict` resolve to their request id once accepted; results arrive as events carrying it. */
  loadBuiltin(request: BuiltinRequest): Promise<number> {
    return this.command({ type: 'loadBuiltin', request });
  }
  /** The files' buffers are transferred (they are unusable on this side afterwards). */
  upload(files: UploadFile[], options: UploadOptions = {}): Promise<number> {
    return this.command({ type: 'upload', files, options });
  }
  configureData(choices: DataChoices): Promise<number> {
    return this.command({ type: 'configureData', choices });
  }
  previewAugmentation(augmentation: AugmentationSpec, seed: number): Promise<number> {
    return this.command({ type: 'previewAugmentation', augmentation, seed });
  }
  predict(input: PredictInput, model: 'run' | 'imported' = 'run'): Promise<number> {
    return this.command(model === 'imported' ? { type: 'predict', input, model } : { type: 'predict', input });
  }
  /** Export commands resolve to their request id; the file, report or `exportError` arrives as an event carrying it. */
  exportModel(request: ExportRequest): Promise<number> {
    return this.command({ type: 'export', request });
  }
  compareVariants(): Promise<number> {
    return this.command({ type: 'compareVariants' });
  }
  /** The files' buffers are transferred. */
  importModel(files: UploadFile[]): Promise<number> {
    return this.command({ type: 'importModel', files });
  }
  /** Sends a command; resolves to its id when the worker accepts it. */
  command(body: CommandBody): Promise<number> {
    let id = 0;
    return this.request(body, (n) => (id = n)).then(() => id);
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

  private request(body: CommandBody, onId?: (id: number) => void): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the training client was disposed'));
    const id = this.nextId++;
    onId?.(id);
    const cmd = { ...body, v: PROTOCOL_VERSION, id } as Command;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(cmd, commandTransferables(body));
    });
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
      if (event.ok) p.resolve();
      else p.reject(deserializeError(event.error));
      return;
    }
    this.opts.onEvent(event);
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
    this.rejectAll(new Error(`the training worker stopped (${reason})`));
    this.spawn();
    this.opts.onWorkerLost?.(reason);
  }

  private rejectAll(err: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    waiting.forEach((p) => p.reject(err));
  }
}
