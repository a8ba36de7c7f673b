// The examples of the Lightning guide this project grew from (shared/seed), trained through the Trainer.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataLoader,
  LightningDataModule,
  LightningModule,
  SGD,
  Adam,
  TensorDataset,
  randomSplit,
  seedEverything,
  type Batch,
  type Stage,
} from '../index';
import { quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** `nn.Linear(1, 1)` with MSE and SGD(lr=0.01), as in the guide's section 3.1. */
class LinearRegressionModel extends LightningModule {
  linear = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  override forward(x: tf.Tensor): tf.Tensor {
    return this.linear.apply(x) as tf.Tensor;
  }
  trainingStep(batch: Batch): tf.Scalar {
    const [x, y] = batch as tf.Tensor[];
    const loss = tf.losses.meanSquaredError(y!, this.forward(x!)) as tf.Scalar;
    this.log('train_loss', loss);
    return loss;
  }
  override configureOptimizers() {
    return new SGD(this.parameters(), { lr: 0.01 });
  }
}

describe('the guide: linear regression y = 2x', () => {
  it('learns weight ≈ 2 and bias ≈ 0 with a shuffled DataLoader of batch size 2', async () => {
    seedEverything(0);
    const x = tf.tensor2d([[1], [2], [3]]);
    const y = tf.tensor2d([[2], [4], [6]]);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2, shuffle: true });
    const model = new LinearRegressionModel();
    const trainer = quietTrainer({ maxEpochs: 2000 });
    await trainer.fit(model, { trainDataloaders: loader });
    const [w, b] = model.linear.getWeights().map((t) => t.dataSync()[0]!);
    expect(w).toBeCloseTo(2, 1);
    expect(b).toBeCloseTo(0, 1);
    expect(trainer.currentEpoch).toBe(2000);
    expect(trainer.globalStep).toBe(4000); // 2 batches per epoch
    expect(trainer.callbackMetrics.train_loss).toBeLessThan(1e-3);
  });
});

/** The guide's `MyModel` (section 3.2.1): 1 → hiddenDim → ReLU → 1, hyperparameters saved. */
class MyModel extends LightningModule {
  layer: tf.layers.Layer;
  outputLayer: tf.layers.Layer;
  constructor(hiddenDim = 128, learningRate = 0.001) {
    super();
    this.saveHyperparameters({ hiddenDim, learningRate });
    this.layer = tf.layers.dense({ units: hiddenDim, inputShape: [1], activation: 'relu' });
    this.outputLayer = tf.layers.dense({ units: 1 });
    this.layer.build([null, 1]);
    this.outputLayer.build([null, hiddenDim]);
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return this.outputLayer.apply(this.layer.apply(x)) as tf.Tensor;
  }
  trainingStep(batch: Batch): tf.Scalar {
    const [x, y] = batch as tf.Tensor[];
    const loss = tf.losses.meanSquaredError(y!, this.forward(x!)) as tf.Scalar;
    this.log('train_loss', loss, { progBar: true });
    return loss;
  }
  override validationStep(batch: Batch): void {
    const [x, y] = batch as tf.Tensor[];
    this.log('val_loss', tf.losses.meanSquaredError(y!, this.forward(x!)));
  }
  override testStep(batch: Batch): void {
    const [x, y] = batch as tf.Tensor[];
    this.log('test_loss', tf.losses.meanSquaredError(y!, this.forward(x!)));
  }
  override configureOptimizers() {
    return new Adam(this.parameters(), { lr: this.hparams.learningRate as number });
  }
}

/** A datamodule in the guide's shape: prepareData once, setup(stage) splitting, three dataloaders. */
class ToyDataModule extends LightningDataModule {
  prepareCalls = 0;
  setupStages: Stage[] = [];
  teardownStages: Stage[] = [];
  train?: TensorDataset;
  parts: ReturnType<typeof randomSplit<tf.Tensor[]>> = [];
  override prepareData(): void {
    this.prepareCalls += 1;
  }
  override setup(stage: Stage): void {
    this.setupStages.push(stage);
    if (this.parts.length) return;
    const xs = tf.linspace(-1, 1, 200).reshape([200, 1]);
    const ds = new TensorDataset(xs, tf.mul(xs, 2));
    this.parts = randomSplit(ds, [0.8, 0.1, 0.1], 42);
  }
  override teardown(stage: Stage): void {
    this.teardownStages.push(stage);
  }
  override trainDataloader() {
    return new DataLoader(this.parts[0]!, { batchSize: 16, shuffle: true });
  }
  override valDataloader() {
    return new DataLoader(this.parts[1]!, { batchSize: 32 });
  }
  override testDataloader() {
    return new DataLoader(this.parts[2]!, { batchSize: 32 });
  }
}

describe('the guide: MyModel with a LightningDataModule', () => {
  it('saves constructor arguments as hyperparameters', () => {
    const m = new MyModel(64, 0.01);
    expect(m.hparams).toEqual({ hiddenDim: 64, learningRate: 0.01 });
    expect(m.parameters().map((p) => p.shape)).toEqual([[1, 64], [64], [64, 1], [1]]);
  });

  it('runs prepareData once per fit/test/validate, setup with the stage Lightning passes, and learns y = 2x', async () => {
    seedEverything(1);
    const dm = new ToyDataModule();
    const model = new MyModel(128, 0.01);
    const trainer = quietTrainer({ maxEpochs: 30, numSanityValSteps: 2 }); // the guide runs Lightning's default sanity check
    await trainer.fit(model, { datamodule: dm });
    const [res] = await trainer.test(model, { datamodule: dm });
    await trainer.validate(model, { datamodule: dm });
    expect(dm.prepareCalls).toBe(3); // once per entry point (fit, test, validate), as in Lightning
    expect(dm.setupStages).toEqual(['fit', 'test', 'validate']);
    expect(dm.teardownStages).toEqual(['fit', 'test', 'validate']);
    expect(trainer.callbackMetrics.val_loss).toBeLessThan(0.01);
    expect(Object.keys(res!)).toEqual(['test_loss']);
    expect(res!.test_loss).toBeLessThan(0.01);
  });
});
