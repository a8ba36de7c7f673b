/**
 * Live shape inference and validation of a spec, for the layer builder:
 * every layer's output shape, parameter count and FLOPs, the model's totals,
 * and each problem attached to the layer that causes it.
 */
import { layerMath } from './layers-math';
import {
  LAYER_TYPE_NAMES,
  defaultLossFor,
  formatShape,
  outputUnitsFor,
  type LayerKind,
  type LayerSpec,
  type LossName,
  type ModelSpec,
  type Task,
} from './spec';

export interface SpecIssue {
  /** The offending layer's id; null for a problem of the whole model. */
  layerId: string | null;
  /** The layer field at fault, when one is. */
  field?: string;
  message: string;
}

export interface LayerReport {
  id: string;
  index: number;
  kind: LayerKind;
  /** Keras-style type name, e.g. 'Conv2D'. */
  type: string;
  /** null when an earlier layer is invalid. */
  inputShape: number[] | null;
  outputShape: number[] | null;
  params: number | null;
  trainableParams: number | null;
  flops: number | null;
  errors: SpecIssue[];
}

export interface ShapeReport {
  inputShape: number[];
  layers: LayerReport[];
  /** The model's output shape, or null when it cannot be known. */
  outputShape: number[] | null;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** float32 size of all parameters, in MB (10^6 bytes, as Lightning's summary). */
  sizeMB: number;
  /** Forward FLOPs per example (a multiply-add counts as 2). */
  flops: number;
  errors: SpecIssue[];
  /** Legal but probably unintended (e.g. a softmax before a loss that applies its own). */
  warnings: SpecIssue[];
  ok: boolean;
}

/** What the output is checked against; omit to check shapes only. */
export interface OutputTarget {
  task: Task;
  numClasses?: number;
  /** Default: the spec's recipe loss, else the task's default. */
  loss?: LossName;
}

function checkInputShape(inputShape: number[]): string | null {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    return `\`inputShape\` must be a non-empty list of positive integers, got ${JSON.stringify(inputShape)}`;
  }
  return null;
}

/**
 * Infers every layer's shape and checks the spec. `spec` may be a whole
 * ModelSpec (its recipe's loss decides the expected output) or just layers.
 */
export function inferShapes(spec: ModelSpec | LayerSpec[], inputShape: number[], target?: OutputTarget): ShapeReport {
  const layers = Array.isArray(spec) ? spec : spec.layers;
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const reports: LayerReport[] = [];
  const inputProblem = checkInputShape(inputShape);
  if (inputProblem) errors.push({ layerId: null, field: 'inputShape', message: inputProblem });
  let current: number[] | null = inputProblem ? null : inputShape.slice();
  const seen = new Set<string>();
  layers.forEach((l, index) => {
    const layerErrors: SpecIssue[] = [];
    if (typeof l.id !== 'string' || l.id === '') layerErrors.push({ layerId: l.id ?? null, field: 'id', message: `layer ${index + 1} needs an \`id\`, got ${JSON.stringify(l.id)}` });
    else if (seen.has(l.id)) layerErrors.push({ layerId: l.id, field: 'id', message: `\`id\` ${JSON.stringify(l.id)} is used by an earlier layer too` });
    seen.add(l.id);
    const report: LayerReport = {
      id: l.id,
      index,
      kind: l.kind,
      type: LAYER_TYPE_NAMES[l.kind] ?? String(l.kind),
      inputShape: current,
      outputShape: null,
      params: null,
      trainableParams: null,
      flops: null,
      errors: layerErrors,
    };
    if (current) {
      const m = layerMath(l, current);
      for (const p of m.problems) layerErrors.push({ layerId: l.id, ...(p.field ? { field: p.field } : {}), message: p.message });
      report.outputShape = m.output;
      report.params = m.params;
      report.trainableParams = m.trainableParams;
      report.flops = m.output ? m.flops : null;
    }
    current = report.outputShape;
    errors.push(...layerErrors);
    reports.push(report);
  });

  if (layers.length === 0) errors.push({ layerId: null, message: 'The model has no layers; add at least one (e.g. a Dense layer for the output)' });
  else if (current && target) checkOutput(current, layers, spec, target, errors, warnings);

  const totalParams = sum(reports.map((r) => r.params));
  const trainableParams = sum(reports.map((r) => r.trainableParams));
  return {
    inputShape: Array.isArray(inputShape) ? inputShape.slice() : [],
    layers: reports,
    outputShape: current,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    sizeMB: (totalParams * 4) / 1e6,
    flops: sum(reports.map((r) => r.flops)),
    errors,
    warnings,
    ok: errors.length === 0,
  };
}

function sum(values: Array<number | null>): number {
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

function checkOutput(output: number[], layers: LayerSpec[], spec: ModelSpec | LayerSpec[], target: OutputTarget, errors: SpecIssue[], warnings: SpecIssue[]): void {
  const last = layers[layers.length - 1]!;
  const loss = target.loss ?? (Array.isArray(spec) ? undefined : spec.recipe?.loss) ?? defaultLossFor(target.task);
  const units = outputUnitsFor(target.task, target.numClasses, loss);
  const what =
    target.task === 'regression'
      ? 'regression needs 1 output value'
      : loss === 'binaryCrossEntropy'
        ? "loss 'binaryCrossEntropy' needs 1 output value (the positive class's logit)"
        : `the task has ${units} classes`;
  if (output.length !== 1) {
    errors.push({
      layerId: last.id,
      message: `The output has shape ${formatShape(output)} but ${what}; add a Flatten (or GlobalAvgPool2D) and a Dense(${units}) at the end`,
    });
    return;
  }
  if (output[0] !== units) {
    const lastDense = [...layers].reverse().find((l) => l.kind === 'dense');
    const fix = lastDense ? `set the last Dense layer's \`units\` to ${units}` : `add a Dense(${units}) at the end`;
    errors.push({ layerId: lastDense?.id ?? last.id, ...(lastDense ? { field: 'units' } : {}), message: `The output has ${output[0]} values but ${what}; ${fix}` });
  }
  const finalActivation = last.kind === 'activation' ? last.activation : last.kind === 'dense' ? last.activation : undefined;
  if (finalActivation && finalActivation !== 'linear') {
    warnings.push({
      layerId: last.id,
      field: 'activation',
      message: `The last layer applies ${finalActivation}, but the loss '${loss}' works on raw outputs (logits); remove it unless you mean it`,
    });
  }
}
