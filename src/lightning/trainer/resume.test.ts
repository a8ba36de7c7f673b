// Resuming from checkpoints, determinism under seedEverything, and no tensor leaks across epochs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Accuracy,
  Callback,
  CSVLogger,
  DataLoader,
  LightningModule,
  MemoryCheckpointStorage,
  ModelCheckpoint,
  SGD,
  StepLR,
  TensorDataset,
  seedEverything,
  type Batch,
} from '../index';
import { quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small classifier with dropout (so the RNG matters) and batch norm (non-trainable state). */
class Classifier extends LightningModule {
  net = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 3 }),
    ],
  });
  valAcc = new Accuracy({ task: 'multiclass', numClasses: 3 });
  override forward(x: tf.Tensor) {
    return this.net.apply(x, { training: this.training }) as tf.Tensor;
  }
  private loss(batch: Batch) {
    const [x, y] = batch as tf.Tensor[];
    const logits = this.forward(x!);
    return { logits, y: y!, loss: tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y!, 'int32'), 3), logits) as tf.Scalar };
  }
  trainingStep(batch: Batch) {
    const { loss } = this.loss(batch);
    this.log('train_loss', loss);
    return loss;
  }
  override validationStep(batch: Batch) {
    const { loss, logits, y } = this.loss(batch);
    this.valAcc.update(logits, y);
    this.log('val_loss', loss);
    this.log('val_acc', this.valAcc);
  }
  override configureOptimizers() {
    const optimizer = new SGD(this.parameters(), { lr: 0.1, momentum: 0.9 });
    return { optimizer, lrScheduler: { scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.7 }), interval: 'epoch' as const } };
  }
}

function data() {
  const x = tf.randomNormal([48, 4], 0, 1, 'float32', 11);
  const y = tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, 'float32', 12)), 1);
  return {
    train: new DataLoader(new TensorDataset(x, y), { batchSize: 8, shuffle: true, generator: 5 }),
    val: new DataLoader(new TensorDataset(x.slice(0, 16), y.slice(0, 16)), { batchSize: 8 }),
  };
}

/** Runs with validation keep Lightning's default sanity check (2 batches), which quietTrainer turns off. */
const base = { numSanityValSteps: 2 } as const;

async function weightsOf(m: LightningModule): Promise<number[]> {
  const sd = await m.stateDict();
  return Object.values(sd).flatMap((t) => Array.from(t.data));
}

describe('resume from a checkpoint', () => {
  it('an interrupted run resumed from its epoch checkpoint ends with the same weights and global step', async () => {
    seedEverything(7);
    const d = data();
    const full = new Classifier();
    const fullTrainer = quietTrainer({ ...base, maxEpochs: 4 });
    await fullTrainer.fit(full, { trainDataloaders: d.train, valDataloaders: d.val });

    seedEverything(7);
    const d2 = data();
    const storage = new MemoryCheckpointStorage();
    const first = new Classifier();
    const t1 = quietTrainer({ ...base, maxEpochs: 2, checkpointStorage: storage, callbacks: [new ModelCheckpoint({ saveLast: true })] });
    await t1.fit(first, { trainDataloaders: d2.train, valDataloaders: d2.val });
    expect(await storage.exists('checkpoints/last.ckpt')).toBe(true);

    seedEverything(99); // a different RNG state: the checkpoint must restore it
    const resumed = new Classifier();
    const t2 = quietTrainer({ ...base, maxEpochs: 4, checkpointStorage: storage, callbacks: [new ModelCheckpoint({ saveLast: true })] });
    await t2.fit(resumed, { trainDataloaders: d2.train, valDataloaders: d2.val, ckptPath: 'checkpoints/last.ckpt' });

    expect(t2.globalStep).toBe(fullTrainer.globalStep);
    expect(t2.currentEpoch).toBe(4);
    expect(t2.optimizers[0]!.paramGroups[0]!.lr).toBeCloseTo(fullTrainer.optimizers[0]!.paramGroups[0]!.lr, 12);
    expect(await weightsOf(resumed)).toEqual(await weightsOf(full));
  });

  it('resumes mid-epoch from a step checkpoint', async () => {
    seedEverything(3);
    const d = data();
    const full = new Classifier();
    const ft = quietTrainer({ maxEpochs: 2 });
    await ft.fit(full, { trainDataloaders: d.train });

    seedEverything(3);
    const d2 = data();
    const storage = new MemoryCheckpointStorage();
    const cb = new ModelCheckpoint({ everyNTrainSteps: 4, saveTopK: -1, filename: 'step={step}' });
    const t1 = quietTrainer({ maxSteps: 8, checkpointStorage: storage, callbacks: [cb] });
    await t1.fit(new Classifier(), { trainDataloaders: d2.train });
    const ckpt = await storage.load('checkpoints/step=8.ckpt');
    expect(ckpt.loops).toEqual({ epoch: 1, batchesDone: 2 }); // 6 batches per epoch (no dead `epochFinished` flag any more)

    const resumed = new Classifier();
    const t2 = quietTrainer({ maxEpochs: 2, checkpointStorage: storage });
    await t2.fit(resumed, { trainDataloaders: d2.train, ckptPath: 'checkpoints/step=8.ckpt' });
    expect(t2.globalStep).toBe(12);
    expect(await weightsOf(resumed)).toEqual(await weightsOf(full));
  });
});

describe('determinism', () => {
  it('two runs with the same seed log identical losses on the CPU backend; another seed differs', async () => {
    const losses = async (seed: number) => {
      seedEverything(seed);
      const d = data();
      const logger = new CSVLogger();
      const t = quietTrainer({ ...base, maxEpochs: 2, deterministic: true, logger, logEveryNSteps: 1 });
      await t.fit(new Classifier(), { trainDataloaders: d.train, valDataloaders: d.val });
      return logger.series('train_loss').map((p) => p.value);
    };
    const a = await losses(21);
    const b = await losses(21);
    const c = await losses(22);
    expect(a).toHaveLength(12);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('memory', () => {
  it('the live tensor count after each epoch equals the count after the first', async () => {
    seedEverything(1);
    const d = data();
    const counts: number[] = [];
    class Count extends Callback {
      override onTrainEpochEnd() {
        counts.push(tf.memory().numTensors);
      }
    }
    const t = quietTrainer({ ...base, maxEpochs: 4, enableCheckpointing: true, logger: new CSVLogger(), logEveryNSteps: 1, callbacks: [new Count()] });
    await t.fit(new Classifier(), { trainDataloaders: d.train, valDataloaders: d.val });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    const before = tf.memory().numTensors;
    await t.validate(t.lightningModule, { dataloaders: d.val });
    expect(tf.memory().numTensors).toBe(before);
  });
});
