import * as tf from '@tensorflow/tfjs';
import { Callback, DataLoader, DeviceStatsMonitor, GradNormMonitor, HistogramMonitor, TensorDataset, Trainer, type AdamOptions, type LightningModule, type StepOutput, type Trainer as TrainerT } from '../../src/lightning/index';
import { BenchModule, buildModel, compileForFit, sampleShape } from './models';
import type { AccuracyJob, Impl, MnistSplit, ModelName, RepResult, ThroughputJob } from './types';

const now = () => performance.now();

/** The split as float tensors in [0, 1] with one-hot labels, shaped for `model`. Uploaded once. */
export interface SplitTensors {
  xTrain: tf.Tensor;
  yTrain: tf.Tensor2D;
  xVal: tf.Tensor;
  yVal: tf.Tensor2D;
}

export function splitTensors(split: MnistSplit, model: ModelName): SplitTensors {
  const shape = sampleShape(model);
  const images = (u8: Uint8Array) =>
    tf.tidy(() => tf.div(tf.tensor(Float32Array.from(u8), [u8.length / 784, ...shape]), 255));
  const labels = (u8: Uint8Array) => tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(u8), 'int32'), 10).toFloat()) as tf.Tensor2D;
  return { xTrain: images(split.xTrain), yTrain: labels(split.yTrain), xVal: images(split.xVal), yVal: labels(split.yVal) };
}

export function disposeSplit(t: SplitTensors): void {
  Object.values(t).forEach((x) => x.dispose());
}

/** Waits for every queued kernel (GPU backends run asynchronously) by reading one value back. */
async function drain(net: tf.LayersModel): Promise<void> {
  const v = net.weights[net.weights.length - 1]!.read();
  const probe = tf.tidy(() => tf.slice(tf.reshape(v, [-1]), 0, 1));
  await probe.data();
  probe.dispose();
}

/**
 * Counts what one training step costs beyond arithmetic: GPU program runs
 * (WebGPU `runWebGPUProgram`, WebGL `runWebGLProgram`), WebGPU queue
 * submissions, and readbacks to the host (`tensor.data()`/`dataSync()`, at the
 * engine, so a backend's own internal reads are not counted). Installed once on
 * the active backend.
 */
export class BackendCounter {
  programs = 0;
  submits = 0;
  readbacks = 0;
  readonly countsPrograms: boolean;

  private constructor(backend: string) {
    this.countsPrograms = backend === 'webgpu' || backend === 'webgl';
  }

  snapshot(): { programs: number; submits: number; readbacks: number } {
    return { programs: this.programs, submits: this.submits, readbacks: this.readbacks };
  }

  static install(): BackendCounter {
    const name = tf.getBackend();
    const counter = new BackendCounter(name);
    type Fn = (...a: unknown[]) => unknown;
    const wrap = (obj: Record<string, unknown>, key: string, bump: () => void) => {
      const orig = obj[key];
      if (typeof orig !== 'function') return;
      const bound = (orig as Fn).bind(obj);
      obj[key] = (...a: unknown[]) => {
        bump();
        return bound(...a);
      };
    };
    const engine = tf.engine() as unknown as Record<string, unknown>;
    wrap(engine, 'read', () => (counter.readbacks += 1));
    wrap(engine, 'readSync', () => (counter.readbacks += 1));
    const be = tf.backend() as unknown as Record<string, unknown>;
    if (name === 'webgpu') {
      wrap(be, 'runWebGPUProgram', () => (counter.programs += 1));
      const queue = be.queue as Record<string, unknown> | undefined;
      if (queue) wrap(queue, 'submit', () => (counter.submits += 1));
    }
    if (name === 'webgl') wrap(be, 'runWebGLProgram', () => (counter.programs += 1));
    return counter;
  }
}

/**
 * Per-epoch timing shared by both implementations. Besides the wall time of
 * an epoch (until its last kernel finished), it records when the host had
 * issued the epoch's last step: on the GPU backends the difference is work the
 * device still had queued, so host ms/step tells host overhead from device time.
 */
