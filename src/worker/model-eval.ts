/**
 * Test metrics of any tf.LayersModel on a dataset split, named and computed
 * as SpecModule's `testStep` logs them (test_loss with the recipe's loss,
 * test_acc/test_f1 or test_mae/test_r2, on the encoded targets), so a
 * quantised variant or a re-imported model reads the same as the trained one.
 * Also the probabilities (or decoded values) the Evaluate view is built from.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeRegression, type EncodedDataset } from '../data';
import { Accuracy, F1Score, MeanAbsoluteError, R2Score, type ClassificationOptions, type Metric } from '../lightning';
import { computeLoss, type LossName } from '../models';
import type { ModelOutputs } from './evaluate';

const BATCH = 256;

/** The loss a model was trained with: the spec's, else what its output width implies. */
export function lossFor(task: EncodedDataset['task'], outputUnits: number, specLoss?: LossName | null): LossName {
  if (specLoss) return specLoss;
  if (task === 'regression') return 'mse';
  return outputUnits === 1 ? 'binaryCrossEntropy' : 'crossEntropy';
}

interface ModelEvaluation {
  metrics: Record<string, number>;
  outputs: ModelOutputs;
}

/** Runs the model over `rows` in batches; one readback per batch. The model is not disposed. */
export async function evaluateLayersModel(model: tf.LayersModel, ds: EncodedDataset, rows: Int32Array, loss: LossName, prefix = 'test'): Promise<ModelEvaluation> {
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  const units = (model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] as number | null) ?? 1;
  const classification = ds.task === 'classification';
  const opts: ClassificationOptions | null = classification
    ? loss === 'binaryCrossEntropy' ? { task: 'binary', threshold: 0 } : { task: 'multiclass', numClasses: units }
    : null;
  const first: Metric<number> = opts ? new Accuracy(opts) : new MeanAbsoluteError();
  const second: Metric<number> = opts ? new F1Score(opts) : new R2Score();
  const width = classification ? (units === 1 ? 2 : units) : 1;
  const values = new Float32Array(rows.length * width);
  let lossSum = 0;
  try {
    for (let start = 0; start < rows.length; start += BATCH) {
      const idx = rows.subarray(start, Math.min(rows.length, start + BATCH));
      const x = new Float32Array(idx.length * per);
      const y = classification ? new Int32Array(idx.length) : new Float32Array(idx.length);
      idx.forEach((r, i) => {
        x.set(ds.x.subarray(r * per, (r + 1) * per), i * per);
        y[i] = ds.y[r] as number;
      });
      const [lossT, shown] = tf.tidy(() => {
        const input = tf.tensor(x, [idx.length, ...ds.inputShape]);
        const out = (model.predict(input) as tf.Tensor).reshape([idx.length, -1]);
        const target = classification ? tf.tensor1d(y as Int32Array, 'int32') : tf.tensor2d(y as Float32Array, [idx.length, 1]);
        first.update(out, target);
        second.update(out, target);
        const l = computeLoss(loss, out, target);
        let view: tf.Tensor = out;
        if (classification && units === 1) {
          const p = tf.sigmoid(out);
          view = tf.concat([tf.sub(1, p), p], 1);
        } else if (classification) view = tf.softmax(out);
        return [l, view] as const;
      });
      const [l, v] = await Promise.all([lossT.data(), shown.data()]);
      tf.dispose([lossT, shown]);
      lossSum += l[0]! * idx.length;
      values.set(v as Float32Array, start * width);
    }
    if (!classification && ds.spec.kind === 'table' && ds.spec.target) {
      for (let i = 0; i < values.length; i++) values[i] = decodeRegression(ds.spec.target, values[i]!);
    }
    const [a, b] = classification ? ['acc', 'f1'] : ['mae', 'r2'];
    const metrics: Record<string, number> = { [`${prefix}_loss`]: rows.length ? lossSum / rows.length : NaN, [`${prefix}_${a}`]: await first.compute(), [`${prefix}_${b}`]: await second.compute() };
    return { metrics: Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v))), outputs: { values, width } };
  } finally {
    first.dispose();
    second.dispose();
  }
}
