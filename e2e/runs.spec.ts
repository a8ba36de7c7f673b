import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Short runs (an epoch is a few dozen steps), on whatever backend `auto` picks. */
const QUERY = '?maxEpochs=2';

const rows = (page: Page) => page.locator('[data-testid="runs.table"] [data-testid^="runs.row."]');

async function rowIds(page: Page): Promise<string[]> {
  const ids = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.slice('runs.row.'.length));
}

/** Records in the runs object store, read straight from IndexedDB (what a reload will load). */
function storedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('volt-studio');
        req.onerror = () => resolve(-1);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('runs')) return resolve(0);
          const count = db.transaction('runs', 'readonly').objectStore('runs').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => resolve(-1);
        };
      }),
  );
}

/** Length of the path data of the overlay's drawn curves in an `#rrggbb` colour (0 when no such curve is drawn). */
function curveIn(page: Page, hex: string): Promise<number> {
  return page
    .getByTestId('runs.overlay')
    .locator(`path.recharts-line-curve[stroke="${hex}"]`)
    .evaluateAll((els) => els.reduce((n, el) => n + (el.getAttribute('d')?.length ?? 0), 0));
}

test('two runs from the page are listed, compared on one chart, and kept across a reload', async ({ studio, page }) => {
  await studio.open(QUERY);

  await test.step('two short runs each get a row', async () => {
    // The panel is below every step's content: here the Data step's.
    await expect(page.getByTestId('step.data')).toHaveAttribute('aria-current', 'step');
    await expect(page.getByTestId('runs.table')).toBeVisible();
    // Long tasks from the first click on Train on: the panel follows the run while it trains.
    await page.evaluate(() => {
      const w = window as unknown as { __runsLongTasks: number[]; __runsStart: number };
      w.__runsLongTasks = [];
      w.__runsStart = Infinity;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.startTime >= w.__runsStart) w.__runsLongTasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask' });
      document.querySelector('[data-testid="train.start"]')!.addEventListener('pointerdown', () => (w.__runsStart = performance.now()), { once: true, capture: true });
    });
    for (let i = 1; i <= 2; i++) {
      // Two epochs, then one: the runs share a seed, so the first run's longer curve is what keeps it visible under the second.
      if (i === 2) await page.getByTestId('train.epochs').fill('1');
      await studio.button('start').click();
      await studio.waitForStatus('finished');
      await expect(rows(page)).toHaveCount(i);
      if (i === 1) {
        const longTasks = await page.evaluate(() => (window as unknown as { __runsLongTasks: number[] }).__runsLongTasks);
        // The 50 ms budget is `npm run bench`'s to measure; here only a frozen page (a second or more) fails.
        test.info().annotations.push({ type: 'long tasks (ms)', description: JSON.stringify(longTasks) });
        expect(longTasks.filter((ms) => ms >= 1000), 'main-thread tasks of a second or more with the runs panel visible').toEqual([]);
      }
    }
    const ids = await rowIds(page);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) await expect(page.getByTestId(`runs.row.${id}`)).toContainText('finished');
  });

  const ids = await rowIds(page);

  await test.step('selecting both draws both curves on the overlay', async () => {
    await expect(page.getByTestId('runs.overlay')).toHaveAttribute('data-runs', '0');
    for (const id of ids) await page.getByTestId(`runs.select.${id}`).check();
    const overlay = page.getByTestId('runs.overlay');
    await expect(overlay).toHaveAttribute('data-runs', '2');
    await expect(page.getByTestId('runs.metric')).toHaveValue('train_loss');
    await expect(overlay.locator('[role=img]')).toHaveAttribute('aria-label', /train_loss by step for 2 runs: #\d+ \d+ points.*; #\d+ \d+ points/);
    // The first selected run is drawn in blue, the second (on top) in orange (ui/runs/colors.ts).
    await expect.poll(() => curveIn(page, '#2f6fed')).toBeGreaterThan(20);
    await expect.poll(() => curveIn(page, '#e07a16')).toBeGreaterThan(20);
  });

  await test.step('a reload keeps both runs with their results', async () => {
    await expect.poll(() => storedCount(page), { timeout: 10_000 }).toBe(2);
    await studio.open(QUERY);
    await expect(rows(page)).toHaveCount(2);
    expect((await rowIds(page)).sort()).toEqual([...ids].sort());
    for (const id of ids) await expect(page.getByTestId(`runs.row.${id}`)).toContainText('finished');
    // Their curves came back too: selecting one draws it.
    await page.getByTestId(`runs.select.${ids[0]}`).check();
    await expect(page.getByTestId('runs.overlay')).toHaveAttribute('data-runs', '1');
  });

  await test.step('a deleted run stays deleted after a reload', async () => {
    await page.getByTestId(`runs.delete.${ids[0]}`).click();
    await expect(rows(page)).toHaveCount(1);
    await expect.poll(() => storedCount(page), { timeout: 10_000 }).toBe(1);
    await studio.open(QUERY);
    await expect(rows(page)).toHaveCount(1);
    expect(await rowIds(page)).toEqual([ids[1]]);
  });
});
