/**
 * `new Tuner(trainer)`: the learning-rate finder and the batch-size finder.
 * Both run their trials on a Trainer of their own (the given trainer's
 * accelerator and clipping, nothing that saves, logs or validates), so the
 * given trainer's counters, callbacks and optimizers are untouched; the
 * module's weights, hyperparameters and the global RNG are put back exactly
 * as they were afterwards (unless `attrName` asks for the result).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LightningDataModule } from '../datamodule';
import type { DataLoader } from '../data';
import type { LightningModule } from '../module';
import { getRngState, setRngState } from '../seed';
import { Trainer } from '../trainer/trainer';
import type { TrainerOptions } from '../trainer/options';
import { Callback } from '../callbacks/callback';
import { LRFinder, LRFinderRecorder } from './lr-finder';

export interface TuneData {
  trainDataloaders?: DataLoader;
  datamodule?: LightningDataModule;
  /** More callbacks for the tuner's own trainers (progress, cancelling: set `trainer.shouldStop`). */
  callbacks?: Callback[];
}

export interface LrFindOptions extends TuneData {
  minLr?: number;
  maxLr?: number;
  numTraining?: number;
  mode?: 'exponential' | 'linear';
  /** Stop when the smoothed loss exceeds this many times the best (null: never). Default 4. */
  earlyStopThreshold?: number | null;
  beta?: number;
  /** Set the suggestion (valley) as `module.hparams[attrName]` (e.g. 'lr'). */
  attrName?: string;
}

export interface BatchTrial {
  batchSize: number;
  fits: boolean;
  /** Samples per second over the trial's steps after the first (null when it did not fit). */
  samplesPerSecond: number | null;
  /** Bytes the backend held at the end of the trial (tf.memory().numBytes). */
  bytes: number;
  /** Why it failed, for sizes that did not fit. */
  error?: string;
  /** The failure reads as the device running out of memory (rather than another error). */
  outOfMemory?: boolean;
}

export interface ScaleBatchSizeOptions extends TuneData {
  mode?: 'power' | 'binsearch';
  initVal?: number;
  maxTrials?: number;
  stepsPerTrial?: number;
  /** Never try a size above this. */
  maxVal?: number;
  /** Keep this fraction below the largest size that fitted (default 0.1). */
  margin?: number;
  /** 'fits' (default): the largest that fits, less the margin; 'throughput': the fastest that fits. */
  objective?: 'fits' | 'throughput';
  /** Bytes the backend may hold (default: what the backend reports, see `backendMemoryLimit`). */
  memoryLimitBytes?: number;
  /** The hyperparameter or datamodule field that holds the batch size (default 'batchSize'). */
  attrName?: string;
}

export interface BatchSizeResult {
  /** A size that ran; null when even `initVal` failed. */
  batchSize: number | null;
  trials: BatchTrial[];
  /** The largest size that fitted, before the margin. */
  largestFit: number | null;
  /** What capped the search: maxVal, the dataset size, the memory limit, a failure, or maxTrials. */
  cappedBy: string;
}

/** Bytes the current backend can hold, when it says: WebGPU's largest buffer, WASM's 4 GiB heap; null for CPU/WebGL. */
export function backendMemoryLimit(): number | null {
  const backend = tf.getBackend();
  if (backend === 'wasm') return 4 * 1024 ** 3;
  if (backend === 'webgpu') {
    const device = (tf.backend() as unknown as { device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } } }).device;
    const limits = device?.limits;
    if (limits?.maxBufferSize) return Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize ?? Infinity) * 4;
  }
  return null;
}

/** Error texts that mean "too big for the device" rather than a bug. */
const OUT_OF_MEMORY = /out of memory|\boom\b|failed to allocate|could not allocate|allocation failed|device (was )?lost|maxBufferSize|maxStorageBufferBindingSize|exceeds the (maximum|limit)|too large/i;

/** Counts the batches a trial has run, and stops it after `steps`. */
class TrialCounter extends Callback {
  steps = 0;
  started: number[] = [];
  constructor(private readonly limit: number) {
    super();
  }
  override onTrainBatchStart(): void {
    this.started.push(performance.now());
  }
  override onTrainBatchEnd(trainer: Trainer): void {
    this.steps += 1;
    if (this.steps >= this.limit) trainer.shouldStop = true;
  }
}

export class Tuner {
  constructor(readonly trainer: Trainer) {}

  /** Options of the tuner's own trainer: the device and the step, none of the saving, logging or validating. */
  private trialOptions(extra: Partial<TrainerOptions>): TrainerOptions {
    const o = this.trainer.options;
    const keep: Partial<TrainerOptions> = {};
    for (const k of ['accelerator', 'wasmPaths', 'gradientClipVal', 'gradientClipAlgorithm', 'accumulateGradBatches', 'deterministic', 'print'] as const) {
      if (o[k] !== undefined) (keep as Record<string, unknown>)[k] = o[k];
    }
    return {
      ...keep,
      maxEpochs: -1,
      limitValBatches: 0,
      numSanityValSteps: 0,
      enableCheckpointing: false,
      enableModelSummary: false,
      enableProgressBar: false,
      logger: false,
      ...extra,
    };
  }

