// Test helpers for session tests (Node): a session whose posted events are recorded.
import { decodeMetricBatch, deserializeError, PROTOCOL_VERSION, type Command, type CommandBody, type MetricPoint, type ResultOf, type RunConfig, type RunResult, type RunStatus, type SerializedError, type WorkerEvent } from './protocol';
import type { WorkerLike } from './client';
import { TrainingSession, type SessionOptions } from './session';
import type { ReadFile } from '../data';

/** Built-ins from public/datasets on disk (run `node scripts/pack-datasets.mjs` first). */
const diskReader: ReadFile = async (file) => {
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(new URL(`../../public/datasets/${file}`, import.meta.url)));
};

export const tinyConfig: RunConfig = {
  dataset: 'blobs',
  accelerator: 'cpu',
  maxEpochs: 1,
  maxSteps: 12,
  batchSize: 32,
  learningRate: 0.05,
  seed: 1,
};

interface Recorded {
  event: WorkerEvent;
  at: number;
  transfer: ArrayBuffer[];
}

export class Harness {
  readonly events: Recorded[] = [];
  readonly session: TrainingSession;
  private nextId = 1;
  private readonly startIds = new Map<string, number>();
  private listeners: Array<(e: WorkerEvent) => void> = [];

  constructor(opts: Partial<SessionOptions> = {}) {
    this.session = new TrainingSession({
      postIntervalMs: 20,
      readBuiltin: diskReader,
      ...opts,
      post: (event, transfer) => {
        this.events.push({ event, at: performance.now(), transfer });
        for (const l of [...this.listeners]) l(event);
      },
    });
  }

  send(body: CommandBody): number {
    const id = this.nextId++;
    if (body.type === 'start') this.startIds.set(body.runId, id);
    this.session.handle({ ...body, v: PROTOCOL_VERSION, id } as Command);
    return id;
  }

  /** The reply to command `id`, if it came. */
  findReply(id: number): Extract<WorkerEvent, { type: 'reply' }> | null {
    const r = this.events.find((e) => e.event.type === 'reply' && e.event.id === id)?.event;
    return r && r.type === 'reply' ? r : null;
  }

  /** Waits for the reply to command `id`. */
  async reply(id: number, timeoutMs = 20_000): Promise<Extract<WorkerEvent, { type: 'reply' }>> {
    const t0 = performance.now();
    for (;;) {
      const r = this.findReply(id);
      if (r) return r;
      if (performance.now() - t0 > timeoutMs) throw new Error(`no reply to command ${id}`);
      await sleep(2);
    }
  }

  /** How many replies command `id` got (exactly one, once it has settled). */
  replies(id: number): number {
    return this.events.filter((e) => e.event.type === 'reply' && e.event.id === id).length;
  }

  /** The result of run `runId` (its start command's reply), or null when it failed or has not ended. */
  result(runId: string): RunResult | null {
    const r = this.findReply(this.startIds.get(runId) ?? -1);
    return r?.ok ? (r.result as RunResult) : null;
  }

  /** The error that failed run `runId` (its start command's reply), or null. */
  runError(runId: string): SerializedError | null {
    const r = this.findReply(this.startIds.get(runId) ?? -1);
    return r && !r.ok ? r.error : null;
  }

  /** Calls `fn` on every later event (synchronously, inside the session's post). */
  onEvent(fn: (e: WorkerEvent) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  statuses(runId?: string): RunStatus[] {
    return this.events.flatMap(({ event: e }) => (e.type === 'status' && (runId === undefined || e.runId === runId) ? [e.status] : []));
  }

  points(runId: string): MetricPoint[] {
    return this.events.flatMap(({ event: e }) => (e.type === 'metrics' && e.runId === runId ? decodeMetricBatch(e.batch) : []));
  }

  ofType<T extends WorkerEvent['type']>(type: T, runId?: string): Array<Extract<WorkerEvent, { type: T }>> {
    return this.events
      .map((r) => r.event)
      .filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type && (runId === undefined || (e as { runId?: unknown }).runId === runId));
  }

  /** Runs `runId` to its end (finished, stopped or failed); throws when the start is refused outright. */
  async run(runId: string, config: RunConfig = tinyConfig): Promise<void> {
    const id = this.send({ type: 'start', runId, config });
    const accepted = this.statuses(runId).includes('preparing');
    const reply = await this.reply(id, 120_000);
    if (!accepted && !reply.ok) throw new Error(`start ${runId} was refused: ${reply.error.message}`);
    await this.session.whenIdle();
  }
}

/** Sends a command and waits for its reply: its result, or its error thrown (with the worker's name and data issue). */
export async function commandResult<B extends CommandBody>(h: Harness, body: B): Promise<ResultOf<B['type']>> {
  const r = await h.reply(h.send(body), 60_000);
  if (!r.ok) throw deserializeError(r.error);
  return r.result as ResultOf<B['type']>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A Worker stand-in running a real TrainingSession in-process, with asynchronous delivery both ways. */
export class InProcessWorker implements WorkerLike {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  terminated = false;
  readonly session: TrainingSession;
  constructor(readonly silent = false) {
    this.session = new TrainingSession({
      postIntervalMs: 20,
      readBuiltin: diskReader,
      post: (event) => {
        if (this.silent || this.terminated) return;
        const data = structuredClone(event);
        setTimeout(() => this.onmessage?.({ data } as MessageEvent), 0);
      },
    });
    setTimeout(() => this.session.announce(), 0);
  }
  postMessage(message: unknown): void {
    if (this.terminated) return;
    const data = structuredClone(message);
    setTimeout(() => this.session.handle(data), 0);
  }
  terminate(): void {
    this.terminated = true;
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

