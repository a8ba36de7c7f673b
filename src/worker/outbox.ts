import { encodeMetricBatch, type MetricPoint, type Progress, type ProgressBody } from './protocol';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/**
 * Collects a run's logged values and its latest progress and posts them at
 * most once per `intervalMs`: the UI gets every point, in order, without a
 * message per step. `flush()` posts what is pending now (at the end of a run).
 */
export class Outbox {
  private points: MetricPoint[] = [];
  private progress: Progress | null = null;
  private runId: string | null = null;
  private timer: unknown = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly send: (event: ProgressBody) => void,
    readonly intervalMs = 100,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Queues one logger call's values (`epoch` included: every logged value reaches the UI). */
  addMetrics(runId: string, metrics: Record<string, number>, step: number): void {
    this.switchRun(runId);
    for (const [name, value] of Object.entries(metrics)) this.points.push({ name, step, value });
    this.schedule();
  }

  /** Keeps only the latest progress: intermediate ones are stale by the time they would be drawn. */
  setProgress(runId: string, progress: Progress): void {
    this.switchRun(runId);
    this.progress = progress;
    this.schedule();
  }

  get pendingPoints(): number {
    return this.points.length;
  }

  /** Whether metrics or a progress report are waiting to be posted. */
  get hasPending(): boolean {
    return this.points.length > 0 || this.progress !== null;
  }

  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const runId = this.runId;
    if (runId === null) return;
    if (this.points.length > 0 || this.progress) this.lastFlush = this.timers.now();
    if (this.points.length > 0) {
      const batch = encodeMetricBatch(this.points);
      this.points = [];
      this.send({ type: 'metrics', runId, batch });
    }
    if (this.progress) {
      const progress = this.progress;
      this.progress = null;
      this.send({ type: 'progress', runId, progress });
    }
  }

  private switchRun(runId: string): void {
    if (this.runId !== null && this.runId !== runId) this.flush();
    this.runId = runId;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }
}
