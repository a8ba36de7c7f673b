// Test helper (Node): a tiny image dataset whose images are bright on their left half only, so a horizontal
// flip is the only way a right-bright image can appear.
import type { EncodedDataset } from '../data';
import type { LoadedData } from './dataset-report';

interface LeftBrightOptions {
  side: number;
  rows: number;
  /** Class of row r is r % classes; labels are 'a', 'b', ... */
  classes: number;
  /** Rows [start, end) are validation; the others train. */
  validation: [number, number];
}

export function leftBrightImages({ side, rows, classes, validation: [v0, v1] }: LeftBrightOptions): LoadedData {
  const per = side * side;
  const x = new Float32Array(rows * per);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % classes;
    // Intensity varies by row, so images of a class are not all alike.
    for (let i = 0; i < side; i++) for (let j = 0; j < side / 2; j++) x[r * per + i * side + j] = 0.5 + (r % 5) / 10;
  }
  const all = Array.from({ length: rows }, (_, r) => r);
  const labelNames = Array.from({ length: classes }, (_, k) => String.fromCharCode(97 + k));
  const dataset: EncodedDataset = {
    name: 'halves',
    task: 'classification',
    inputShape: [side, side, 1],
    x,
    y,
    labelNames,
    splits: { train: Int32Array.from(all.filter((r) => r < v0 || r >= v1)), validation: Int32Array.from(all.filter((r) => r >= v0 && r < v1)), test: new Int32Array(0) },
    spec: { kind: 'image', width: side, height: side, channels: 1, resize: 'auto', background: 0, scale: 'unit', labelNames } as unknown as EncodedDataset['spec'],
    warnings: [],
  };
  return { dataset, report: {} as LoadedData['report'] };
}
