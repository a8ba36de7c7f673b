import type { LightningModule } from '../module';
import type { Trainer } from '../trainer/trainer';
import { Callback } from './callback';

interface LayerLike {
  name: string;
  getClassName(): string;
  countParams(): number;
  trainable: boolean;
  outputShape?: unknown;
}
interface ModelLike {
  layers: LayerLike[];
}

export interface SummaryRow {
  name: string;
  type: string;
  params: number;
  outputShape: string;
}

export interface Summary {
  rows: SummaryRow[];
  trainableParams: number;
  nonTrainableParams: number;
  totalParams: number;
  /** float32 size of all parameters, in MB. */
  sizeMB: number;
  text: string;
}

const fmtCount = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} K` : String(n));

/** Lightning's ModelSummary table, built from the module's tf.layers models and variables. */
export function summarize(module: LightningModule, maxDepth = 1): Summary {
  const rows: SummaryRow[] = [];
  for (const key of Object.keys(module)) {
    const v = (module as unknown as Record<string, unknown>)[key];
    const model = v as ModelLike | null;
    if (model && Array.isArray(model.layers) && typeof (v as LayerLike).countParams === 'function') {
      const m = v as LayerLike;
      rows.push({ name: key, type: m.getClassName(), params: m.countParams(), outputShape: JSON.stringify(m.outputShape ?? '?') });
      if (maxDepth > 1) {
        for (const l of model.layers) {
          rows.push({ name: `${key}.${l.name}`, type: l.getClassName(), params: l.countParams(), outputShape: JSON.stringify(l.outputShape ?? '?') });
        }
      }
    }
  }
  let trainable = 0;
  let nonTrainable = 0;
  for (const [, variable, isTrainable] of module.namedVariables()) {
    if (isTrainable) trainable += variable.size;
    else nonTrainable += variable.size;
  }
  const total = trainable + nonTrainable;
  const sizeMB = (total * 4) / 1e6;
  const header = `  | Name${' '.repeat(16)}| Type${' '.repeat(16)}| Params`;
  const lines = [header, '-'.repeat(header.length + 4)];
  rows.forEach((r, i) => lines.push(`${String(i).padStart(1)} | ${r.name.padEnd(20)}| ${r.type.padEnd(20)}| ${fmtCount(r.params)}`));
  lines.push('-'.repeat(header.length + 4));
  lines.push(`${fmtCount(trainable).padEnd(10)}Trainable params`);
  lines.push(`${fmtCount(nonTrainable).padEnd(10)}Non-trainable params`);
  lines.push(`${fmtCount(total).padEnd(10)}Total params`);
  lines.push(`${sizeMB.toFixed(3).padEnd(10)}Total estimated model params size (MB)`);
  return { rows, trainableParams: trainable, nonTrainableParams: nonTrainable, totalParams: total, sizeMB, text: lines.join('\n') };
}

/** Prints the model summary when fit starts (added by default; `enableModelSummary: false` removes it). */
export class ModelSummary extends Callback {
  summary: Summary | null = null;
  constructor(readonly maxDepth = 1) {
    super();
  }
  override onFitStart(trainer: Trainer, module: LightningModule): void {
    this.summary = summarize(module, this.maxDepth);
    trainer.print(this.summary.text);
  }
}
