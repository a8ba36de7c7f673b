// Real folders as newcomers have them: one broken image and a stray text file do not sink the rest.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { expect, test } from './fixtures';

const PETS = new URL('./files/pets', import.meta.url).pathname;

/** e2e/files/pets as a zip (made by scripts/make-pets-fixture.mjs): 12 good PNGs, a header-corrupt one, notes.txt. */
function petsZip(): Buffer {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      if (name.isDirectory()) walk(join(dir, name.name), `${rel}/${name.name}`);
      else files[`${rel}/${name.name}`] = readFileSync(join(dir, name.name));
    }
  };
  walk(PETS, 'pets');
  return Buffer.from(zipSync(files));
}

test('a zip with one header-corrupt PNG and a stray text file: the rest loads, both are named, and it trains', async ({ studio, page }) => {
  await studio.open('?accelerator=cpu&maxEpochs=2');
  await page.getByTestId('data.upload').setInputFiles({ name: 'pets.zip', mimeType: 'application/zip', buffer: petsZip() });
  await studio.datasetIs('pets.zip');
  await expect(page.getByTestId('data.error')).toHaveCount(0);
  const report = await studio.state('dataset');
  expect(report!.rows).toBe(12);
  await page.locator('details.notes summary').click();
  const notes = page.getByTestId('data.skipped');
  await expect(notes).toContainText('skipped: pets/cats/img_031.png — not a decodable image (its header declares 1900000000 × 1900000000 pixels)');
  await expect(notes).toContainText('ignored: pets/notes.txt');
  await page.screenshot({ path: 'test-results/real-data-skipped.png' });
  await studio.button('start').click();
  await studio.waitForStatus('finished');
});

test('a picked folder with a stray text file loads as images (Choose folder)', async ({ studio, page }) => {
  await studio.open('?accelerator=cpu&maxEpochs=1');
  await page.getByTestId('data.upload-folder').setInputFiles(PETS);
  await page.waitForFunction(() => window.__volt.getState().dataset?.kind === 'image' && window.__volt.getState().dataLoading === null, null, { timeout: 60_000 });
  await expect(page.getByTestId('data.error')).toHaveCount(0);
  expect((await studio.state('dataset'))!.rows).toBe(12);
  await page.locator('details.notes summary').click();
  await expect(page.getByTestId('data.skipped')).toContainText('skipped: pets/cats/img_031.png');
  await expect(page.getByTestId('data.skipped')).toContainText('notes.txt');
});

test('a "None" category keeps its rows, the warning quotes the words, and columns can be marked, ignored and retyped', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  await page.getByTestId('data.upload').setInputFiles(new URL('./files/storm-damage.csv', import.meta.url).pathname);
  await studio.datasetIs('storm-damage.csv');
  await expect(page.getByTestId('data.target')).toHaveValue('damage');
  // 400 rows, 11 blank damage cells: "None" (no damage) is the largest class, not missing.
  await expect(page.getByTestId('data.splits')).toContainText(/^(\d+) train · (\d+) validation · (\d+) test$/);
  const total = async () => (await page.getByTestId('data.splits').textContent())!.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
  expect(await total()).toBe(389);
  await expect(page.getByTestId('data.balance')).toContainText('None');
  const warnings = page.getByTestId('data.warnings');
  await expect(warnings).toContainText('"None" ×273 kept as a category');
  await expect(warnings).toContainText('20 cell(s) read as missing: "?" ×13, "NA" ×7');
  await expect(page.getByTestId('data.words.wind_kmh')).toContainText('(read as missing)');

  // The user says the words are missing in damage: those rows go, and the warning says which words.
  // The box follows the worker's reply (the dataset is encoded again), so click and wait for it.
  await page.getByTestId('data.markers.damage').click();
  await expect(page.getByTestId('data.markers.damage')).toBeChecked();
  await expect(warnings).toContainText('284 row(s) have no usable target value ("None" ×273, empty ×11)');
  expect(await total()).toBe(116);
  await expect(page.getByTestId('data.balance')).not.toContainText('None');
  await page.getByTestId('data.markers.damage').click();
  await expect(page.getByTestId('data.markers.damage')).not.toBeChecked();
  await expect.poll(total).toBe(389);

  // Ignore a column, and read another as a category: both show in the table and in what the model gets.
  await page.getByTestId('data.use.region').selectOption('ignore');
  await expect(page.getByTestId('data.reason.region')).toHaveText('excluded by the user');
  await page.getByTestId('data.type.insured').selectOption('categorical');
  await expect(page.getByTestId('data.type.insured')).toHaveValue('categorical');
  const inputs = await page.evaluate(() => (window as unknown as { __volt: { getState(): { dataset: { table: { inputs: Array<{ column: string; kind: string }> } } } } }).__volt.getState().dataset.table.inputs);
  expect(inputs.map((i) => i.column)).toEqual(['wind_kmh', 'insured']);
  expect(inputs.find((i) => i.column === 'insured')!.kind).toBe('categorical');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await expect(page.getByTestId('metrics.val_acc')).toHaveText(/^\d/);

  // Try it refuses text in a number field at the field, and answers once it reads.
  await page.getByTestId('train.see-evaluation').click();
  await page.getByTestId('eval.feature.wind_kmh').fill('fast');
  await page.getByTestId('eval.feature.insured').selectOption('yes');
  await page.getByTestId('eval.predict').click();
  await expect(page.getByTestId('eval.feature.wind_kmh.error')).toContainText('"wind_kmh" cannot be read');
  await expect(page.getByTestId('eval.feature.wind_kmh.error')).toContainText('expected a number, or empty for a missing value');
  await expect(page.getByTestId('eval.feature.wind_kmh')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('eval.feature.wind_kmh').fill('205');
  await page.getByTestId('eval.predict').click();
  await expect(page.getByTestId('eval.feature.wind_kmh.error')).toHaveCount(0);
  await expect(page.getByTestId('eval.prediction')).toContainText(/Major|Minor|None/);
});

