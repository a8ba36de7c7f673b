// The Train step's Monitor: per-parameter gradient norms, weight/gradient histograms and device stats of a real run.
import { expect, test } from './fixtures';

test('mnist: the monitor shows gradient norms, histograms, device memory and epoch times', async ({ studio, page }) => {
  await test.step('train the MLP for two epochs', async () => {
    await studio.open('?dataset=mnist&accelerator=wasm&maxEpochs=2');
    await studio.button('start').click();
    await studio.waitForStatus('finished');
  });
  const monitor = page.getByTestId('train.monitor');
  await test.step('gradient norms: a line per parameter and the total', async () => {
    const norms = monitor.getByTestId('monitor.gradnorms');
    await expect(norms).toBeVisible();
    expect(Number(await norms.getAttribute('data-points'))).toBeGreaterThan(10);
    // The MLP's two dense layers: kernel and bias each, plus the total.
    expect(await norms.locator('.recharts-line').count()).toBeGreaterThanOrEqual(5);
    const state = await page.evaluate(() => (window as unknown as { __volt: { getState(): { monitor: { gradNorms: Array<{ total: number; norms: Record<string, number> }> } } } }).__volt.getState().monitor);
    const last = state.gradNorms.at(-1)!;
    expect(Object.keys(last.norms).length).toBeGreaterThanOrEqual(4);
    expect(last.total).toBeGreaterThan(0);
  });
  await test.step('histograms: the latest and past snapshots of a chosen parameter, weights or gradients', async () => {
    const hist = monitor.getByTestId('monitor.histogram');
    await expect(hist).toBeVisible();
    expect(Number(await hist.getAttribute('data-snapshots'))).toBeGreaterThan(1);
    expect(await hist.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(10);
    expect(await hist.locator('.recharts-line').count()).toBeGreaterThan(0); // past snapshots
    await expect(hist.getByTestId('monitor.histogram.legend')).toContainText(/Bars: step \d+ · lines, lighter = older: steps \d+/);
    const select = hist.getByTestId('monitor.histogram.param');
    const options = await select.locator('option').allTextContents();
    expect(options.length).toBeGreaterThanOrEqual(4);
    await select.selectOption(options[1]!);
    await hist.getByTestId('monitor.histogram.kind').selectOption('grads');
    expect(await hist.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(5);
  });
  await test.step('device stats and epoch times', async () => {
    await expect(monitor.getByTestId('monitor.device.now')).toContainText(/\d+ tensors · [\d.]+ MB/);
    await expect(monitor.getByTestId('monitor.leak')).toHaveCount(0);
    await expect(page.getByTestId('train.epoch-time')).toContainText(/epoch 2: [\d.]+ s \(train [\d.]+ s, validation [\d.]+ s\)/);
  });
  await monitor.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/monitor-train.png', fullPage: true });
});
