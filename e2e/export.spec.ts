// Export end to end: a trained model leaves the studio through the real buttons and predicts the same elsewhere.
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const INPUTS = [
  { x1: '0.7', x2: '-1.2' },
  { x1: '-1.5', x2: '-0.4' },
  { x1: '1.3', x2: '1.1' },
];

async function download(page: Page, testId: string, dir: string): Promise<{ path: string; name: string }> {
  const [dl] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()])) as [Download, void];
  const name = dl.suggestedFilename();
  const path = join(dir, name);
  await dl.saveAs(path);
  return { path, name };
}

function unzipTo(zipPath: string, dir: string): Record<string, Uint8Array> {
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  for (const [name, bytes] of Object.entries(files)) {
    const out = join(dir, name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
  }
  return files;
}

/** A bare static file server for one folder, on a free port. */
function serve(root: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(root, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('a trained model downloads, loads in Node and in its bundle page with the same predictions, and re-imports with the same metrics', async ({ studio, page }) => {
  test.setTimeout(180_000);
  const tmp = mkdtempSync(join(tmpdir(), 'volt-export-'));
  await studio.open('maxEpochs=2');
  await expect(page.getByTestId('step.export.choice')).toHaveText('load a model');
  await studio.button('start').click();
  await studio.waitForStatus('finished');

  // The studio's own predictions, through "Try it".
  await page.getByTestId('step.evaluate').click();
  const testAcc = (await page.getByTestId('eval.metric.test_acc').textContent())!;
  const studioProbs: number[][] = [];
  for (const input of INPUTS) {
    await page.getByTestId('eval.feature.x1').fill(input.x1);
    await page.getByTestId('eval.feature.x2').fill(input.x2);
    const before = await page.evaluate(() => window.__volt.getState().prediction);
    await page.getByTestId('eval.predict').click();
    await page.waitForFunction((b) => { const s = window.__volt.getState(); return !s.predicting && s.prediction !== null && s.prediction !== b; }, before);
    studioProbs.push((await studio.state('prediction'))!.probabilities);
  }

  await page.getByTestId('step.export').click();
  // The compression table is there before any download.
  const table = page.getByTestId('export.variants');
  await expect(table).toBeVisible();
  for (const v of ['float32', 'float16', 'uint8']) {
    await expect(page.getByTestId(`export.variants.${v}.size`)).toHaveText(/^\d+(\.\d)? (B|KB|MB)$/);
    await expect(page.getByTestId(`export.variants.${v}.test_acc`)).toHaveText(/^\d/);
  }
  await expect(page.getByTestId('export.variants.float32.test_acc')).toHaveText(testAcc);
  const sizes = (await studio.state('variants'))!.variants.map((v) => v.weightBytes);
  expect(sizes[1]).toBe(sizes[0]! / 2);
  expect(sizes[2]).toBeLessThan(sizes[1]!);

  // Model files: load model.json in Node and reproduce the studio's probabilities.
  const model = await download(page, 'export.download', tmp);
  expect(model.name).toMatch(/^blobs-[A-Za-z0-9._-]+-tfjs\.zip$/);
  const files = unzipTo(model.path, join(tmp, 'tfjs'));
  const json = JSON.parse(new TextDecoder().decode(files['model.json']));
  const shards: string[] = json.weightsManifest[0].paths;
  const weights = Buffer.concat(shards.map((s) => Buffer.from(files[s]!)));
  await tf.setBackend('cpu');
  const layers = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }));
  const logits = layers.predict(tf.tensor2d(INPUTS.map((i) => [Number(i.x1), Number(i.x2)]))) as tf.Tensor;
  const nodeProbs = (await tf.softmax(logits).array()) as number[][];
  nodeProbs.forEach((p, i) => p.forEach((v, k) => expect(v).toBeCloseTo(studioProbs[i]![k]!, 4)));

  // A quantised variant downloads from its row.
  const u8 = await download(page, 'export.variant.uint8', tmp);
  expect(u8.name).toMatch(/-tfjs-uint8\.zip$/);

  // The bundle: served statically, its page predicts what the studio predicts.
  const bundle = await download(page, 'export.bundle', tmp);
  expect(bundle.name).toMatch(/^blobs-[A-Za-z0-9._-]+-bundle\.zip$/);
  const site = join(tmp, 'site');
  const inBundle = unzipTo(bundle.path, site);
  expect(Object.keys(inBundle)).toEqual(expect.arrayContaining(['index.html', 'model.json', 'tf.min.js', 'preprocessing.json', 'model-card.md', 'metrics.csv']));
  expect(new TextDecoder().decode(inBundle['metrics.csv'])).toMatch(/^step,/);
  const server = await serve(site);
  try {
    const standalone = await page.context().newPage();
    await standalone.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await standalone.waitForFunction(() => (window as unknown as { voltPage?: { ready: boolean } }).voltPage?.ready === true, null, { timeout: 60_000 });
    await expect(standalone.getByTestId('page.status')).toHaveText(/Model loaded/);
    for (let i = 0; i < INPUTS.length; i++) {
      const out = await standalone.evaluate(
        (row) => (window as unknown as { voltPage: { predictRow(r: Record<string, string>): Promise<Array<{ probability: number }>> } }).voltPage.predictRow(row),
        INPUTS[i]!,
      );
      out.forEach((r, k) => expect(r.probability).toBeCloseTo(studioProbs[i]![k]!, 4));
    }
    await standalone.close();
  } finally {
    server.close();
  }

  // Re-import the bundle: it fits the loaded dataset and scores the same test metrics.
  await page.getByTestId('export.import').setInputFiles(bundle.path);
  await expect(page.getByTestId('export.importReport.schema')).toHaveText(/^Fits blobs/);
  await expect(page.getByTestId('export.import.metric.test_acc')).toHaveText(testAcc);
  const [studioMetrics, importedMetrics] = await page.evaluate(() => {
    const s = window.__volt.getState();
    return [s.evaluation!.metrics, s.imported!.evaluation!.metrics];
  });
  for (const [k, v] of Object.entries(studioMetrics)) expect(importedMetrics[k]).toBeCloseTo(v, 4);

  // "Try it" with the imported model gives the studio's prediction.
  await page.getByTestId('export.try.feature.x1').fill(INPUTS[0]!.x1);
  await page.getByTestId('export.try.feature.x2').fill(INPUTS[0]!.x2);
  await page.getByTestId('export.try.predict').click();
  await expect(page.getByTestId('export.try.prediction')).toHaveText(/^Predicted: /);
  const imported = (await studio.state('importedPrediction'))!;
  imported.probabilities.forEach((p, k) => expect(p).toBeCloseTo(studioProbs[0]![k]!, 4));
});

