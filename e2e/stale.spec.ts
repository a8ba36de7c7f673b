// The run on screen is always named, and never mixed up with data loaded after it; Train runs what the page shows.
import { expect, test } from './fixtures';

const file = (name: string) => new URL(`./files/${name}`, import.meta.url).pathname;

test('Train pressed at the first possible moment runs exactly what the page shows', async ({ studio, page }) => {
  // A fresh page, as a visitor opens it: MNIST is still loading when the button appears.
  await page.goto('/?accelerator=cpu');
  const start = studio.button('start');
  await expect(start).toBeVisible();
  if (await start.isDisabled()) await expect(page.getByTestId('train.blocked')).toContainText(/Train is off: (loading|no dataset|the model)/);
  await expect(start).toBeEnabled({ timeout: 60_000 });
  const epochs = Number(await page.getByTestId('train.epochs').inputValue());
  const shown = await page.evaluate(() => ({ spec: window.__volt.getState().spec, preset: window.__volt.getState().presetId }));
  await start.click();
  await expect.poll(async () => (await studio.runs()).length).toBe(1);
  const [run] = await studio.runs();
  expect(run!.config!.maxEpochs).toBe(epochs);
  expect(run!.config!.spec).toEqual(shown.spec);
  expect(shown.preset).toBe('mlp');
  // The run was started from the Data step: the Train step (with its charts) opens.
  await expect(page.getByTestId('step.train')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('train.progress')).toContainText(`/${epochs}`);
  // Leaving the page during a run asks first.
  const dialog = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  expect((await dialog).type()).toBe('beforeunload');
  await (await dialog).dismiss();
});

test('after another dataset is loaded, Evaluate and Export still name the run, Try it asks the run’s columns, and the way back works', async ({ studio, page }) => {
  await studio.open('?dataset=iris&accelerator=cpu&maxEpochs=30');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await page.getByTestId('step.evaluate').click();
  await expect(page.getByTestId('run.label')).toHaveText('Run #1 · iris · mlp');
  await expect(page.getByTestId('run.data-changed')).toHaveCount(0);
  const matrix = await page.getByTestId('eval.confusion').textContent();

  await page.getByTestId('step.data').click();
  await page.getByTestId('data.upload').setInputFiles(file('weather.csv'));
  await studio.datasetIs('weather.csv');
  await page.getByTestId('step.evaluate').click();
  // Still Iris's run, said so, with the data change named.
  await expect(page.getByTestId('run.label')).toHaveText('Run #1 · iris · mlp');
  await expect(page.getByTestId('run.data-changed')).toContainText('The loaded dataset is now weather.csv');
  expect(await page.getByTestId('eval.confusion').textContent()).toBe(matrix);
  // Try it offers the run's own fields, not the new dataset's.
  await expect(page.getByTestId('eval.feature.sepal_length')).toBeVisible();
  await expect(page.getByTestId('eval.feature.temperature')).toHaveCount(0);
  // Evaluating the iris model on weather rows is refused, naming what does not fit.
  await page.getByTestId('run.evaluate-loaded').click();
  await expect(page.getByTestId('run.evaluate-loaded.error')).toContainText('weather.csv does not fit the model trained on iris');
  await page.getByTestId('step.export').click();
  await expect(page.getByTestId('run.label')).toHaveText('Run #1 · iris · mlp');
  await expect(page.getByTestId('run.data-changed')).toBeVisible();

  // Back to the run's data: the notice goes, predictions use it again.
  await page.getByTestId('run.restore-data').click();
  await studio.datasetIs('iris');
  await expect(page.getByTestId('run.data-changed')).toHaveCount(0);
  await page.getByTestId('step.evaluate').click();
  await page.getByTestId('eval.feature.petal_length').fill('6');
  await page.getByTestId('eval.feature.petal_width').fill('2.2');
  await page.getByTestId('eval.feature.sepal_length').fill('6.5');
  await page.getByTestId('eval.feature.sepal_width').fill('3');
  await page.getByTestId('eval.predict').click();
  await expect(page.getByTestId('eval.prediction')).toContainText('virginica');
});
