import * as tf from '@tensorflow/tfjs-core';
import type { Callback, Stage } from '../callbacks/callback';
import { ModelCheckpoint } from '../callbacks/model-checkpoint';
import { ModelSummary } from '../callbacks/model-summary';
import { Timer } from '../callbacks/timer';
import { EarlyStopping } from '../callbacks/early-stopping';
import { ProgressBar } from '../callbacks/progress-bar';
import { deterministicConflict } from '../backends/select';
import { MemoryCheckpointStorage, type Checkpoint, type CheckpointStorage } from '../checkpoint/checkpoint';
import type { DataLoader } from '../data';
import type { LightningDataModule } from '../datamodule';
import { CSVLogger, type Logger } from '../loggers/logger';
import { LoggerConnector, type StepValues } from '../logging/connector';
import type { LightningModule, LRSchedulerConfig } from '../module';
import type { Optimizer } from '../optim/optimizer';
import { getRngState, setRngState } from '../seed';
import { callCallbacks, callDataModule, callModule } from './call';
import { applyLimit, parseMaxTime, validateOptions, type TrainerOptions } from './options';
import { configureOptimizers } from './optimizers';
import { chooseBackend, vetBackend, type BackendInfo } from './backend';
import { countBatches } from '../loops/batch';
import { FitLoop } from '../loops/fit-loop';
import { EvaluationLoop, type EvalResult } from '../loops/evaluation-loop';
import { PredictionLoop } from '../loops/prediction-loop';

export type TrainerFn = 'fit' | 'validate' | 'test' | 'predict';
export type RunningStage = 'train' | 'sanity_check' | 'validate' | 'test' | 'predict';
type TrainerStatus = 'initializing' | 'running' | 'finished' | 'interrupted';

export interface TrainerState {
  fn: TrainerFn | null;
  stage: RunningStage | null;
  status: TrainerStatus;
}

type Loaders = DataLoader | DataLoader[];

export interface FitArgs {
  trainDataloaders?: DataLoader;
  valDataloaders?: Loaders;
  datamodule?: LightningDataModule;
  /** A storage path, 'last', 'best', or a Checkpoint object to resume from. */
  ckptPath?: string | Checkpoint;
}
export interface EvalArgs {
  dataloaders?: Loaders;
  datamodule?: LightningDataModule;
  ckptPath?: string | Checkpoint;
  verbose?: boolean;
}

/**
 * Lightning's Trainer: runs fit / validate / test / predict on a
 * LightningModule with callbacks, loggers and checkpoints. The loops live in
 * `loops/` and own their position (`fitLoop.progress`); this class holds the
 * state they share and wires them together.
 */
export class Trainer {
  readonly options: TrainerOptions;
  callbacks: Callback[];
  readonly loggers: Logger[];
  readonly checkpointStorage: CheckpointStorage;
  readonly results: LoggerConnector;

  lightningModule!: LightningModule;
  datamodule: LightningDataModule | null = null;
  optimizers: Optimizer[] = [];
  lrSchedulerConfigs: Array<Required<Omit<LRSchedulerConfig, 'name'>> & { name?: string }> = [];

  state: TrainerState = { fn: null, stage: null, status: 'initializing' };
  readonly fitLoop: FitLoop = new FitLoop(this);
  readonly validateLoop: EvaluationLoop = new EvaluationLoop(this, 'validate');
  readonly testLoop: EvaluationLoop = new EvaluationLoop(this, 'test');
  readonly predictLoop: PredictionLoop = new PredictionLoop(this);
  /** Set to stop fit at the next check (between batches); respects minEpochs/minSteps. */
  shouldStop = false;
  /** Gradients about to be applied (after backward, before the optimizer step). */
  gradients: tf.NamedTensorMap = {};
  /** Metrics available to callbacks (latest step values and epoch reductions), as numbers. */
  callbackMetrics: Record<string, number> = {};
  /** Metrics last sent to the loggers. */
  loggedMetrics: Record<string, number> = {};
  progressBarMetrics: Record<string, number> = {};
  /** Batches per epoch of the current fit/validate/test/predict, after limits. */
  numTrainingBatches = 0;
  numValBatches: number[] = [];
  numSanityValBatches: number[] = [];
  numTestBatches: number[] = [];
  numPredictBatches: number[] = [];
  trainDataloader: DataLoader | null = null;
  valDataloaders: DataLoader[] = [];
  testDataloaders: DataLoader[] = [];
  predictDataloaders: DataLoader[] = [];
  /** Which backend runs this trainer and why better ones were rejected. */
  backend: BackendInfo | null = null;
  readonly print: (msg: string) => void;

