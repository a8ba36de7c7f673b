import { describe, expect, it } from 'vitest';
import { downsampleIndices } from './downsample';

describe('downsampleIndices', () => {
  it('picks ascending indices with both ends, at most max of them', () => {
    const values = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 1000));
    const idx = downsampleIndices(values, 640);
    expect(idx).toHaveLength(640);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(99_999);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
  });
  it('keeps a NaN so the drawn line breaks there', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? NaN : 1 + (i % 7) * 0.01));
    expect(downsampleIndices(values, 100)).toContain(4321);
  });
  it('keeps a spike, and every index of a short series', () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i === 2500 ? 9 : 1));
    expect(downsampleIndices(values, 50)).toContain(2500);
    expect(downsampleIndices([3, 2, 1], 50)).toEqual([0, 1, 2]);
  });
  it('reads only the first n values when n is given (a growing buffer)', () => {
    const buffer = new Float64Array(1000);
    buffer.fill(1, 0, 300);
    const idx = downsampleIndices(buffer, 30, 300);
    expect(idx.at(-1)).toBe(299);
    expect(idx).toHaveLength(30);
  });
});
