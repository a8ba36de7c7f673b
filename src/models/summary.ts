/**
 * A model summary table in the manner of Lightning's ModelSummary, computed
 * from the spec alone (no tensors), so the page can show it while editing.
 */
import { inferShapes } from './shapes';
import { formatShape, type LayerSpec, type ModelSpec } from './spec';

export interface SpecSummaryRow {
  index: number;
  /** The layer's position as a Lightning user would see it in a Sequential: `layers.0`. */
  name: string;
  type: string;
  /** e.g. '[28, 28, 6]', or '?' after an invalid layer. */
  outputShape: string;
  params: number;
}

export interface SpecSummary {
  rows: SpecSummaryRow[];
  trainableParams: number;
  nonTrainableParams: number;
  totalParams: number;
  sizeMB: number;
  flops: number;
  /** The table as text, as Lightning prints it. */
  text: string;
}

/** Lightning's compact counts: 1.2 K, 3.4 M. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function summaryTable(spec: ModelSpec | LayerSpec[], inputShape: number[]): SpecSummary {
  const report = inferShapes(spec, inputShape);
  const rows: SpecSummaryRow[] = report.layers.map((l) => ({
    index: l.index,
    name: `layers.${l.index}`,
    type: l.type,
    outputShape: formatShape(l.outputShape),
    params: l.params ?? 0,
  }));
  const cells = rows.map((r) => [String(r.index), r.name, r.type, r.outputShape, formatCount(r.params)]);
  const header = ['', 'Name', 'Type', 'Out shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  const head = line(header);
  const text = [
    head,
    '-'.repeat(head.length),
    ...cells.map(line),
    '-'.repeat(head.length),
    `${formatCount(report.trainableParams).padEnd(9)}Trainable params`,
    `${formatCount(report.nonTrainableParams).padEnd(9)}Non-trainable params`,
    `${formatCount(report.totalParams).padEnd(9)}Total params`,
    `${report.sizeMB.toFixed(3).padEnd(9)}Total estimated model params size (MB)`,
    `${formatCount(report.flops).padEnd(9)}FLOPs per example (forward)`,
  ].join('\n');
  return {
    rows,
    trainableParams: report.trainableParams,
    nonTrainableParams: report.nonTrainableParams,
    totalParams: report.totalParams,
    sizeMB: report.sizeMB,
    flops: report.flops,
    text,
  };
}
