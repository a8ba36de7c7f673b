import { describe, expect, it } from 'vitest';
import { splitIndices } from './split';

function countBy(indices: Int32Array, labels: number[]): number[] {
  const counts = [0, 0, 0];
  for (const i of indices) counts[labels[i] as number]!++;
  return counts;
}

describe('splitIndices', () => {
  // 60 / 30 / 10 rows of classes 0 / 1 / 2.
  const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)] as number[];

  it('keeps class proportions in every split with exact totals', () => {
    const s = splitIndices(100, { validation: 0.2, test: 0.1, seed: 1 }, labels);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([70, 20, 10]);
    expect(countBy(s.validation, labels)).toEqual([12, 6, 2]);
    expect(countBy(s.test, labels)).toEqual([6, 3, 1]);
    expect(countBy(s.train, labels)).toEqual([42, 21, 7]);
  });

  it('is a partition, sorted, and the same for the same seed', () => {
    const a = splitIndices(100, { validation: 0.25, test: 0.15, seed: 7 }, labels);
    const all = [...a.train, ...a.validation, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual([...Array(100).keys()]);
    expect([...a.train]).toEqual([...a.train].sort((x, y) => x - y));
    const b = splitIndices(100, { validation: 0.25, test: 0.15, seed: 7 }, labels);
    expect(b).toEqual(a);
    const c = splitIndices(100, { validation: 0.25, test: 0.15, seed: 8 }, labels);
    expect([...c.validation]).not.toEqual([...a.validation]);
  });

  it('stays near proportional for uneven class sizes and keeps singletons in training', () => {
    const uneven = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
    for (let seed = 0; seed < 20; seed++) {
      const s = splitIndices(uneven.length, { validation: 0.3, test: 0, seed }, uneven);
      expect(s.validation.length).toBe(3);
      expect(s.train).toContain(10);
      const val = countBy(s.validation, uneven);
      expect(val[0]).toBeGreaterThanOrEqual(2);
      expect(val[1]).toBeLessThanOrEqual(1);
    }
  });

  it('shuffles without labels, or with stratify: false', () => {
    const s = splitIndices(10, { validation: 0.3, test: 0.2, seed: 3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([5, 3, 2]);
    const plain = splitIndices(100, { validation: 0.2, test: 0.1, seed: 1, stratify: false }, labels);
    expect(plain.validation.length).toBe(20);
  });

  it('checks its options', () => {
    expect(() => splitIndices(10, { validation: 0.6, test: 0.4, seed: 1 })).toThrow('`validation` + `test` must leave rows for training');
    expect(() => splitIndices(10, { validation: -0.1, test: 0, seed: 1 })).toThrow('`validation` must be a fraction in [0, 1), got -0.1');
    expect(() => splitIndices(10, { validation: 0.1, test: 0, seed: 1.5 })).toThrow('`seed` must be an integer, got 1.5');
    expect(() => splitIndices(3, { validation: 0.1, test: 0, seed: 1 }, [0, 1])).toThrow('`labels` must have one entry per row (3), got 2');
  });
});
