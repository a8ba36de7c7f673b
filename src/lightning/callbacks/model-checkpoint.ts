import type { Batch } from '../data';
import type { LightningModule, StepOutput } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

export interface ModelCheckpointOptions {
  /** Folder (prefix) of the paths in the checkpoint storage (default '<Trainer defaultRootDir>/checkpoints', or 'checkpoints'). */
  dirpath?: string;
  /** Name template, e.g. '{epoch}-{val_loss:.2f}' (default 'epoch={epoch}-step={step}'). */
  filename?: string;
  /** Metric to rank checkpoints by; without it the latest checkpoints are kept. */
  monitor?: string;
  mode?: 'min' | 'max';
  /** How many best checkpoints to keep: -1 all, 0 none (default 1). */
  saveTopK?: number;
  /** Also save `last.ckpt` whenever a checkpoint is saved. */
  saveLast?: boolean;
  saveWeightsOnly?: boolean;
  everyNEpochs?: number;
  everyNTrainSteps?: number;
  /** Save at train epoch end rather than validation end (default: Lightning's rule). */
  saveOnTrainEpochEnd?: boolean;
  verbose?: boolean;
}

/** Saves checkpoints to the trainer's checkpoint storage and keeps the top k (Lightning's ModelCheckpoint). */
export class ModelCheckpoint extends Callback {
  override readonly monitorsMetrics = true;
  override readonly disabledByFastDevRun = true;
  /** Where checkpoints go; without the `dirpath` option it is resolved from the Trainer's `defaultRootDir` at setup. */
  dirpath: string;
  private readonly dirpathGiven: boolean;
  readonly filename: string;
  readonly monitor: string | null;
  readonly mode: 'min' | 'max';
  readonly saveTopK: number;
  readonly saveLast: boolean;
  readonly saveWeightsOnly: boolean;
  readonly everyNEpochs: number;
  readonly everyNTrainSteps: number;
  readonly saveOnTrainEpochEnd?: boolean;
  readonly verbose: boolean;
  bestModelPath = '';
  bestModelScore: number | null = null;
  bestKModels: Record<string, number> = {};
  kthBestModelPath = '';
  kthValue: number;
  lastModelPath = '';
  currentScore: number | null = null;
  private lastGlobalStepSaved = -1;

