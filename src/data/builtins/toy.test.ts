import { describe, expect, it } from 'vitest';
import { makePlayground, makeToyRegression, PLAYGROUND_SETS } from './toy';

describe('toy regression', () => {
  it('is y = 2x without noise, and seeded noise with it', () => {
    const clean = makeToyRegression({ n: 50, seed: 1 });
    for (let i = 0; i < 50; i++) expect(clean.y[i]).toBeCloseTo(2 * (clean.x[i] as number), 5);
    expect([...clean.x].every((v) => v >= -1 && v <= 1)).toBe(true);
    const noisy = makeToyRegression({ n: 50, seed: 1, noise: 0.5 });
    expect([...noisy.x]).toEqual([...clean.x]);
    const residuals = [...noisy.y].map((v, i) => v - 2 * (noisy.x[i] as number));
    const std = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / 50);
    expect(std).toBeGreaterThan(0.3);
    expect(std).toBeLessThan(0.7);
    expect([clean.splits.train.length, clean.splits.validation.length]).toEqual([40, 10]);
  });
});

describe('playground sets', () => {
  it.each(PLAYGROUND_SETS)('%s: balanced, seeded, two features in about [-1, 1]', (name) => {
    const a = makePlayground(name, { n: 200, seed: 5 });
    const b = makePlayground(name, { n: 200, seed: 5 });
    expect([...a.x]).toEqual([...b.x]);
    expect(a.inputShape).toEqual([2]);
    expect(a.labelNames).toHaveLength(2);
    expect([...a.y].filter((c) => c === 1).length).toBe(100);
    expect([...a.x].every((v) => Math.abs(v) < 1.6)).toBe(true);
    expect(a.splits.validation.length).toBe(40);
  });

  it('labels follow the shape: circle radius, xor sign, separated blobs', () => {
    const circle = makePlayground('circle', { n: 200, seed: 2 });
    for (let i = 0; i < 200; i++) {
      const r = Math.hypot(circle.x[2 * i] as number, circle.x[2 * i + 1] as number);
      expect(circle.y[i]).toBe(r <= 0.5 ? 0 : 1);
    }
    const xor = makePlayground('xor', { n: 200, seed: 2 });
    for (let i = 0; i < 200; i++) expect(xor.y[i]).toBe((xor.x[2 * i] as number) * (xor.x[2 * i + 1] as number) >= 0 ? 0 : 1);
    const blobs = makePlayground('gaussians', { n: 200, seed: 2 });
    const meanX = (label: number) => {
      const xs = [...blobs.y.keys()].filter((i) => blobs.y[i] === label).map((i) => blobs.x[2 * i] as number);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanX(0)).toBeGreaterThan(0.4);
    expect(meanX(1)).toBeLessThan(-0.4);
  });

  it('noise moves points and a different seed gives different points', () => {
    const clean = makePlayground('spiral', { n: 100, seed: 1 });
    const noisy = makePlayground('spiral', { n: 100, seed: 1, noise: 0.2 });
    expect([...noisy.y]).toEqual([...clean.y]);
    expect([...noisy.x]).not.toEqual([...clean.x]);
    expect([...makePlayground('xor', { seed: 1 }).x]).not.toEqual([...makePlayground('xor', { seed: 2 }).x]);
  });

  it('checks options', () => {
    expect(() => makePlayground('circle', { noise: -1 })).toThrow('`noise` must be a non-negative number, got -1');
    expect(() => makePlayground('moons' as 'circle')).toThrow('`name` must be one of "circle", "xor", "spiral", "gaussians", got "moons"');
    expect(() => makeToyRegression({ n: 2 })).toThrow('`n` must be an integer of at least 4, got 2');
  });
});
