/**
 * Everything the training worker does, without the Worker: commands come in
 * through `handle`, events go out through the injected `post`. One session
 * runs one run at a time and stays usable after a run fails.
 */
import * as tf from '@tensorflow/tfjs-core';
// Training needs every op's gradient; tfjs-core registers them only through this side-effect
// module (the '@tensorflow/tfjs' bundle imports it, a worker built on tfjs-core alone must).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { EarlyStopping, LearningRateMonitor, Trainer, type BackendInfo } from '../lightning';
import type { ImageDecoder, ReadFile } from '../data';
import { DataSession } from './data-session';
import { ExportSession, type RunOutcome } from './export-session';
import { ImportSession, type FineTuneSource } from './import-session';
import type { LoadedData } from './dataset-report';
import { buildEvaluation, encodeInput, predictOne, predictRows } from './evaluate';
import { RunControl, macrotaskYield } from './control';
import { Outbox, realTimers, type Timers } from './outbox';
import {
  ACTIVE_STATUSES,
  PROTOCOL_VERSION,
  parseCommand,
  serializeError,
  transferablesOf,
  type BackendReport,
  type Command,
  type CommandOf,
  type CommandType,
  type DatasetReport,
  type EarlyStopReport,
  type Evaluation,
  type EventBody,
  type LogLevel,
  type ProgressBody,
  type ResultOf,
  type RunConfig,
  type RunResult,
  type RunStatus,
  type SerializedError,
  type WorkerEvent,
} from './protocol';
import { RunReporter, StreamLogger, stepNames } from './reporter';
import { findBatchSize, findLr, type TuneContext } from './tune';
import { buildRun, precheckRun, startFromWeights, type BuiltRun } from './run';
import { augmentationPreview } from './augment-preview';
import { evaluateOnLoaded } from './loaded-eval';
import { BoundaryMonitor, hasBoundary } from './boundary';
import { RunMonitor } from './monitor';

/** What a command's handler can do besides returning its result. */
interface HandlerContext {
  /** The command's id. */
  id: number;
  /** Sends a progress event carrying the command's id. */
  progress(body: ProgressBody): void;
  log(level: LogLevel, message: string): void;
}

/** Answers one command type: its reply's result, or a thrown error (the reply's error). */
type Handler<T extends CommandType> = (cmd: CommandOf<T>, ctx: HandlerContext) => ResultOf<T> | Promise<ResultOf<T>>;
type Handlers = { [T in CommandType]: Handler<T> };

export interface SessionOptions {
  /** Sends an event to the page (in the worker: `postMessage(event, transfer)`). */
  post(event: WorkerEvent, transfer: ArrayBuffer[]): void;
  /** Where the WASM backend finds its .wasm files (see TrainerOptions.wasmPaths). */
  wasmPaths?: string | Record<string, string>;
  /** Builds a run's module and data; tests inject their own. */
  buildRun?: (config: RunConfig, data: LoadedData) => Promise<BuiltRun>;
  /** Reads packed built-in files (the worker: fetch from `/datasets/`; Node tests: public/datasets). */
  readBuiltin?: ReadFile;
  /** Decodes uploaded images (the worker: `browserDecoder`). */
  decodeImage?: ImageDecoder;
  /** The bytes of tfjs's dist/tf.min.js, which bundles carry (the worker fetches its Vite asset URL). */
  loadRuntime?: () => Promise<Uint8Array>;
  /** Metrics and progress are posted at most once per this many ms (default 100). */
  postIntervalMs?: number;
  /** Steps reported as `compiling` (default 2). */
  warmupSteps?: number;
  /** Steady-state device sync interval in ms (default 100). */
  syncIntervalMs?: number;
  yieldToEventLoop?: () => Promise<void>;
  timers?: Timers;
}

