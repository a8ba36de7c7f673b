import { expect, test } from './fixtures';

test('the page stays responsive while training: no long task, clicks handled', async ({ studio }) => {
  await studio.open('?maxSteps=60&maxEpochs=10');
  // Long tasks from the click on: page load is not part of the run.
  await studio.page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __runStart: number };
    w.__longTasks = [];
    w.__runStart = Infinity;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= w.__runStart) w.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
    document.querySelector('[data-testid="train.start"]')!.addEventListener('pointerdown', () => (w.__runStart = performance.now()), { once: true, capture: true });
  });
  await studio.button('start').click();
  await studio.waitForStatus('training');

  await test.step('a click is handled while training', async () => {
    const log = studio.page.locator('details.logs');
    const t0 = Date.now();
    await log.locator('summary').click();
    await expect(log).toHaveAttribute('open', '', { timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await studio.status.textContent()).toMatch(/training|compiling/);
  });

  await studio.waitForStatus('finished');
  const longTasks = await studio.page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  expect(longTasks, 'main-thread tasks over 50 ms during the run').toEqual([]);
});
