import { expect, test } from './fixtures';

test('the page stays responsive while training: clicks handled, no task as long as training work', async ({ studio }) => {
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
  // The 50 ms budget is a speed target, measured by `npm run bench` (zero long tasks on every backend there); on a
  // shared 2-core machine a busy neighbour can stretch a 30 ms render past it. What a test can hold without timing
  // noise: no task anywhere near a training step's or an epoch's length, which would mean the main thread trains.
  test.info().annotations.push({ type: 'long tasks (ms)', description: JSON.stringify(longTasks) });
  expect(longTasks.filter((ms) => ms >= 1000), 'main-thread tasks of a second or more during the run').toEqual([]);
  // The UI thread never trains: tfjs (which registers its engine on the global object) never loaded on it.
  expect(await studio.page.evaluate(() => '_tfengine' in globalThis)).toBe(false);
});
