// A two-feature table shows the model's decision boundary under its points, redrawn as it trains.
import { expect, test } from './fixtures';

test('blobs: the decision boundary appears during training, follows the epochs, and has tooltips', async ({ studio, page }) => {
  await studio.open('?dataset=blobs&accelerator=cpu&maxEpochs=6');
  await studio.button('start').click();
  const chart = page.getByTestId('train.boundary');
  await expect(chart).toBeVisible({ timeout: 60_000 });
  await studio.waitForStatus('finished');
  await expect(chart).toHaveAttribute('data-epoch', '5');
  await expect(chart).toContainText('Decision boundary after epoch 6');
  // The grid (a 48 × 48 image under the plot) and the points are drawn.
  await expect(chart.locator('canvas.boundary-grid')).toHaveAttribute('width', '48');
  expect(await chart.locator('.recharts-scatter-symbol').count()).toBeGreaterThan(20);
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.locator('.recharts-wrapper > svg.recharts-surface').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('boundary.tooltip')).toContainText(/x1 -?[\d.]+, x2 -?[\d.]+: the model says class \d \(\d+%\)/);
  await chart.screenshot({ path: 'test-results/boundary-train.png' });
  await page.getByTestId('step.evaluate').click();
  await expect(page.getByTestId('train.boundary')).toBeVisible();
});
