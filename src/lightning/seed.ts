/**
 * Seeding. tfjs draws its random seeds (weight initialisers, dropout, random
 * ops without an explicit seed) from `Math.random`, so `seedEverything`
 * replaces `Math.random` with a seeded generator whose state can be saved in
 * checkpoints and restored, which makes resumed runs exact.
 *
 * Differs from Lightning: there is no per-library seeding to do in JS; the one
 * global generator covers tfjs, the DataLoader's shuffling and user code that
 * calls Math.random.
 */

const nativeRandom = Math.random;
let rngState: number | null = null;
let currentSeed: number | null = null;

/**
 * mulberry32: a small, fast 32-bit generator; its whole state is one uint32.
 * The project's only implementation: the global stream below, `Generator`,
 * the data layer's splits and toy sets, the worker's blobs and the export
 * fixtures all draw from it (bench/lib/data.mjs keeps a JS copy, tested equal).
 */
function nextUint32(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, (t ^ (t >>> 14)) >>> 0];
}

/** A seeded stream of floats in [0, 1): mulberry32 started at `seed >>> 0`. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    const [s, out] = nextUint32(state);
    state = s;
    return out / 4294967296;
  };
}

function seededRandom(): number {
  const [s, out] = nextUint32(rngState ?? 0);
  rngState = s;
  return out / 4294967296;
}

/**
 * Seeds Math.random (and through it tfjs and the DataLoader) and returns the seed.
 * Without an argument, a seed is drawn and returned, like Lightning's.
 */
export function seedEverything(seed?: number): number {
  const chosen = seed ?? Math.floor(nativeRandom() * 2 ** 31);
  if (!Number.isInteger(chosen) || chosen < 0 || chosen > 2 ** 32 - 1) {
    throw new Error(`\`seed\` must be an integer in [0, 2^32), got ${seed}`);
  }
  currentSeed = chosen;
  rngState = chosen >>> 0;
  Math.random = seededRandom;
  return chosen;
}

/** The seed given to the last `seedEverything`, or null. */
export function getSeed(): number | null {
  return currentSeed;
}

/** Restores the unseeded Math.random. */
export function unseed(): void {
  Math.random = nativeRandom;
  rngState = null;
  currentSeed = null;
}

/** The global generator's state (null when unseeded), saved in checkpoints. */
export function getRngState(): number | null {
  return rngState;
}

export function setRngState(state: number | null): void {
  if (state == null) return;
  rngState = state >>> 0;
  Math.random = seededRandom;
}

/** An independent seeded generator (like torch.Generator), used for shuffling and splits. */
export class Generator {
  private state: number;
  constructor(readonly seed: number = Math.floor(Math.random() * 2 ** 32)) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  random(): number {
    const [s, out] = nextUint32(this.state);
    this.state = s;
    return out / 4294967296;
  }
  /** An integer in [0, n). */
  randint(n: number): number {
    return Math.floor(this.random() * n);
  }
}

/** A random permutation of 0..n-1 (Fisher-Yates), from the given generator. */
export function randperm(n: number, gen: Generator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = gen.randint(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
