// Browser half of the bench: builds bench/web with Vite, serves it with the
// cross-origin-isolation headers WASM threads need, and drives headless
// Chromium (one fresh page and worker per backend).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { coldStartsFor, estimateS, planFor } from './plan.mjs';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.u8': 'application/octet-stream', '.map': 'application/json' };

export const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--use-angle=swiftshader',
];

/** Static files under fixed prefixes, with COOP/COEP so the page is cross-origin isolated. */
export function serve(mounts) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const mount = Object.keys(mounts).sort((a, b) => b.length - a.length).find((m) => path.startsWith(m));
    const base = mounts[mount];
    const file = normalize(join(base, path.slice(mount.length)));
    if (!file.startsWith(normalize(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function chromiumPath() {
  for (const p of [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  return null;
}

const firstLine = (err) => String(err?.message ?? err).split('\n')[0];

/** One plan in a new page, hence a new worker and a backend that has compiled nothing yet. */
async function runInPage(browser, origin, plan) {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(m.text()));
  page.on('pageerror', (e) => console.log(`[chromium page error] ${e.message}`));
  try {
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function');
    return await page.evaluate((p) => window.runBench(p), plan);
  } finally {
    await page.close();
  }
}

export async function runBrowser(root, buildDir, targets, opts, say) {
  const exe = chromiumPath();
  if (!exe) return { skipped: targets.map((t) => `${t}: no Chromium found (apt-get install chromium, or set CHROME_PATH)`) };
  say('building the bench page (vite, bench/vite.config.ts)');
  const vite = await import('vite');
  await vite.build({ configFile: join(root, 'bench/vite.config.ts') });
  const require = createRequire(join(root, 'package.json'));
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const server = await serve({ '/': join(buildDir, 'web'), '/data/': join(buildDir, 'data'), '/wasm/': wasmDir });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: FLAGS, headless: true });
  const reports = [];
  const skipped = [];
  let failed = null;
  try {
    for (const target of targets) {
      const { plan, skipped: s } = planFor(target, opts);
      skipped.push(...s);
      if (plan.throughput.length === 0 && plan.accuracy.length === 0) continue;
      const cold = coldStartsFor(target, opts);
      say(`${target}: ${plan.throughput.length} throughput jobs, ${plan.accuracy.length} accuracy jobs, ${cold.length} cold starts (estimated ${estimateS(plan, target, cold)} s)`);
      // Cold starts first, each in a fresh worker (a backend with nothing compiled), before the main
      // run's worker compiles anything; the orders alternate which implementation pays for compilation.
      const coldStarts = [];
      const coldErrors = [];
      for (const coldStart of cold) {
        try {
          const r = await runInPage(browser, origin, { ...plan, throughput: [], accuracy: [], coldStart });
          coldStarts.push(...(r.coldStarts ?? []));
          coldErrors.push(...r.errors);
        } catch (err) {
          coldErrors.push(`cold start ${coldStart.order.join(' → ')}: ${firstLine(err)}`);
        }
      }
      try {
        const report = await runInPage(browser, origin, plan);
        if (plan.wasmThreads && report.threads <= 1) {
          report.errors.push(`WASM threads were requested but the backend runs ${report.threads} thread(s) (crossOriginIsolated=${report.info.crossOriginIsolated})`);
        }
        reports.push({ ...report, coldStarts, errors: [...coldErrors, ...report.errors] });
      } catch (err) {
        reports.push({ runtime: 'chromium', backend: plan.backend, threads: 0, info: {}, throughput: [], accuracy: [], coldStarts, errors: [...coldErrors, firstLine(err)] });
        say(`${target} failed: ${firstLine(err)}`);
      }
    }
  } catch (err) {
    failed = `chromium: ${String(err?.message ?? err)}`;
  } finally {
    await browser.close();
    server.close();
  }
  return { report: reports, skipped, failed };
}
