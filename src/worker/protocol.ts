/**
 * The messages between the page and the training worker. Both directions are
 * discriminated unions on `type`, stamped with the protocol version, and hold
 * only structured-cloneable plain data; typed arrays ride in the transfer list
 * (see `transferablesOf`). Imported by both sides, so it imports only types
 * (erased at build time): the page bundle gets no data or model code from here.
 *
 * One command, one reply: every command carries an id and the worker answers
 * it exactly once, with `{ type: 'reply', id, ok: true, result }` (the
 * result's type is `CommandResults[command type]`) or `{ ok: false, error }`.
 * While a command runs, the worker may send progress events carrying the same
 * id (a run's status, backend, metrics, progress and log lines; a load's parse
 * progress). A training run is one long `start` command; pause, resume and
 * stop are short commands of their own.
 *
 * Version 3: replies carry results, and the separate result events of
 * version 2 (dataset, dataError, evaluation, prediction, exported, variants,
 * imported, exportError, augmentationPreview, result, error) are gone.
 */
import type { AugmentationSpec } from '../data/images/augment';
import type { DataIssue } from '../data/errors';
import type { ModelSpec } from '../models/spec';
import type { BatchFindReport, LrFindReport, TuneProgress } from './protocol-tune';
import type { BuiltinRequest, DataChoices, DataProgress, DatasetReport, Evaluation, PredictInput, Prediction, ThumbnailData, UploadFile, UploadOptions } from './protocol-data';
import type { ExportRequest, ExportedFile, ImportReport, VariantsReport } from './protocol-export';

export type * from './protocol-data';
export type * from './protocol-tune';
export type { AugmentationSpec };
export type * from './protocol-export';

export const PROTOCOL_VERSION = 3 as const;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

export type RunStatus = 'idle' | 'preparing' | 'compiling' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';
/** Statuses during which a run holds the worker (a new start is refused). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['preparing', 'compiling', 'training', 'paused'];

export type AcceleratorChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const ACCELERATOR_CHOICES: readonly AcceleratorChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** Test hooks; never set by the studio's own controls. */
export interface RunDebug {
  /** Multiply the loss by NaN at this global step (0-based), so `detectAnomaly` fails the run. */
  injectNaNAtStep?: number;
}

/** Everything a run needs, as plain data: what the page sends with `start`. */
export interface RunConfig {
  /**
   * The dataset's name. The run trains on the dataset the worker has loaded;
   * when none is loaded yet this names the built-in to load first.
   */
  dataset: string;
  /** The architecture and recipe; null or absent for the dataset's default preset. */
  spec?: ModelSpec | null;
  accelerator: AcceleratorChoice;
  /** Epochs (overrides the recipe's). */
  maxEpochs: number;
  /** Optimizer steps after which to stop; -1 or absent for no limit. */
  maxSteps?: number;
  /** Overrides the recipe's batch size. */
  batchSize?: number;
  /** Overrides the recipe's learning rate. */
  learningRate?: number;
  /** Overrides the recipe's seed. */
  seed?: number;
  /**
   * Random flips, shifts, rotations and brightness changes applied to every
   * training batch on the device (image datasets only; never to validation,
   * test or prediction batches). Absent or null for none.
   */
  augmentation?: AugmentationSpec | null;
  /**
   * 'imported': continue training (fine-tune) the model loaded with
   * `importModel`: its bundle's architecture and recipe (the config's epochs,
   * batch size, learning rate and seed still override), its weights, and the
   * loaded dataset encoded with the bundle's preprocessing. `spec` is ignored.
   */
  initFrom?: 'imported';
  /** Training batches per epoch at most (a quick run on a subset). */
  limitTrainBatches?: number;
  /** Read the loss back every step and fail the run on NaN/Infinity (costs one readback per step). */
  detectAnomaly?: boolean;
  debug?: RunDebug;
  /** Recipe values that came from the finders (recorded in the card): the LR finder's rule, the batch finder's objective. */
  tuned?: { lr?: { value: number; rule: string }; batchSize?: { value: number; objective: string } };
}

/** Training images as loaded and as several random draws of an augmentation. */
export interface AugmentationPreview {
  images: Array<{ original: ThumbnailData; augmented: ThumbnailData[] }>;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** A data error's file, row, column and what was expected (see DataError.toIssue). */
  issue?: DataIssue;
}

/** An error rebuilt on the page from a reply: the worker's name, message and stack, and a data error's issue. */
export interface WorkerError extends Error {
  issue?: DataIssue;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description?: string;
}

export interface BackendReport {
  /** The backend in use: 'webgpu', 'webgl', 'wasm' or 'cpu'. */
  name: string;
  adapter?: AdapterReport;
  wasm?: { simd: boolean; threads: boolean; threadsCount: number };
  /** Better backends that were tried first, and why each was not used. */
  rejected: Array<{ backend: string; reason: string }>;
}