/** What the run's early stopping did, when it ended the run. */
function earlyStopOf(built: BuiltRun): EarlyStopReport | null {
  const es = (built.callbacks ?? []).find((c): c is EarlyStopping => c instanceof EarlyStopping);
  if (!es?.stoppingReason) return null;
  return {
    monitor: es.monitor,
    mode: es.mode,
    patience: es.patience,
    stoppedEpoch: es.stoppedEpoch,
    bestEpoch: es.bestEpoch,
    bestScore: es.bestScore,
    restored: es.restoredBestWeights,
    reason: es.stoppingReason,
  };
}

function toReport(info: BackendInfo): BackendReport {
  const report: BackendReport = { name: info.name, rejected: info.rejected.map((r) => ({ backend: r.backend, reason: r.reason })) };
  if (info.adapter) report.adapter = { ...info.adapter };
  if (info.wasm) report.wasm = { ...info.wasm };
  return report;
}

interface LosableDevice {
  lost?: Promise<{ reason?: string; message?: string }>;
}

export class TrainingSession {
  status: RunStatus = 'idle';
  runId: string | null = null;
  /** The last run's module and data: kept (weights usable) until the next run starts. */
  lastRun: BuiltRun | null = null;
  lastTrainer: Trainer | null = null;
  /** The last finished or stopped run's backend, time and test metrics (for model cards). */
  lastOutcome: RunOutcome | null = null;
  private control: RunControl | null = null;
  /** The id of the `start` command of the run in progress: its progress events carry it. */
  private runCallId: number | null = null;
  /** `start` commands not answered yet. */
  private readonly startReplies = new Set<Promise<void>>();
  private running: Promise<void> | null = null;
  /** A finder in progress (one at a time, never beside a run); `stop` sets `cancelled`. */
  private tuning: { what: string; cancelled: boolean } | null = null;
  private readonly outbox: Outbox;
  private readonly yieldToEventLoop: () => Promise<void>;
  private readonly timers: Timers;
  private readonly watchedDevices = new WeakSet<object>();
  readonly data: DataSession;
  readonly exporter: ExportSession;
  readonly importer: ImportSession;

  constructor(private readonly opts: SessionOptions) {
    this.timers = opts.timers ?? realTimers;
    this.data = new DataSession({
      ...(opts.readBuiltin ? { readBuiltin: opts.readBuiltin } : {}),
      ...(opts.decodeImage ? { decodeImage: opts.decodeImage } : {}),
      now: () => this.timers.now(),
    });
    this.exporter = new ExportSession(opts.loadRuntime ? { loadRuntime: opts.loadRuntime } : {});
    this.importer = new ImportSession(opts.decodeImage ? { decodeImage: opts.decodeImage } : {});
    this.outbox = new Outbox((e) => this.send(e), opts.postIntervalMs ?? 100, this.timers);
    this.yieldToEventLoop = opts.yieldToEventLoop ?? macrotaskYield();
  }

  /** Tells the page the worker is up and which protocol it speaks. */
  announce(): void {
    this.post({ type: 'ready' });
    this.send({ type: 'status', runId: null, status: this.status }, null);
  }

  /** Resolves when the current run (if any) has ended and its `start` has been answered. */
  async whenIdle(): Promise<void> {
    while (this.running || this.startReplies.size > 0) {
      await this.running;
      await Promise.all(this.startReplies);
    }
  }

