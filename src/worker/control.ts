/**
 * The requests a running run obeys between steps: pause, resume, stop, and a
 * failure raised from outside the loop (a lost GPU device). The session sets
 * them when commands arrive; the reporter callback acts on them.
 */
export class RunControl {
  stopRequested = false;
  pauseRequested = false;
  failure: Error | null = null;
  private wake: Array<() => void> = [];
  private rejectFailed!: (err: Error) => void;
  /** Rejects when `fail` is called: race a possibly hanging device readback against it. */
  readonly failed: Promise<never>;

  constructor() {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => {}); // observed by the races that use it; never an unhandled rejection
  }

  pause(): void {
    if (!this.stopRequested) this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.release();
  }

  /** Stop wins over pause: a paused run resumes just long enough to end. */
  stop(): void {
    this.stopRequested = true;
    this.pauseRequested = false;
    this.release();
  }

  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.rejectFailed(err);
    this.release();
  }

  /** Resolves when the run may go on (resumed, stopped or failed). */
  waitUntilReleased(): Promise<void> {
    if (!this.pauseRequested) return Promise.resolve();
    return new Promise((resolve) => this.wake.push(resolve));
  }

  private release(): void {
    const waiting = this.wake;
    this.wake = [];
    waiting.forEach((w) => w());
  }
}

/**
 * Yields to the event loop with a macrotask so queued messages (pause, stop)
 * are handled. In browsers a MessageChannel post is not clamped like nested
 * setTimeout(0) (4 ms), and unlike requestAnimationFrame it keeps running in
 * hidden tabs. Node drains port messages ahead of timers, which would starve
 * them, so there setImmediate (fair to timers and I/O) is used instead.
 */
export function macrotaskYield(): () => Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate;
    return () => new Promise<void>((resolve) => void immediate(resolve));
  }
  if (typeof MessageChannel !== 'function') return () => new Promise((r) => setTimeout(r, 0));
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      queue.push(resolve);
      channel.port2.postMessage(null);
    });
}
