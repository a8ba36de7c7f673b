/**
 * Seeded train/validation/test splits, stratified by class when labels are
 * given.
 *
 * Stratification without per-class rounding trouble: shuffle each class,
 * give its k-th member the position q = (k + 0.5) / classSize, then sort all
 * rows by q (ties broken by the seeded shuffle). The first `nValidation`
 * rows go to validation, the next `nTest` to test, the rest to training.
 * Each class then gets its share up to one row, the totals are exact, and a
 * class with a single row stays in training unless the held-out share is
 * over half.
 */
import type { Splits } from './types';
import { checkSeed, makeRng, shuffleInPlace } from './random';

export interface SplitOptions {
  /** Fraction of rows for validation, in [0, 1). */
  validation: number;
  /** Fraction of rows for test, in [0, 1). */
  test: number;
  seed: number;
  /** Keep class proportions in every split (needs labels). Default true. */
  stratify?: boolean;
}

export function checkSplitOptions(o: SplitOptions): void {
  for (const key of ['validation', 'test'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v >= 0 && v < 1)) {
      throw new Error(`\`${key}\` must be a fraction in [0, 1), got ${v}`);
    }
  }
  if (o.validation + o.test >= 1) {
    throw new Error(
      `\`validation\` + \`test\` must leave rows for training (sum below 1), got ${o.validation} + ${o.test}`,
    );
  }
  checkSeed(o.seed);
}

/** Splits rows 0..count-1; `labels` (class index per row) enables stratification. */
export function splitIndices(
  count: number,
  options: SplitOptions,
  labels?: ArrayLike<number>,
): Splits {
  checkSplitOptions(options);
  if (!Number.isInteger(count) || count < 0) throw new Error(`\`count\` must be a non-negative integer, got ${count}`);
  if (labels && labels.length !== count) {
    throw new Error(`\`labels\` must have one entry per row (${count}), got ${labels.length}`);
  }
  const rng = makeRng(options.seed);
  const nValidation = Math.round(count * options.validation);
  const nTest = Math.round(count * options.test);
  const order = options.stratify !== false && labels ? stratifiedOrder(count, labels, rng) : shuffledRange(count, rng);
  const pick = (from: number, to: number) => Int32Array.from(order.slice(from, to)).sort();
  return {
    validation: pick(0, nValidation),
    test: pick(nValidation, nValidation + nTest),
    train: pick(nValidation + nTest, count),
  };
}

function shuffledRange(count: number, rng: () => number): number[] {
  return shuffleInPlace(Array.from({ length: count }, (_, i) => i), rng);
}

function stratifiedOrder(count: number, labels: ArrayLike<number>, rng: () => number): number[] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const c = labels[i] as number;
    let members = byClass.get(c);
    if (!members) byClass.set(c, (members = []));
    members.push(i);
  }
  const position = new Float64Array(count);
  for (const members of byClass.values()) {
    shuffleInPlace(members, rng);
    members.forEach((row, k) => (position[row] = (k + 0.5) / members.length));
  }
  // The shuffle decides ties, so equal positions do not favour low row numbers.
  const order = shuffledRange(count, rng);
  const rank = new Int32Array(count);
  order.forEach((row, r) => (rank[row] = r));
  return order.sort((a, b) => (position[a] as number) - (position[b] as number) || (rank[a] as number) - (rank[b] as number));
}
