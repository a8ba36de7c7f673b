import { ACCELERATOR_CHOICES, type AcceleratorChoice, type RunConfig } from '../worker/protocol';

/** What a run uses unless the page or the URL says otherwise; sized to train in seconds even on SwiftShader. */
export const DEFAULT_RUN: Omit<RunConfig, 'accelerator'> = {
  dataset: 'blobs',
  model: 'mlp',
  maxEpochs: 5,
  batchSize: 32,
  learningRate: 0.05,
  seed: 0,
};

function int(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/**
 * Run settings from the page's query string, so a test or a shared link can
 * size a run: `maxSteps`, `maxEpochs`, `batchSize`, `lr`, `seed`,
 * `accelerator`, and the test hook `injectNaN=<step>` (which turns on
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