  constructor(options: TrainerOptions = {}) {
    validateOptions(options);
    if (options.deterministic) {
      const conflict = deterministicConflict(options.accelerator ?? 'auto');
      if (conflict) throw new Error(conflict);
    }
    if (options.enableProgressBar === false && options.callbacks?.some((c) => c instanceof ProgressBar)) {
      throw new Error('`enableProgressBar: false` but a ProgressBar is among `callbacks`; drop one of them');
    }
    this.options = { ...options };
    this.print = options.print === null ? () => {} : (options.print ?? ((m: string) => console.log(m)));
    this.checkpointStorage = options.checkpointStorage ?? new MemoryCheckpointStorage();
    const fdr = this.fastDevRunBatches;
    const lg = options.logger ?? true;
    this.loggers = fdr > 0 || lg === false ? [] : lg === true ? [new CSVLogger()] : Array.isArray(lg) ? lg : [lg];
    this.callbacks = [...(options.callbacks ?? [])];
    if (options.enableModelSummary !== false && !this.callbacks.some((c) => c instanceof ModelSummary)) this.callbacks.push(new ModelSummary());
    if (options.maxTime !== undefined && !this.callbacks.some((c) => c instanceof Timer)) {
      this.callbacks.push(new Timer({ duration: parseMaxTime(options.maxTime) }));
    }
    if (options.enableCheckpointing !== false && !this.callbacks.some((c) => c instanceof ModelCheckpoint)) {
      this.callbacks.push(new ModelCheckpoint());
    }
    if (options.enableProgressBar === true && !this.callbacks.some((c) => c instanceof ProgressBar)) this.callbacks.push(new ProgressBar());
    if (fdr > 0) this.callbacks = this.callbacks.filter((c) => !c.disabledByFastDevRun);
    this.results = new LoggerConnector({ onStepMetrics: (v) => this.onStepMetrics(v) });
  }

  // ----- the fit loop's position (read-only; the loops advance it) ------------

  /** Epochs completed: the index of the running epoch. */
  get currentEpoch(): number {
    return this.fitLoop.progress.epoch;
  }
  /** Optimizer steps taken. */
  get globalStep(): number {
    return this.fitLoop.progress.steps;
  }
  /** Lightning's `_batches_that_stepped`: the step index used for logging. */
  get batchesThatStepped(): number {
    return this.fitLoop.progress.batchesThatStepped;
  }
  /** Training batches finished in the running epoch. */
  get batchesDoneInEpoch(): number {
    return this.fitLoop.progress.batchesDone;
  }

  // ----- derived options -----------------------------------------------------

