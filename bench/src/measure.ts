import * as tf from '@tensorflow/tfjs';
import { Callback, DataLoader, TensorDataset, Trainer, type LightningModule, type StepOutput, type Trainer as TrainerT } from '../../src/lightning/index';
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

/** Counts WebGPU program runs and queue submissions; installed once on the active webgpu backend. */
export class DispatchCounter {
  programs = 0;
  submits = 0;
  static install(): DispatchCounter | null {
    if (tf.getBackend() !== 'webgpu') return null;
    const counter = new DispatchCounter();
    type WebGpuLike = { runWebGPUProgram: (...a: unknown[]) => unknown; queue: { submit: (...a: unknown[]) => unknown } };
    const be = tf.backend() as unknown as WebGpuLike;
    const run = be.runWebGPUProgram.bind(be);
    be.runWebGPUProgram = (...a: unknown[]) => {
      counter.programs += 1;
      return run(...a);
    };
    const queue = be.queue;
    const submit = queue.submit.bind(queue);
    queue.submit = (...a: unknown[]) => {
      counter.submits += 1;
      return submit(...a);
    };
    return counter;
  }
}

/** Per-epoch timing shared by both implementations. */
class EpochClock {
  firstStepMs = NaN;
  epochMs: number[] = [];
  tensors: number[] = [];
  bytes: number[] = [];
  programs = 0;
  submits = 0;
  private epochStart = 0;
  private mark = { programs: 0, submits: 0 };
  constructor(
    readonly t0: number,
    private readonly counter: DispatchCounter | null,
  ) {}
  startEpoch(epoch: number): void {
    this.epochStart = now();
    if (epoch === 1 && this.counter) this.mark = { programs: this.counter.programs, submits: this.counter.submits };
  }
  firstStep(): void {
    this.firstStepMs = now() - this.t0;
  }
  async endEpoch(net: tf.LayersModel): Promise<void> {
    await drain(net);
    this.epochMs.push(now() - this.epochStart);
    const m = tf.memory();
    this.tensors.push(m.numTensors);
    this.bytes.push(m.numBytes);
    if (this.counter) {
      this.programs = this.counter.programs - this.mark.programs;
      this.submits = this.counter.submits - this.mark.submits;
    }
  }
  result(job: ThroughputJob): RepResult {
    const measured = this.epochMs.slice(1);
    const seconds = measured.reduce((a, b) => a + b, 0) / 1000;
    const steps = job.steps * measured.length;
    const r: RepResult = {
      samplesPerSec: (steps * job.batch) / seconds,
      firstStepMs: this.firstStepMs,
      tensorsAfterEpoch: this.tensors,
      bytesAfterEpoch: this.bytes,
    };
    if (this.counter) {
      r.dispatchesPerStep = this.programs / steps;
      r.submitsPerStep = this.submits / steps;
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
export async function throughputRep(impl: Impl, job: ThroughputJob, data: SplitTensors, seed: number, counter: DispatchCounter | null): Promise<RepResult> {
  const n = job.steps * job.batch;
  const x = tf.slice(data.xTrain, 0, n);
  const y = tf.slice(data.yTrain, 0, n);
  const net = buildModel(job.model, seed);
  const epochs = 1 + job.measuredEpochs;
  try {
    if (impl === 'trainer') {
      const module = new BenchModule(net);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: job.batch, shuffle: true, generator: seed });
      const clock = new EpochClock(now(), counter);
      const trainer = quietTrainer(tf.getBackend(), { maxEpochs: epochs, callbacks: [new TrainerClock(clock, net)] });
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
