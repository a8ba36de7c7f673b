import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data';
import type { LightningModule, StepOutput } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

export interface DeviceStats {
  step: number;
  epoch: number;
  /** Live tensors and their bytes (tf.memory()). */
  numTensors: number;
  numBytes: number;
  /** Bytes in GPU buffers or textures, where the backend reports them (webgpu, webgl); null elsewhere. */
  gpuBytes: number | null;
  /** Bytes the backend has allocated on the GPU, used or pooled (webgpu, webgl); null elsewhere. */
  gpuBytesAllocated: number | null;
}

export interface DeviceStatsOptions {
  /** A sample every this many training batches (default 10; tf.memory() costs no readback). */
  everyNSteps?: number;
  maxHistory?: number;
  onStats?: (stats: DeviceStats) => void;
  /** Called once when live tensors grew from one epoch's start to the next (from epoch 1 on). */
  onLeak?: (message: string) => void;
}

interface BackendMemory {
  numBytesInGPU?: number;
  numBytesInGPUAllocated?: number;
  numBytesAllocatedInGPU?: number;
}

function sample(step: number, epoch: number): DeviceStats {
  const m = tf.memory() as tf.MemoryInfo & BackendMemory;
  return {
    step,
    epoch,
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    gpuBytes: m.numBytesInGPU ?? null,
    // webgl names it numBytesInGPUAllocated, webgpu numBytesAllocatedInGPU.
    gpuBytesAllocated: m.numBytesInGPUAllocated ?? m.numBytesAllocatedInGPU ?? null,
  };
}

/**
 * Device memory over training (Lightning's DeviceStatsMonitor, with what
 * tfjs can tell): live tensors, their bytes and the GPU bytes of backends that
 * report them. A run that keeps the same tensors alive starts every epoch
 * with the same count; when the count at one epoch's start is higher than at
 * the previous one's, `leak` says by how much (from epoch 1 on: the first
 * epoch makes optimizer slots and callbacks' copies).
 */
export class DeviceStatsMonitor extends Callback {
  readonly everyNSteps: number;
  readonly history: DeviceStats[] = [];
  /** Set once live tensors grew across epochs: a message naming the epochs and the growth. */
  leak: string | null = null;
  private readonly maxHistory: number;
  private readonly onStats: ((s: DeviceStats) => void) | undefined;
  private readonly onLeak: ((m: string) => void) | undefined;
  private lastEpochStart: number | null = null;

  constructor(options: DeviceStatsOptions = {}) {
    super();
    this.everyNSteps = options.everyNSteps ?? 10;
    this.maxHistory = options.maxHistory ?? 2000;
    this.onStats = options.onStats;
    this.onLeak = options.onLeak;
    if (!Number.isInteger(this.everyNSteps) || this.everyNSteps < 1) throw new Error(`DeviceStatsMonitor: \`everyNSteps\` must be a positive integer, got ${this.everyNSteps}`);
  }

  private record(trainer: Trainer): DeviceStats {
    const s = sample(trainer.globalStep, trainer.currentEpoch);
    this.history.push(s);
    if (this.history.length > this.maxHistory) this.history.shift();
    this.onStats?.(s);
    return s;
  }

  override onTrainBatchEnd(trainer: Trainer, _m: LightningModule, _o: StepOutput, _b: Batch, batchIdx: number): void {
    if ((batchIdx + 1) % this.everyNSteps === 0) this.record(trainer);
  }

  override onTrainEpochStart(trainer: Trainer): void {
    // The first epoch makes optimizer slots and, at its end, callbacks' copies (best weights): epoch 1's start is the baseline.
    const epoch = trainer.currentEpoch;
    const n = tf.memory().numTensors;
    const before = this.lastEpochStart;
    this.lastEpochStart = epoch >= 1 ? n : null;
    if (before === null || n <= before || this.leak) return;
    this.leak = `live tensors grew from ${before} to ${n} (+${n - before}) between the starts of epochs ${epoch - 1} and ${epoch}: something keeps tensors each epoch`;
    trainer.print(`DeviceStatsMonitor: ${this.leak}`);
    this.onLeak?.(this.leak);
  }

  override onTrainEpochEnd(trainer: Trainer): void {
    this.record(trainer);
  }
}