  get fastDevRunBatches(): number {
    const f = this.options.fastDevRun;
    return f === true ? 1 : typeof f === 'number' ? f : 0;
  }
  get maxEpochs(): number {
    if (this.fastDevRunBatches > 0) return 1;
    const { maxEpochs, maxSteps } = this.options;
    if (maxEpochs !== undefined) return maxEpochs;
    return maxSteps !== undefined && maxSteps !== -1 ? -1 : 1000;
  }
  get maxSteps(): number {
    return this.fastDevRunBatches > 0 ? this.fastDevRunBatches : (this.options.maxSteps ?? -1);
  }
  get accumulateGradBatches(): number {
    return this.options.accumulateGradBatches ?? 1;
  }
  get logEveryNSteps(): number {
    return this.options.logEveryNSteps ?? 50;
  }
  get sanityChecking(): boolean {
    return this.state.stage === 'sanity_check';
  }
  get training(): boolean {
    return this.state.stage === 'train';
  }
  get validating(): boolean {
    return this.state.stage === 'validate';
  }
  get testing(): boolean {
    return this.state.stage === 'test';
  }
  get predicting(): boolean {
    return this.state.stage === 'predict';
  }
  /** The first logger, as Lightning's `trainer.logger`. */
  get logger(): Logger | null {
    return this.loggers[0] ?? null;
  }
  get checkpointCallback(): ModelCheckpoint | null {
    return (this.callbacks.find((c) => c instanceof ModelCheckpoint) as ModelCheckpoint | undefined) ?? null;
  }
  get checkpointCallbacks(): ModelCheckpoint[] {
    return this.callbacks.filter((c): c is ModelCheckpoint => c instanceof ModelCheckpoint);
  }
  get progressBarCallback(): ProgressBar | null {
    return (this.callbacks.find((c) => c instanceof ProgressBar) as ProgressBar | undefined) ?? null;
  }
  /** The prefix of checkpoint paths (Lightning's `default_root_dir`); '' when not set. */
  get defaultRootDir(): string {
    return (this.options.defaultRootDir ?? '').replace(/\/+$/, '');
  }
  get earlyStoppingCallback(): EarlyStopping | null {
    return (this.callbacks.find((c) => c instanceof EarlyStopping) as EarlyStopping | undefined) ?? null;
  }
  /** Total optimizer steps fit will take, when it can be known (for OneCycleLR etc.). */
  get estimatedSteppingBatches(): number {
    const perEpoch = Math.ceil(this.numTrainingBatches / this.accumulateGradBatches);
    const byEpochs = this.maxEpochs === -1 ? Infinity : perEpoch * this.maxEpochs;
    return this.maxSteps === -1 ? byEpochs : Math.min(this.maxSteps, byEpochs);
  }

  // ----- metrics -------------------------------------------------------------

  private onStepMetrics(v: StepValues): void {
    if (this.sanityChecking) return;
    Object.assign(this.callbackMetrics, v.callback);
    Object.assign(this.progressBarMetrics, v.progBar);
    if (v.toLogger && Object.keys(v.logged).length > 0) this.logMetrics(v.logged, v.step);
  }

  /** Sends metrics to every logger (adds `epoch`, as Lightning does) and records them as logged. */
  logMetrics(metrics: Record<string, number>, step: number): void {
    const withEpoch = { ...metrics, epoch: this.currentEpoch };
    Object.assign(this.loggedMetrics, withEpoch);
    for (const l of this.loggers) l.logMetrics(withEpoch, step);
  }

  // ----- entry points ----------------------------------------------------------

  /** Trains the module. Resolves when training ends (maxEpochs, maxSteps, maxTime, shouldStop). */
  async fit(module: LightningModule, args: FitArgs = {}): Promise<void> {
    await this.run('fit', module, args.datamodule, async () => {
      this.trainDataloader = args.trainDataloaders ?? this.datamodule?.trainDataloader() ?? null;
      if (!this.trainDataloader) throw new Error('`fit` needs `trainDataloaders` or a datamodule whose `trainDataloader()` returns one');
      const val = args.valDataloaders ?? this.datamodule?.valDataloader();
      this.valDataloaders = val ? (Array.isArray(val) ? val : [val]) : [];
      if ((this.options.accelerator ?? 'auto') === 'auto') this.backend = await vetBackend(this, this.backend);
      // Known before configureOptimizers, so schedulers such as OneCycleLR can use estimatedSteppingBatches.
      this.numTrainingBatches = countBatches(this, this.trainDataloader.length, this.options.limitTrainBatches, 'limitTrainBatches', applyLimit);
      const cfg = configureOptimizers(this.lightningModule.configureOptimizers(), this);
      this.optimizers = cfg.optimizers;
      this.lrSchedulerConfigs = cfg.schedulers;
      if (args.ckptPath) await this.restore(args.ckptPath, true);
      for (const l of this.loggers) l.logHyperparams({ ...this.lightningModule.hparams, ...(this.datamodule?.hparams ?? {}) });
      await callCallbacks(this, 'onFitStart', []);
      await callModule(this, 'onFitStart');
      await this.fitLoop.run();
      await callCallbacks(this, 'onFitEnd', []);
      await callModule(this, 'onFitEnd');
    });
  }

