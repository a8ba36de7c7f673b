import { describe, expect, it } from 'vitest';
import { formatMetric } from './format';

describe('formatMetric', () => {
  it('shows float round-off as 0, and keeps small and large real values readable', () => {
    expect(formatMetric(2.220446049250313e-16)).toBe('0');
    expect(formatMetric(-1e-19)).toBe('0');
    expect(formatMetric(0)).toBe('0');
    expect(formatMetric(0.12345)).toBe('0.1235');
    expect(formatMetric(0.0005)).toBe('0.0005');
    expect(formatMetric(0.000123456)).toBe('0.0001235');
    expect(formatMetric(3e-8)).toBe('3.000e-8');
    expect(formatMetric(123456)).toBe('1.235e+5');
    expect(formatMetric(Number.NaN)).toBe('NaN');
  });
});
