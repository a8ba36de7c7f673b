import { chromium } from '@playwright/test';
const gpu = process.argv[2] !== 'fallback';
const base = ['--headless=new','--no-sandbox','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'];
const extra = gpu ? ['--enable-unsafe-webgpu','--enable-unsafe-swiftshader','--use-webgpu-adapter=swiftshader','--enable-features=Vulkan','--use-angle=swiftshader'] : ['--enable-unsafe-swiftshader','--use-angle=swiftshader'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...base, ...extra] });
const page = await browser.newPage();
page.on('console', m => console.log('console:', m.text().slice(0, 300)));
page.on('pageerror', e => console.log('pageerror:', e.message));
await page.goto('http://127.0.0.1:4173/' + (process.argv[4] ?? '?maxSteps=40'));
await page.waitForFunction(() => window.__volt?.getState().workerReady);
if (process.argv[3]) await page.getByTestId('train.accelerator').selectOption(process.argv[3]);
const t0 = Date.now();
await page.getByTestId('train.start').click();
let last = '';
while (Date.now() - t0 < 120000) {
  const s = await page.evaluate(() => { const s = window.__volt.getState(); return { status: s.status, step: s.progress?.step, sps: s.progress?.samplesPerSec, compile: s.progress?.compileMs }; });
  const line = JSON.stringify(s);
  if (line !== last) { console.log(((Date.now()-t0)/1000).toFixed(1), line); last = line; }
  if (['finished','failed','stopped'].includes(s.status)) break;
  await page.waitForTimeout(250);
}
const st = await page.evaluate(() => { const s = window.__volt.getState(); return { error: s.error, backend: s.backend, logs: s.logs.map(l => l.message).slice(-15) }; });
console.log(JSON.stringify(st, null, 1));
await page.screenshot({ path: '/tmp/shot.png' });
await browser.close();
