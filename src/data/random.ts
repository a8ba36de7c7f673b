/**
 * Seeded randomness for data work (splits, toy sets). Independent of tf's
 * global seed so a dataset is the same whatever the training code does.
 */
import { mulberry32 } from '../lightning/seed';

export type Rng = () => number;

/** The framework's mulberry32, its seed mixed with the golden ratio (so every split and toy set keeps its numbers). */
export function makeRng(seed: number): Rng {
  return mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}

/** Fisher–Yates in place. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** Standard normal sample (Box–Muller). */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function checkSeed(seed: number, name = 'seed'): void {
  if (!Number.isInteger(seed)) throw new Error(`\`${name}\` must be an integer, got ${seed}`);
}