/**
 * Logged values in columns: point i is metric `names[nameIndex[i]]` at
 * `steps[i]` with `values[i]`. Float64 keeps every value exactly.
 */
export interface MetricBatch {
  names: string[];
  nameIndex: Uint16Array;
  steps: Float64Array;
  values: Float64Array;
}

export interface MetricPoint {
  name: string;
  step: number;
  value: number;
}

export interface Progress {
  /** 0-based epoch in progress. */
  epoch: number;
  /** -1 when the run is bounded by steps only. */
  totalEpochs: number;
  /** Batches done in the current epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** Optimizer steps done. */
  step: number;
  /** Total optimizer steps the run will take, or -1 when unbounded. */
  totalSteps: number;
  /** Steady-state throughput, measured after warm-up (0 until then). */
  samplesPerSec: number;
  /** Seconds left at steady-state speed, or null when unknown. */
  etaSeconds: number | null;
  /** Time from the start of fit to the end of the warm-up steps (shader compilation), or null until known. */
  compileMs: number | null;
}

/** A histogram: `counts[i]` values in [min + i·w, min + (i+1)·w), w = (max − min) / counts.length. */
export interface HistogramData {
  min: number;
  max: number;
  counts: number[];
}

export interface MonitorDeviceStats {
  step: number;
  epoch: number;
  numTensors: number;
  numBytes: number;
  /** GPU buffer/texture bytes where the backend reports them (webgpu, webgl), else null. */
  gpuBytes: number | null;
}

/** Wall time of one training epoch and of its phases (the validation run inside it). */
export interface EpochTiming {
  epoch: number;
  epochMs: number;
  trainMs: number;
  validationMs: number;
}

/**
 * What the run's monitors read back since the previous `monitor` event:
 * gradient norms per parameter (and their total), weight and gradient
 * histograms per parameter, device memory samples, epoch timings, and the
 * leak warning once live tensors grew across epochs.
 */
export interface MonitorUpdate {
  gradNorms: Array<{ step: number; total: number; norms: Record<string, number> }>;
  histograms: Array<{ step: number; params: Array<{ name: string; weights: HistogramData; grads: HistogramData }> }>;
  device: MonitorDeviceStats[];
  epochs: EpochTiming[];
  leak: string | null;
}

export interface RunResult {
  status: 'finished' | 'stopped';
  /** The last value of every metric, as the Trainer's callbackMetrics (finite values only). */
  metrics: Record<string, number>;
  durationMs: number;
  steps: number;
  epochs: number;
  /** The held-out evaluation of a finished run (null when stopped, or without held-out rows). */
  evaluation: Evaluation | null;
  /** Set when early stopping ended the run before its last epoch. */
  earlyStop: EarlyStopReport | null;
}

