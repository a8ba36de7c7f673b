import { expect, test } from './fixtures';

// A fresh page offers MNIST with an MLP. One epoch of 30 batches on WASM keeps it to seconds here.
test('fresh page: MNIST + MLP trains to an evaluation; a confusion cell shows its samples; a drawn digit is classified', async ({ studio }) => {
  const page = studio.page;
  await studio.fresh('?accelerator=wasm&maxEpochs=1&limitTrainBatches=30');

  await test.step('nothing chosen: MNIST and an MLP are ready', async () => {
    await expect(page.getByTestId('step.data.choice')).toHaveText(/^mnist · 10000 rows$/);
    await expect(page.getByTestId('step.model.choice')).toHaveText(/^mlp · 3 layers$/);
    await expect(page.getByTestId('data.builtin.mnist')).toHaveAttribute('aria-pressed', 'true');
    // A real test split: 1,000 digits that neither training nor validation sees.
    await expect(page.getByTestId('data.splits')).toHaveText('8000 train · 1000 validation · 1000 test');
  });

  await test.step('train, then see the evaluation', async () => {
    await studio.button('start').click();
    await studio.waitForStatus('finished');
    await page.getByTestId('train.see-evaluation').click();
    const matrix = page.getByTestId('eval.confusion');
    await expect(matrix).toBeVisible();
    const cells = await page.locator('[data-testid^="eval.confusion.cell."]').count();
    expect(cells).toBe(100);
    const evaluation = await studio.state('evaluation');
    expect(evaluation!.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    await expect(page.getByTestId('eval.metric.test_acc')).toHaveText(/^0\.\d+$/);
  });

  await test.step('a confusion-matrix cell shows the samples behind it', async () => {
    const ev = (await studio.state('evaluation'))!;
    const count = ev.confusion![3]![3]!;
    await page.getByTestId('eval.confusion.cell.3.3').click();
    const samples = page.getByTestId('eval.samples');
    await expect(samples).toBeVisible();
    await expect(samples.locator('canvas')).toHaveCount(Math.min(count, 8));
    await expect(samples).toContainText('true 3');
  });

  await test.step('draw a digit and get a class', async () => {
    const pad = page.getByTestId('eval.draw');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 10 });
    await page.mouse.up();
    // The stroke's end predicts on its own; the model's 28×28 view of the drawing is shown.
    await expect(page.getByTestId('eval.prediction')).toHaveText(/^Predicted: \d \(\d+\.\d%\)$/);
    const ink = await page.getByTestId('eval.draw.seen').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let rows = 0;
      for (let y = 0; y < 28; y++) if ([...Array(28).keys()].some((x) => d[(y * 28 + x) * 4]! > 16)) rows++;
      return rows;
    });
    expect(ink).toBe(20); // a vertical stroke fills the 20-px box, as MNIST digits do
    await page.getByTestId('eval.predict').click();
    await expect(page.getByTestId('eval.prediction')).toHaveText(/^Predicted: \d \(\d+\.\d%\)$/);
    const p = await studio.state('prediction');
    expect(p!.probabilities).toHaveLength(10);
  });
});
