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
