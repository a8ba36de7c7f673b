// The studio page as a Playwright fixture: controls by data-testid, state through window.__volt.
import { test as base, expect, type Page } from '@playwright/test';
import type { SeriesPoint, VoltState } from '../src/store';
import type { RunEntry } from '../src/store/runs';
import type { VoltTestApi } from '../src/store/actions';
import type { RunStatus } from '../src/worker/protocol';

declare global {
  interface Window {
    __volt: VoltTestApi;
  }
}

export class Studio {
  constructor(readonly page: Page) {}

  /**
   * Opens the page (with run settings in the query string) and waits for the
   * worker and the dataset. Without a `dataset` in the query it loads the
   * runtime's tiny `blobs` set (512 rows, an epoch of 16 steps), which the
   * runtime tests were sized for; `fresh()` opens the page as a visitor does.
   */
  async open(query = ''): Promise<void> {
    const q = new URLSearchParams(query);
    if (!q.has('dataset')) q.set('dataset', 'blobs');
    await this.page.goto(`/?${q.toString()}`);
    await this.ready();
  }

  /** Opens the page with nothing chosen (MNIST and an MLP), plus the given query. */
  async fresh(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.ready();
  }

  private async ready(): Promise<void> {
    await expect(this.status).toHaveText('idle');
    await this.page.waitForFunction(() => window.__volt?.getState().workerReady === true);
    await this.page.waitForFunction(() => window.__volt.getState().dataset !== null && window.__volt.getState().spec !== null, null, { timeout: 60_000 });
  }

  /** Waits until the loaded dataset is `name` (after a built-in click or an upload). */
  async datasetIs(name: string): Promise<void> {
    await this.page.waitForFunction((n) => window.__volt.getState().dataset?.name === n && window.__volt.getState().dataLoading === null, name, { timeout: 60_000 });
  }

  get status() {
    return this.page.getByTestId('train.status');
  }
  get backend() {
    return this.page.getByTestId('train.backend');
  }
  button(name: 'start' | 'pause' | 'resume' | 'stop') {
    return this.page.getByTestId(`train.${name}`);
  }

  /** Waits for a status; an unexpected `failed` ends the wait at once with the run's error. */
  async waitForStatus(status: RunStatus | RegExp, timeout = 90_000): Promise<void> {
    const wanted = (s: string) => (typeof status === 'string' ? s === status : status.test(s));
    await expect
      .poll(
        async () => {
          const s = (await this.status.textContent()) ?? '';
          if (s === 'failed' && !wanted(s)) {
            const e = await this.state('error');
            throw new Error(`the run failed while waiting for ${String(status)}: ${e?.name}: ${e?.message}`);
          }
          return s;
        },
        { timeout, intervals: [100, 250, 500] },
      )
      .toMatch(typeof status === 'string' ? new RegExp(`^${status}$`) : status);
  }

  async state<K extends keyof VoltState>(key: K): Promise<VoltState[K]> {
    return (await this.page.evaluate((k) => window.__volt.getState()[k as keyof VoltState], key as string)) as VoltState[K];
  }

  /** The runs history (the runs store: this page's runs and earlier loads'), oldest first. */
  runs(): Promise<RunEntry[]> {
    return this.page.evaluate(() => window.__volt.getRuns() as RunEntry[]);
  }

  series(name: string): Promise<SeriesPoint[]> {
    return this.page.evaluate((n) => window.__volt.getState().series[n] ?? [], name);
  }

  async step(): Promise<number> {
    return (await this.state('progress'))?.step ?? 0;
  }
}

export const test = base.extend<{ studio: Studio }>({
  studio: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await use(new Studio(page));
    expect(errors, 'uncaught errors on the page').toEqual([]);
  },
});

export { expect };

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
