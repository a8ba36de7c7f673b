import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lightning/seed';
import { rng } from './data.mjs';

describe('the bench split generator', () => {
  it('is the framework mulberry32 (a plain-JS copy, because `npm run bench` starts in Node without TypeScript)', () => {
    for (const seed of [0, 1, 20240, 2 ** 32 - 1]) {
      const ours = mulberry32(seed);
      const bench = rng(seed);
      const a = Array.from({ length: 1000 }, () => ours());
      const b = Array.from({ length: 1000 }, () => bench());
      expect(b).toEqual(a);
    }
  });
});
