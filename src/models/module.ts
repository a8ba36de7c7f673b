/**
 * A LightningModule made from a spec: the tf model, the recipe's loss and
 * optimizer, and the task's metrics for train, validation and test.
 *
 * Logged names: classification → train_loss, train_acc, val_loss, val_acc,
 * val_f1, test_loss, test_acc, test_f1; regression → train_loss, train_mae,
 * train_r2, val_loss, val_mae, val_r2, test_loss, test_mae, test_r2.
 * Train values are logged on step and on epoch (so `train_loss_step` feeds a
 * live chart and `train_loss_epoch` an epoch one); the others per epoch.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Accuracy,
  F1Score,
  LightningModule,
  MeanAbsoluteError,
  R2Score,
  accuracy,
  meanAbsoluteError,
  type Batch,
  type Callback,
  type ClassificationOptions,
  type Metric,
  type OptimizerConfig,
} from '../lightning';
import { buildLayersModel } from './build';
import { validateRecipe } from './recipe';
import { inferShapes } from './shapes';
import { buildOptimizer, buildScheduler, callbacksFor } from './training';
import { outputUnitsFor, type LossName, type ModelSpec, type TaskInfo } from './spec';

/** The loss of a batch, from raw model outputs (logits for classifiers). */
export function computeLoss(loss: LossName, output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (loss) {
      case 'crossEntropy': {
        const classes = output.shape[output.shape.length - 1]!;
        const oneHot =
          target.rank === 2 && target.shape[1] === classes
            ? tf.cast(target, 'float32')
            : tf.oneHot(tf.cast(tf.reshape(target, [-1]), 'int32'), classes);
        return tf.losses.softmaxCrossEntropy(oneHot, output) as tf.Scalar;
      }
      case 'binaryCrossEntropy':
        return tf.losses.sigmoidCrossEntropy(tf.cast(tf.reshape(target, output.shape), 'float32'), output) as tf.Scalar;
      case 'mse':
        return tf.losses.meanSquaredError(tf.reshape(target, output.shape), output) as tf.Scalar;
      case 'mae':
        return tf.losses.absoluteDifference(tf.reshape(target, output.shape), output) as tf.Scalar;
      case 'huber':
        return tf.losses.huberLoss(tf.reshape(target, output.shape), output) as tf.Scalar;
      default:
        throw new Error(`\`loss\` must be one of crossEntropy, binaryCrossEntropy, mse, mae, huber, got ${JSON.stringify(loss)}`);
    }
  });
}

function unpack(batch: Batch): [tf.Tensor, tf.Tensor] {
  if (Array.isArray(batch) && batch.length >= 2) return [batch[0]!, batch[1]!];
  if (!(batch instanceof tf.Tensor) && !Array.isArray(batch) && batch.x && batch.y) return [batch.x, batch.y];
  throw new Error('SpecModule expects batches of [x, y] (a TensorDataset of inputs and targets) or {x, y}');
}

type Stage = 'val' | 'test';

interface StageMetrics {
  first: Metric<number>;
  second: Metric<number>;
}

/** Throws, listing every problem, when the spec cannot train on this task. */
export function assertTrainable(spec: ModelSpec, info: TaskInfo): void {
  const problems = [...inferShapes(spec, info.inputShape, info).errors, ...validateRecipe(spec.recipe, info)];
  if (problems.length > 0) {
    throw new Error(`The model spec cannot be trained: ${problems.map((p) => p.message).join('; ')}`);
  }
}

export class SpecModule extends LightningModule {
  readonly model: tf.LayersModel;
  readonly spec: ModelSpec;
  readonly info: TaskInfo;
  private readonly classOptions: ClassificationOptions | null;
  private readonly stageMetrics: Record<Stage, StageMetrics>;
  private readonly trainR2: R2Score | null;

