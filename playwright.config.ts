import { defineConfig } from '@playwright/test';

// Debian's Chromium (no browser downloads here); flags from shared/TESTING.md.
const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const base = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// WebGPU on SwiftShader (a CPU Vulkan); WebGL also on SwiftShader through ANGLE.
const webgpu = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--use-angle=swiftshader'];
// Without --enable-unsafe-webgpu there is no WebGPU adapter: what the fallback project tests.
const fallback = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'];

// E2E_PORT lets two checkouts run their suites side by side.
const port = Number(process.env.E2E_PORT) || 4173;

export default defineConfig({
  testDir: 'e2e',
  // Two cores: one test at a time, so timings (long tasks) mean something.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // SwiftShader emulates the GPU on the CPU; first steps compile shaders for seconds.
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list'], ['json']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
  projects: [
    { name: 'webgpu', use: { launchOptions: { executablePath, args: [...base, ...webgpu] } } },
    { name: 'fallback', use: { launchOptions: { executablePath, args: [...base, ...fallback] } } },
  ],
  webServer: {
    // Serves the already-built app (scripts/run-tests.mjs runs `npm run build` first).
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