  constructor(options: ModelCheckpointOptions = {}) {
    super();
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw new Error(`ModelCheckpoint: \`mode\` must be 'min' or 'max', got ${JSON.stringify(mode)}`);
    const k = options.saveTopK ?? 1;
    if (!Number.isInteger(k) || k < -1) throw new Error(`ModelCheckpoint: \`saveTopK\` must be an integer >= -1, got ${k}`);
    if (!options.monitor && k !== 0 && k !== 1 && k !== -1) {
      throw new Error(`ModelCheckpoint(saveTopK=${k}, monitor=undefined) is not a valid configuration: without \`monitor\`, saveTopK must be -1, 0 or 1`);
    }
    this.dirpath = options.dirpath ?? 'checkpoints';
    this.dirpathGiven = options.dirpath !== undefined;
    this.filename = options.filename ?? 'epoch={epoch}-step={step}';
    // Fail on a bad format spec now rather than at the first save, possibly hours in.
    for (const m of this.filename.matchAll(/\{[^}:]+:([^}]*)\}/g)) formatNumber(0, m[1]);
    this.monitor = options.monitor ?? null;
    this.mode = mode;
    this.saveTopK = k;
    this.saveLast = options.saveLast ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.everyNEpochs = options.everyNEpochs ?? 1;
    this.everyNTrainSteps = options.everyNTrainSteps ?? 0;
    this.saveOnTrainEpochEnd = options.saveOnTrainEpochEnd;
    this.verbose = options.verbose ?? false;
    this.kthValue = mode === 'min' ? Infinity : -Infinity;
  }

  override get stateKey(): string {
    return `ModelCheckpoint{'monitor': ${this.monitor === null ? 'None' : `'${this.monitor}'`}, 'mode': '${this.mode}', 'every_n_train_steps': ${this.everyNTrainSteps}, 'every_n_epochs': ${this.everyNEpochs}}`;
  }

  /** Lightning's __resolve_ckpt_dir: without `dirpath`, checkpoints go under the Trainer's `defaultRootDir`. */
  override setup(trainer: Trainer): void {
    if (!this.dirpathGiven) this.dirpath = defaultCheckpointDir(trainer.options.defaultRootDir);
  }

  private skip(trainer: Trainer): boolean {
    return trainer.state.fn !== 'fit' || trainer.sanityChecking || this.lastGlobalStepSaved === trainer.globalStep;
  }

  /** Lightning's _should_save_on_train_epoch_end. */
  private saveAtTrainEpochEnd(trainer: Trainer): boolean {
    if (this.saveOnTrainEpochEnd !== undefined) return this.saveOnTrainEpochEnd;
    const cven = trainer.options.checkValEveryNEpoch === undefined ? 1 : trainer.options.checkValEveryNEpoch;
    if (cven !== 1) return false;
    const hasVal = typeof trainer.lightningModule.validationStep === 'function' && trainer.numValBatches.reduce((a, b) => a + b, 0) > 0;
    if (!hasVal) return true;
    return (trainer.options.valCheckInterval ?? 1) === 1;
  }

  override async onTrainBatchEnd(trainer: Trainer, _m: LightningModule, _o: StepOutput, _b: Batch, _i: number): Promise<void> {
    if (this.everyNTrainSteps < 1 || this.skip(trainer)) return;
    if (trainer.globalStep % this.everyNTrainSteps !== 0) return;
    await trainer.results.flush();
    await this.save(trainer);
  }

  override async onTrainEpochEnd(trainer: Trainer): Promise<void> {
    if (this.skip(trainer) || this.everyNTrainSteps > 0 || !this.saveAtTrainEpochEnd(trainer)) return;
    if (this.everyNEpochs >= 1 && (trainer.currentEpoch + 1) % this.everyNEpochs === 0) await this.save(trainer);
  }

  override async onValidationEnd(trainer: Trainer): Promise<void> {
    if (this.skip(trainer) || this.everyNTrainSteps > 0 || this.saveAtTrainEpochEnd(trainer)) return;
    if (this.everyNEpochs >= 1 && (trainer.currentEpoch + 1) % this.everyNEpochs === 0) await this.save(trainer);
  }

  /**
   * Renders the filename template with epoch, step and metrics: '{val_loss:.2f}', '{epoch:02d}'.
   * A metric not (yet) available is shown as 0, as Lightning does.
   */
  formatCheckpointName(trainer: Trainer, metrics: Record<string, number>): string {
    const values: Record<string, number> = { ...metrics, epoch: trainer.currentEpoch, step: trainer.globalStep };
    const name = this.filename.replace(/\{([^}:]+)(?::([^}]*))?\}/g, (_m, key: string, spec?: string) => {
      const shown = formatNumber(values[key] ?? 0, spec);
      return this.filename.includes(`${key}=`) ? shown : `${key}=${shown}`;
    });
    return `${this.dirpath}/${name}.ckpt`;
  }

  private better(a: number, b: number): boolean {
    return this.mode === 'min' ? a < b : a > b;
  }

  private async save(trainer: Trainer): Promise<void> {
    const metrics = trainer.callbackMetrics;
    this.lastGlobalStepSaved = trainer.globalStep;
    if (this.monitor !== null && this.saveTopK !== 0) {
      let current = metrics[this.monitor];
      if (current === undefined) {
        throw new Error(
          `\`ModelCheckpoint(monitor="${this.monitor}")\` could not find the monitored key in the returned metrics: [${Object.keys(metrics).join(', ')}]`,
        );
      }
      // As Lightning: NaN ranks worst, so one NaN epoch cannot block every later, better one.
      if (Number.isNaN(current)) current = this.mode === 'min' ? Infinity : -Infinity;
      this.currentScore = current;
      const full = this.saveTopK !== -1 && Object.keys(this.bestKModels).length >= this.saveTopK;
      if (!full || this.better(current, this.kthValue)) await this.updateBestAndSave(trainer, current, metrics);
    } else if (this.monitor === null && this.saveTopK !== 0) {
      const path = this.formatCheckpointName(trainer, metrics);
      const previous = this.lastSavedNoMonitor;
      await trainer.saveCheckpoint(path, this.saveWeightsOnly);
      this.bestModelPath = path;
      if (this.saveTopK === 1 && previous && previous !== path) await trainer.checkpointStorage.remove(previous);
      this.lastSavedNoMonitor = path;
    }
    if (this.saveLast) {
      const last = `${this.dirpath}/last.ckpt`;
      await trainer.saveCheckpoint(last, this.saveWeightsOnly);
      this.lastModelPath = last;
    }
    if (this.verbose) trainer.print(`Epoch ${trainer.currentEpoch}, global step ${trainer.globalStep}: checkpoint saved`);
  }
  private lastSavedNoMonitor = '';

  private async updateBestAndSave(trainer: Trainer, current: number, metrics: Record<string, number>): Promise<void> {
    const path = this.formatCheckpointName(trainer, metrics);
    const k = this.saveTopK;
    let removed: string | null = null;
    if (k !== -1 && Object.keys(this.bestKModels).length >= k && this.kthBestModelPath) {
      removed = this.kthBestModelPath;
      delete this.bestKModels[removed];
    }
    this.bestKModels[path] = current;
    const entries = Object.entries(this.bestKModels);
    // kth = the worst kept; best = the best kept.
    const worst = entries.reduce((a, b) => (this.better(a[1], b[1]) ? b : a));
    const best = entries.reduce((a, b) => (this.better(b[1], a[1]) ? b : a));
    this.kthBestModelPath = worst[0];
    this.kthValue = worst[1];
    this.bestModelPath = best[0];
    this.bestModelScore = best[1];
    await trainer.saveCheckpoint(path, this.saveWeightsOnly);
    if (removed && removed !== path) await trainer.checkpointStorage.remove(removed);
  }

  override stateDict(): Record<string, unknown> {
    return {
      monitor: this.monitor,
      bestModelScore: this.bestModelScore,
      bestModelPath: this.bestModelPath,
      currentScore: this.currentScore,
      dirpath: this.dirpath,
      bestKModels: { ...this.bestKModels },
      kthBestModelPath: this.kthBestModelPath,
      kthValue: this.kthValue,
      lastModelPath: this.lastModelPath,
    };
  }
  override loadStateDict(s: Record<string, unknown>): void {
    this.bestModelScore = (s.bestModelScore as number | null) ?? null;
    this.bestModelPath = String(s.bestModelPath ?? '');
    this.currentScore = (s.currentScore as number | null) ?? null;
    this.bestKModels = { ...((s.bestKModels as Record<string, number>) ?? {}) };
    this.kthBestModelPath = String(s.kthBestModelPath ?? '');
    this.kthValue = Number(s.kthValue ?? this.kthValue);
    this.lastModelPath = String(s.lastModelPath ?? '');
  }
}

/** '<root>/checkpoints', or 'checkpoints' without a root. */
function defaultCheckpointDir(root: string | undefined): string {
  const trimmed = (root ?? '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/checkpoints` : 'checkpoints';
}

/** The subset of Python's format spec that checkpoint names use: [0][width][.precision](d|f). */
function formatNumber(v: number, spec: string | undefined): string {
  if (!spec) return String(v);
  const m = /^(0?)(\d*)(?:\.(\d+))?([df])$/.exec(spec);
  if (!m) throw new Error(`ModelCheckpoint: unsupported format spec ":${spec}" in \`filename\`; use e.g. {epoch:02d} or {val_loss:.2f}`);
  const [, zero, width, digits, type] = m;
  const text = type === 'd' ? String(Math.trunc(v)) : v.toFixed(Number(digits ?? 6));
  const w = Number(width || 0);
  if (!zero || !Number.isFinite(v)) return text.padStart(w, ' ');
  const sign = text.startsWith('-') ? '-' : '';
  return sign + text.slice(sign.length).padStart(w - sign.length, '0');
}
