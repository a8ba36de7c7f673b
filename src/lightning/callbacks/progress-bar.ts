import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

export interface ProgressBarOptions {
  /**
   * Also print a line every this many training batches; 0 (default) prints
   * one line per epoch. Differs from Lightning, where 0 disables the bar:
   * a bar that redraws in place costs nothing, a printed line does.
   */
  refreshRate?: number;
}

const WIDTH = 10;

/** `40%|████      | 4/10`: percentage, bar and counts. */
export function renderBar(done: number, total: number): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * WIDTH);
  return `${String(Math.floor(frac * 100)).padStart(3)}%|${'█'.repeat(filled)}${' '.repeat(WIDTH - filled)}| ${done}/${total}`;
}

/** Progress-bar metrics as Lightning shows them: `train_loss=0.1234`. */
function formatMetrics(metrics: Record<string, number>): string[] {
  return Object.entries(metrics).map(([k, v]) => `${k}=${Number.isInteger(v) ? String(v) : v.toPrecision(4)}`);
}

/**
 * Lightning's TQDMProgressBar, as printed lines: through `trainer.print`
 * (console.log by default), so it reads the same in a terminal, a worker's
 * log and CI output. During fit one line per epoch (and every `refreshRate`
 * batches), with the metrics logged with `progBar: true`; after validate,
 * test and predict one line each. `Trainer({ enableProgressBar: true })`
 * adds one; the sanity check prints nothing.
 */
export class ProgressBar extends Callback {
  readonly refreshRate: number;
  private epochStart = 0;
  private firstBatch = 0;
  private runStart = 0;

  constructor(options: ProgressBarOptions = {}) {
    super();
    const r = options.refreshRate ?? 0;
    if (!Number.isInteger(r) || r < 0) throw new Error(`ProgressBar: \`refreshRate\` must be a non-negative integer, got ${r}`);
    this.refreshRate = r;
  }

  /** The line for the running training epoch. */
  trainLine(trainer: Trainer): string {
    const done = trainer.batchesDoneInEpoch;
    const seconds = (performance.now() - this.epochStart) / 1000;
    const rate = seconds > 0 ? (done - this.firstBatch) / seconds : 0;
    const stats = [`${seconds.toFixed(1)}s`, `${rate.toFixed(2)} it/s`, ...formatMetrics(trainer.progressBarMetrics)];
    return `Epoch ${trainer.currentEpoch}: ${renderBar(done, trainer.numTrainingBatches)} [${stats.join(', ')}]`;
  }

  override onTrainEpochStart(trainer: Trainer): void {
    this.epochStart = performance.now();
    this.firstBatch = trainer.batchesDoneInEpoch; // non-zero when resuming mid-epoch
  }

  override onTrainBatchEnd(trainer: Trainer): void {
    const done = trainer.batchesDoneInEpoch;
    if (this.refreshRate > 0 && done % this.refreshRate === 0 && done < trainer.numTrainingBatches) trainer.print(this.trainLine(trainer));
  }

  override onTrainEpochEnd(trainer: Trainer): void {
    trainer.print(this.trainLine(trainer));
  }

  override onValidationStart(): void {
    this.runStart = performance.now();
  }
  override onTestStart(): void {
    this.runStart = performance.now();
  }
  override onPredictStart(): void {
    this.runStart = performance.now();
  }

  override onValidationEnd(trainer: Trainer, _module: LightningModule): void {
    // Inside fit the validation metrics join the epoch's line instead.
    if (trainer.state.fn === 'validate') this.printRun(trainer, 'Validation', trainer.validateLoop.progress.total, trainer.numValBatches);
  }
  override onTestEnd(trainer: Trainer): void {
    this.printRun(trainer, 'Testing', trainer.testLoop.progress.total, trainer.numTestBatches);
  }
  override onPredictEnd(trainer: Trainer): void {
    this.printRun(trainer, 'Predicting', trainer.predictLoop.progress.total, trainer.numPredictBatches);
  }

  private printRun(trainer: Trainer, what: string, done: number, counts: number[]): void {
    const seconds = (performance.now() - this.runStart) / 1000;
    const total = counts.reduce((a, b) => a + b, 0);
    trainer.print(`${what}: ${renderBar(done, total)} [${seconds.toFixed(1)}s]`);
  }
}