test('a model that does not fit the loaded dataset is reported column by column', async ({ studio, page }) => {
  const tmp = mkdtempSync(join(tmpdir(), 'volt-export-'));
  await studio.open('maxEpochs=1');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await page.getByTestId('step.export').click();
  const bundle = await download(page, 'export.bundle', tmp);
  await page.getByTestId('step.data').click();
  await page.getByTestId('data.builtin.iris').click();
  await studio.datasetIs('iris');
  await page.getByTestId('step.export').click();
  await page.getByTestId('export.import').setInputFiles(bundle.path);
  await expect(page.getByTestId('export.importReport.schema')).toHaveText(/^Does not fit iris/);
  await expect(page.getByTestId('export.importReport.issue.x1')).toContainText('column "x1" is missing from the dataset');
  await expect(page.getByTestId('export.importReport.issue.x2')).toContainText('column "x2" is missing');
  await expect(page.getByTestId('export.import.metrics')).toHaveCount(0);
});

test('a bundle loaded into a fresh page continues training from its weights', async ({ studio, page }) => {
  test.setTimeout(180_000);
  const tmp = mkdtempSync(join(tmpdir(), 'volt-finetune-'));
  await studio.open('maxEpochs=2');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  const fresh = (await studio.runs()).at(-1)!;
  const freshFirstLoss = fresh.series.train_loss![0]!.value;
  await page.getByTestId('step.export').click();
  const bundle = await download(page, 'export.bundle', tmp);

  // A new visit: nothing trained yet, and the Export step still opens to load a model.
  await studio.open('maxEpochs=1');
  await page.getByTestId('step.export').click();
  await expect(page.getByTestId('export.empty')).toBeVisible();
  await page.getByTestId('export.import').setInputFiles(bundle.path);
  await expect(page.getByTestId('export.importReport.schema')).toHaveText(/^Fits blobs/);
  await expect(page.getByTestId('export.import.metric.test_acc')).toHaveText(/^\d/);
  const lr = page.getByTestId('export.finetune.lr');
  await lr.fill('fast');
  await expect(page.getByTestId('export.finetune.error')).toContainText('must be a positive number, got "fast"');
  await expect(page.getByTestId('export.finetune.start')).toBeDisabled();
  await lr.fill('0.001');
  await page.getByTestId('export.finetune.start').click();
  await expect(page.getByTestId('step.train')).toHaveAttribute('aria-current', 'step');
  await studio.waitForStatus('finished');

  const run = (await studio.runs()).at(-1)!;
  expect(run.config!.initFrom).toBe('imported');
  expect(run.config!.learningRate).toBe(0.001);
  // It starts where the bundle stopped: its first loss is far below a fresh model's.
  expect(run.series.train_loss![0]!.value).toBeLessThan(freshFirstLoss * 0.5);
  const logs = (await studio.state('logs')).map((l) => l.message);
  expect(logs.some((m) => m.includes(`starts from the weights of ${bundle.name}`))).toBe(true);
  await expect(page.getByTestId('step.evaluate.choice')).toHaveText(/^accuracy \d/);
});