  /** Handles one message from the page: every command is answered with exactly one `reply`. */
  handle(data: unknown): void {
    let cmd: Command;
    try {
      cmd = parseCommand(data);
    } catch (err) {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === 'number') this.reply(id, { ok: false, error: serializeError(err) });
      else this.log('error', `a message the worker cannot read was ignored: ${(err as Error).message}`, null);
      return;
    }
    const settled = this.execute(cmd);
    if (cmd.type === 'start') {
      this.startReplies.add(settled);
      void settled.finally(() => this.startReplies.delete(settled));
    }
  }

  private async execute(cmd: Command): Promise<void> {
    const handler = this.handlers[cmd.type] as Handler<CommandType>;
    const ctx: HandlerContext = {
      id: cmd.id,
      progress: (body) => this.send(body, cmd.id),
      log: (level, message) => this.log(level, message, cmd.id),
    };
    try {
      const result = await handler(cmd as never, ctx);
      this.reply(cmd.id, { ok: true, result });
    } catch (err) {
      this.reply(cmd.id, { ok: false, error: serializeError(err) });
    }
  }

  /** One handler per command type; each returns the reply's result or throws its error. */
  private readonly handlers = {
    start: (cmd, ctx) => this.start(cmd.runId, cmd.config, ctx.id),
    pause: () => {
      this.requireRun('pause').pause();
      return null;
    },
    resume: () => {
      if (!this.control?.pauseRequested && this.status !== 'paused') throw new Error(`\`resume\` needs a paused run; the status is ${this.status}`);
      this.control?.resume();
      return null;
    },
    // Idempotent: a stop that races the run's natural end is not an error.
    stop: () => {
      this.control?.stop();
      if (this.tuning) this.tuning.cancelled = true;
      return null;
    },
    findLr: (cmd, ctx) => this.tune('the learning-rate finder', cmd.config, ctx, findLr),
    findBatchSize: (cmd, ctx) => this.tune('the batch-size finder', cmd.config, ctx, findBatchSize),
    ping: () => null,
    loadBuiltin: (cmd, ctx) => this.dataCommand(ctx, () => this.data.loadBuiltin(cmd.request)),
    upload: (cmd, ctx) => this.dataCommand(ctx, () => this.data.upload(cmd.files, cmd.options, (progress) => ctx.progress({ type: 'dataProgress', progress }))),
    configureData: (cmd, ctx) => this.dataCommand(ctx, async () => this.data.configure(cmd.choices)),
    predict: async (cmd) => {
      if (cmd.model === 'imported') {
        await this.data.settled();
        return this.importer.predictImported(cmd.input, this.data.current);
      }
      const run = this.lastRun;
      if (!run?.data || ACTIVE_STATUSES.includes(this.status)) throw new Error('`predict` needs a trained model: train one first (and wait for it to end)');
      const x = await encodeInput(run.data.dataset, cmd.input, this.opts.decodeImage);
      return predictOne(run.module, run.data.dataset, x);
    },
    previewAugmentation: async (cmd) => {
      await this.data.settled();
      if (!this.data.current) throw new Error('`previewAugmentation` needs a dataset; load one first');
      return augmentationPreview(this.data.current, cmd.augmentation, cmd.seed);
    },
    export: async (cmd, ctx) => {
      const { run, outcome } = this.exportable('export');
      const file = await this.logFailure(ctx, 'export', () => this.exporter.export(run, outcome, cmd.request));
      ctx.log('info', `exported ${file.fileName} (${file.bytes.byteLength} bytes)`);
      return file;
    },
    compareVariants: (_cmd, ctx) => {
      const { run } = this.exportable('compareVariants');
      return this.logFailure(ctx, 'compareVariants', () => this.exporter.variants(run));
    },
    importModel: async (cmd, ctx) => {
      if (ACTIVE_STATUSES.includes(this.status)) throw new Error(`\`importModel\` waits for the run to end; the status is ${this.status}`);
      await this.data.settled();
      return this.logFailure(ctx, 'importModel', () => this.importer.import(cmd.files, this.data.current));
    },
    restoreRunData: async (_cmd, ctx) => {
      const run = this.lastRun;
      if (!run?.data || ACTIVE_STATUSES.includes(this.status)) throw new Error(`\`restoreRunData\` needs a run that has ended; the status is ${this.status}`);
      const data = run.data;
      const loaded = await this.data.enqueue(async () => (this.data.current = data));
      ctx.log('info', `loaded ${loaded.dataset.name} again (the dataset run ${this.runId} trained on)`);
      return loaded.report;
    },
    evaluateLoaded: async () => {
      const run = this.lastRun;
      if (!run?.data || ACTIVE_STATUSES.includes(this.status)) throw new Error(`\`evaluateLoaded\` needs a run that has ended; the status is ${this.status}`);
      await this.data.settled();
      if (!this.data.current) throw new Error('`evaluateLoaded` needs a loaded dataset');
      return evaluateOnLoaded(run, this.data.current);
    },
  } satisfies Handlers;

  /** A data command: queued behind earlier loads; a failure leaves the previous dataset loaded and is logged. */
  private async dataCommand(ctx: HandlerContext, job: () => Promise<LoadedData>): Promise<DatasetReport> {
    const loaded = await this.logFailure(ctx, null, () => this.data.enqueue(job));
    return loaded.report;
  }

  private async logFailure<T>(ctx: HandlerContext, what: string | null, job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } catch (err) {
      const e = serializeError(err);
      ctx.log('warn', `${what ? `${what}: ` : ''}${e.name}: ${e.message}`);
      throw err;
    }
  }

  /** The last run, when it can be exported: it finished or was stopped, and no run is active. */
  private exportable(what: string): { run: BuiltRun; outcome: RunOutcome } {
    const run = this.lastRun;
    const outcome = this.lastOutcome;
    if (!run?.data || !outcome || ACTIVE_STATUSES.includes(this.status)) {
      throw new Error(`\`${what}\` needs a finished or stopped run; the status is ${this.status}`);
    }
    return { run, outcome };
  }

  /** The run's dataset: the loaded one, or (nothing loaded yet) the built-in the config names. */
  private async runData(config: RunConfig): Promise<LoadedData> {
    await this.data.settled();
    if (this.data.current) return this.data.current;
    return this.data.enqueue(() => this.data.loadBuiltin({ name: config.dataset }));
  }

  private requireRun(what: string): RunControl {
    if (!this.control) throw new Error(`\`${what}\` needs an active run; the status is ${this.status}`);
    return this.control;
  }

  /** A finder on the config's model and the loaded data; refused beside a run or another finder. */
  private async tune<R>(what: string, config: RunConfig, ctx: HandlerContext, find: (c: RunConfig, d: LoadedData, t: TuneContext) => Promise<R>): Promise<R> {
    if (this.running || ACTIVE_STATUSES.includes(this.status)) throw new Error(`${what} waits for the run to end; the status is ${this.status}`);
    if (this.tuning) throw new Error(`${this.tuning.what} is already running; stop it first`);
    const state = { what, cancelled: false };
    this.tuning = state;
    try {
      const data = await this.runData(config);
      return await find(config, data, {
        progress: (progress) => ctx.progress({ type: 'tune', progress }),
        cancelled: () => state.cancelled,
        now: () => this.timers.now(),
        print: (m) => this.log('info', m),
        ...(this.opts.wasmPaths !== undefined ? { wasmPaths: this.opts.wasmPaths } : {}),
      });
    } finally {
      this.tuning = null;
    }
  }

  /** A whole run: its progress streams under the `start` command's id; resolves when it ends. */
  private start(runId: string, config: RunConfig, callId: number): Promise<RunResult> {
    if (typeof runId !== 'string' || runId === '') throw new Error(`\`runId\` must be a non-empty string, got ${JSON.stringify(runId)}`);
    if (this.running || ACTIVE_STATUSES.includes(this.status)) {
      throw new Error(`a run is already active (${this.runId}, status ${this.status}); stop it before starting another`);
    }
    if (this.tuning) throw new Error(`${this.tuning.what} is running; wait for it or stop it before training`);
    const control = new RunControl();
    this.control = control;
    this.runId = runId;
    this.runCallId = callId;
    this.setStatus('preparing');
    const run = this.run(runId, config, control);
    this.running = run.then(
      () => {},
      () => {},
    );
    return run.finally(() => {
      this.running = null;
      this.control = null;
      this.runCallId = null;
    });
  }

  private async run(runId: string, config: RunConfig, control: RunControl): Promise<RunResult> {
    const t0 = this.timers.now();
    let from: FineTuneSource | null = null;
    try {
      await this.yieldToEventLoop(); // let the page draw 'preparing' and queue early commands
      let data = await this.runData(config);
      // The checks that need no memory come first: a run refused here leaves the last model usable ("Try it").
      precheckRun(config, data);
      // Fine-tuning: the imported bundle's spec, and the data encoded with its preprocessing.
      from = config.initFrom === 'imported' ? this.importer.fineTuneSource(data) : null;
      if (from) data = from.data;
      // The last run's tensors go before the new run's are made, so two runs never share the memory.
      this.releaseLastRun();
      const built = await (this.opts.buildRun ?? buildRun)(from ? { ...config, spec: from.spec } : config, data);
      this.lastRun = built;
      if (from) {
        try {
          startFromWeights(built, from.weights, from.source);
        } catch (err) {
          this.lastRun = null;
          built.dispose();
          throw err;
        } finally {
          from.weights.forEach((w) => w.dispose());
        }
        built.summary += ` · starts from the weights of ${from.source}`;
      }
      this.log('info', built.summary);
      const reporter = new RunReporter({
        control,
        setStatus: (s) => this.setStatus(s),
        backend: (info) => this.onBackend(runId, info, control),
        progress: (p) => this.outbox.setProgress(runId, p),
        yieldToEventLoop: this.yieldToEventLoop,
        now: () => this.timers.now(),
        warmupSteps: this.opts.warmupSteps ?? 2,
        syncIntervalMs: this.opts.syncIntervalMs ?? 100,
      });
      const trainer = new Trainer({
        accelerator: config.accelerator,
        maxEpochs: config.maxEpochs,
        maxSteps: config.maxSteps ?? -1,
        // Every value to the UI; the Trainer still reads them back in batches every flushIntervalMs.
        logEveryNSteps: 1,
        flushIntervalMs: this.opts.postIntervalMs ?? 100,
        logger: new StreamLogger((metrics, step) => this.outbox.addMetrics(runId, stepNames(metrics), step)),
        // The LR chart: each optimizer's rate, logged at its scheduler's interval (per epoch without one).
        callbacks: [
          reporter,
          new LearningRateMonitor({ logAtEnd: true }),
          ...this.boundaryMonitor(runId, built),
          // Gradient norms, histograms, device memory and epoch timing for the Monitor panel.
          ...new RunMonitor((monitor) => this.send({ type: 'monitor', runId, monitor }), () => this.timers.now(), this.opts.postIntervalMs ?? 100).callbacks,
          ...(built.callbacks ?? []),
        ],
        ...built.trainerOptions,
        enableCheckpointing: false,
        detectAnomaly: config.detectAnomaly ?? false,
        print: (m) => this.log('info', m),
        ...(this.opts.wasmPaths !== undefined ? { wasmPaths: this.opts.wasmPaths } : {}),
      });
      this.lastTrainer = trainer;
      await trainer.fit(built.module, { trainDataloaders: built.train, ...(built.val ? { valDataloaders: built.val } : {}) });
      if (control.failure) throw control.failure;
      const status = control.stopRequested ? 'stopped' : 'finished';
      const { metrics: testMetrics, evaluation } = status === 'finished' ? await this.evaluate(built, trainer) : { metrics: {}, evaluation: null };
      this.outbox.flush();
      const metrics = Object.fromEntries(Object.entries(trainer.callbackMetrics).filter(([, v]) => Number.isFinite(v)));
      const durationMs = this.timers.now() - t0;
      this.lastOutcome = {
        backend: tf.getBackend(),
        durationMs,
        testMetrics,
        epochs: trainer.currentEpoch,
        augmentation: built.augmentation ?? null,
        ...(from ? { startedFrom: from.source } : {}),
      };
      this.log('info', `run ${status} after ${trainer.globalStep} steps in ${(durationMs / 1000).toFixed(1)} s (${tf.memory().numTensors} tensors live)`);
      this.setStatus(status);
      return { status, metrics, durationMs, steps: trainer.globalStep, epochs: trainer.currentEpoch, evaluation, earlyStop: earlyStopOf(built) };
    } catch (err) {
      from?.weights.forEach((w) => w.dispose());
      from = null;
      this.outbox.flush();
      const error = serializeError(err);
      this.log('error', `${error.name}: ${error.message}`);
      this.setStatus('failed');
      throw err;
    }
  }

  /** `trainer.test` on the held-out split, then the evaluation pass the Evaluate step shows. */
  private async evaluate(built: BuiltRun, trainer: Trainer): Promise<{ metrics: Record<string, number>; evaluation: Evaluation | null }> {
    if (!built.test || !built.testSplit || !built.data) return { metrics: {}, evaluation: null };
    const t0 = this.timers.now();
    const [results] = await trainer.test(built.module, { dataloaders: built.test });
    const metrics = Object.fromEntries(Object.entries(results ?? {}).filter(([k, v]) => k.startsWith('test_') && Number.isFinite(v)));
    const ds = built.data.dataset;
    const outputs = await predictRows(built.module, ds, ds.splits[built.testSplit]);
    const evaluation = buildEvaluation(built.data, built.testSplit, outputs, metrics);
    const note = built.testSplit === 'validation' ? ' (no separate test split: the validation rows)' : '';
    this.log('info', `evaluated on ${evaluation.count} ${built.testSplit} rows${note} in ${Math.round(this.timers.now() - t0)} ms`);
    return { metrics, evaluation };
  }

  /** Two-feature tables: the decision picture after every epoch (TensorFlow Playground's view). */
  private boundaryMonitor(runId: string, built: BuiltRun): BoundaryMonitor[] {
    const ds = built.data?.dataset;
    if (!ds || !hasBoundary(ds)) return [];
    return [new BoundaryMonitor(ds, (boundary) => this.send({ type: 'boundary', runId, boundary }), () => this.timers.now())];
  }

  /** Frees the previous run's data, weights and optimizer state. */
  releaseLastRun(): void {
    this.lastTrainer?.optimizers.forEach((o) => o.dispose());
    this.lastRun?.dispose();
    this.lastRun = null;
    this.lastTrainer = null;
    this.lastOutcome = null;
  }

  private onBackend(runId: string, info: BackendInfo, control: RunControl): void {
    const report = toReport(info);
    this.send({ type: 'backend', runId, backend: report });
    for (const r of report.rejected) this.log('info', `backend ${r.backend} skipped: ${r.reason}`);
    const adapter = report.adapter ? ` (${report.adapter.vendor} ${report.adapter.architecture})` : '';
    this.log('info', `training on ${report.name}${adapter}`);
    if (report.name === 'webgpu') this.watchDevice(control);
  }

  /** A lost WebGPU device fails the run at its next step boundary instead of hanging it. */
  private watchDevice(control: RunControl): void {
    const device = (tf.backend() as unknown as { device?: LosableDevice }).device;
    if (!device?.lost || this.watchedDevices.has(device)) return;
    this.watchedDevices.add(device);
    void device.lost.then((info) => {
      const err = new Error(`the WebGPU device was lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}; reload the page or choose another accelerator`);
      err.name = 'DeviceLostError';
      if (this.control === control) control.fail(err);
      else this.log('warn', err.message, null);
    });
  }

  private setStatus(status: RunStatus): void {
    this.status = status;
    this.send({ type: 'status', runId: this.runId, status }, this.runCallId);
  }

  /** A log line of the run in progress (or of the command `id`; null: of no command). */
  private log(level: LogLevel, message: string, id: number | null = this.runCallId): void {
    this.send({ type: 'log', runId: id === this.runCallId ? this.runId : null, level, message }, id);
  }

  private reply(id: number, outcome: { ok: true; result: unknown } | { ok: false; error: SerializedError }): void {
    // Progress queued before the reply must arrive before it.
    if (this.outbox.hasPending) this.outbox.flush();
    this.post({ type: 'reply', id, ...outcome });
  }

  /** A progress event of the command `id` (by default the run's `start`; null: of no command). */
  private send(body: ProgressBody, id: number | null = this.runCallId): void {
    // Metrics and progress queued before a status change must arrive before it.
    if (body.type === 'status' && this.outbox.hasPending) this.outbox.flush();
    this.post({ ...body, id });
  }

  private post(body: EventBody): void {
    const event = { ...body, v: PROTOCOL_VERSION } as WorkerEvent;
    this.opts.post(event, transferablesOf(event));
  }
}
