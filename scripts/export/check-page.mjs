// Serves an unzipped bundle folder and checks its index.html in Chromium:
// the page loads with no request leaving the server, the form renders column
// names as text, and its predictions equal the expected logits.
// Usage: node scripts/export/check-page.mjs FOLDER CASE_JSON
// CASE_JSON: {"rows": [{column: cell}], "logits": [...]} or {"img": {width, height, data}, "logits": [...]}.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { chromium } from '@playwright/test';

const [folder, casePath] = process.argv.slice(2);
const testCase = JSON.parse(readFileSync(casePath, 'utf8'));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };
const server = createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1)) || 'index.html';
  const path = join(folder, name);
  if (name.includes('..') || !existsSync(path)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(name)] ?? 'application/octet-stream' }).end(readFileSync(path));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let failed = false;
try {
  const page = await browser.newPage();
  const foreign = [];
  const dialogs = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin)) foreign.push(r.url()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => window.voltPage && (window.voltPage.ready || document.getElementById('status').getAttribute('role') === 'alert'), null, { timeout: 30000 });
  console.log('status:', await page.textContent('#status'));
  const softmax = (v) => { const m = Math.max(...v); const e = v.map((x) => Math.exp(x - m)); const s = e.reduce((a, b) => a + b); return e.map((x) => x / s); };
  const classes = testCase.logits.length / (testCase.rows ? testCase.rows.length : 1);
  let got;
  if (testCase.rows) {
    got = await page.evaluate(async (rows) => Promise.all(rows.map((r) => window.voltPage.predictRow(r))), testCase.rows);
    console.log('labels:', await page.$$eval('label', (ls) => ls.map((l) => l.textContent)));
    await page.click('[data-testid="page.predict"]');
    await page.waitForSelector('[data-testid="page.result.0"]');
    console.log('form result:', await page.textContent('#result'));
  } else {
    got = [await page.evaluate(async (img) => window.voltPage.predictImage({ width: img.width, height: img.height, data: new Uint8ClampedArray(img.data) }), testCase.img)];
  }
  let maxDiff = 0;
  got.forEach((result, i) => {
    const expected = softmax(testCase.logits.slice(i * classes, (i + 1) * classes));
    result.forEach((r, k) => { maxDiff = Math.max(maxDiff, Math.abs(r.probability - expected[k])); });
  });
  console.log(JSON.stringify({ maxProbabilityDiff: maxDiff, foreignRequests: foreign, dialogs, h1: await page.textContent('h1') }));
  failed = maxDiff > 1e-5 || foreign.length > 0 || dialogs.length > 0;
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