class EpochClock {
  firstStepMs = NaN;
  epochMs: number[] = [];
  issueMs: number[] = [];
  tensors: number[] = [];
  bytes: number[] = [];
  private epochStart = 0;
  private lastBatchEnd = 0;
  private mark = { programs: 0, submits: 0, readbacks: 0 };
  private counted = { programs: 0, submits: 0, readbacks: 0 };
  constructor(
    readonly t0: number,
    private readonly counter: BackendCounter | null,
  ) {}
  startEpoch(epoch: number): void {
    this.epochStart = now();
    this.lastBatchEnd = this.epochStart;
    if (epoch === 1 && this.counter) this.mark = this.counter.snapshot();
  }
  batchEnd(): void {
    this.lastBatchEnd = now();
  }
  firstStep(): void {
    this.firstStepMs = now() - this.t0;
  }
  async endEpoch(net: tf.LayersModel): Promise<void> {
    const issued = this.lastBatchEnd - this.epochStart;
    // Counted before the drain, whose own readback is the bench's, not the trainer's.
    if (this.counter) {
      const c = this.counter.snapshot();
      this.counted = { programs: c.programs - this.mark.programs, submits: c.submits - this.mark.submits, readbacks: c.readbacks - this.mark.readbacks };
    }
    await drain(net);
    this.epochMs.push(now() - this.epochStart);
    this.issueMs.push(issued);
    const m = tf.memory();
    this.tensors.push(m.numTensors);
    this.bytes.push(m.numBytes);
    // The drain's readback is excluded from the next epoch's count as well.
    if (this.counter) this.mark = { ...this.mark, readbacks: this.mark.readbacks + 1 };
  }
  result(job: ThroughputJob): RepResult {
    const measured = this.epochMs.slice(1);
    const seconds = measured.reduce((a, b) => a + b, 0) / 1000;
    const steps = job.steps * measured.length;
    const r: RepResult = {
      samplesPerSec: steps > 0 ? (steps * job.batch) / seconds : NaN,
      firstStepMs: this.firstStepMs,
      tensorsAfterEpoch: this.tensors,
      bytesAfterEpoch: this.bytes,
    };
    if (steps > 0) {
      r.hostMsPerStep = this.issueMs.slice(1).reduce((a, b) => a + b, 0) / steps;
      if (this.counter) {
        r.readbacksPerStep = this.counted.readbacks / steps;
        if (this.counter.countsPrograms) {
          r.dispatchesPerStep = this.counted.programs / steps;
          r.submitsPerStep = this.counted.submits / steps;
        }
      }
    }
    return r;
  }
}

class TrainerClock extends Callback {
  constructor(
    readonly clock: EpochClock,
    readonly net: tf.LayersModel,
  ) {
    super();
  }
  override async onTrainBatchEnd(trainer: TrainerT, _m: LightningModule, outputs: StepOutput, _b: unknown, batchIdx: number): Promise<void> {
    this.clock.batchEnd();
    if (trainer.currentEpoch !== 0 || batchIdx !== 0) return;
    const loss = (outputs as { loss?: tf.Tensor } | null)?.loss;
    if (loss) await loss.data();
    this.clock.firstStep();
  }
  override onTrainEpochStart(trainer: TrainerT): void {
    this.clock.startEpoch(trainer.currentEpoch);
  }
  override async onTrainEpochEnd(): Promise<void> {
    await this.clock.endEpoch(this.net);
  }
}

/** tfjs's own callback base (not a CustomCallback), so fit keeps its default of no per-batch readback. */
class FitClock extends tf.Callback {
  private epoch = 0;
  constructor(readonly clock: EpochClock) {
    super();
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.clock.startEpoch(epoch);
  }
  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    this.clock.batchEnd();
    if (this.epoch !== 0 || batch !== 0) return;
    const loss = (logs as Record<string, unknown> | undefined)?.loss;
    if (loss instanceof tf.Tensor) await loss.data();
    this.clock.firstStep();
  }
  override async onEpochEnd(): Promise<void> {
    await this.clock.endEpoch(this.model as tf.LayersModel);
  }
}

export function quietTrainer(accelerator: string, extra: Record<string, unknown>): Trainer {
  return new Trainer({
    accelerator: accelerator as 'cpu',
    logger: false,
    enableCheckpointing: false,
    enableModelSummary: false,
    print: null,
    numSanityValSteps: 0,
    ...extra,
  });
}

