// Numerical agreement with PyTorch 1.13 through the whole Trainer: the fixture
// (scripts/pytorch_reference.py → optim/fixtures/pytorch-reference.json) holds
// fixed initial weights, fixed batches and PyTorch's per-step losses and final
// weights; the same model trained by our Trainer must reproduce them within 1e-4.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSVLogger, DataLoader, LightningModule, OneCycleLR, TensorDataset, type Batch, type OneCycleLROptions } from '../index';
import { quietTrainer } from '../testing/boring';
import { buildReferenceMlp, makeReferenceOptimizer, referenceFixture, type ReferenceMlp, type ReferenceRun } from '../optim/reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class ReferenceModule extends LightningModule {
  constructor(
    readonly mlp: ReferenceMlp,
    readonly run: ReferenceRun,
  ) {
    super();
  }
  // The MLP's variables live in `mlp.params`; expose them as this module's parameters.
  override namedVariables(): Array<[string, tf.Variable, boolean]> {
    return this.mlp.params.map((p, i) => [`mlp.${i}`, p, true]);
  }
  trainingStep(batch: Batch): tf.Scalar {
    const [x, y] = batch as tf.Tensor[];
    const loss = this.mlp.loss(x as tf.Tensor2D, y!);
    this.log('loss', loss);
    return loss;
  }
  override configureOptimizers() {
    const optimizer = makeReferenceOptimizer(this.run, this.parameters());
    if (!this.run.scheduler) return optimizer;
    const scheduler = new OneCycleLR(optimizer, this.run.scheduler.options as unknown as OneCycleLROptions);
    return { optimizer, lrScheduler: { scheduler, interval: 'step' as const } };
  }
}

// The Trainer clips by the global 2-norm or by value, as Lightning does; p=3 and p=inf norms are optimizer-level only.
const runs = referenceFixture.runs.filter((r) => !r.clip || r.clip.type === 'value' || r.clip.normType === 2);

describe('Trainer reproduces PyTorch per-step losses', () => {
  it.each(runs.map((r) => [r.name, r] as const))('%s', async (_name, run) => {
    const model = referenceFixture.models[run.model]!;
    const mlp = buildReferenceMlp(model);
    const xs = tf.tensor2d(model.batches.flatMap((b) => b.x));
    const ys = model.loss === 'mse' ? tf.tensor2d(model.batches.flatMap((b) => b.y as number[][])) : tf.tensor1d(model.batches.flatMap((b) => b.y as number[]), 'int32');
    const loader = new DataLoader(new TensorDataset(xs, ys), { batchSize: model.batches[0]!.x.length });
    const logger = new CSVLogger();
    const trainer = quietTrainer({
      maxEpochs: run.epochs,
      logger,
      logEveryNSteps: 1,
      ...(run.clip?.type === 'norm' ? { gradientClipVal: run.clip.maxNorm, gradientClipAlgorithm: 'norm' as const } : {}),
      ...(run.clip?.type === 'value' ? { gradientClipVal: run.clip.clipValue, gradientClipAlgorithm: 'value' as const } : {}),
    });
    const module = new ReferenceModule(mlp, run);
    await trainer.fit(module, { trainDataloaders: loader });
    const losses = logger.series('loss').map((p) => p.value);
    expect(losses).toHaveLength(run.losses.length);
    losses.forEach((l, i) => expect(Math.abs(l - run.losses[i]!), `step ${i}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(run.losses[i]!))));
    const final = mlp.torchLayers();
    final.forEach((layer, li) => {
      layer.weight.flat().forEach((w, k) => expect(Math.abs(w - run.finalLayers[li]!.weight.flat()[k]!)).toBeLessThanOrEqual(1e-4));
      layer.bias.forEach((b, k) => expect(Math.abs(b - run.finalLayers[li]!.bias[k]!)).toBeLessThanOrEqual(1e-4));
    });
    expect(trainer.globalStep).toBe(run.losses.length);
    trainer.optimizers.forEach((o) => o.dispose());
    mlp.dispose();
    tf.dispose([xs, ys]);
  });
});