/** Why early stopping ended a run, and which weights the model kept. */
export interface EarlyStopReport {
  monitor: string;
  mode: 'min' | 'max';
  patience: number;
  /** 0-based epoch of the check that stopped the run, and of the best check. */
  stoppedEpoch: number;
  bestEpoch: number;
  bestScore: number;
  /** Whether the weights of `bestEpoch` were put back (else the last epoch's are kept). */
  restored: boolean;
  /** The callback's own sentence. */
  reason: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * A two-feature table's decision picture after an epoch: a size × size grid over the encoded feature
 * plane (row 0 at the top: largest y), with the predicted class and its probability per cell
 * (classification) or the predicted value (regression), and a sample of the training points.
 */
export interface BoundaryReport {
  epoch: number;
  task: 'classification' | 'regression';
  size: number;
  xRange: [number, number];
  yRange: [number, number];
  /** The encoded features' names (x, y). */
  axes: [string, string];
  labels: string[];
  classes: Uint8Array | null;
  confidence: Float32Array | null;
  values: Float32Array | null;
  /** Training points in the same plane, with their target (class index or encoded value). */
  points: { x: Float32Array; y: Float32Array; target: Float32Array };
}

// ----- commands: page → worker ------------------------------------------------

export type CommandBody =
  /** A whole training run: progress events stream under the command's id; the reply comes when the run ends. */
  | { type: 'start'; runId: string; config: RunConfig }
  | { type: 'loadBuiltin'; request: BuiltinRequest }
  | { type: 'upload'; files: UploadFile[]; options?: UploadOptions }
  | { type: 'configureData'; choices: DataChoices }
  /** `model`: the last run's (default) or the re-imported one. */
  | { type: 'predict'; input: PredictInput; model?: 'run' | 'imported' }
  | { type: 'export'; request: ExportRequest }
  | { type: 'compareVariants' }
  /** A few training images of the loaded dataset, as loaded and augmented. */
  | { type: 'previewAugmentation'; augmentation: AugmentationSpec; seed: number }
  /** A bundle zip, or model.json and its shards (bytes transferred). */
  | { type: 'importModel'; files: UploadFile[] }
  /** Makes the last run's dataset the loaded one again (after another one was loaded). */
  | { type: 'restoreRunData' }
  /** The last run's model on the loaded dataset's held-out rows, when the loaded data fits the run's columns. */
  | { type: 'evaluateLoaded' }
  /** The learning-rate finder on the config's model and the loaded data (`stop` cancels it); progress as `tune` events. */
  | { type: 'findLr'; config: RunConfig }
  /** The batch-size finder on the config's model and the loaded data (`stop` cancels it). */
  | { type: 'findBatchSize'; config: RunConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'ping' };

/** A command with its request id; the worker answers each with exactly one `reply` of the same id. */
export type Command = CommandBody & { v: ProtocolVersion; id: number };
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<CommandBody, { type: T }>;

/** What each command's reply carries when it succeeds. */
export interface CommandResults {
  start: RunResult;
  loadBuiltin: DatasetReport;
  upload: DatasetReport;
  configureData: DatasetReport;
  predict: Prediction;
  export: ExportedFile;
  compareVariants: VariantsReport;
  previewAugmentation: AugmentationPreview;
  importModel: ImportReport;
  restoreRunData: DatasetReport;
  evaluateLoaded: Evaluation;
  findLr: LrFindReport;
  findBatchSize: BatchFindReport;
  pause: null;
  resume: null;
  stop: null;
  ping: null;
}
export type ResultOf<T extends CommandType> = CommandResults[T];

export const COMMAND_TYPES = ['start', 'loadBuiltin', 'upload', 'configureData', 'predict', 'previewAugmentation', 'export', 'compareVariants', 'importModel', 'restoreRunData', 'evaluateLoaded', 'findLr', 'findBatchSize', 'pause', 'resume', 'stop', 'ping'] as const satisfies readonly CommandType[];

// ----- events: worker → page ------------------------------------------------------

/**
 * What a command reports while it runs (a run's status, backend, metrics and
 * progress; a load's parse progress; log lines). Each carries the id of the
 * command it belongs to, or null when it belongs to none (the worker's own
 * status when it starts, a warning after a run ended).
 */
export type ProgressBody =
  | { type: 'status'; runId: string | null; status: RunStatus }
  | { type: 'backend'; runId: string; backend: BackendReport }
  | { type: 'metrics'; runId: string; batch: MetricBatch }
  | { type: 'progress'; runId: string; progress: Progress }
  | { type: 'boundary'; runId: string; boundary: BoundaryReport }
  | { type: 'monitor'; runId: string; monitor: MonitorUpdate }
  | { type: 'log'; runId: string | null; level: LogLevel; message: string }
  | { type: 'dataProgress'; progress: DataProgress }
  | { type: 'tune'; progress: TuneProgress };
export type ProgressType = ProgressBody['type'];

export type ReplyBody =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError };

export type EventBody = { type: 'ready' } | ReplyBody | (ProgressBody & { id: number | null });

export type WorkerEvent = EventBody & { v: ProtocolVersion };
export type ProgressEvent = Extract<WorkerEvent, { type: ProgressType }>;
export type EventType = WorkerEvent['type'];

export const PROGRESS_TYPES = ['status', 'backend', 'metrics', 'progress', 'boundary', 'monitor', 'log', 'dataProgress', 'tune'] as const satisfies readonly ProgressType[];
export const EVENT_TYPES = ['ready', 'reply', ...PROGRESS_TYPES] as const satisfies readonly EventType[];

// Compile-time proof that the lists above name every member of the unions.
type Missing<U, L extends readonly unknown[]> = Exclude<U, L[number]>;
const allCommandsListed: Missing<CommandType, typeof COMMAND_TYPES> extends never ? true : false = true;
const allEventsListed: Missing<EventType, typeof EVENT_TYPES> extends never ? true : false = true;
const allResultsListed: Exclude<CommandType, keyof CommandResults> extends never ? true : false = true;
void allCommandsListed;
void allEventsListed;
void allResultsListed;

// ----- helpers ---------------------------------------------------------------------

/** For the `default` branch of a switch over a union: a compile error when a case is missing. */
export function assertNever(x: never, what = 'message'): never {
  const type = (x as { type?: unknown } | null)?.type;
  throw new Error(`unhandled ${what} type ${JSON.stringify(type ?? x)}`);
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const out: SerializedError = { name: err.name || 'Error', message: err.message };
    if (err.stack) out.stack = err.stack;
    const issue = (err as { toIssue?: () => DataIssue }).toIssue;
    if (typeof issue === 'function') out.issue = issue.call(err);
    return out;
  }
  return { name: 'Error', message: typeof err === 'string' ? err : JSON.stringify(err) ?? String(err) };
}

