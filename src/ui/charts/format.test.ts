import { describe, expect, it } from 'vitest';
import { exactText, tickText } from './format';

describe('chart number text', () => {
  it('axis ticks use k/M/G units and never exponents', () => {
    expect(tickText(10_000)).toBe('10k');
    expect(tickText(1500)).toBe('1.5k');
    expect(tickText(2_500_000)).toBe('2.5M');
    expect(tickText(3e9)).toBe('3G');
    expect(tickText(-20_000)).toBe('-20k');
    expect(tickText(250)).toBe('250');
    expect(tickText(0)).toBe('0');
  });
  it('small ticks are plain decimals', () => {
    expect(tickText(0.0005)).toBe('0.0005');
    expect(tickText(0.3)).toBe('0.3');
    expect(tickText(1e-7)).toBe('0.0000001');
    for (const v of [1e-4, 5e-5, 1e-7, 1e4, 1e5, 1e7, 2.5e-6]) expect(tickText(v)).not.toMatch(/e/i);
  });
  it('exact text keeps every float32 digit without exponents', () => {
    expect(exactText(0.123456789)).toBe('0.1234568');
    expect(exactText(12345.678)).toBe('12345.68');
    expect(exactText(3e-7)).toBe('0.0000003');
    expect(exactText(NaN)).toBe('NaN');
    expect(exactText(Math.fround(0.1))).toBe('0.1');
  });
});
