/**
 * The model card (Markdown) and the metric history (CSV) of a bundle.
 */
import { describeAugmentation, type AugmentationSpec, type PreprocessingSpec } from '../data';
import { formatCount, summaryTable, type ModelSpec, type ScheduleSpec, type Task } from '../models';
import { csvCell, markdownText } from './text';

/** What the card says about a run; plain data, as the worker has it at the end of a run. */
export interface CardInfo {
  dataset: string;
  task: Task;
  /** One example's shape, channels last. */
  inputShape: number[];
  numClasses?: number;
  split: { train: number; validation: number; test: number };
  /** Final metrics on the test split, e.g. { test_loss: 0.21, test_acc: 0.94 }. */
  testMetrics: Record<string, number>;
  /** The tfjs backend that trained it: webgpu, webgl, wasm or cpu. */
  backend: string;
  trainingTimeMs: number;
  /** Epochs actually run (early stopping may end sooner than the recipe's). */
  epochs?: number;
  /** Training-time augmentation (image datasets), if any. */
  augmentation?: AugmentationSpec | null;
  /** The model this one was fine-tuned from (its file name), if any. */
  startedFrom?: string;
  /** ISO time of the export (default: now). */
  createdAt?: string;
  /** Recipe values found by the tuner's finders. */
  tuned?: { lr?: { value: number; rule: string }; batchSize?: { value: number; objective: string } };
}

/** A metric row: `step`/`epoch` and any logged values. */
export type HistoryRow = Readonly<Record<string, number | null | undefined>>;

const fixed = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString());

function describeSchedule(s: ScheduleSpec): string {
  const { type, ...rest } = s as ScheduleSpec & Record<string, unknown>;
  const params = Object.entries(rest).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : String(v)}`);
  return params.length ? `${type} (${params.join(', ')})` : type;
}

function duration(ms: number): string {
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function inputDescription(pre: PreprocessingSpec): string[] {
  if (pre.kind === 'image') {
    return [`- Images resized to ${pre.width} × ${pre.height} (${pre.resize}), ${pre.channels === 1 ? 'greyscale' : 'RGB'}, pixels scaled to [0, 1].`, `- Classes: ${pre.labelNames.map(markdownText).join(', ')}.`];
  }
  const lines = [`- ${pre.features.length} input columns → ${pre.featureNames.length} model inputs (numbers standardised, categories one-hot):`];
  for (const f of pre.features) {
    lines.push(f.kind === 'numeric' ? `  - ${markdownText(f.column)}: ${f.read}` : `  - ${markdownText(f.column)}: one of ${f.categories.length} categories${f.other ? ' or other' : ''}`);
  }
  if (pre.target) {
    lines.push(
      pre.target.task === 'classification'
        ? `- Target ${markdownText(pre.target.column)}: ${pre.target.classes.map(markdownText).join(', ')}.`
        : `- Target ${markdownText(pre.target.column)} (regression).`,
    );
  }
  for (const d of pre.dropped) lines.push(`- Left out: ${markdownText(d.column)} (${markdownText(d.reason)}).`);
  return lines;
}

export function modelCard(info: CardInfo, spec: ModelSpec, preprocessing: PreprocessingSpec, quantize?: string): string {
  const summary = summaryTable(spec, info.inputShape);
  const r = spec.recipe;
  const o = r.optimizer;
  const total = info.split.train + info.split.validation + info.split.test;
  const metrics = Object.entries(info.testMetrics);
  return [
    `# Model card: ${markdownText(info.dataset)}`,
    '',
    `Trained in Volt Studio (TensorFlow.js) on ${info.createdAt ?? new Date().toISOString()}. Task: ${info.task}${info.task === 'classification' && info.numClasses ? ` (${info.numClasses} classes)` : ''}.`,
    '',
    '## Data',
    '',
    `- Dataset: ${markdownText(info.dataset)}, ${total} examples, input shape [${info.inputShape.join(', ')}].`,
    `- Split: ${info.split.train} train / ${info.split.validation} validation / ${info.split.test} test.`,
    ...inputDescription(preprocessing),
    '',
    '## Architecture',
    '',
    '| # | Name | Type | Out shape | Params |',
    '|---|---|---|---|---|',
    ...summary.rows.map((row) => `| ${row.index} | ${row.name} | ${row.type} | ${row.outputShape} | ${row.params} |`),
    '',
    `Parameters: ${summary.totalParams} (${formatCount(summary.totalParams)}), ${summary.trainableParams} trainable, ${summary.nonTrainableParams} non-trainable; ${summary.sizeMB.toFixed(3)} MB as float32.`,
    quantize ? `Weights in this bundle are quantised to ${quantize}.` : 'Weights in this bundle are float32.',
    '',
    '## Recipe',
    '',
    `- Loss: ${r.loss}; optimizer: ${o.type} (lr ${fixed(o.lr)}, weight decay ${fixed(o.weightDecay)}${o.momentum ? `, momentum ${fixed(o.momentum)}` : ''}).`,
    `- LR schedule: ${describeSchedule(r.lrSchedule)}.`,
    `- Batch size ${r.batchSize}, ${r.epochs} epochs planned${info.epochs !== undefined ? `, ${info.epochs} run` : ''}${r.earlyStopping ? `; early stopping on ${markdownText(r.earlyStopping.monitor)} (${r.earlyStopping.mode}, patience ${r.earlyStopping.patience})` : ''}.`,
    `- Gradient clipping: ${r.gradientClipVal ? `global norm ${fixed(r.gradientClipVal)}` : 'none'}.`,
    `- Seed: ${r.seed === null ? 'none (random)' : r.seed}.`,
    ...(info.tuned?.lr ? [`- Learning rate ${fixed(info.tuned.lr.value)} from the learning-rate finder (${markdownText(info.tuned.lr.rule)} rule).`] : []),
    ...(info.tuned?.batchSize ? [`- Batch size ${info.tuned.batchSize.value} from the batch-size finder (${markdownText(info.tuned.batchSize.objective)}).`] : []),
    ...(info.startedFrom ? [`- Started from the weights of ${markdownText(info.startedFrom)} (fine-tuning).`] : []),
    ...(info.augmentation ? [`- Augmentation of training batches: ${describeAugmentation(info.augmentation)}.`] : []),
    '',
    info.split.test > 0 ? '## Results on the test split' : '## Results on the validation split (the dataset has no separate test split)',
    '',
    ...(metrics.length ? ['| metric | value |', '|---|---|', ...metrics.map(([k, v]) => `| ${markdownText(k)} | ${fixed(v)} |`)] : ['No test metrics were recorded.']),
    '',
    '## Training',
    '',
    `- Backend: ${markdownText(info.backend)}.`,
    `- Training time: ${duration(info.trainingTimeMs)}.`,
    '',
  ].join('\n');
}

/** The history as CSV: `step` and `epoch` first (when present), then the other columns sorted. */
export function metricsCsv(rows: readonly HistoryRow[]): string {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  const first = ['step', 'epoch'].filter((k) => keys.has(k));
  const rest = [...keys].filter((k) => !first.includes(k)).sort();
  const columns = [...first, ...rest];
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
