import * as tf from '@tensorflow/tfjs-core';
import type { LightningModule } from '../module';
import type { Optimizer } from '../optim/optimizer';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';
import { normOf } from './stats';

export interface GradNormRecord {
  /** Global step the gradients belong to (before the optimizer stepped). */
  step: number;
  epoch: number;
  /** Parameter name → norm of its gradient (Lightning's `grad_{p}_norm/{name}`). */
  norms: Record<string, number>;
  /** Norm of all gradients together (Lightning's `grad_{p}_norm_total`). */
  total: number;
}

export interface GradNormOptions {
  /** Record every this many optimizer steps (default 10: a point every ~100 ms at typical small-model speeds). */
  everyNSteps?: number;
  /** p of the norm: 2 (default, Lightning's usual choice), 1, any p > 0, or Infinity. */
  normType?: number;
  /** Records kept in `history` (oldest dropped; default 2,000). */
  maxHistory?: number;
  /** Called with each record once it is read back. */
  onRecord?: (record: GradNormRecord) => void;
}

/**
 * Gradient norms per parameter and in total, taken in `onBeforeOptimizerStep`
 * (after accumulation, before clipping) as Lightning's `grad_norm` is. The
 * norms are computed on the device and read back with the next metrics flush
 * (`trainer.results.readWithFlush`), never with a readback of their own.
 */
export class GradNormMonitor extends Callback {
  readonly everyNSteps: number;
  readonly normType: number;
  readonly history: GradNormRecord[] = [];
  private readonly maxHistory: number;
  private readonly onRecord: ((r: GradNormRecord) => void) | undefined;

  constructor(options: GradNormOptions = {}) {
    super();
    this.everyNSteps = options.everyNSteps ?? 10;
    this.normType = options.normType ?? 2;
    this.maxHistory = options.maxHistory ?? 2000;
    this.onRecord = options.onRecord;
    if (!Number.isInteger(this.everyNSteps) || this.everyNSteps < 1) throw new Error(`GradNormMonitor: \`everyNSteps\` must be a positive integer, got ${this.everyNSteps}`);
    if (!(this.normType > 0)) throw new Error(`GradNormMonitor: \`normType\` must be a positive number or Infinity, got ${this.normType}`);
  }

  override onBeforeOptimizerStep(trainer: Trainer, _m: LightningModule, _o: Optimizer): void {
    const step = trainer.globalStep;
    if (step % this.everyNSteps !== 0) return;
    const names = Object.keys(trainer.gradients);
    if (names.length === 0) return;
    const p = this.normType;
    const packed = tf.tidy(() => {
      const norms = tf.stack(names.map((n) => normOf(trainer.gradients[n]!, p)));
      return tf.concat([norms, tf.reshape(normOf(norms, p), [1])]);
    });
    const epoch = trainer.currentEpoch;
    trainer.results.readWithFlush(packed, (v) => {
      const norms: Record<string, number> = {};
      names.forEach((n, i) => (norms[n] = v[i]!));
      const record = { step, epoch, norms, total: v[names.length]! };
      this.history.push(record);
      if (this.history.length > this.maxHistory) this.history.shift();
      this.onRecord?.(record);
    });
  }
}
