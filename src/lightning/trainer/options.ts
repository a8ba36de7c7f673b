import type { Callback } from '../callbacks/callback';
import type { CheckpointStorage } from '../checkpoint/checkpoint';
import type { Logger } from '../loggers/logger';

export type Accelerator = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type MaxTime = string | number | { days?: number; hours?: number; minutes?: number; seconds?: number };

/** Trainer options: Lightning's flags in camelCase, same defaults unless noted. */
export interface TrainerOptions {
  /** Stop after this many epochs; -1 for no limit. Default 1000 when maxSteps is not set either (as Lightning). */
  maxEpochs?: number;
  /** Keep training at least this many epochs even if a callback asks to stop. */
  minEpochs?: number;
  /** Stop after this many optimizer steps; -1 (default) for no limit. */
  maxSteps?: number;
  /** Keep training at least this many optimizer steps. */
  minSteps?: number;
  /** Stop after this long: "DD:HH:MM:SS", {days, hours, minutes, seconds}, or seconds (a number; differs from Lightning). */
  maxTime?: MaxTime;
  /** Accumulate gradients over this many batches before stepping (the loss is divided by it). */
  accumulateGradBatches?: number;
  /** Clip gradients at this value (global norm or per element; see gradientClipAlgorithm). */
  gradientClipVal?: number;
  gradientClipAlgorithm?: 'norm' | 'value';
  /** Validate every fraction of an epoch (float in (0, 1]) or every N training batches (integer). */
  valCheckInterval?: number;
  /** Validate every N epochs (default 1); null validates by valCheckInterval across epochs. */
  checkValEveryNEpoch?: number | null;
  /** Validation batches run before training to catch bugs early (default 2; -1 for all). */
  numSanityValSteps?: number;
  /** Fraction (float) or count (integer) of batches to use. */
  limitTrainBatches?: number;
  limitValBatches?: number;
  limitTestBatches?: number;
  limitPredictBatches?: number;
  /** Run N (true = 1) batches of train, val, test and predict to find bugs; disables loggers and checkpointing. */
  fastDevRun?: boolean | number;
  /** Train (unshuffled) and validate on this many batches (fraction or count) to check the model can overfit. */
  overfitBatches?: number;
  /** Log step metrics to the logger every N steps (default 50). */
  logEveryNSteps?: number;
  /**
   * Train only on backends whose results repeat bit for bit (wasm, cpu): 'auto' skips webgpu and webgl
   * (saying so in `trainer.backend.rejected`), and naming either is an error. With seedEverything, two runs
   * then give the same numbers. Differs from Lightning: there are no per-op deterministic kernels to switch
   * to, so whole backends are left out.
   */
  deterministic?: boolean;
  /** Read the loss back each step and stop with an error naming the step if it is NaN or infinite. */
  detectAnomaly?: boolean;
  enableModelSummary?: boolean;
  /** Adds a ModelCheckpoint saving the last epoch when none is given (default true). */
  enableCheckpointing?: boolean;
  /**
   * Adds a ProgressBar (printed lines through `print`; one per epoch) when true. Differs from Lightning:
   * off by default, because the studio shows its own progress. False with a ProgressBar in `callbacks` is an error.
   */
  enableProgressBar?: boolean;
  callbacks?: Callback[];
  /** A logger, a list of loggers, true for the default in-memory CSVLogger, false for none. */
  logger?: Logger | Logger[] | boolean;
  /** Backend: 'auto' tries webgpu → webgl → wasm → cpu. */
  accelerator?: Accelerator;
  /** Where checkpoints are kept (default: in memory). */
  checkpointStorage?: CheckpointStorage;
  /**
   * Prefix of the paths in `checkpointStorage`: a ModelCheckpoint without `dirpath` saves under
   * '<defaultRootDir>/checkpoints' (default: 'checkpoints'). Loggers keep their rows in memory, so it has
   * no other use.
   */
  defaultRootDir?: string;
  /** Where the WASM backend finds its .wasm files (a folder URL, or a map of file name → URL). */
  wasmPaths?: string | Record<string, string>;
  /** Ours: how often (ms) logged step values are read back from the device and delivered. Default 100. */
  flushIntervalMs?: number;
  /** Ours: where the Trainer prints (model summary, notices). Default console.log; null silences it. */
  print?: ((msg: string) => void) | null;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function check(ok: boolean, name: string, what: string, v: unknown): void {
  if (!ok) throw new Error(`\`${name}\` must be ${what}, got ${fmt(v)}`);
}

/** Fraction in [0, 1] (a float) or a count (a non-negative integer); 1.0 means "all". */
function checkLimit(name: string, v: unknown): void {
  check(typeof v === 'number' && Number.isFinite(v) && v >= 0 && (isInt(v) || v <= 1), name, 'a fraction in [0.0, 1.0] or a non-negative integer count', v);
}

/** Parses maxTime to milliseconds. */
export function parseMaxTime(v: MaxTime): number {
  if (typeof v === 'number') {
    check(Number.isFinite(v) && v > 0, 'maxTime', 'a positive number of seconds, "DD:HH:MM:SS" or {days, hours, minutes, seconds}', v);
    return v * 1000;
  }
  if (typeof v === 'string') {
    const m = /^(\d+):(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(v.trim());
    check(m !== null, 'maxTime', 'a string "DD:HH:MM:SS"', v);
    const [d, h, mi, s] = m!.slice(1).map(Number) as [number, number, number, number];
    return (((d * 24 + h) * 60 + mi) * 60 + s) * 1000;
  }
  const { days = 0, hours = 0, minutes = 0, seconds = 0 } = v;
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  check(Number.isFinite(ms) && ms > 0, 'maxTime', 'a positive duration', JSON.stringify(v));
  return ms;
}

const KNOWN = new Set<string>([
  'maxEpochs', 'minEpochs', 'maxSteps', 'minSteps', 'maxTime', 'accumulateGradBatches', 'gradientClipVal', 'gradientClipAlgorithm',
  'valCheckInterval', 'checkValEveryNEpoch', 'numSanityValSteps', 'limitTrainBatches', 'limitValBatches', 'limitTestBatches',
  'limitPredictBatches', 'fastDevRun', 'overfitBatches', 'logEveryNSteps', 'deterministic', 'detectAnomaly', 'enableModelSummary',
  'enableCheckpointing', 'enableProgressBar', 'callbacks', 'logger', 'accelerator', 'checkpointStorage', 'defaultRootDir',
  'flushIntervalMs', 'print', 'wasmPaths',
]);

/** Rejects invalid options with a message naming the option and the value. */
export function validateOptions(o: TrainerOptions): void {
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new Error(`Unknown Trainer option \`${k}\` (options are camelCase, e.g. maxEpochs)`);
  }
  if (o.maxEpochs !== undefined) check(isInt(o.maxEpochs) && o.maxEpochs >= -1, 'maxEpochs', 'a non-negative integer or -1', o.maxEpochs);
  if (o.minEpochs !== undefined) check(isInt(o.minEpochs) && o.minEpochs >= 0, 'minEpochs', 'a non-negative integer', o.minEpochs);
  if (o.maxSteps !== undefined) check(isInt(o.maxSteps) && o.maxSteps >= -1, 'maxSteps', 'a non-negative integer or -1', o.maxSteps);
  if (o.minSteps !== undefined) check(isInt(o.minSteps) && o.minSteps >= 0, 'minSteps', 'a non-negative integer', o.minSteps);
  if (o.maxTime !== undefined) parseMaxTime(o.maxTime);
  if (o.accumulateGradBatches !== undefined) {
    check(isInt(o.accumulateGradBatches) && o.accumulateGradBatches >= 1, 'accumulateGradBatches', 'a positive integer', o.accumulateGradBatches);
  }
  if (o.gradientClipVal !== undefined) {
    check(typeof o.gradientClipVal === 'number' && Number.isFinite(o.gradientClipVal) && o.gradientClipVal >= 0, 'gradientClipVal', 'a non-negative number', o.gradientClipVal);
  }
  if (o.gradientClipAlgorithm !== undefined) {
    check(o.gradientClipAlgorithm === 'norm' || o.gradientClipAlgorithm === 'value', 'gradientClipAlgorithm', "'norm' or 'value'", o.gradientClipAlgorithm);
  }
  if (o.valCheckInterval !== undefined) {
    const v = o.valCheckInterval;
    check(typeof v === 'number' && Number.isFinite(v) && v > 0 && (isInt(v) || v <= 1), 'valCheckInterval', 'a fraction in (0.0, 1.0] or a positive integer number of batches', v);
  }
  if (o.checkValEveryNEpoch !== undefined && o.checkValEveryNEpoch !== null) {
    check(isInt(o.checkValEveryNEpoch) && o.checkValEveryNEpoch >= 1, 'checkValEveryNEpoch', 'a positive integer or null', o.checkValEveryNEpoch);
  }
  if (o.numSanityValSteps !== undefined) check(isInt(o.numSanityValSteps) && o.numSanityValSteps >= -1, 'numSanityValSteps', 'a non-negative integer or -1', o.numSanityValSteps);
  for (const k of ['limitTrainBatches', 'limitValBatches', 'limitTestBatches', 'limitPredictBatches', 'overfitBatches'] as const) {
    if (o[k] !== undefined) checkLimit(k, o[k]);
  }
  if (o.fastDevRun !== undefined) {
    check(typeof o.fastDevRun === 'boolean' || (isInt(o.fastDevRun) && o.fastDevRun >= 0), 'fastDevRun', 'a boolean or a non-negative integer', o.fastDevRun);
  }
  if (o.logEveryNSteps !== undefined) check(isInt(o.logEveryNSteps) && o.logEveryNSteps >= 1, 'logEveryNSteps', 'a positive integer', o.logEveryNSteps);
  if (o.accelerator !== undefined) {
    check(['auto', 'webgpu', 'webgl', 'wasm', 'cpu'].includes(o.accelerator), 'accelerator', "one of 'auto', 'webgpu', 'webgl', 'wasm', 'cpu'", o.accelerator);
  }
  if (o.flushIntervalMs !== undefined) check(typeof o.flushIntervalMs === 'number' && o.flushIntervalMs >= 0, 'flushIntervalMs', 'a non-negative number', o.flushIntervalMs);
  if (o.callbacks !== undefined) check(Array.isArray(o.callbacks), 'callbacks', 'an array of Callback', o.callbacks);
  if (o.defaultRootDir !== undefined) {
    const v = o.defaultRootDir;
    check(typeof v === 'string' && v.replace(/\/+$/, '').length > 0, 'defaultRootDir', 'a non-empty path prefix for checkpoint storage, e.g. "runs/mnist"', v);
  }
  for (const k of ['deterministic', 'detectAnomaly', 'enableModelSummary', 'enableCheckpointing', 'enableProgressBar'] as const) {
    if (o[k] !== undefined) check(typeof o[k] === 'boolean', k, 'a boolean', o[k]);
  }
}

/**
 * A limit (fraction or count) applied to a number of batches, Lightning's way.
 * Differs from Lightning: JS has one number type, so `1` means 1.0 (all batches);
 * to run exactly one batch use `fastDevRun: true`.
 */
export function applyLimit(numBatches: number, limit: number, name: string): number {
  const n = limit === 1 ? numBatches : isInt(limit) ? Math.min(numBatches, limit) : Math.floor(numBatches * limit);
  if (limit > 0 && n === 0 && numBatches > 0) {
    throw new Error(`\`${name}\`=${limit} selects no batch out of ${numBatches}; use a larger fraction or an integer count`);
  }
  return n;
}
