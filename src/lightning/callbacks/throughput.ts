import { batchSizeOf, type Batch } from '../data';
import type { LightningModule, StepOutput } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

/**
 * Measures training throughput (samples/s and batches/s) over a sliding
 * window of batches and logs `train/samples_per_sec` and
 * `train/batches_per_sec` every `logEveryNSteps` steps. Wall time per batch
 * includes the device's work only on average (no per-step synchronisation),
 * so the window should span several flushes.
 */
export class ThroughputMonitor extends Callback {
  readonly windowSize: number;
  private window: Array<{ t: number; samples: number }> = [];
  samplesPerSec = 0;
  batchesPerSec = 0;
  totalSamples = 0;

  constructor(options: { windowSize?: number; batchSizeFn?: (batch: Batch) => number } = {}) {
    super();
    this.windowSize = options.windowSize ?? 50;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 2) throw new Error(`ThroughputMonitor: \`windowSize\` must be an integer >= 2, got ${this.windowSize}`);
    this.batchSizeFn = options.batchSizeFn ?? batchSizeOf;
  }
  private readonly batchSizeFn: (batch: Batch) => number;

  override onTrainEpochStart(): void {
    this.window = [{ t: performance.now(), samples: 0 }];
  }

  override onTrainBatchEnd(trainer: Trainer, _m: LightningModule, _o: StepOutput, batch: Batch, _i: number): void {
    const n = this.batchSizeFn(batch);
    this.totalSamples += n;
    this.window.push({ t: performance.now(), samples: n });
    if (this.window.length > this.windowSize + 1) this.window.shift();
    const first = this.window[0]!;
    const last = this.window[this.window.length - 1]!;
    const dt = (last.t - first.t) / 1000;
    if (dt <= 0) return;
    const samples = this.window.slice(1).reduce((a, w) => a + w.samples, 0);
    this.samplesPerSec = samples / dt;
    this.batchesPerSec = (this.window.length - 1) / dt;
    if ((trainer.batchesThatStepped + 1) % trainer.logEveryNSteps === 0) {
      for (const l of trainer.loggers) {
        l.logMetrics({ 'train/samples_per_sec': this.samplesPerSec, 'train/batches_per_sec': this.batchesPerSec }, trainer.batchesThatStepped);
      }
    }
  }
}