  /** Fits on a trainer of the tuner's own, then frees what that trainer's optimizers hold (their slots). */
  private async fitOnce(module: LightningModule, trainer: Trainer, args: Parameters<Trainer['fit']>[1]): Promise<void> {
    try {
      await trainer.fit(module, args);
    } finally {
      for (const o of trainer.optimizers) o.dispose();
      trainer.disposeGradients();
    }
  }

  /** Runs `body` and puts the module's weights, hyperparameters, trainer link and the global RNG back. */
  private async preserving<T>(module: LightningModule, body: () => Promise<T>): Promise<T> {
    const weights = await module.stateDict();
    const hparams = structuredClone(module.hparams);
    const rng = getRngState();
    const trainer = module.trainer;
    try {
      return await body();
    } finally {
      module.loadStateDict(weights);
      module.hparams = hparams;
      setRngState(rng);
      module.trainer = trainer;
    }
  }

  /** The learning-rate finder: see `LRFinder` for the suggestion rules. */
  async lrFind(module: LightningModule, options: LrFindOptions = {}): Promise<LRFinder> {
    const minLr = options.minLr ?? 1e-8;
    const maxLr = options.maxLr ?? 1;
    const numTraining = options.numTraining ?? 100;
    const mode = options.mode ?? 'exponential';
    if (!(minLr > 0 && maxLr > minLr)) throw new Error(`\`minLr\` and \`maxLr\` must satisfy 0 < minLr < maxLr, got ${minLr} and ${maxLr}`);
    if (!Number.isInteger(numTraining) || numTraining < 2) throw new Error(`\`numTraining\` must be an integer ≥ 2, got ${numTraining}`);
    if (mode !== 'exponential' && mode !== 'linear') throw new Error(`\`mode\` must be "exponential" or "linear", got ${JSON.stringify(mode)}`);
    const recorder = new LRFinderRecorder({ minLr, maxLr, numTraining, mode, beta: options.beta ?? 0.98, earlyStopThreshold: options.earlyStopThreshold === undefined ? 4 : options.earlyStopThreshold });
    const finder = await this.preserving(module, async () => {
      const trainer = new Trainer(this.trialOptions({ maxSteps: numTraining, callbacks: [recorder, ...(options.callbacks ?? [])] }));
      await this.fitOnce(module, trainer, { ...(options.trainDataloaders ? { trainDataloaders: options.trainDataloaders } : {}), ...(options.datamodule ? { datamodule: options.datamodule } : {}) });
      const stopped = recorder.diverged ? 'diverged' : recorder.loss.length < numTraining ? 'out of data' : 'completed';
      return new LRFinder({ lr: recorder.lr.slice(0, recorder.loss.length), loss: [...recorder.loss], smoothedLoss: [...recorder.smoothed] }, stopped);
    });
    if (options.attrName) {
      const lr = finder.suggestion();
      if (lr !== null) module.hparams = { ...module.hparams, [options.attrName]: lr };
    }
    return finder;
  }

  /** One trial: `steps` training steps at `size`; whether it fitted and how fast. */
  private async trial(module: LightningModule, data: TuneData, size: number, steps: number, attr: string): Promise<BatchTrial> {
    const counter = new TrialCounter(steps);
    const trainer = new Trainer(this.trialOptions({ maxSteps: steps, callbacks: [counter, ...(data.callbacks ?? [])] }));
    const dm = data.datamodule;
    const before = dm ? readAttr(dm, attr) : undefined;
    try {
      if (dm) writeAttr(dm, attr, size);
      const loader = data.trainDataloaders?.withBatchSize(size);
      await this.preserving(module, () => this.fitOnce(module, trainer, loader ? { trainDataloaders: loader } : { datamodule: dm! }));
      const t = counter.started;
      // The first step compiles kernels and fills caches: speed is measured from the second.
      const span = t.length > 1 ? (performance.now() - t[1]!) / 1000 : null;
      const measured = Math.max(0, counter.steps - 1);
      return { batchSize: size, fits: true, samplesPerSecond: span && measured > 0 ? (measured * size) / span : null, bytes: tf.memory().numBytes };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      return { batchSize: size, fits: false, samplesPerSecond: null, bytes: tf.memory().numBytes, error: message, outOfMemory: OUT_OF_MEMORY.test(message) };
    } finally {
      if (dm) writeAttr(dm, attr, before);
    }
  }

