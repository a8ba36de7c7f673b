import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select';

// A separate file (so a separate process): wasmPaths only counts before the WASM backend first starts.
describe('selectBackend with a wrong wasmPaths', () => {
  it('rejects wasm when its binary cannot be loaded and falls back to cpu', async () => {
    const result = await selectBackend('auto', { wasmPaths: '/nonexistent/volt-wasm/' });
    expect(result.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(result.rejected.find((r) => r.backend === 'wasm')?.reason).toMatch(/setBackend\('wasm'\).*under '\/nonexistent\/volt-wasm\/'/);
  });
});
