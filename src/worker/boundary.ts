/**
 * The decision boundary of a model on a two-feature table (TensorFlow
 * Playground's picture): at the end of every training epoch the model
 * predicts a grid over the encoded feature plane, and the page draws it under
 * the data points. One prediction pass and one readback per epoch, at most
 * every `minIntervalMs`; the grid's bounds and the points are fixed at the
 * start so successive pictures line up.
 */
import { featureOutputNames, type EncodedDataset } from '../data';
import { Callback, type LightningModule, type Trainer } from '../lightning';
import { predictRows } from './evaluate';
import type { BoundaryReport } from './protocol';

const GRID = 48;
const MAX_POINTS = 400;

/** Whether a dataset has a plane to draw: a table with exactly two encoded features. */
export function hasBoundary(ds: EncodedDataset): boolean {
  return ds.inputShape.length === 1 && ds.inputShape[0] === 2 && ds.splits.train.length > 0;
}

export class BoundaryMonitor extends Callback {
  private readonly grid: EncodedDataset;
  private readonly frame: Omit<BoundaryReport, 'epoch' | 'classes' | 'confidence' | 'values'>;
  private lastAt = -Infinity;

  constructor(
    private readonly ds: EncodedDataset,
    private readonly send: (report: BoundaryReport) => void,
    private readonly now: () => number,
    private readonly minIntervalMs = 200,
  ) {
    super();
    const train = ds.splits.train;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const r of train) {
      const a = ds.x[r * 2]!, b = ds.x[r * 2 + 1]!;
      x0 = Math.min(x0, a); x1 = Math.max(x1, a); y0 = Math.min(y0, b); y1 = Math.max(y1, b);
    }
    const padX = (x1 - x0 || 1) * 0.1, padY = (y1 - y0 || 1) * 0.1;
    const xRange: [number, number] = [x0 - padX, x1 + padX];
    const yRange: [number, number] = [y0 - padY, y1 + padY];
    // Cell centres, row 0 at the top (largest y), as the page draws them.
    const x = new Float32Array(GRID * GRID * 2);
    for (let j = 0; j < GRID; j++) {
      for (let i = 0; i < GRID; i++) {
        const k = j * GRID + i;
        x[k * 2] = xRange[0] + ((i + 0.5) / GRID) * (xRange[1] - xRange[0]);
        x[k * 2 + 1] = yRange[1] - ((j + 0.5) / GRID) * (yRange[1] - yRange[0]);
      }
    }
    const all = Int32Array.from({ length: GRID * GRID }, (_, i) => i);
    this.grid = { ...ds, x, y: new Int32Array(GRID * GRID), splits: { train: all, validation: all, test: all } };
    const step = Math.max(1, Math.ceil(train.length / MAX_POINTS));
    // A hashed pick, not every step-th row: rows are often stored class by class, or alternating.
    const picked = step === 1 ? train : train.filter((r) => Math.imul(r + 1, 2654435761) >>> 0 < 0x100000000 / step);
    const names = ds.spec.kind === 'table' ? ds.spec.features.flatMap(featureOutputNames) : [];
    this.frame = {
      task: ds.task,
      size: GRID,
      xRange,
      yRange,
      axes: [names[0] ?? 'feature 1', names[1] ?? 'feature 2'],
      labels: [...ds.labelNames],
      points: {
        x: Float32Array.from(picked, (r) => ds.x[r * 2]!),
        y: Float32Array.from(picked, (r) => ds.x[r * 2 + 1]!),
        target: Float32Array.from(picked, (r) => ds.y[r] as number),
      },
    };
  }

  override async onTrainEpochEnd(trainer: Trainer, module: LightningModule): Promise<void> {
    const last = trainer.maxEpochs > 0 && trainer.currentEpoch >= trainer.maxEpochs - 1;
    if (!last && this.now() - this.lastAt < this.minIntervalMs) return;
    this.lastAt = this.now();
    await this.draw(trainer.currentEpoch, module);
  }

  /** Predicts the grid and sends the picture (also used once after training). */
  async draw(epoch: number, module: LightningModule): Promise<void> {
    const out = await predictRows(module, this.grid, this.grid.splits.test);
    const n = GRID * GRID;
    const report: BoundaryReport = { ...this.frame, points: clonePoints(this.frame.points), epoch, classes: null, confidence: null, values: null };
    if (this.ds.task === 'classification') {
      const classes = new Uint8Array(n);
      const confidence = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        let best = 0;
        for (let c = 1; c < out.width; c++) if (out.values[k * out.width + c]! > out.values[k * out.width + best]!) best = c;
        classes[k] = best;
        confidence[k] = out.values[k * out.width + best]!;
      }
      report.classes = classes;
      report.confidence = confidence;
    } else {
      report.values = Float32Array.from(out.values.subarray(0, n));
    }
    this.send(report);
  }
}

function clonePoints(p: BoundaryReport['points']): BoundaryReport['points'] {
  return { x: p.x.slice(), y: p.y.slice(), target: p.target.slice() };
}