  /**
   * The batch-size finder. Grows the size from `initVal` (doubling; with
   * 'binsearch', then bisecting between the last size that fitted and the
   * first that did not), capped by `maxVal`, the number of training samples
   * and the memory limit (estimated from the bytes held per sample at the
   * sizes that ran). Returns only a size it ran, `margin` below the largest.
   */
  async scaleBatchSize(module: LightningModule, options: ScaleBatchSizeOptions = {}): Promise<BatchSizeResult> {
    const mode = options.mode ?? 'power';
    const initVal = options.initVal ?? 2;
    const maxTrials = options.maxTrials ?? 25;
    const steps = options.stepsPerTrial ?? 3;
    const margin = options.margin ?? 0.1;
    const attr = options.attrName ?? 'batchSize';
    if (!Number.isInteger(initVal) || initVal < 1) throw new Error(`\`initVal\` must be a positive integer, got ${initVal}`);
    if (!(margin >= 0 && margin < 1)) throw new Error(`\`margin\` must be in [0, 1), got ${margin}`);
    if (!options.trainDataloaders && !options.datamodule) throw new Error('`scaleBatchSize` needs `trainDataloaders` or a datamodule');
    const samples = datasetSize(options);
    const caps: Array<[number, string]> = [];
    if (options.maxVal !== undefined) caps.push([options.maxVal, `maxVal (${options.maxVal})`]);
    if (samples !== null) caps.push([samples, `the dataset size (${samples})`]);
    const cap = caps.reduce<[number, string]>((a, b) => (b[0] < a[0] ? b : a), [Infinity, 'maxTrials']);
    const limit = options.memoryLimitBytes ?? backendMemoryLimit();

    const trials: BatchTrial[] = [];
    const tried = new Map<number, BatchTrial>();
    const run = async (size: number) => {
      const t = tried.get(size) ?? (await this.trial(module, options, size, steps, attr));
      if (!tried.has(size)) {
        tried.set(size, t);
        trials.push(t);
      }
      return t;
    };
    let cappedBy = 'maxTrials';
    let good: number | null = null;
    let bad: number | null = null;
    let size = Math.min(initVal, cap[0]);
    const base = tf.memory().numBytes;
    while (trials.length < maxTrials) {
      const t = await run(size);
      if (!t.fits) {
        bad = size;
        cappedBy = `a failure at ${size} (${t.error})`;
        break;
      }
      good = size;
      if (size >= cap[0]) {
        cappedBy = cap[1];
        break;
      }
      let next = Math.min(size * 2, cap[0]);
      if (limit !== null) {
        // Bytes per sample at this size, to keep the next trial inside the limit.
        const perSample = Math.max(1, (t.bytes - base) / size);
        const room = Math.floor(limit / perSample);
        if (room <= size) {
          cappedBy = `the memory limit (${limit} bytes)`;
          break;
        }
        if (room < next) next = room;
      }
      size = next;
    }
    if (mode === 'binsearch' && good !== null && bad !== null) {
      let lo = good;
      let hi = bad;
      while (hi - lo > 1 && trials.length < maxTrials) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await run(mid)).fits) lo = mid;
        else hi = mid;
      }
      good = lo;
    }
    if (good === null) return { batchSize: null, trials, largestFit: null, cappedBy };
    const fitted = trials.filter((t) => t.fits);
    let chosen: number;
    if ((options.objective ?? 'fits') === 'throughput') {
      const measured = fitted.filter((t) => t.samplesPerSecond !== null);
      chosen = measured.length > 0 ? measured.reduce((a, b) => (b.samplesPerSecond! > a.samplesPerSecond! ? b : a)).batchSize : good;
    } else {
      // The margin below the largest that fitted, run once to be sure; else the largest size below it that ran.
      const target = Math.max(1, Math.floor(good * (1 - margin)));
      if (target !== good && !tried.has(target) && trials.length < maxTrials) await run(target);
      const below = trials.filter((t) => t.fits && t.batchSize <= target).map((t) => t.batchSize);
      chosen = below.length > 0 ? Math.max(...below) : Math.min(...fitted.map((t) => t.batchSize));
    }
    if (options.datamodule) writeAttr(options.datamodule, attr, chosen);
    else if (options.attrName) module.hparams = { ...module.hparams, [attr]: chosen };
    return { batchSize: chosen, trials, largestFit: good, cappedBy };
  }
}

function datasetSize(data: TuneData): number | null {
  const dl = data.trainDataloaders ?? data.datamodule?.trainDataloader();
  return dl ? dl.dataset.length : null;
}

/** A datamodule's batch size: its own field, or its hparams. */
function readAttr(dm: LightningDataModule, attr: string): unknown {
  const own = dm as unknown as Record<string, unknown>;
  return attr in own ? own[attr] : dm.hparams[attr];
}

function writeAttr(dm: LightningDataModule, attr: string, value: unknown): void {
  const own = dm as unknown as Record<string, unknown>;
  if (attr in own) own[attr] = value;
  else if (attr in dm.hparams) dm.hparams[attr] = value;
  else throw new Error(`the datamodule has no \`${attr}\` field or hyperparameter to set the batch size with`);
}