test('a date column shows as dates, goes in as days, year, month and weekday, and Try it takes a date', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  await page.getByTestId('data.upload').setInputFiles(new URL('./files/sales.csv', import.meta.url).pathname);
  await studio.datasetIs('sales.csv');
  await expect(page.getByTestId('data.column.day')).toContainText('from 2023-01-02 to 2025-01-16');
  await expect(page.getByTestId('data.type.day')).toHaveValue('');
  await expect(page.getByTestId('data.type.day').locator('option').first()).toHaveText('date (detected)');
  await expect(page.locator('.notes')).toContainText('"day": a date, given to the model as days since 1970 and year, month, day of week (Monday 0 … Sunday 6)');
  const names = await page.evaluate(() => (window as unknown as { __volt: { getState(): { dataset: { table: { featureNames: string[] } } } } }).__volt.getState().dataset.table.featureNames);
  expect(names).toEqual(['day', 'day (year)', 'day (month)', 'day (day of week)', 'shop=A', 'shop=B']);
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await page.getByTestId('train.see-evaluation').click();
  await expect(page.getByTestId('eval.feature.day')).toHaveAttribute('type', 'date');
  await page.getByTestId('eval.feature.day').fill('2024-06-08');
  await page.getByTestId('eval.feature.shop').selectOption('B');
  await page.getByTestId('eval.predict').click();
  await expect(page.getByTestId('eval.prediction')).toContainText(/Predicted value: -?\d/);
});

test('a 2,000-column table lists its first 50 columns, finds any by name, and shows all on request', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  const header = [...Array.from({ length: 1999 }, (_, j) => `g${j + 1}`), 'label'];
  const rows = Array.from({ length: 30 }, (_, i) => [...Array.from({ length: 1999 }, (_, j) => String((i * 31 + j * 7) % 11)), i % 2 ? 'up' : 'down'].join(','));
  await page.getByTestId('data.upload').setInputFiles({ name: 'wide.csv', mimeType: 'text/csv', buffer: Buffer.from([header.join(','), ...rows].join('\n')) });
  await studio.datasetIs('wide.csv');
  await expect(page.getByTestId('data.columns.count')).toHaveText('51 of 2000 columns shown');
  await expect(page.locator('[data-testid^="data.column."]')).toHaveCount(51);
  await expect(page.getByTestId('data.column.label')).toBeVisible();
  await page.getByTestId('data.columns.search').fill('g1777');
  await expect(page.locator('[data-testid^="data.column."]')).toHaveCount(1);
  await expect(page.getByTestId('data.column.g1777')).toBeVisible();
  await page.getByTestId('data.columns.search').fill('');
  await page.getByTestId('data.columns.all').click();
  await expect(page.getByTestId('data.columns.count')).toHaveText('2000 of 2000 columns shown');
});
