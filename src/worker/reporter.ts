/**
 * The callback that connects a Trainer run to the page: it reports the
 * backend, status and progress, measures warm-up separately from steady
 * speed, keeps the device from running far ahead of the loop, yields between
 * steps and obeys pause/stop. The logger beside it streams every logged value.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Callback, batchSizeOf, type Batch, type BackendInfo, type LightningModule, type Logger, type StepOutput, type Trainer } from '../lightning';
import type { RunControl } from './control';
import type { Progress, RunStatus } from './protocol';

interface ReporterHooks {
  control: RunControl;
  setStatus(status: RunStatus): void;
  backend(info: BackendInfo): void;
  progress(progress: Progress): void;
  yieldToEventLoop(): Promise<void>;
  now(): number;
  /** Steps reported as `compiling`: each is awaited, so its time is real device time. */
  warmupSteps: number;
  /** In steady state, wait for the device every this many ms, so the loop never queues more than ~2 intervals of work. */
  syncIntervalMs: number;
}

function lossOf(outputs: StepOutput): tf.Tensor | null {
  if (outputs instanceof tf.Tensor) return outputs;
  const loss = (outputs as { loss?: unknown } | null | undefined)?.loss;
  return loss instanceof tf.Tensor ? loss : null;
}

export class RunReporter extends Callback {
  private fitStart = 0;
  private stepsDone = 0;
  private compileMs: number | null = null;
  private steadyStart = 0;
  private steadySamples = 0;
  private steadySteps = 0;
  private pausedMs = 0;
  private lastSync = 0;
  private pendingSync: Promise<void> | null = null;
  private status: RunStatus = 'preparing';

  constructor(private readonly hooks: ReporterHooks) {
    super();
  }

  get warmupMs(): number | null {
    return this.compileMs;
  }

  private setStatus(s: RunStatus): void {
    this.status = s;
    this.hooks.setStatus(s);
  }

  override onFitStart(trainer: Trainer): void {
    if (trainer.backend) this.hooks.backend(trainer.backend);
    this.fitStart = this.hooks.now();
    this.setStatus('compiling');
  }

  override onTrainStart(trainer: Trainer): void {
    if (this.hooks.control.stopRequested) trainer.shouldStop = true;
  }

  override async onTrainBatchEnd(trainer: Trainer, _m: LightningModule, outputs: StepOutput, batch: Batch): Promise<void> {
    const { control } = this.hooks;
    const loss = lossOf(outputs);
    this.stepsDone += 1;
    if (this.status === 'compiling') {
      if (loss) await Promise.race([loss.data(), control.failed]);
      if (this.stepsDone >= this.hooks.warmupSteps) {
        const now = this.hooks.now();
        this.compileMs = now - this.fitStart;
        this.steadyStart = now;
        this.lastSync = now;
        this.setStatus('training');
      }
    } else {
      this.steadySamples += batchSizeOf(batch);
      this.steadySteps += 1;
      await this.backpressure(loss);
    }
    this.hooks.progress(this.progressOf(trainer));
    await this.hooks.yieldToEventLoop();
    if (control.failure) throw control.failure;
    if (control.pauseRequested) await this.pauseHere(trainer);
    if (control.failure) throw control.failure;
    if (control.stopRequested) trainer.shouldStop = true;
  }

  /** Every syncIntervalMs: wait for the previous readback, start one of this step's loss. */
  private async backpressure(loss: tf.Tensor | null): Promise<void> {
    const now = this.hooks.now();
    if (!loss || now - this.lastSync < this.hooks.syncIntervalMs) return;
    this.lastSync = now;
    if (this.pendingSync) await Promise.race([this.pendingSync, this.hooks.control.failed]);
    const probe = tf.clone(loss); // the loop disposes `loss` right after this hook
    this.pendingSync = probe.data().then(
      () => probe.dispose(),
      () => probe.dispose(),
    );
  }

  private async pauseHere(trainer?: Trainer): Promise<void> {
    // Deliver every value logged before the pause first, so the page's step count holds still once it says paused.
    if (trainer) await trainer.results.flush();
    const before = this.status;
    const t0 = this.hooks.now();
    this.setStatus('paused');
    await this.hooks.control.waitUntilReleased();
    this.pausedMs += this.hooks.now() - t0;
    // Stopped or failed while paused: the run's end status follows; no flicker back to training.
    if (!this.hooks.control.failure && !this.hooks.control.stopRequested) this.setStatus(before);
  }

  override async onTrainEnd(): Promise<void> {
    if (this.pendingSync) await Promise.race([this.pendingSync, this.hooks.control.failed]).catch(() => {});
    this.pendingSync = null;
  }

  /** Progress as the page shows it; `totalEpochs` and `totalSteps` are -1 when unbounded. */
  progressOf(trainer: Trainer): Progress {
    const perEpoch = trainer.numTrainingBatches;
    const est = trainer.estimatedSteppingBatches;
    const totalSteps = Number.isFinite(est) ? est : -1;
    const byStepsEpochs = totalSteps >= 0 && perEpoch > 0 ? Math.ceil((totalSteps * trainer.accumulateGradBatches) / perEpoch) : -1;
    const totalEpochs = trainer.maxEpochs === -1 ? byStepsEpochs : byStepsEpochs === -1 ? trainer.maxEpochs : Math.min(trainer.maxEpochs, byStepsEpochs);
    const steadySec = Math.max(0, this.hooks.now() - this.steadyStart - this.pausedMs) / 1000;
    const ready = this.compileMs !== null && this.steadySteps > 0 && steadySec > 0;
    const samplesPerSec = ready ? this.steadySamples / steadySec : 0;
    const secPerStep = ready ? steadySec / this.steadySteps : 0;
    const remaining = totalSteps >= 0 ? Math.max(0, totalSteps - trainer.globalStep) : -1;
    return {
      epoch: trainer.currentEpoch,
      totalEpochs,
      batch: trainer.batchesDoneInEpoch,
      batchesPerEpoch: perEpoch,
      step: trainer.globalStep,
      totalSteps,
      samplesPerSec,
      etaSeconds: ready && remaining >= 0 ? remaining * secPerStep : null,
      compileMs: this.compileMs,
    };
  }
}

/** A Lightning Logger that hands every logged row to `sink` (the outbox). */
export class StreamLogger implements Logger {
  readonly name = 'volt-stream';
  constructor(private readonly sink: (metrics: Record<string, number>, step: number) => void) {}
  logMetrics(metrics: Record<string, number>, step: number): void {
    this.sink(metrics, step);
  }
  logHyperparams(): void {}
}

/**
 * Lightning names a value logged both per step and per epoch `<name>_step`
 * and `<name>_epoch`; the page charts the per-step one under the plain name
 * (`train_loss`), which is what a person looks for.
 */
export function stepNames(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  // The LR monitor names a rate after the optimizer's class, which a production bundle minifies.
  for (const [k, v] of Object.entries(metrics)) out[k.endsWith('_step') ? k.slice(0, -5) : /^lr-[^/]+$/.test(k) ? 'lr' : k] = v;
  return out;
}
