import * as tf from '@tensorflow/tfjs-core';
import type { LightningModule } from '../module';
import type { Optimizer } from '../optim/optimizer';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';
import { histogramOf, readHistogram, type Histogram } from './stats';

export interface ParamHistogram {
  name: string;
  weights: Histogram;
  grads: Histogram;
}

export interface HistogramSnapshot {
  step: number;
  epoch: number;
  params: ParamHistogram[];
}

export interface HistogramOptions {
  /** A snapshot every this many optimizer steps (default 50, TensorBoard-like: histograms are costlier than norms). */
  everyNSteps?: number;
  /** Bins per histogram (default 30). */
  bins?: number;
  /** Snapshots kept in `snapshots` (default 20). */
  maxSnapshots?: number;
  onSnapshot?: (snapshot: HistogramSnapshot) => void;
}

/**
 * Histograms of every parameter's weights and gradient (TensorBoard's
 * Histograms tab), taken in `onBeforeOptimizerStep`: the weights the
 * gradients were computed at. Computed on the device, read back with the next
 * metrics flush.
 */
export class HistogramMonitor extends Callback {
  readonly everyNSteps: number;
  readonly bins: number;
  readonly snapshots: HistogramSnapshot[] = [];
  private readonly maxSnapshots: number;
  private readonly onSnapshot: ((s: HistogramSnapshot) => void) | undefined;

  constructor(options: HistogramOptions = {}) {
    super();
    this.everyNSteps = options.everyNSteps ?? 50;
    this.bins = options.bins ?? 30;
    this.maxSnapshots = options.maxSnapshots ?? 20;
    this.onSnapshot = options.onSnapshot;
    if (!Number.isInteger(this.everyNSteps) || this.everyNSteps < 1) throw new Error(`HistogramMonitor: \`everyNSteps\` must be a positive integer, got ${this.everyNSteps}`);
    if (!Number.isInteger(this.bins) || this.bins < 1) throw new Error(`HistogramMonitor: \`bins\` must be a positive integer, got ${this.bins}`);
  }

  override onBeforeOptimizerStep(trainer: Trainer, _m: LightningModule, optimizer: Optimizer): void {
    const step = trainer.globalStep;
    if (step % this.everyNSteps !== 0) return;
    const params = optimizer.params.filter((v) => trainer.gradients[v.name]);
    if (params.length === 0) return;
    const bins = this.bins;
    const packed = tf.tidy(() => tf.concat(params.flatMap((v) => [histogramOf(v, bins), histogramOf(trainer.gradients[v.name]!, bins)])));
    const epoch = trainer.currentEpoch;
    const names = params.map((v) => v.name);
    trainer.results.readWithFlush(packed, (values) => {
      const each = bins + 2;
      const snapshot: HistogramSnapshot = {
        step,
        epoch,
        params: names.map((name, i) => ({ name, weights: readHistogram(values, 2 * i * each, bins), grads: readHistogram(values, (2 * i + 1) * each, bins) })),
      };
      this.snapshots.push(snapshot);
      if (this.snapshots.length > this.maxSnapshots) this.snapshots.shift();
      this.onSnapshot?.(snapshot);
    });
  }
}
