/**
 * The run's monitoring for the page: the framework's GradNormMonitor,
 * HistogramMonitor and DeviceStatsMonitor plus per-epoch phase timing, with
 * their read-back values gathered and sent as one `monitor` event at most
 * every `intervalMs` (and at every epoch's end and at the end of fit).
 */
import { Callback, DeviceStatsMonitor, GradNormMonitor, HistogramMonitor, type Trainer } from '../lightning';
import type { EpochTiming, MonitorUpdate } from './protocol';

/** Defaults: norms every 10 steps, histograms every 50 (measured cost: see README "Monitoring"). */
export const MONITOR_INTERVALS = { gradNormSteps: 10, histogramSteps: 50, deviceSteps: 10, histogramBins: 30 };

const empty = (): MonitorUpdate => ({ gradNorms: [], histograms: [], device: [], epochs: [], leak: null });

/** Epoch and phase wall times: an epoch's validation runs inside it, so train time is the rest. */
class EpochTimer extends Callback {
  private epochStart = 0;
  private valStart = 0;
  private valMs = 0;
  constructor(
    private readonly now: () => number,
    private readonly done: (t: EpochTiming) => void,
  ) {
    super();
  }
  override onTrainEpochStart(): void {
    this.epochStart = this.now();
    this.valMs = 0;
  }
  override onValidationStart(trainer: Trainer): void {
    if (!trainer.sanityChecking) this.valStart = this.now();
  }
  override onValidationEnd(trainer: Trainer): void {
    if (!trainer.sanityChecking) this.valMs += this.now() - this.valStart;
  }
  override onTrainEpochEnd(trainer: Trainer): void {
    const epochMs = this.now() - this.epochStart;
    this.done({ epoch: trainer.currentEpoch, epochMs, trainMs: Math.max(0, epochMs - this.valMs), validationMs: this.valMs });
  }
}

/** Sends what is pending; a callback so the sending follows the loop (after each batch, epoch and fit). */
class MonitorSender extends Callback {
  constructor(private readonly collector: RunMonitor) {
    super();
  }
  override onTrainBatchEnd(): void {
    this.collector.send(false);
  }
  override onTrainEpochEnd(): void {
    this.collector.send(true);
  }
  override async onFitEnd(trainer: Trainer): Promise<void> {
    await trainer.results.flush(); // the last norms and histograms ride on this readback
    this.collector.send(true);
  }
}

export class RunMonitor {
  readonly callbacks: Callback[];
  private pending: MonitorUpdate = empty();
  private hasPending = false;
  private lastSent = -Infinity;

  constructor(
    private readonly post: (update: MonitorUpdate) => void,
    private readonly now: () => number,
    private readonly intervalMs = 100,
  ) {
    const mark = <T>(f: (u: MonitorUpdate, v: T) => void) => (v: T) => {
      f(this.pending, v);
      this.hasPending = true;
    };
    this.callbacks = [
      new GradNormMonitor({ everyNSteps: MONITOR_INTERVALS.gradNormSteps, maxHistory: 1, onRecord: mark((u, r) => u.gradNorms.push({ step: r.step, total: r.total, norms: r.norms })) }),
      new HistogramMonitor({
        everyNSteps: MONITOR_INTERVALS.histogramSteps,
        bins: MONITOR_INTERVALS.histogramBins,
        maxSnapshots: 1,
        onSnapshot: mark((u, s) => u.histograms.push({ step: s.step, params: s.params })),
      }),
      new DeviceStatsMonitor({
        everyNSteps: MONITOR_INTERVALS.deviceSteps,
        maxHistory: 1,
        onStats: mark((u, s) => u.device.push({ step: s.step, epoch: s.epoch, numTensors: s.numTensors, numBytes: s.numBytes, gpuBytes: s.gpuBytes })),
        onLeak: mark((u, m) => (u.leak = m)),
      }),
      new EpochTimer(now, mark((u, t) => u.epochs.push(t))),
      new MonitorSender(this),
    ];
  }

  send(force: boolean): void {
    if (!this.hasPending) return;
    const t = this.now();
    if (!force && t - this.lastSent < this.intervalMs) return;
    this.lastSent = t;
    const update = this.pending;
    this.pending = empty();
    this.hasPending = false;
    this.post(update);
  }
}
