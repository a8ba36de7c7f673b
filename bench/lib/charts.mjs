// The live-chart bench (bench/charts): builds the page with Vite, serves it
// and runs it in headless Chromium. See chartsPlan in plan.mjs.
import { join } from 'node:path';
import { FLAGS, chromiumPath, serve } from './browser.mjs';
import { chartsPlan } from './plan.mjs';

export async function runCharts(root, buildDir, opts, say) {
  const exe = chromiumPath();
  if (!exe) return { skipped: ['charts: no Chromium found (apt-get install chromium, or set CHROME_PATH)'] };
  say('building the chart bench page (vite, bench/charts.vite.config.ts)');
  const vite = await import('vite');
  await vite.build({ configFile: join(root, 'bench/charts.vite.config.ts') });
  const server = await serve({ '/': join(buildDir, 'charts') });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: FLAGS, headless: true });
  const plan = chartsPlan(opts);
  say(`charts: ${plan.sizes.join(', ')} points × ${plan.renderers.join(' and ')}, ${plan.updates} updates every ${plan.intervalMs} ms (about ${Math.round((plan.sizes.length * plan.renderers.length * plan.updates * plan.intervalMs) / 1000)} s)`);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => console.log(`[chromium page error] ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await page.waitForFunction(() => typeof window.runChartsBench === 'function');
    const out = await page.evaluate((p) => window.runChartsBench(p), plan);
    return { charts: { plan, ...out } };
  } catch (err) {
    return { failed: `charts: ${String(err?.message ?? err).split('\n')[0]}` };
  } finally {
    await browser.close();
    server.close();
  }
}
