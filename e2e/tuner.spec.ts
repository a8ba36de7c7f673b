import { expect, test } from './fixtures';

// The Model step's finders on a toy set: the LR finder's plot and its "Use", the batch finder's table and its "Use", then a run with both.
test('find the learning rate and the batch size, apply both, and train with them', async ({ studio }) => {
  const page = studio.page;
  await studio.open('?accelerator=cpu&maxEpochs=1');
  await page.getByTestId('data.builtin.circle').click();
  await studio.datasetIs('circle');
  await page.getByTestId('step.model').click();

  await page.getByTestId('model.lr-find').click();
  await expect(page.getByTestId('model.lr-find.plot')).toBeVisible({ timeout: 90_000 });
  // The plot has the curve (recharts lines) and the suggestions' markers.
  await expect(page.getByTestId('model.lr-find.plot').locator('.recharts-line')).toHaveCount(2);
  expect(await page.getByTestId('model.lr-find.plot').locator('.recharts-reference-line').count()).toBeGreaterThan(0);
  // Hovering the plot shows the exact values at that learning rate.
  const box = (await page.getByTestId('model.lr-find.plot').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await expect(page.getByTestId('model.lr-find.plot').locator('.recharts-tooltip-wrapper')).toContainText(/lr \d/);
  await expect(page.getByTestId('model.lr-find.suggestion')).toContainText('Suggested learning rate');
  // "Use" sets the valley suggestion in 3 significant digits.
  const suggested = Number((await studio.state('lrFind'))!.suggestions.valley!.toPrecision(3));
  await page.getByTestId('model.lr-find.apply').click();
  await expect(page.getByTestId('model.lr')).toHaveValue(String(suggested));

  await page.getByTestId('model.batch-find').click();
  await expect(page.getByTestId('model.batch-find.table')).toBeVisible({ timeout: 90_000 });
  const found = (await studio.state('batchFind'))!;
  expect(found.trials.filter((t) => t.fits).map((t) => t.batchSize)).toContain(found.batchSize);
  await page.getByTestId('model.batch-find.apply').click();
  await expect(page.getByTestId('model.batch-size')).toHaveValue(String(found.batchSize));

  await studio.button('start').click();
  await studio.waitForStatus('finished');
  const runs = await studio.runs();
  const config = runs.at(-1)!.config!;
  expect(config.spec!.recipe.optimizer.lr).toBe(suggested);
  expect(config.spec!.recipe.batchSize).toBe(found.batchSize);
  expect(config.tuned).toEqual({ lr: { value: suggested, rule: 'valley' }, batchSize: { value: found.batchSize, objective: 'throughput' } });
});
