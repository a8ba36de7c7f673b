/**
 * The last run's model on a dataset loaded after it: allowed only when the
 * loaded data fits the run's own preprocessing (the same columns and types,
 * or the same image shape and classes), then encoded the run's way and
 * evaluated on the loaded dataset's held-out rows.
 */
import { encodedFor } from '../data/encode/reencode';
import { schemaOf } from '../export';
import type { LoadedData } from './dataset-report';
import { buildEvaluation } from './evaluate';
import { heldOutSplit, outputUnits, specModel } from './export-session';
import { schemaTarget } from './import-session';
import { evaluateLayersModel, lossFor } from './model-eval';
import type { Evaluation } from './protocol';
import type { BuiltRun } from './run';

export async function evaluateOnLoaded(run: BuiltRun, data: LoadedData): Promise<Evaluation> {
  const trainedOn = run.data;
  if (!trainedOn) throw new Error('the last run has no dataset to compare the loaded one with');
  const model = specModel(run);
  const pre = trainedOn.dataset.spec;
  const units = outputUnits(model);
  const schema = schemaOf(pre, schemaTarget(data), trainedOn.dataset.inputShape, units);
  if (!schema.ok) {
    const issues = schema.issues.filter((i) => i.severity === 'error').map((i) => `${i.column ?? 'dataset'}: ${i.message}`);
    throw new Error(`${data.dataset.name} does not fit the model trained on ${trainedOn.dataset.name}: ${issues.join('; ')}`);
  }
  const ds = data.dataset;
  const split = heldOutSplit(ds);
  if (!split) throw new Error(`${ds.name} has no validation or test rows to evaluate on`);
  const rows = ds.splits[split];
  const view = encodedFor(pre, data, rows);
  const result = await evaluateLayersModel(model, view, Int32Array.from(rows.keys()), lossFor(ds.task, units, run.spec?.recipe.loss));
  return buildEvaluation(data, split, result.outputs, result.metrics);
}
