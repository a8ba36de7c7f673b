/** Plain data shared by the Node runner, the browser worker and the report writer. */

export type ModelName = 'mlp' | 'lenet';
/** `trainer:NAME` is a Trainer run with the plan's `trainerVariants[NAME]` options (a diagnostic A/B). */
export type Impl = 'trainer' | 'fit' | 'pytorch' | `trainer:${string}`;

/** The packed MNIST split: uint8 pixels (0-255) and uint8 labels. */
export interface MnistSplit {
  xTrain: Uint8Array;
  yTrain: Uint8Array;
  xVal: Uint8Array;
  yVal: Uint8Array;
}

/** One throughput configuration: `reps` alternations of Trainer and fit. */
export interface ThroughputJob {
  model: ModelName;
  batch: number;
  /** Optimizer steps per epoch; the first epoch is warm-up, the next `measuredEpochs` are timed. */
  steps: number;
  measuredEpochs: number;
  reps: number;
}

/** Train until `target` validation accuracy or `capS` seconds. */
export interface AccuracyJob {
  model: ModelName;
  batch: number;
  target: number;
  capS: number;
  impls: Array<'trainer' | 'fit'>;
}

export interface RunPlan {
  backend: string;
  /** WASM only: whether to allow the multithreaded binary. */
  wasmThreads?: boolean;
  throughput: ThroughputJob[];
  accuracy: AccuracyJob[];
  /** Extra Trainer configurations timed alongside (impl `trainer:NAME`), e.g. `{ noflush: { flushIntervalMs: 1e9 } }`. */
  trainerVariants?: Record<string, Record<string, unknown>>;
  /** When set, the worker measures only this cold start (it must be a fresh one) and ignores the jobs above. */
  coldStart?: ColdStartJob;
  /** Seed of the models' initial weights and the loaders' shuffling. */
  seed: number;
}

/** One repetition of one implementation. */
export interface RepResult {
  /** Steady-state samples per second over the measured epochs. */
  samplesPerSec: number;
  /** From the call to fit until the first step's loss is on the host (includes shader compilation). */
  firstStepMs: number;
  /** tf.memory() after each epoch (warm-up included). */
  tensorsAfterEpoch: number[];
  bytesAfterEpoch: number[];
  /** WebGPU/WebGL: GPU program runs per optimizer step, over the measured epochs. */
  dispatchesPerStep?: number;
  /** WebGPU only: device.queue.submit calls per optimizer step. */
  submitsPerStep?: number;
  /** Host readbacks (`data()`/`dataSync()`) per step over the measured epochs; the bench's own epoch-end drain excluded. */
  readbacksPerStep?: number;
  /** Host time per step: epoch start to the last step's end hook, before waiting for the device. */
  hostMsPerStep?: number;
}

/** First step in a fresh worker (cold backend: no compiled shaders), then the other implementation's. */
export interface ColdStartResult {
  runtime: string;
  backend: string;
  model: ModelName;
  batch: number;
  impl: Impl;
  /** 0: the first to train in its worker (pays all compilation); 1: ran after the other implementation. */
  position: number;
  firstStepMs: number;
}

/** Which cold starts to measure; each `order` runs in a worker of its own. */
export interface ColdStartJob {
  model: ModelName;
  batch: number;
  order: Array<'trainer' | 'fit'>;
}

export interface ThroughputResult {
  runtime: string;
  backend: string;
  threads: number;
  model: ModelName;
  batch: number;
  impl: Impl;
  steps: number;
  reps: RepResult[];
}

export interface AccuracyResult {
  runtime: string;
  backend: string;
  threads: number;
  model: ModelName;
  batch: number;
  impl: Impl;
  target: number;
  capS: number;
  /** Seconds from the call to fit until the epoch-end validation that reached the target; null if not reached. */
  reachedS: number | null;
  epochs: number;
  bestAcc: number;
}

export interface RunReport {
  runtime: string;
  backend: string;
  threads: number;
  /** Anything the runtime wants on record (adapter, SIMD, user agent). */
  info: Record<string, unknown>;
  throughput: ThroughputResult[];
  accuracy: AccuracyResult[];
  coldStarts?: ColdStartResult[];
  /** Main-thread long tasks seen by the page while the worker trained (browser only). */
  longTasks?: number;
  errors: string[];
}
