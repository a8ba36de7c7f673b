import { expect, test } from './fixtures';

test('pause, resume and stop from the page; then a second run starts and finishes', async ({ studio }) => {
  // A long run (about 16,000 steps): it must still be going when we press the buttons.
  await studio.open('?maxEpochs=1000');
  await studio.button('start').click();
  await studio.waitForStatus('training');

  await test.step('pause holds the run still', async () => {
    await studio.button('pause').click();
    await studio.waitForStatus('paused', 30_000);
    await expect(studio.button('resume')).toBeEnabled();
    const atPause = await studio.step();
    await studio.page.waitForTimeout(1000);
    expect(await studio.step()).toBe(atPause);
  });

  await test.step('resume trains on', async () => {
    const before = await studio.step();
    await studio.button('resume').click();
    await studio.waitForStatus('training', 30_000);
    await expect.poll(() => studio.step(), { timeout: 30_000 }).toBeGreaterThan(before + 3);
  });

  await test.step('stop ends the run with its result', async () => {
    await studio.button('stop').click();
    await studio.waitForStatus('stopped', 30_000);
    const result = await studio.state('result');
    expect(result?.status).toBe('stopped');
    expect(result!.steps).toBeGreaterThan(3);
    expect(result!.steps).toBeLessThan(16_000);
    await expect(studio.button('start')).toBeEnabled();
  });

  await test.step('a second run of one epoch finishes', async () => {
    await studio.page.getByTestId('train.epochs').fill('1');
    await studio.button('start').click();
    await studio.waitForStatus('finished');
    const runs = await studio.runs();
    expect(runs.map((r) => r.status)).toEqual(['stopped', 'finished']);
    expect(runs[1]!.config!.maxEpochs).toBe(1);
    const loss = await studio.series('train_loss');
    expect(loss).toHaveLength(16); // 512 samples / batch 32, every step
  });
});

test('keyboard shortcuts: T trains, P pauses and resumes, S stops; keys typed in a field do nothing', async ({ studio }) => {
  await studio.open('?maxEpochs=1000');
  const epochs = studio.page.getByTestId('train.epochs');
  await epochs.focus();
  await studio.page.keyboard.press('t');
  await expect(studio.status).toHaveText('idle');
  await studio.page.locator('body').click({ position: { x: 5, y: 5 } });
  await studio.page.keyboard.press('t');
  await studio.waitForStatus('training');
  await studio.page.keyboard.press('p');
  await studio.waitForStatus('paused', 30_000);
  await studio.page.keyboard.press('p');
  await studio.waitForStatus('training', 30_000);
  await studio.page.keyboard.press('s');
  await studio.waitForStatus('stopped', 30_000);
});
