/**
 * The payloads of the finder commands (`findLr`, `findBatchSize`) and their
 * `tune` progress events. Types only; re-exported by protocol.ts.
 */

/** The learning-rate finder's curve and each rule's suggestion (`findLr`). */
export interface LrFindReport {
  lr: number[];
  loss: number[];
  smoothedLoss: number[];
  suggestions: { valley: number | null; steepest: number | null; minimum: number | null; slide: number | null };
  stopped: 'completed' | 'diverged' | 'out of data' | 'cancelled';
  minLr: number;
  maxLr: number;
}

/** The batch-size finder's trials and choice (`findBatchSize`). */
export interface BatchFindReport {
  trials: Array<{ batchSize: number; fits: boolean; samplesPerSecond: number | null; bytes: number; error?: string }>;
  batchSize: number | null;
  largestFit: number | null;
  cappedBy: string;
  objective: 'fits' | 'throughput';
}

/** A finder's progress: steps (LR) or sizes (batch) done of the planned ones. */
export interface TuneProgress {
  what: 'lr' | 'batchSize';
  done: number;
  total: number;
  /** The batch size being tried (batch finder). */
  batchSize?: number;
}
