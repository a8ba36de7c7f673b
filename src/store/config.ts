import { ACCELERATOR_CHOICES, type AcceleratorChoice, type RunConfig } from '../worker/protocol';

/**
 * What a run uses unless the page or the URL says otherwise: MNIST, so that
 * Train works on a fresh page. Batch size, learning rate and seed come from
 * the model's recipe unless the URL overrides them.
 */
export const DEFAULT_RUN: Omit<RunConfig, 'accelerator'> = {
  dataset: 'mnist',
  maxEpochs: 5,
};

function int(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/**
 * Run settings from the page's query string, so a test or a shared link can
 * size a run: `dataset` (a built-in loaded at start), `maxSteps`, `maxEpochs`,
 * `limitTrainBatches`, `batchSize`, `lr`, `seed`, `accelerator`, and the test hook `injectNaN=<step>` (which turns on
 * `detectAnomaly` so the NaN fails the run).
 */
export function configFromQuery(search: string): Partial<RunConfig> {
  const q = new URLSearchParams(search);
  const out: Partial<RunConfig> = {};
  const maxSteps = int(q.get('maxSteps'));
  const maxEpochs = int(q.get('maxEpochs'));
  const batchSize = int(q.get('batchSize'));
  const seed = int(q.get('seed'));
  const nan = int(q.get('injectNaN'));
  const lr = q.get('lr');
  const acc = q.get('accelerator');
  const dataset = q.get('dataset');
  const limit = int(q.get('limitTrainBatches'));
  if (dataset !== null && /^[\w.-]{1,64}$/.test(dataset)) out.dataset = dataset;
  if (limit !== undefined && limit > 0) out.limitTrainBatches = limit;
  if (maxSteps !== undefined) out.maxSteps = maxSteps;
  if (maxEpochs !== undefined) out.maxEpochs = maxEpochs;
  if (batchSize !== undefined) out.batchSize = batchSize;
  if (seed !== undefined) out.seed = seed;
  if (lr !== null && Number.isFinite(Number(lr))) out.learningRate = Number(lr);
  if (acc !== null && ACCELERATOR_CHOICES.includes(acc as AcceleratorChoice)) out.accelerator = acc as AcceleratorChoice;
  if (nan !== undefined) {
    out.debug = { injectNaNAtStep: nan };
    out.detectAnomaly = true;
  }
  return out;
}