/** One repetition: a fresh model trained for 1 warm-up + measuredEpochs epochs of `steps` batches. */
export async function throughputRep(
  impl: Impl,
  job: ThroughputJob,
  data: SplitTensors,
  seed: number,
  counter: BackendCounter | null,
  trainerOptions: Record<string, unknown> = {},
): Promise<RepResult> {
  const n = job.steps * job.batch;
  const x = tf.slice(data.xTrain, 0, n);
  const y = tf.slice(data.yTrain, 0, n);
  const net = buildModel(job.model, seed);
  const epochs = 1 + job.measuredEpochs;
  try {
    if (impl !== 'fit') {
      // A variant's `adam` key goes to the optimizer (e.g. `{"adam":{"fused":false}}`); `monitors: true` adds the
      // studio's GradNormMonitor, HistogramMonitor and DeviceStatsMonitor at their default intervals; the rest goes to the Trainer.
      const { adam, monitors, ...trainerOnly } = trainerOptions;
      const extra: Callback[] = monitors ? [new GradNormMonitor(), new HistogramMonitor(), new DeviceStatsMonitor()] : [];
      const module = new BenchModule(net, (adam ?? {}) as AdamOptions);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: job.batch, shuffle: true, generator: seed });
      const clock = new EpochClock(now(), counter);
      const trainer = quietTrainer(tf.getBackend(), { ...trainerOnly, maxEpochs: epochs, callbacks: [new TrainerClock(clock, net), ...extra] });
      await trainer.fit(module, { trainDataloaders: loader });
      // The Trainer leaves the optimizer (and its Adam slots) to its owner.
      trainer.optimizers.forEach((o) => o.dispose());
      return clock.result(job);
    }
    compileForFit(net, false);
    const clock = new EpochClock(now(), counter);
    await net.fit(x, y, { batchSize: job.batch, epochs, shuffle: true, verbose: 0, callbacks: [new FitClock(clock)] });
    net.optimizer.dispose();
    return clock.result(job);
  } finally {
    net.dispose();
    x.dispose();
    y.dispose();
  }
}

export interface AccuracyOutcome {
  reachedS: number | null;
  epochs: number;
  bestAcc: number;
}

async function scalarOf(v: unknown): Promise<number> {
  if (typeof v === 'number') return v;
  if (v instanceof tf.Tensor) return (await v.data())[0]!;
  return NaN;
}

/** Trains on the whole training split, validating each epoch, until the target or the time cap. */
export async function accuracyRun(impl: 'trainer' | 'fit', job: AccuracyJob, data: SplitTensors, seed: number): Promise<AccuracyOutcome> {
  const net = buildModel(job.model, seed);
  const out: AccuracyOutcome = { reachedS: null, epochs: 0, bestAcc: 0 };
  const t0 = now();
  const check = (acc: number): boolean => {
    out.epochs += 1;
    out.bestAcc = Math.max(out.bestAcc, acc);
    if (acc >= job.target && out.reachedS === null) out.reachedS = (now() - t0) / 1000;
    return out.reachedS !== null || (now() - t0) / 1000 > job.capS;
  };
  try {
    if (impl === 'trainer') {
      const module = new BenchModule(net);
      const train = new DataLoader(new TensorDataset(data.xTrain, data.yTrain), { batchSize: job.batch, shuffle: true, generator: seed });
      const val = new DataLoader(new TensorDataset(data.xVal, data.yVal), { batchSize: 500 });
      const stopper = new (class extends Callback {
        override onTrainEpochEnd(trainer: TrainerT): void {
          if (check(trainer.callbackMetrics.val_acc ?? 0)) trainer.shouldStop = true;
        }
      })();
      const trainer = quietTrainer(tf.getBackend(), { maxEpochs: 1000, callbacks: [stopper] });
      await trainer.fit(module, { trainDataloaders: train, valDataloaders: val });
      trainer.optimizers.forEach((o) => o.dispose());
      return out;
    }
    compileForFit(net, true);
    const stopper = new (class extends tf.Callback {
      override async onEpochEnd(_e: number, logs?: tf.Logs): Promise<void> {
        if (check(await scalarOf((logs as Record<string, unknown> | undefined)?.val_acc))) this.model.stopTraining = true;
      }
    })();
    await net.fit(data.xTrain, data.yTrain, { batchSize: job.batch, epochs: 1000, shuffle: true, verbose: 0, validationData: [data.xVal, data.yVal], callbacks: [stopper] });
    net.optimizer.dispose();
    return out;
  } finally {
    net.dispose();
  }
}
