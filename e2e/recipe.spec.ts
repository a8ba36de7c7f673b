// The recipe is checked as it is typed, in the page's words; early stopping says why it stopped and what it kept.
import { expect, test } from './fixtures';

test('a bad recipe value is shown at its field and keeps Train off, named as the page labels it', async ({ studio, page }) => {
  await studio.open('?dataset=iris&accelerator=cpu');
  await page.getByTestId('step.model').click();
  await page.getByTestId('model.lr').fill('-1');
  await expect(page.getByTestId('model.recipe.error.optimizer.lr')).toHaveText('Learning rate must be a positive number, got -1');
  await expect(page.getByTestId('model.lr')).toHaveAttribute('aria-invalid', 'true');
  await expect(studio.button('start')).toBeDisabled();
  await expect(page.getByTestId('train.blocked')).toContainText('Train is off: Learning rate must be a positive number, got -1');
  await page.getByTestId('model.batch-size').fill('0');
  await expect(page.getByTestId('model.recipe.error.batchSize')).toHaveText('Batch size must be a positive integer, got 0');
  await page.getByTestId('model.lr').fill('0.01');
  await page.getByTestId('model.batch-size').fill('16');
  await expect(page.getByTestId('model.recipe.error.optimizer.lr')).toHaveCount(0);
  await expect(studio.button('start')).toBeEnabled();
});

test('early stopping says why the run stopped, fills the bar and restores the best epoch’s weights', async ({ studio, page }) => {
  await studio.open('?dataset=iris&accelerator=cpu&maxEpochs=300');
  await page.getByTestId('step.model').click();
  await page.getByTestId('model.early-stopping').fill('1');
  await expect(page.getByTestId('model.restore-best')).toBeChecked();
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  const note = page.getByTestId('train.early-stop');
  await expect(note).toHaveText(/^Stopped early at epoch \d+\/300: val_loss did not improve for 1 epoch; weights of epoch \d+ restored \(best val_loss [\d.]+\)\.$/);
  await expect(page.getByTestId('train.progress').locator('progress')).toHaveJSProperty('value', 1);
  await expect(page.getByTestId('train.progress')).not.toContainText('ETA');
  const result = await studio.state('result');
  expect(result!.earlyStop).toMatchObject({ monitor: 'val_loss', restored: true });
  expect(result!.earlyStop!.bestEpoch).toBe(result!.earlyStop!.stoppedEpoch - 1);
});

test('a reload keeps the preset’s name; a huge layer is warned about before Train', async ({ studio, page }) => {
  await studio.open('?dataset=iris&accelerator=cpu');
  await page.getByTestId('step.model').click();
  const preset = await page.getByTestId('model.preset').inputValue();
  expect(preset).not.toBe('custom');
  await page.goto(page.url());
  await page.waitForFunction(() => window.__volt?.getState().spec !== null && window.__volt.getState().dataset !== null, null, { timeout: 60_000 });
  await page.getByTestId('step.model').click();
  await expect(page.getByTestId('model.preset')).toHaveValue(preset);
  await expect(page.getByTestId('model.size-warning')).toHaveCount(0);
  // MNIST's 784 inputs into 100,000 units: 78 M parameters, ~314 MB of weights.
  await studio.open('?dataset=mnist&accelerator=cpu');
  await page.getByTestId('step.model').click();
  await page.getByTestId('model.layer.1.units').fill('100000');
  await expect(page.getByTestId('model.size-warning')).toContainText(/A large model: .* parameters, \d+ MB of weights/);
});