/** Rebuilds an Error on the receiving side, keeping the worker's name, stack and data issue. */
export function deserializeError(e: SerializedError): WorkerError {
  const err: WorkerError = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  if (e.issue) err.issue = e.issue;
  return err;
}

export function encodeMetricBatch(points: readonly MetricPoint[]): MetricBatch {
  const names: string[] = [];
  const index = new Map<string, number>();
  const nameIndex = new Uint16Array(points.length);
  const steps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  points.forEach((p, i) => {
    let k = index.get(p.name);
    if (k === undefined) {
      k = names.length;
      if (k > 0xffff) throw new Error(`a metric batch holds at most 65536 metric names, got more (at ${JSON.stringify(p.name)})`);
      names.push(p.name);
      index.set(p.name, k);
    }
    nameIndex[i] = k;
    steps[i] = p.step;
    values[i] = p.value;
  });
  return { names, nameIndex, steps, values };
}

export function decodeMetricBatch(batch: MetricBatch): MetricPoint[] {
  const out: MetricPoint[] = new Array(batch.values.length);
  for (let i = 0; i < batch.values.length; i++) {
    out[i] = { name: batch.names[batch.nameIndex[i]!]!, step: batch.steps[i]!, value: batch.values[i]! };
  }
  return out;
}

/** The buffers to transfer (not copy) with an event: metric columns, a run's evaluation arrays, an exported file. */
export function transferablesOf(event: WorkerEvent): ArrayBuffer[] {
  if (event.type === 'metrics') {
    const { nameIndex, steps, values } = event.batch;
    return [nameIndex.buffer as ArrayBuffer, steps.buffer as ArrayBuffer, values.buffer as ArrayBuffer];
  }
  if (event.type === 'boundary') {
    const b = event.boundary;
    return [b.classes, b.confidence, b.values, b.points.x, b.points.y, b.points.target].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
  }
  if (event.type === 'reply' && event.ok) return resultTransferables(event.result);
  return [];
}

function resultTransferables(result: unknown): ArrayBuffer[] {
  const r = result as Partial<RunResult & ExportedFile> | null;
  if (typeof r !== 'object' || r === null) return [];
  if (r.bytes instanceof ArrayBuffer) return [r.bytes];
  const ev = r.evaluation;
  if (ev?.actual && ev.predicted) return [ev.actual.buffer as ArrayBuffer, ev.predicted.buffer as ArrayBuffer];
  return [];
}

/** The buffers a command hands over (uploads and image predictions). */
export function commandTransferables(body: CommandBody): ArrayBuffer[] {
  if (body.type === 'upload' || body.type === 'importModel') return body.files.map((f) => f.bytes);
  if (body.type === 'predict' && body.input.kind === 'image') return [body.input.bytes];
  return [];
}

const COMMANDS = new Set<string>(COMMAND_TYPES);
const EVENTS = new Set<string>(EVENT_TYPES);

/** Checks a received command's envelope; throws naming the bad field. */
export function parseCommand(data: unknown): Command {
  const m = data as Partial<Command> | null;
  if (typeof m !== 'object' || m === null) throw new Error(`a command must be an object, got ${String(data)}`);
  if (m.v !== PROTOCOL_VERSION) throw new Error(`command \`v\` must be protocol version ${PROTOCOL_VERSION}, got ${JSON.stringify(m.v)}`);
  if (typeof m.id !== 'number') throw new Error(`command \`id\` must be a number, got ${JSON.stringify(m.id)}`);
  if (typeof m.type !== 'string' || !COMMANDS.has(m.type)) {
    throw new Error(`command \`type\` must be one of ${COMMAND_TYPES.join(', ')}, got ${JSON.stringify(m.type)}`);
  }
  return m as Command;
}

/** Checks a received event's envelope; throws naming the bad field. */
export function parseEvent(data: unknown): WorkerEvent {
  const m = data as Partial<WorkerEvent> | null;
  if (typeof m !== 'object' || m === null) throw new Error(`an event must be an object, got ${String(data)}`);
  if (m.v !== PROTOCOL_VERSION) throw new Error(`event \`v\` must be protocol version ${PROTOCOL_VERSION}, got ${JSON.stringify(m.v)}`);
  if (typeof m.type !== 'string' || !EVENTS.has(m.type)) {
    throw new Error(`event \`type\` must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(m.type)}`);
  }
  return m as WorkerEvent;
}
