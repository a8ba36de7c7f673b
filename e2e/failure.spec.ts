import { expect, test } from './fixtures';

test('a failing run shows its error, and the next run works', async ({ studio }) => {
  // Test hook: the loss becomes NaN at step 5 of the next run, and detectAnomaly stops it.
  await studio.open('?injectNaN=5&maxSteps=20&maxEpochs=2');
  await studio.button('start').click();
  await studio.waitForStatus('failed');
  const alert = studio.page.getByTestId('train.error');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('detectAnomaly: the loss is NaN at epoch 0, batch 5');
  const error = await studio.state('error');
  expect(error?.stack).toBeTruthy();

  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await expect(alert).toBeHidden();
  const runs = await studio.runs();
  expect(runs.map((r) => r.status)).toEqual(['failed', 'finished']);
  expect((await studio.series('train_loss')).length).toBe(20);
});
