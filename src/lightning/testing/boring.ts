/**
 * Test fixtures for the framework (Lightning's `BoringModel` and
 * `RandomDataset`): a 32 → 2 dense layer on seeded random data, trained
 * towards all-ones outputs. Tiny on purpose, so a test can run many epochs
 * in milliseconds. Test-only: helpers here read values back synchronously.
 */
import * as tf from '@tensorflow/tfjs';
import { Callback } from '../callbacks/callback';
import { DataLoader, TensorDataset, type Batch, type Dataset } from '../data';
import { LightningModule, type OptimizerConfig, type StepOutput } from '../module';
import { SGD } from '../optim/sgd';
import { Generator } from '../seed';
import type { TrainerOptions } from '../trainer/options';
import { Trainer } from '../trainer/trainer';

interface BoringOptions {
  inFeatures?: number;
  outFeatures?: number;
  /** Learning rate of the default SGD optimizer. */
  lr?: number;
  /** Replaces the default `SGD(lr)`; receives the module's parameters. */
  optimizer?: (params: tf.Variable[], module: BoringModel) => OptimizerConfig;
  /** Log `train_loss`, `val_loss`, `test_loss` from the steps (default true). */
  log?: boolean;
  /**
   * Values logged as `val_metric` at the end of each (non-sanity) validation
   * run, in order; the last one repeats. What EarlyStopping, ModelCheckpoint
   * and ReduceLROnPlateau tests monitor.
   */
  valScript?: number[];
}

/** The batch's input tensor: a TensorDataset batch is `[x, ...]`. */
export function inputOf(batch: Batch): tf.Tensor {
  if (batch instanceof tf.Tensor) return batch;
  return Array.isArray(batch) ? batch[0]! : Object.values(batch)[0]!;
}

export class BoringModel extends LightningModule {
  readonly layer: tf.Sequential;
  readonly opts: BoringOptions;
  /** How many times each step ran (sanity-check validation steps included). */
  readonly calls = { trainingStep: 0, validationStep: 0, testStep: 0, predictStep: 0 };
  /** Non-sanity validation runs so far (indexes valScript). */
  valRuns = 0;

  constructor(opts: BoringOptions = {}) {
    super();
    this.opts = opts;
    this.layer = tf.sequential({ layers: [tf.layers.dense({ units: opts.outFeatures ?? 2, inputShape: [opts.inFeatures ?? 32] })] });
  }

  override forward(x: tf.Tensor): tf.Tensor {
    return this.layer.apply(x) as tf.Tensor;
  }

  /** MSE against ones, as Lightning's BoringModel. */
  lossOf(batch: Batch): tf.Scalar {
    const out = this.forward(inputOf(batch));
    return tf.losses.meanSquaredError(tf.onesLike(out), out) as tf.Scalar;
  }

  trainingStep(batch: Batch, _batchIdx: number): StepOutput {
    this.calls.trainingStep += 1;
    const loss = this.lossOf(batch);
    if (this.opts.log !== false) this.log('train_loss', loss);
    return loss;
  }

  override validationStep(batch: Batch, _batchIdx: number, _dataloaderIdx: number): StepOutput {
    this.calls.validationStep += 1;
    const loss = this.lossOf(batch);
    if (this.opts.log !== false) this.log('val_loss', loss);
    return loss;
  }

  override testStep(batch: Batch, _batchIdx: number, _dataloaderIdx: number): StepOutput {
    this.calls.testStep += 1;
    const loss = this.lossOf(batch);
    if (this.opts.log !== false) this.log('test_loss', loss);
    return loss;
  }

  override predictStep(batch: Batch, _batchIdx: number, _dataloaderIdx = 0): unknown {
    this.calls.predictStep += 1;
    return this.forward(inputOf(batch));
  }

  override onValidationEpochEnd(): void {
    const script = this.opts.valScript;
    if (!script || this.trainer?.sanityChecking) return;
    this.log('val_metric', script[Math.min(this.valRuns, script.length - 1)]!);
    this.valRuns += 1;
  }

  override configureOptimizers(): OptimizerConfig {
    if (this.opts.optimizer) return this.opts.optimizer(this.parameters(), this);
    return new SGD(this.parameters(), { lr: this.opts.lr ?? 0.1 });
  }
}

/** Seeded uniform values in [-1, 1), independent of Math.random. */
function randomMatrix(rows: number, cols: number, seed = 0): tf.Tensor2D {
  const g = new Generator(seed);
  const values = Float32Array.from({ length: rows * cols }, () => g.random() * 2 - 1);
  return tf.tensor2d(values, [rows, cols]);
}

interface LoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  features?: number;
  /** Seed of the data (not of the shuffling). */
  seed?: number;
  /** Shuffling seed; default drawn from Math.random (so seedEverything controls it). */
  generator?: number;
}

/** A DataLoader over `n` random samples of `features` values (Lightning's RandomDataset). */
export function boringLoader(n: number, opts: LoaderOptions = {}): DataLoader {
  const ds: Dataset = new TensorDataset(randomMatrix(n, opts.features ?? 32, opts.seed ?? 0));
  return new DataLoader(ds, { batchSize: opts.batchSize ?? 2, shuffle: opts.shuffle ?? false, generator: opts.generator });
}

/** All the inputs of a `boringLoader`, as one [n, features] tensor (owned by the loader's dataset). */
export function loaderInputs(loader: DataLoader): tf.Tensor {
  const ds = loader.dataset;
  if (!(ds instanceof TensorDataset)) throw new Error('loaderInputs: the loader is not over a TensorDataset');
  return ds.tensors[0]!;
}

/**
 * A Trainer on the CPU backend, silent, without summary, checkpointing,
 * logger or sanity check unless asked. An option given as `undefined` gets
 * the Trainer's own default (what a test of that default wants).
 */
export function quietTrainer(options: TrainerOptions = {}): Trainer {
  return new Trainer({
    accelerator: 'cpu',
    print: null,
    enableModelSummary: false,
    enableCheckpointing: false,
    logger: false,
    numSanityValSteps: 0,
    ...options,
  });
}

/** Every parameter's values, flattened, in `parameters()` order. */
export function paramValues(module: LightningModule): number[] {
  return module.parameters().flatMap((p) => Array.from(p.dataSync()));
}

/** Records each training batch's loss (one readback per step: fine in tests, never in the framework). */
export class LossRecorder extends Callback {
  readonly losses: number[] = [];
  override onTrainBatchEnd(_t: Trainer, _m: LightningModule, outputs: StepOutput): void {
    const loss = outputs instanceof tf.Tensor ? outputs : (outputs as { loss?: tf.Tensor } | null)?.loss;
    if (loss) this.losses.push(loss.dataSync()[0]!);
  }
}

/** Counts calls of the given callback hooks, tagged by the running stage: `counts['onValidationStart']`. */
export class HookCounter extends Callback {
  readonly counts: Record<string, number> = {};
  readonly log: Array<{ hook: string; epoch: number; step: number; stage: string | null }> = [];
  constructor(hooks: string[]) {
    super();
    for (const hook of hooks) {
      (this as unknown as Record<string, unknown>)[hook] = (trainer: Trainer) => {
        this.counts[hook] = (this.counts[hook] ?? 0) + 1;
        this.log.push({ hook, epoch: trainer.currentEpoch, step: trainer.globalStep, stage: trainer.state.stage });
      };
    }
  }
  /** The log entries of one hook. */
  of(hook: string): Array<{ epoch: number; step: number; stage: string | null }> {
    return this.log.filter((e) => e.hook === hook);
  }
}