  /** Validates the spec for the task and builds its tf model (on the current tfjs backend). */
  constructor(spec: ModelSpec, info: TaskInfo) {
    super();
    assertTrainable(spec, info);
    this.spec = structuredClone(spec);
    this.info = structuredClone(info);
    this.model = buildLayersModel(spec, info.inputShape);
    this.saveHyperparameters({ spec: this.spec, task: this.info });
    const loss = spec.recipe.loss;
    if (info.task === 'classification') {
      this.classOptions =
        loss === 'binaryCrossEntropy'
          ? { task: 'binary', threshold: 0 } // logits: > 0 is the same decision as sigmoid > 0.5
          : { task: 'multiclass', numClasses: outputUnitsFor(info.task, info.numClasses, loss) };
      const make = (): StageMetrics => ({ first: new Accuracy(this.classOptions!), second: new F1Score(this.classOptions!) });
      this.stageMetrics = { val: make(), test: make() };
      this.trainR2 = null;
    } else {
      this.classOptions = null;
      const make = (): StageMetrics => ({ first: new MeanAbsoluteError(), second: new R2Score() });
      this.stageMetrics = { val: make(), test: make() };
      this.trainR2 = new R2Score();
    }
  }

  /** Names of the two metrics logged beside the loss: acc/f1 or mae/r2. */
  get metricNames(): [string, string] {
    return this.classOptions ? ['acc', 'f1'] : ['mae', 'r2'];
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const shape = this.info.inputShape;
    const input = x.rank === shape.length + 1 ? x : tf.reshape(x, [-1, ...shape]);
    return this.model.apply(input, { training: this.training }) as tf.Tensor;
  }

  private step(batch: Batch): { out: tf.Tensor; y: tf.Tensor; loss: tf.Scalar } {
    const [x, y] = unpack(batch);
    const out = this.forward(x);
    return { out, y, loss: computeLoss(this.spec.recipe.loss, out, y) };
  }

  override trainingStep(batch: Batch): tf.Scalar {
    const { out, y, loss } = this.step(batch);
    const opts = { onStep: true, onEpoch: true, progBar: true };
    this.log('train_loss', loss, opts);
    if (this.classOptions) {
      this.log('train_acc', accuracy(out, y, this.classOptions), opts);
    } else {
      const target = tf.reshape(y, out.shape);
      this.log('train_mae', meanAbsoluteError(out, target), opts);
      this.trainR2!.update(out, target);
      this.log('train_r2', this.trainR2!, { onStep: false, onEpoch: true });
    }
    return loss;
  }

  private evalStep(stage: Stage, batch: Batch): tf.Scalar {
    const { out, y, loss } = this.step(batch);
    const target = this.classOptions ? y : tf.reshape(y, out.shape);
    const m = this.stageMetrics[stage];
    m.first.update(out, target);
    m.second.update(out, target);
    const [a, b] = this.metricNames;
    this.log(`${stage}_loss`, loss, { progBar: true });
    this.log(`${stage}_${a}`, m.first, { progBar: true });
    this.log(`${stage}_${b}`, m.second);
    return loss;
  }

  override validationStep(batch: Batch): tf.Scalar {
    return this.evalStep('val', batch);
  }

  override testStep(batch: Batch): tf.Scalar {
    return this.evalStep('test', batch);
  }

  override configureOptimizers(): OptimizerConfig {
    const optimizer = buildOptimizer(this.spec.recipe.optimizer, this.parameters());
    const scheduler = buildScheduler(this.spec.recipe, optimizer, { stepsPerEpoch: this.stepsPerEpoch() });
    return scheduler ? { optimizer, lrScheduler: scheduler } : optimizer;
  }

  /** The recipe's callbacks (early stopping), added to the Trainer's as Lightning's configure_callbacks does. */
  override configureCallbacks(): Callback[] {
    return callbacksFor(this.spec.recipe);
  }

  /**
   * Optimizer steps per epoch, for oneCycle. Read from the train dataloader:
   * the Trainer's `estimatedSteppingBatches` is still 0 while
   * `configureOptimizers` runs.
   */
  private stepsPerEpoch(): number {
    const t = this.trainer;
    const batches = t?.trainDataloader?.length ?? 0;
    const limit = t?.options.limitTrainBatches;
    const limited = limit === undefined || limit === 1 ? batches : Number.isInteger(limit) ? Math.min(batches, limit) : Math.floor(batches * limit);
    return Math.max(1, Math.ceil(limited / (t?.accumulateGradBatches ?? 1)));
  }

  /** Frees the model's weights and the metrics' state. */
  dispose(): void {
    this.model.dispose();
    for (const m of Object.values(this.stageMetrics)) {
      m.first.dispose();
      m.second.dispose();
    }
    this.trainR2?.dispose();
  }
}

/** Builds the LightningModule of a spec for a task (validating both first). */
export function createModule(spec: ModelSpec, info: TaskInfo): SpecModule {
  return new SpecModule(spec, info);
}