  /** Runs the validation loop; returns one record of epoch metrics per dataloader. */
  async validate(module: LightningModule, args: EvalArgs = {}): Promise<EvalResult[]> {
    let out: EvalResult[] = [];
    await this.run('validate', module, args.datamodule, async () => {
      const dl = args.dataloaders ?? this.datamodule?.valDataloader();
      if (!dl) throw new Error('`validate` needs `dataloaders` or a datamodule whose `valDataloader()` returns one');
      this.valDataloaders = Array.isArray(dl) ? dl : [dl];
      if (args.ckptPath) await this.restore(args.ckptPath, false);
      out = await this.validateLoop.run();
    });
    return out;
  }

  /** Runs the test loop; returns one record of epoch metrics per dataloader. */
  async test(module: LightningModule, args: EvalArgs = {}): Promise<EvalResult[]> {
    let out: EvalResult[] = [];
    await this.run('test', module, args.datamodule, async () => {
      const dl = args.dataloaders ?? this.datamodule?.testDataloader();
      if (!dl) throw new Error('`test` needs `dataloaders` or a datamodule whose `testDataloader()` returns one');
      this.testDataloaders = Array.isArray(dl) ? dl : [dl];
      if (args.ckptPath) await this.restore(args.ckptPath, false);
      out = await this.testLoop.run();
    });
    return out;
  }

  /** Runs predictStep over the dataloader(s); returns the predictions per batch (per dataloader when several). */
  async predict(module: LightningModule, args: EvalArgs = {}): Promise<unknown[]> {
    let out: unknown[] = [];
    await this.run('predict', module, args.datamodule, async () => {
      const dl = args.dataloaders ?? this.datamodule?.predictDataloader();
      if (!dl) throw new Error('`predict` needs `dataloaders` or a datamodule whose `predictDataloader()` returns one');
      this.predictDataloaders = Array.isArray(dl) ? dl : [dl];
      if (args.ckptPath) await this.restore(args.ckptPath, false);
      out = await this.predictLoop.run();
    });
    return out;
  }

  /** Setup, the body, teardown; on error: onException hooks, cleanup, rethrow (Lightning's _call_and_handle_interrupt). */
  private async run(fn: TrainerFn, module: LightningModule, datamodule: LightningDataModule | undefined, body: () => Promise<void>): Promise<void> {
    this.state = { fn, stage: null, status: 'running' };
    this.shouldStop = false;
    this.lightningModule = module;
    module.trainer = this;
    this.datamodule = datamodule ?? null;
    if (datamodule) datamodule.trainer = this;
    try {
      const extra = module.configureCallbacks();
      if (extra) this.mergeCallbacks(Array.isArray(extra) ? extra : [extra]);
      // Lightning calls prepareData at the start of every entry point (once per node), datamodule first.
      await callDataModule(this, 'prepareData');
      await callModule(this, 'prepareData');
      const stage: Stage = fn;
      await callDataModule(this, 'setup', stage);
      await callCallbacks(this, 'setup', [stage]);
      await callModule(this, 'setup', stage);
      // The backend is chosen before configureModel, so layers built there live on it (Lightning: the device is known by then).
      this.backend = await chooseBackend(this.options.accelerator ?? 'auto', this.options.wasmPaths, this.options.deterministic ?? false);
      await callModule(this, 'configureModel');
      await body();
      await this.results.flush();
      await callDataModule(this, 'teardown', stage);
      await callCallbacks(this, 'teardown', [stage]);
      await callModule(this, 'teardown', stage);
      this.state = { fn, stage: null, status: 'finished' };
      for (const l of this.loggers) l.finalize?.('success');
    } catch (err) {
      this.state.status = 'interrupted';
      this.disposeGradients();
      this.results.discard();
      await callCallbacks(this, 'onException', [err]).catch(() => {});
      await callModule(this, 'onException', err).catch(() => {});
      await callDataModule(this, 'onException', err).catch(() => {});
      for (const l of this.loggers) l.finalize?.('failed');
      throw err;
    } finally {
      this.state.stage = null;
    }
  }

