/**
 * The runtime's own smoke-test dataset: two overlapping 2-D Gaussian blobs
 * (512 training and 128 validation points). Not offered in the studio; the
 * worker's tests use it because it trains in well under a second.
 */
import { SPEC_VERSION, type EncodedDataset, type TableSpec } from '../data';
import { mulberry32 } from '../lightning/seed';

/** Labels alternate 0/1; separable enough that the loss visibly falls within a few dozen steps. */
function makeBlobs(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = mulberry32(seed); // the same seed gives the same dataset everywhere
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const centre = label === 0 ? -1 : 1;
    x[2 * i] = centre + 0.8 * normal();
    x[2 * i + 1] = centre + 0.8 * normal();
    y[i] = label;
  }
  return { x, y };
}

const N_TRAIN = 512;
const N_VAL = 128;

export function makeBlobsDataset(seed: number): EncodedDataset {
  const { x, y } = makeBlobs(N_TRAIN + N_VAL, seed);
  const identity = (column: string) => ({ kind: 'numeric' as const, column, read: 'number' as const, fill: 0, mean: 0, std: 1, missingIndicator: false });
  const spec: TableSpec = {
    kind: 'table',
    version: SPEC_VERSION,
    columns: ['x1', 'x2', 'label'],
    features: [identity('x1'), identity('x2')],
    featureNames: ['x1', 'x2'],
    target: { column: 'label', task: 'classification', classes: ['0', '1'] },
    dropped: [],
    notes: ['generated data: features are used as they are'],
  };
  const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
  return {
    name: 'blobs',
    task: 'classification',
    inputShape: [2],
    x,
    y,
    labelNames: ['0', '1'],
    splits: { train: range(0, N_TRAIN), validation: range(N_TRAIN, N_TRAIN + N_VAL), test: range(N_TRAIN, N_TRAIN + N_VAL) },
    spec,
    warnings: [],
  };
}
