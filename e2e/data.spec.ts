import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { expect, test } from './fixtures';

const file = (name: string) => new URL(`./files/${name}`, import.meta.url).pathname;

test('a CSV through the file input: preview, target choice, one epoch of training', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  await page.getByTestId('data.upload').setInputFiles(file('flowers.csv'));
  await studio.datasetIs('flowers.csv');
  await expect(page.getByTestId('data.target')).toHaveValue('label');
  await expect(page.getByTestId('data.column.colour')).toContainText('categorical');
  await expect(page.getByTestId('data.preview')).toContainText('5,1');
  await page.getByTestId('data.target').selectOption('colour');
  await expect(page.getByTestId('data.target')).toHaveValue('colour');
  await expect(page.getByTestId('data.balance')).toContainText('red');
  await page.getByTestId('data.target').selectOption('label');
  await expect(page.getByTestId('data.balance')).toContainText('large');
  // Augmentation is for images: a table offers none.
  await expect(page.getByTestId('data.augmentation')).toHaveCount(0);
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  const runs = await studio.runs();
  expect(runs.at(-1)!.config!.dataset).toBe('flowers.csv');
  await expect(page.getByTestId('metrics.val_acc')).toHaveText(/^\d/);
});

test('a bad CSV names its file and row, and the previous dataset stays loaded', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?dataset=iris');
  await studio.datasetIs('iris');
  await page.getByTestId('data.upload').setInputFiles(file('bad-fields.csv'));
  const alert = page.getByTestId('data.error');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('bad-fields.csv');
  await expect(alert).toContainText(/row 4/);
  expect((await studio.state('dataset'))!.name).toBe('iris');
  await expect(page.getByTestId('step.data.choice')).toHaveText(/^iris/);
});

/** Tiny PNGs made by the page's own canvas: a dark square for "dark", a light one for "light". */
async function classFolderZip(page: import('@playwright/test').Page): Promise<Buffer> {
  const pngs = await page.evaluate(async () => {
    const out: Array<{ path: string; bytes: number[] }> = [];
    for (const [label, shade] of [['dark', 30], ['light', 220]] as const) {
      for (let i = 0; i < 6; i++) {
        const c = new OffscreenCanvas(12, 12);
        const ctx = c.getContext('2d')!;
        ctx.fillStyle = `rgb(${shade + i}, ${shade + i}, ${shade + i})`;
        ctx.fillRect(0, 0, 12, 12);
        const blob = await c.convertToBlob({ type: 'image/png' });
        out.push({ path: `shapes/${label}/${i}.png`, bytes: Array.from(new Uint8Array(await blob.arrayBuffer())) });
      }
    }
    return out;
  });
  const files: Record<string, Uint8Array> = { 'shapes/readme.txt': new TextEncoder().encode('not an image') };
  for (const p of pngs) files[p.path] = Uint8Array.from(p.bytes);
  return Buffer.from(zipSync(files));
}

test('a zip of class folders: classes and thumbnails, one epoch of training', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  const zip = await classFolderZip(page);
  await page.getByTestId('data.upload').setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: zip });
  await studio.datasetIs('shapes.zip');
  const classes = page.getByTestId('data.classes');
  await expect(classes).toContainText('dark');
  await expect(classes).toContainText('light');
  await expect(classes.locator('canvas')).toHaveCount(8);
  // Augmentation for the training batches: the mild preset, then no rotation.
  await page.getByTestId('data.augment.mild').click();
  await page.getByTestId('data.augment.maxRotation').fill('0');
  await expect(page.getByTestId('data.augment.summary')).toContainText('horizontal flip, shift ±10%, brightness ±0.1');
  // The preview: training images as loaded, then four draws each.
  await page.getByTestId('data.augment.preview').click();
  const rows = page.getByTestId('data.augment.previewGrid').locator('.augment-row');
  await expect(rows.first().locator('canvas')).toHaveCount(5);
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await expect(page.getByTestId('step.evaluate.choice')).toHaveText(/^accuracy \d/);
  const run = (await studio.runs()).at(-1)!;
  expect(run.config!.augmentation).toEqual({ flipHorizontal: true, flipVertical: false, maxShift: 0.1, maxRotation: 0, maxBrightness: 0.1 });
  const logs = (await studio.state('logs')).map((l) => l.message);
  expect(logs.some((m) => m.includes('augmentation: horizontal flip, shift ±10%, brightness ±0.1'))).toBe(true);
});

test('the CSV fixture is a real semicolon CSV with decimal commas', () => {
  expect(readFileSync(file('flowers.csv'), 'utf8').split('\n')[0]).toBe('sepal length;petal length;colour;label');
});
