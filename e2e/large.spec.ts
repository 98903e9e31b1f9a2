/**
 * A sparse dump over 4 GiB with 100,000 regions: addresses and file offsets past 4 GiB, a table that sorts in well
 * under a second, and a page that answers while the worker parses.
 */
import { rmSync } from 'node:fs';
import {
  cli,
  downloadJson,
  expect,
  openFile,
  REGION_COL,
  regionRows,
  showView,
  test,
  waitReady,
  waitScanDone,
} from './fixtures';
import { bigSparseCore } from './make-cores';

/** The first offset where two texts differ (the shorter one's length if it is a prefix of the other), or -1. */
function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}

interface MainThreadWatch {
  readonly longestGapMs: number;
  readonly longestTaskMs: number;
  readonly status: string;
}
type WatchedWindow = Window & { __settled?: Promise<MainThreadWatch> };

/**
 * Runs in the page: from now until the root's data-status is neither idle nor loading, the longest gap between timer
 * ticks asked for every 10 ms (what a click or a key would have waited for) and the longest task the browser reports.
 * The answer is a promise left on the window.
 */
function watchMainThreadUntilSettled(): void {
  (window as WatchedWindow).__settled = new Promise((resolve) => {
    const root = document.querySelector('[data-status]');
    let longestGapMs = 0;
    let longestTaskMs = 0;
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, Math.round(e.duration));
    });
    tasks.observe({ type: 'longtask' });
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, Math.round(now - last));
      last = now;
      const status = root?.getAttribute('data-status') ?? 'missing';
      if (status !== 'idle' && status !== 'loading') {
        tasks.disconnect();
        resolve({ longestGapMs, longestTaskMs, status });
        return;
      }
      setTimeout(tick, 10);
    };
    setTimeout(tick, 10);
  });
}

test('a > 4 GiB dump with 100,000 regions: rows past 4 GiB, fast sorts, a responsive page', async ({ page }) => {
  test.setTimeout(120_000);
  const big = bigSparseCore();
  try {
    await page.goto('./#v=regions');
    // While the worker parses, the main thread keeps answering: the page's own clock, not a round trip from the
    // test (which, on a 2-core machine shared with another browser, measures the scheduler as much as the page).
    // Watched from when the file is given: giving it is the test's own task in the page (137 ms in a trace).
    await openFile(page, big.path);
    await page.evaluate(watchMainThreadUntilSettled);
    const watched = await page.evaluate(() => (window as WatchedWindow).__settled);
    if (watched === undefined) throw new Error('the main-thread watch did not start');
    const { longestGapMs, longestTaskMs, status } = watched;
    console.log(`while parsing: longest main-thread gap ${longestGapMs} ms, longest task ${longestTaskMs} ms`);
    expect(status).toBe('ready');
    // The page's own work in one piece stays under the bar the hex view's scrolling has; the gap, which also holds
    // the time the OS gave other processes (400 ms read with two busy loops and two browsers on 2 cores, where the
    // longest task was 61 ms), stays under a second: no frozen tab.
    expect(longestTaskMs).toBeLessThan(400);
    expect(longestGapMs).toBeLessThan(1000);
    await waitReady(page);
    await expect(page.getByText('100,000 of 100,000 regions')).toBeVisible();

    // The image's ELF header and build-id were read from file offset 4.5 GiB.
    await showView(page, 'Overview');
    await expect(page.getByText(big.buildId)).toBeVisible();
    await expect(page.getByText('bigsparse --over 4GiB')).toBeVisible();

    await showView(page, 'Regions');
    await page.getByLabel('Path or address').fill(`0x${big.imageStart.toString(16)}`);
    const selected = page.getByTestId('region-table').locator('[role=row][aria-selected=true] [role=gridcell]');
    await expect(selected.nth(REGION_COL.start)).toHaveText('000123456000');
    await expect(selected.nth(REGION_COL.image)).toHaveText(big.imagePath);
    await page.getByLabel('Path or address').fill('');

    // Sorting 100k rows: from the click to the header saying so, which React commits with the sorted rows.
    const sortMs = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const header = Array.from(document.querySelectorAll('[data-testid=region-table] [role=columnheader]')).find(
            (h) => h.textContent.startsWith('Size'),
          );
          const button = header?.querySelector('button');
          if (!header || !button) {
            reject(new Error('no Size header'));
            return;
          }
          const t0 = performance.now();
          new MutationObserver((_, observer) => {
            if (header.getAttribute('aria-sort') !== 'descending') return;
            observer.disconnect();
            resolve(performance.now() - t0);
          }).observe(header, { attributes: true });
          button.click();
        }),
    );
    console.log(`sorting 100,000 regions by size took ${sortMs.toFixed(0)} ms`);
    expect(sortMs).toBeLessThan(1000);
    await expect(
      page.getByTestId('region-table').getByRole('columnheader', { name: 'Size', exact: true }),
    ).toHaveAttribute('aria-sort', 'descending');
    // The selection (the image) stays in view after the sort; Home goes to the largest region.
    await page.getByTestId('region-table').focus();
    await page.keyboard.press('Home');
    const first = page.getByTestId('region-table').locator('[role=row][aria-selected=true] [role=gridcell]');
    await expect(first.nth(REGION_COL.kind)).toHaveText('Stack');
    await expect(first.nth(REGION_COL.start)).toHaveText(big.stackStart.toString(16));
    await expect(first.nth(REGION_COL.tid)).toHaveText(String(big.tid));
    expect((await regionRows(page))[0]?.[0]).toBe('Stack');

    // Scroll to the end with the keyboard: the last rows render.
    await page.keyboard.press('End');
    await expect(page.getByTestId('region-table').locator('[role=row][aria-selected=true]')).toHaveAttribute(
      'aria-rowindex',
      '100001',
    );

    // The census of 100k regions (two with bytes, past 4 GiB) completes, and the JSON (file offsets past 4 GiB,
    // 100k regions) is still byte for byte the CLI's `--scan --json`.
    await waitScanDone(page);
    const json = await downloadJson(page);
    const expected = cli(big.path, '--scan', '--json', '--stacks', '--offline');
    // Compared without printing either text (megabytes each): lengths, then where they first differ, with context.
    const at = firstDifference(json, expected);
    const context =
      at < 0
        ? ''
        : `at offset ${at}: page ${JSON.stringify(json.slice(Math.max(0, at - 80), at + 80))}, CLI ${JSON.stringify(expected.slice(Math.max(0, at - 80), at + 80))}`;
    expect(json.length, `length of the page's JSON against the CLI's; first difference ${context}`).toBe(
      expected.length,
    );
    expect(at, `first offset where the page's JSON differs from the CLI's ${context}`).toBe(-1);
  } finally {
    rmSync(big.path, { force: true });
  }
});
