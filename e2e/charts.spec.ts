// Every chart: a hover shows the logged value, a legend click hides a series,
// and the toolbar downloads the chart as PNG and its data as CSV.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

test('after a short run the charts show values on hover, toggle series and download as PNG and CSV', async ({ studio, page }) => {
  await studio.open('?dataset=blobs&accelerator=cpu&maxEpochs=3');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  const loss = page.getByTestId('chart.loss');
  await loss.scrollIntoViewIfNeeded();

  await test.step('hovering the loss chart shows the logged values there', async () => {
    const box = (await loss.locator('canvas.plot').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const tip = loss.getByTestId('chart.tooltip');
    await expect(tip).toBeVisible();
    await expect(tip).toContainText(/step \d+/);
    await expect(tip).toContainText(/train: \d+\.\d+/);
    await page.screenshot({ path: 'test-results/charts-train-hover.png', fullPage: true });
  });

  await test.step('a legend click hides the validation series and a second one shows it again', async () => {
    await expect(loss).toHaveAttribute('data-shown', 'train,validation');
    const key = page.getByTestId('chart.loss.legend.validation');
    await key.click();
    await expect(key).toHaveAttribute('aria-pressed', 'false');
    await expect(loss).toHaveAttribute('data-shown', 'train');
    const box = (await loss.locator('canvas.plot').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await expect(loss.getByTestId('chart.tooltip')).not.toContainText('validation');
    await key.click();
    await expect(loss).toHaveAttribute('data-shown', 'train,validation');
  });

  await test.step('the loss chart downloads as PNG and as CSV with every logged step', async () => {
    const png = await download(page, page.getByTestId('chart.loss.png'));
    expect(png.name).toBe('loss-by-step.png');
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const csv = await download(page, page.getByTestId('chart.loss.csv'));
    expect(csv.name).toBe('loss-by-step.csv');
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('step,train,validation');
    const logged = await page.evaluate(() => window.__volt.getState().series.train_loss!.length);
    expect(lines.length - 1).toBeGreaterThanOrEqual(logged);
    expect(lines[1]).toMatch(/^\d+,[\d.]+,/);
  });

  await test.step('the decision boundary (recharts over a canvas grid) downloads as one PNG and its points as CSV', async () => {
    const png = await download(page, page.getByTestId('train.boundary.png'));
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    writeFileSync('test-results/charts-boundary-export.png', png.bytes); // to look at
    // The whole chart, not a legend icon (also an svg.recharts-surface): PNG width at bytes 16-19, at 2x scale.
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(400);
    const csv = (await download(page, page.getByTestId('train.boundary.csv'))).bytes.toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('x1,x2,target');
    expect(csv.length).toBeGreaterThan(20);
  });

  await test.step('the runs overlay (recharts) hides a run from its legend', async () => {
    const overlay = page.getByTestId('runs.overlay');
    const first = page.locator('[data-testid^="runs.select."]').first();
    await first.check();
    await expect(overlay).toHaveAttribute('data-runs', '1');
    const curves = overlay.locator('path.recharts-line-curve');
    await expect(curves).toHaveCount(1);
    const curve = (await overlay.locator('svg.recharts-surface').boundingBox())!;
    await page.mouse.move(curve.x + curve.width * 0.5, curve.y + curve.height / 2);
    await expect(overlay.getByTestId('chart.tooltip')).toContainText(/#\d+: \d+\.\d+/);
    await overlay.screenshot({ path: 'test-results/charts-overlay-hover.png' });
    await overlay.locator('.legend-toggle').first().click();
    await expect(curves).toHaveCount(0);
    const png = await download(page, page.getByTestId('runs.overlay.png'));
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  await test.step('the class balance (recharts) has tooltips and downloads as PNG and CSV', async () => {
    await page.getByTestId('step.data').click();
    const balance = page.getByTestId('data.balance');
    await balance.scrollIntoViewIfNeeded();
    const bar = balance.locator('.recharts-bar-rectangle').first();
    await bar.hover();
    await expect(balance.getByTestId('chart.tooltip')).toContainText(/\d+ rows \(\d+\.\d%\)/);
    await balance.screenshot({ path: 'test-results/charts-balance-hover.png' });
    const png = await download(page, page.getByTestId('data.balance.png'));
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(png.bytes.length).toBeGreaterThan(1000);
    const csv = (await download(page, page.getByTestId('data.balance.csv'))).bytes.toString('utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^[^,]+,count,share$/);
    expect(csv.length).toBeGreaterThan(2);
  });
});

test('regression: the predicted-vs-actual and residual plots (recharts) have tooltips and download every point', async ({ studio, page }) => {
  await studio.open('?dataset=regression&accelerator=cpu&maxEpochs=3');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await page.getByTestId('step.evaluate').click();
  const scatter = page.getByTestId('eval.scatter');
  await expect(scatter).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('eval.residuals')).toBeVisible();
  await scatter.scrollIntoViewIfNeeded();
  await // The last point drawn is on top of any it overlaps.
  await scatter.locator('.recharts-scatter-symbol').last().hover();
  await expect(scatter.getByTestId('chart.tooltip')).toContainText(/actual -?\d+(\.\d+)?, predicted -?\d+(\.\d+)?/);
  await page.locator('.scatter-row').screenshot({ path: 'test-results/charts-regression-hover.png' });
  const csv = (await download(page, page.getByTestId('eval.residuals.csv'))).bytes.toString('utf8').trim().split('\n');
  expect(csv[0]).toBe('actual,residual');
  const label = await scatter.locator('[role=img]').getAttribute('aria-label');
  const points = Number(/(\d+) points/.exec(label ?? '')?.[1]);
  expect(csv.length - 1).toBe(points);
  const png = await download(page, page.getByTestId('eval.scatter.png'));
  expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
});