  /** Adds the module's configureCallbacks() result, replacing trainer callbacks of the same class (as Lightning). */
  private mergeCallbacks(extra: Callback[]): void {
    const types = new Set(extra.map((c) => c.constructor));
    this.callbacks = [...this.callbacks.filter((c) => !types.has(c.constructor)), ...extra];
  }

  disposeGradients(): void {
    for (const g of Object.values(this.gradients)) g.dispose();
    this.gradients = {};
  }

  // ----- checkpoints -------------------------------------------------------------

  /** Builds a checkpoint of the current state (weights, optimizers, schedulers, callbacks, loops, RNG). */
  async dumpCheckpoint(weightsOnly = false): Promise<Checkpoint> {
    const module = this.lightningModule;
    const ckpt: Checkpoint = {
      formatVersion: 1,
      ...this.fitLoop.progress.stateDict(),
      stateDict: await module.stateDict(),
      optimizerStates: weightsOnly ? [] : await Promise.all(this.optimizers.map((o) => o.stateDict())),
      lrSchedulers: weightsOnly ? [] : this.lrSchedulerConfigs.map((c) => c.scheduler.stateDict()),
      callbacks: {},
      hyperParameters: structuredClone(module.hparams),
      rngState: getRngState(),
    };
    if (!weightsOnly) {
      for (const cb of this.callbacks) {
        const s = cb.stateDict();
        if (Object.keys(s).length > 0) ckpt.callbacks[cb.stateKey] = s;
      }
      if (this.datamodule) ckpt.datamodule = this.datamodule.stateDict();
      await callCallbacks(this, 'onSaveCheckpoint', [ckpt]);
    }
    await callModule(this, 'onSaveCheckpoint', ckpt);
    await callDataModule(this, 'onSaveCheckpoint', ckpt);
    return ckpt;
  }

  /** Saves a checkpoint to the storage under `path`. */
  async saveCheckpoint(path: string, weightsOnly = false): Promise<void> {
    await this.checkpointStorage.save(path, await this.dumpCheckpoint(weightsOnly));
  }

  private async resolveCheckpoint(ckptPath: string | Checkpoint): Promise<Checkpoint> {
    if (typeof ckptPath !== 'string') return structuredClone(ckptPath);
    if (ckptPath === 'best' || ckptPath === 'last') {
      const cb = this.checkpointCallback;
      const path = ckptPath === 'best' ? cb?.bestModelPath : cb?.lastModelPath;
      if (!path) throw new Error(`\`ckptPath="${ckptPath}"\` needs a ModelCheckpoint that has saved a ${ckptPath} checkpoint`);
      return this.checkpointStorage.load(path);
    }
    return this.checkpointStorage.load(ckptPath);
  }

  /** Restores weights (and with `training`, optimizers, schedulers, callbacks, loop position and RNG). */
  private async restore(ckptPath: string | Checkpoint, training: boolean): Promise<void> {
    const ckpt = await this.resolveCheckpoint(ckptPath);
    if (ckpt.formatVersion !== 1) throw new Error(`Unsupported checkpoint formatVersion ${String(ckpt.formatVersion)}`);
    await callDataModule(this, 'onLoadCheckpoint', ckpt);
    await callModule(this, 'onLoadCheckpoint', ckpt);
    this.lightningModule.loadStateDict(ckpt.stateDict);
    if (ckpt.datamodule && this.datamodule) this.datamodule.loadStateDict(ckpt.datamodule);
    for (const cb of this.callbacks) {
      const s = ckpt.callbacks[cb.stateKey];
      if (s) cb.loadStateDict(s);
    }
    await callCallbacks(this, 'onLoadCheckpoint', [ckpt]);
    if (!training) return;
    if (ckpt.optimizerStates.length !== this.optimizers.length) {
      throw new Error(`The checkpoint has ${ckpt.optimizerStates.length} optimizer state(s) but configureOptimizers returned ${this.optimizers.length}`);
    }
    ckpt.optimizerStates.forEach((s, i) => this.optimizers[i]!.loadStateDict(s));
    ckpt.lrSchedulers.forEach((s, i) => this.lrSchedulerConfigs[i]?.scheduler.loadStateDict(s));
    this.fitLoop.progress.loadStateDict(ckpt);
    setRngState(ckpt.rngState);
  }
}
