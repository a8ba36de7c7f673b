// Test helpers for session tests (Node): a session whose posted events are recorded.
import { decodeMetricBatch, PROTOCOL_VERSION, type Command, type CommandBody, type MetricPoint, type RunConfig, type RunStatus, type WorkerEvent } from './protocol';
import type { WorkerLike } from './client';
import { TrainingSession, type SessionOptions } from './session';
import type { ReadFile } from '../data';

/** Built-ins from public/datasets on disk (run `node scripts/pack-datasets.mjs` first). */
export const diskReader: ReadFile = async (file) => {
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

export interface Recorded {
  event: WorkerEvent;
  at: number;
  transfer: ArrayBuffer[];
}

export class Harness {
  readonly events: Recorded[] = [];
  readonly session: TrainingSession;
  private nextId = 1;
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
    this.session.handle({ ...body, v: PROTOCOL_VERSION, id } as Command);
    return id;
  }

  reply(id: number): Extract<WorkerEvent, { type: 'reply' }> {
    const r = this.events.find((e) => e.event.type === 'reply' && e.event.id === id)?.event;
    if (!r || r.type !== 'reply') throw new Error(`no reply to command ${id}`);
    return r;
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

  async run(runId: string, config: RunConfig = tinyConfig): Promise<void> {
    const id = this.send({ type: 'start', runId, config });
    if (!this.reply(id).ok) throw new Error(`start ${runId} was refused`);
    await this.session.whenIdle();
  }
}

/** Sends a command and waits for the event carrying its id (export, import, data and prediction results). */
export async function commandResult(h: Harness, body: CommandBody): Promise<WorkerEvent> {
  const id = h.send(body);
  const r = h.reply(id);
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  for (let i = 0; i < 4000; i++) {
    const e = h.events.map((x) => x.event).find((ev) => 'requestId' in ev && ev.requestId === id && ev.type !== 'dataProgress');
    if (e) return e;
    await sleep(5);
  }
  throw new Error(`no result for command ${id}`);
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

