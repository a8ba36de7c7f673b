/**
 * Everything the training worker does, without the Worker: commands come in
 * through `handle`, events go out through the injected `post`. One session
 * runs one run at a time and stays usable after a run fails.
 */
import * as tf from '@tensorflow/tfjs-core';
// Training needs every op's gradient; tfjs-core registers them only through this side-effect
// module (the '@tensorflow/tfjs' bundle imports it, a worker built on tfjs-core alone must).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { LearningRateMonitor, Trainer, type BackendInfo } from '../lightning';
import { isDataError, type ImageDecoder, type ReadFile } from '../data';
import { DataSession } from './data-session';
import { ExportSession, type FineTuneSource, type RunOutcome } from './export-session';
import type { LoadedData } from './dataset-report';
import { buildEvaluation, encodeInput, predictOne, predictRows } from './evaluate';
import { RunControl, macrotaskYield } from './control';
import { Outbox, realTimers, type Timers } from './outbox';
import {
  ACTIVE_STATUSES,
  PROTOCOL_VERSION,
  assertNever,
  parseCommand,
  serializeError,
  transferablesOf,
  type BackendReport,
  type Command,
  type DataFailure,
  type DataProgress,
  type EventBody,
  type PredictInput,
  type LogLevel,
  type RunConfig,
  type RunStatus,
  type WorkerEvent,
} from './protocol';
import { RunReporter, StreamLogger, stepNames } from './reporter';
import { buildRun, precheckRun, startFromWeights, type BuiltRun } from './run';
import { augmentationPreview } from './augment-preview';

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
  private running: Promise<void> | null = null;
  private readonly outbox: Outbox;
  private readonly yieldToEventLoop: () => Promise<void>;
  private readonly timers: Timers;
  private readonly watchedDevices = new WeakSet<object>();
  readonly data: DataSession;
  readonly exporter: ExportSession;

  constructor(private readonly opts: SessionOptions) {
    this.timers = opts.timers ?? realTimers;
    this.data = new DataSession({
      ...(opts.readBuiltin ? { readBuiltin: opts.readBuiltin } : {}),
      ...(opts.decodeImage ? { decodeImage: opts.decodeImage } : {}),
      now: () => this.timers.now(),
    });
    this.exporter = new ExportSession({
      ...(opts.loadRuntime ? { loadRuntime: opts.loadRuntime } : {}),
      ...(opts.decodeImage ? { decodeImage: opts.decodeImage } : {}),
    });
    this.outbox = new Outbox((e) => this.send(e), opts.postIntervalMs ?? 100, this.timers);
    this.yieldToEventLoop = opts.yieldToEventLoop ?? macrotaskYield();
  }

  /** Tells the page the worker is up and which protocol it speaks. */
  announce(): void {
    this.send({ type: 'ready' });
    this.send({ type: 'status', runId: null, status: this.status });
  }

  /** Resolves when the current run (if any) has ended. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Handles one message from the page; answers every command with a `reply`. */
  handle(data: unknown): void {
    let cmd: Command;
    try {
      cmd = parseCommand(data);
    } catch (err) {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === 'number') this.send({ type: 'reply', id, ok: false, error: serializeError(err) });
      else this.send({ type: 'error', runId: null, error: serializeError(err) });
      return;
    }
    try {
      this.dispatch(cmd);
      this.send({ type: 'reply', id: cmd.id, ok: true });
      this.dispatchData(cmd);
    } catch (err) {
      this.send({ type: 'reply', id: cmd.id, ok: false, error: serializeError(err) });
    }
  }

  private dispatch(cmd: Command): void {
    switch (cmd.type) {
      case 'start':
        this.start(cmd.runId, cmd.config);
        return;
      case 'pause':
        this.requireRun('pause').pause();
        return;
      case 'resume':
        if (!this.control?.pauseRequested && this.status !== 'paused') throw new Error(`\`resume\` needs a paused run; the status is ${this.status}`);
        this.control?.resume();
        return;
      case 'stop':
        // Idempotent: a stop that races the run's natural end is not an error.
        this.control?.stop();
        return;
      case 'ping':
        return;
      case 'loadBuiltin':
      case 'upload':
      case 'configureData':
        return; // accepted here; run by dispatchData after the reply
      case 'previewAugmentation':
        return; // run by dispatchData after the reply; a failure comes back in the preview event
      case 'predict':
        if (cmd.model === 'imported') return;
        if (!this.lastRun?.data || ACTIVE_STATUSES.includes(this.status)) throw new Error('`predict` needs a trained model: train one first (and wait for it to end)');
        return;
      case 'export':
      case 'compareVariants':
        if (!this.lastRun?.data || !this.lastOutcome || ACTIVE_STATUSES.includes(this.status)) {
          throw new Error(`\`${cmd.type}\` needs a finished or stopped run; the status is ${this.status}`);
        }
        return;
      case 'importModel':
        if (ACTIVE_STATUSES.includes(this.status)) throw new Error(`\`importModel\` waits for the run to end; the status is ${this.status}`);
        return;
      default:
        assertNever(cmd, 'command');
    }
  }

  /** Data commands and predictions run after their reply; their results come as events carrying the command's id. */
  private dispatchData(cmd: Command): void {
    const requestId = cmd.id;
    const done = (loaded: LoadedData) => this.send({ type: 'dataset', requestId, report: loaded.report });
    const failed = (err: unknown) => {
      const failure: DataFailure = { ...serializeError(err) };
      delete (failure as { stack?: string }).stack;
      if (isDataError(err)) failure.issue = err.toIssue();
      this.send({ type: 'dataError', requestId, failure });
      this.log('warn', `${failure.name}: ${failure.message}`);
    };
    const progress = (p: DataProgress) => this.send({ type: 'dataProgress', requestId, progress: p });
    switch (cmd.type) {
      case 'loadBuiltin':
        void this.data.enqueue(() => this.data.loadBuiltin(cmd.request)).then(done, failed);
        return;
      case 'upload':
        void this.data.enqueue(() => this.data.upload(cmd.files, cmd.options, progress)).then(done, failed);
        return;
      case 'configureData':
        void this.data.enqueue(async () => this.data.configure(cmd.choices)).then(done, failed);
        return;
      case 'predict':
        void (cmd.model === 'imported' ? this.data.settled().then(() => this.exporter.predictImported(cmd.input, this.data.current)) : this.predict(cmd.input)).then(
          (prediction) => this.send({ type: 'prediction', requestId, prediction }),
          failed,
        );
        return;
      case 'previewAugmentation':
        void this.data
          .settled()
          .then(() => {
            if (!this.data.current) throw new Error('`previewAugmentation` needs a dataset; load one first');
            return augmentationPreview(this.data.current, cmd.augmentation, cmd.seed);
          })
          .then(
            (preview) => this.send({ type: 'augmentationPreview', requestId, preview }),
            (err: unknown) => this.send({ type: 'augmentationPreview', requestId, preview: null, error: serializeError(err) }),
          );
        return;
      case 'export':
      case 'compareVariants':
      case 'importModel':
        this.dispatchExport(cmd);
        return;
      default:
        return;
    }
  }

  /** Export commands run after their reply; a failure comes back as `exportError` with the command's id. */
  private dispatchExport(cmd: Extract<Command, { type: 'export' | 'compareVariants' | 'importModel' }>): void {
    const requestId = cmd.id;
    const failed = (err: unknown) => {
      const error = serializeError(err);
      this.send({ type: 'exportError', requestId, error });
      this.log('warn', `${cmd.type}: ${error.name}: ${error.message}`);
    };
    const run = this.lastRun;
    const outcome = this.lastOutcome;
    if (cmd.type === 'export') {
      void this.exporter.export(run!, outcome!, cmd.request).then((file) => {
        this.send({ type: 'exported', requestId, file });
        this.log('info', `exported ${file.fileName} (${file.bytes.byteLength} bytes)`);
      }, failed);
    } else if (cmd.type === 'compareVariants') {
      void this.exporter.variants(run!).then((report) => this.send({ type: 'variants', requestId, report }), failed);
    } else {
      void this.data
        .settled()
        .then(() => this.exporter.import(cmd.files, this.data.current))
        .then((report) => this.send({ type: 'imported', requestId, report }), failed);
    }
  }

  private async predict(input: PredictInput) {
    const run = this.lastRun;
    if (!run?.data) throw new Error('`predict` needs a trained model: train one first');
    const x = await encodeInput(run.data.dataset, input, this.opts.decodeImage);
    return predictOne(run.module, run.data.dataset, x);
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

  private start(runId: string, config: RunConfig): void {
    if (typeof runId !== 'string' || runId === '') throw new Error(`\`runId\` must be a non-empty string, got ${JSON.stringify(runId)}`);
    if (this.running || ACTIVE_STATUSES.includes(this.status)) {
      throw new Error(`a run is already active (${this.runId}, status ${this.status}); stop it before starting another`);
    }
    const control = new RunControl();
    this.control = control;
    this.runId = runId;
    this.setStatus('preparing');
    this.running = this.run(runId, config, control).finally(() => {
      this.running = null;
      this.control = null;
    });
  }

  private async run(runId: string, config: RunConfig, control: RunControl): Promise<void> {
    const t0 = this.timers.now();
    let from: FineTuneSource | null = null;
    try {
      await this.yieldToEventLoop(); // let the page draw 'preparing' and queue early commands
      let data = await this.runData(config);
      // The checks that need no memory come first: a run refused here leaves the last model usable ("Try it").
      precheckRun(config, data);
      // Fine-tuning: the imported bundle's spec, and the data encoded with its preprocessing.
      from = config.initFrom === 'imported' ? this.exporter.fineTuneSource(data) : null;
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
        callbacks: [reporter, new LearningRateMonitor(), ...(built.callbacks ?? [])],
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
      const testMetrics = status === 'finished' ? await this.evaluate(runId, built, trainer) : {};
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
      this.send({ type: 'result', runId, result: { status, metrics, durationMs, steps: trainer.globalStep, epochs: trainer.currentEpoch } });
      this.log('info', `run ${status} after ${trainer.globalStep} steps in ${(durationMs / 1000).toFixed(1)} s (${tf.memory().numTensors} tensors live)`);
      this.setStatus(status);
    } catch (err) {
      from?.weights.forEach((w) => w.dispose());
      from = null;
      this.outbox.flush();
      const error = serializeError(err);
      this.send({ type: 'error', runId, error });
      this.log('error', `${error.name}: ${error.message}`);
      this.setStatus('failed');
    }
  }

  /** `trainer.test` on the held-out split, then the evaluation pass the Evaluate step shows. */
  private async evaluate(runId: string, built: BuiltRun, trainer: Trainer): Promise<Record<string, number>> {
    if (!built.test || !built.testSplit || !built.data) return {};
    const t0 = this.timers.now();
    const [results] = await trainer.test(built.module, { dataloaders: built.test });
    const metrics = Object.fromEntries(Object.entries(results ?? {}).filter(([k, v]) => k.startsWith('test_') && Number.isFinite(v)));
    const ds = built.data.dataset;
    const outputs = await predictRows(built.module, ds, ds.splits[built.testSplit]);
    const evaluation = buildEvaluation(built.data, built.testSplit, outputs, metrics);
    this.send({ type: 'evaluation', runId, evaluation });
    const note = built.testSplit === 'validation' ? ' (no separate test split: the validation rows)' : '';
    this.log('info', `evaluated on ${evaluation.count} ${built.testSplit} rows${note} in ${Math.round(this.timers.now() - t0)} ms`);
    return metrics;
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
      else this.log('warn', err.message);
    });
  }

  private setStatus(status: RunStatus): void {
    this.status = status;
    this.send({ type: 'status', runId: this.runId, status });
  }

  private log(level: LogLevel, message: string): void {
    this.send({ type: 'log', runId: this.runId, level, message });
  }

  private send(body: EventBody): void {
    // Metrics and progress queued before a status change must arrive before it.
    if (body.type === 'status' && this.outbox.hasPending) this.outbox.flush();
    const event = { ...body, v: PROTOCOL_VERSION } as WorkerEvent;
    this.opts.post(event, transferablesOf(event));
  }
}
