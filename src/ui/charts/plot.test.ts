import { describe, expect, it } from 'vitest';
import { describeBackend, formatMetric } from '../format';
import { downsample } from './downsample';
import { niceTicks } from './plot';

describe('chart helpers', () => {
  it('100,000 points draw as one point per pixel, the store keeping them all', () => {
    const pts = Array.from({ length: 100_000 }, (_, i) => ({ step: i, value: Math.exp(-i / 20_000) + (i === 77_777 ? 5 : 0) }));
    const d = downsample(pts, 800);
    expect(d).toHaveLength(800);
    expect(pts).toHaveLength(100_000);
    expect(d.some((p) => p.step === 77_777)).toBe(true); // the spike survives
    expect(d.map((p) => p.step)).toEqual([...d.map((p) => p.step)].sort((a, b) => a - b));
  });
  it('downsample keeps the ends and the spikes, and leaves short series alone', () => {
    const pts = Array.from({ length: 10_000 }, (_, i) => ({ step: i, value: i === 5000 ? 100 : 1 }));
    const d = downsample(pts, 200);
    expect(d).toHaveLength(200);
    expect(d[0]).toBe(pts[0]);
    expect(d.at(-1)).toBe(pts.at(-1));
    expect(d.some((p) => p.value === 100)).toBe(true);
    expect(d.map((p) => p.step)).toEqual([...d.map((p) => p.step)].sort((a, b) => a - b));
    expect(downsample(pts.slice(0, 50), 200)).toEqual(pts.slice(0, 50));
  });

  it('niceTicks gives round steps covering the range', () => {
    expect(niceTicks(0, 0.7)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(niceTicks(0, 40, 4)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('train.backend text', () => {
  it('starts with the backend, then the adapter, then why better ones were skipped', () => {
    expect(describeBackend({ name: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader' }, rejected: [] })).toBe('webgpu (google swiftshader)');
    expect(
      describeBackend({
        name: 'wasm',
        wasm: { simd: true, threads: false, threadsCount: 1 },
        rejected: [
          { backend: 'webgpu', reason: 'no navigator.gpu' },
          { backend: 'webgl', reason: 'no OffscreenCanvas' },
        ],
      }),
    ).toBe('wasm (SIMD on, single thread) — skipped webgpu: no navigator.gpu; webgl: no OffscreenCanvas');
    expect(describeBackend(null)).toBe('not chosen yet');
  });

  it('formats metric values as short plain text', () => {
    expect([formatMetric(0.123456), formatMetric(2e-5), formatMetric(Number.NaN), formatMetric(12)]).toEqual(['0.1235', '0.00002', 'NaN', '12']);
  });
});
