// The framework's own GPU kernels (src/lightning/optim/fused-adam*), checked on the project's
// backend: WebGPU in `webgpu`, WebGL in `fallback`. The app is not involved: a small page from
// e2e/pages/kernels is built at test time and served under the app's origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { GpuBackend, KernelPageApi, KernelReport } from './pages/kernels/protocol';

declare global {
  interface Window {
    __kernels: KernelPageApi;
  }
}

const STEPS = 5;
const PAGE_ROOT = fileURLToPath(new URL('./pages/kernels/', import.meta.url));
const BASE = '/__kernel-checks/';

let outDir = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const { build } = await import('vite');
  outDir = mkdtempSync(join(tmpdir(), 'volt-kernel-page-'));
  await build({
    configFile: false,
    root: PAGE_ROOT,
    base: BASE,
    logLevel: 'warn',
    publicDir: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false, chunkSizeWarningLimit: 10_000 },
  });
});

test.afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('fused Adam/AdamW kernels agree with the op-by-op path, in fewer programs, without leaks', async ({ page }, testInfo) => {
  const backend: GpuBackend = testInfo.project.name === 'webgpu' ? 'webgpu' : 'webgl';
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`**${BASE}**`, (route) => {
    const path = normalize(new URL(route.request().url()).pathname.slice(BASE.length) || 'index.html');
    if (path.startsWith('..')) return route.fulfill({ status: 404 });
    return route.fulfill({ path: join(outDir, path) });
  });
  await page.goto(`${BASE}index.html`);
  await page.waitForFunction(() => window.__kernels !== undefined);

  const report: KernelReport = await page.evaluate(([b, n]) => window.__kernels.runAdamComparison(b, n), [backend, STEPS] as const);
  await testInfo.attach('report', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });

  expect(report.backend).toBe(backend);
  for (const c of report.cases) {
    await test.step(c.name, () => {
      expect(c.maxRelDiff, `largest relative difference at ${c.worst}`).toBeLessThanOrEqual(1e-5);
      expect(c.moved, 'every parameter changed over the steps').toBeGreaterThan(1e-3);
      expect(c.slotsFused).toEqual(c.slotsUnfused);
      // Steady state (the last step): shaders compiled and slots exist. WebGL also spends a program
      // uploading each gradient made on the CPU here (in training they come from the GPU).
      const fused = c.fused.programsPerStep.at(-1)!;
      const unfused = c.unfused.programsPerStep.at(-1)!;
      const amsgrad = c.slotsFused.some((s) => s.endsWith('max_exp_avg_sq'));
      const perParam = amsgrad ? 4 : 3;
      if (backend === 'webgpu') expect(fused).toBe(perParam * c.params);
      else expect(fused).toBeLessThanOrEqual((perParam + 1) * c.params);
      expect(fused, `fused ${c.fused.programsPerStep.join(', ')}; op by op ${c.unfused.programsPerStep.join(', ')}`).toBeLessThan(unfused / 2);
      // No tensor created per step survives it.
      expect(new Set(c.fused.tensorsPerStep.slice(1)).size).toBe(1);
      expect(new Set(c.unfused.tensorsPerStep.slice(1)).size).toBe(1);
    });
  }
  expect(report.tensorsAfter).toBe(report.tensorsBefore);
  expect(errors).toEqual([]);
});
