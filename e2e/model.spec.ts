import { expect, test } from './fixtures';

test('presets, a layer change updates the shapes, an invalid change is caught before training, and the link restores the model', async ({ studio }) => {
  const page = studio.page;
  await studio.fresh('?accelerator=cpu');
  await page.getByTestId('step.model').click();

  await test.step('a preset shows its layers and totals', async () => {
    const preset = page.getByTestId('model.preset');
    await expect(preset.locator('option[value="lenet5"]')).toBeEnabled();
    await preset.selectOption('linear');
    await expect(page.getByTestId('model.layers').locator('> li')).toHaveCount(2);
    await expect(page.getByTestId('model.totals')).toContainText('(7,850 trainable)');
    await preset.selectOption('mlp');
    await expect(page.getByTestId('model.layer.1.shape')).toHaveText('[256]');
  });

  await test.step('changing a layer updates its shape and the next layer’s parameters', async () => {
    await page.getByTestId('model.layer.1.units').fill('32');
    await expect(page.getByTestId('model.layer.1.shape')).toHaveText('[32]');
    await expect(page.getByTestId('model.layer.2.params')).toHaveText('330 params');
    await expect(page.getByTestId('model.preset')).toHaveValue('custom');
  });

  await test.step('the URL holds the spec, and opening it restores the layer', async () => {
    expect(page.url()).toContain('spec=');
    await page.goto(page.url());
    await page.waitForFunction(() => window.__volt?.getState().spec?.layers.some((l) => l.kind === 'dense' && 'units' in l && l.units === 32) === true, null, { timeout: 60_000 });
    await page.getByTestId('step.model').click();
    await expect(page.getByTestId('model.layer.1.units')).toHaveValue('32');
  });

  await test.step('an invalid change shows on its layer and Train is off with the reason', async () => {
    await page.getByTestId('model.layer.1.units').fill('0');
    await expect(page.getByTestId('model.layer.1.error')).toBeVisible();
    await expect(page.getByTestId('model.layer.1.error')).toContainText('units');
    await expect(studio.button('start')).toBeDisabled();
    await expect(page.getByTestId('train.blocked')).toContainText('units');
    await page.getByTestId('model.layer.1.units').fill('16');
    await expect(studio.button('start')).toBeEnabled();
  });
});

// Issue 9: tfjs's WASM backend has no convolution gradients of its own; the framework registers them.
test('LeNet-5 trains on WASM in the worker, with augmented MNIST batches, and learns', async ({ studio }) => {
  const page = studio.page;
  await studio.fresh('?accelerator=wasm&maxEpochs=1&limitTrainBatches=40');
  await page.getByTestId('data.augment.maxShift').fill('0.1');
  await expect(page.getByTestId('data.augment.summary')).toContainText('Next run: shift ±10%.');
  await page.getByTestId('step.model').click();
  await page.getByTestId('model.preset').selectOption('lenet5');
  await expect(page.getByTestId('step.model.choice')).toHaveText(/^lenet5 · /);
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  expect((await studio.state('backend'))!.name).toBe('wasm');
  const run = (await studio.runs()).at(-1)!;
  expect(run.config!.spec!.layers.some((l) => l.kind === 'conv2d')).toBe(true);
  expect(run.config!.augmentation).toMatchObject({ maxShift: 0.1 });
  const loss = run.series.train_loss!.map((p) => p.value);
  expect(loss.length).toBe(40);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Learning, not just running: the last ten steps' loss is well below the first ten's.
  expect(mean(loss.slice(-10))).toBeLessThan(mean(loss.slice(0, 10)) * 0.8);
  expect((await studio.state('evaluation'))!.metrics.test_acc).toBeGreaterThan(0.3);
});
