/**
 * Searching dumped memory: "centos" in the sample (how an analyst finds which distribution a dump came from),
 * planted ASCII and UTF-16LE strings in a real core, hits that show while the search still runs, "Show more",
 * and the engine's message for an invalid pattern. Hits are the CLI's (`coreview --search`), in the same order.
 */
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { cli, expect, openFile, openSample, showView, test, waitReady } from './fixtures';
import { bigCensusCore, plantedCore } from './make-scan-cores';

/** The addresses `coreview --search` prints, as the page shows them (WinDbg form). */
function cliHits(core: string, ...args: string[]): string[] {
  return cli(core, '--search', ...args)
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/)[0] ?? '');
}

async function search(
  page: Page,
  text: string,
  as: 'ASCII text' | 'UTF-16LE text' | 'Hex bytes' = 'ASCII text',
  ignoreCase = false,
): Promise<void> {
  await page.getByLabel('Find in dumped memory').fill(text);
  await page.getByLabel('Search as').selectOption({ label: as });
  if (as !== 'Hex bytes') await page.getByLabel('Ignore case').setChecked(ignoreCase);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

const status = (page: Page) => page.getByTestId('search-status');

async function hitAddresses(page: Page): Promise<string[]> {
  return page
    .getByTestId('search-hits')
    .locator('[role=row][data-index]')
    .evaluateAll((rows) =>
      rows
        .map((r) => ({
          top: r.getBoundingClientRect().top,
          text: r.querySelector('[role=gridcell]')?.textContent ?? '',
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.text),
    );
}

test('finds "centos" in the sample: the CLI’s hits, in order, with context; a hit opens the hex view there', async ({
  page,
  sampleCore,
}) => {
  const expected = cliHits(sampleCore, 'centos');
  await openSample(page, '#v=search');
  await search(page, 'centos');
  await expect(status(page)).toHaveAttribute('data-state', 'done');
  await expect(status(page)).toHaveAttribute('data-hits', String(expected.length));
  await expect(status(page)).toContainText(`${expected.length} hits for “centos”`);
  expect((await hitAddresses(page)).slice(0, 10)).toEqual(expected.slice(0, 10));
  const first = page.getByTestId('search-hits').locator('[role=row][data-index]').first();
  await expect(first.locator('mark')).toHaveText('centos');
  await expect(first).toContainText('Image');

  await first.getByRole('button', { name: expected[0] ?? '?' }).click();
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Memory/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Bytes (db)')).toBeChecked();
  const target = page.getByTestId('hex-rows').locator('.hex-row.target');
  await expect(target).toContainText(expected[0] ?? '?');
  await expect(target.locator('mark').last()).toHaveText('centos');
});

test('finds planted ASCII and UTF-16LE strings in a real core, ignoring case on request', async ({ page, core }) => {
  const utf16 = (s: string) => Uint8Array.from(Array.from(s, (c) => [c.charCodeAt(0), 0]).flat());
  const planted = plantedCore(core, [
    new TextEncoder().encode('coreview-planted-needle'),
    utf16('Planted Wide Needle'),
  ]);
  try {
    const [ascii, wide] = planted.addresses.map(
      (a) => `${a.toString(16).padStart(16, '0').slice(0, 8)}\`${a.toString(16).padStart(16, '0').slice(8)}`,
    );
    await page.goto('./#v=search');
    await openFile(page, planted.path);
    await waitReady(page);
    await search(page, 'coreview-planted-needle');
    await expect(status(page)).toHaveAttribute('data-state', 'done');
    expect(await hitAddresses(page)).toEqual([ascii]);
    expect(cliHits(planted.path, 'coreview-planted-needle')).toEqual([ascii]);

    await search(page, 'planted wide needle', 'UTF-16LE text', true);
    await expect(status(page)).toHaveAttribute('data-state', 'done');
    expect(await hitAddresses(page)).toEqual([wide]);
    await search(page, 'planted wide needle', 'UTF-16LE text', false);
    await expect(status(page)).toHaveAttribute('data-state', 'done');
    expect(await hitAddresses(page)).toEqual([]);
  } finally {
    rmSync(planted.path, { force: true });
  }
});

test('hits stream in while the search runs', async ({ page }) => {
  test.setTimeout(90_000);
  const big = bigCensusCore();
  try {
    // The census off, so the search has the workers to itself and the timing says what the search does.
    await page.goto('./?census=off#v=search');
    await openFile(page, big.path);
    await waitReady(page);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __states: string[] }).__states = seen;
      new MutationObserver(() => {
        const s = document.querySelector('[data-testid=search-status]');
        if (s !== null) seen.push(`${s.getAttribute('data-state')}:${s.getAttribute('data-hits')}`);
      }).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-state', 'data-hits'],
        childList: true,
      });
    });
    await search(page, 'coreview-');
    await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
    // The first needle (near the start of the 1 GiB region) was on screen before the search was over.
    expect(states).toContain('running:1');
    expect(states[states.length - 1]).toBe('done:2');
    await expect(page.getByTestId('search-hits').locator('mark')).toHaveText(['coreview-', 'coreview-']);
  } finally {
    rmSync(big.path, { force: true });
  }
});

test('stops at the limit and shows more on request, in the CLI’s order', async ({ page, sampleCore }) => {
  const expected = cliHits(sampleCore, '37 7f 00 00', '--hex', '--limit', '400');
  await openSample(page, '#v=search');
  await search(page, '37 7f 00 00', 'Hex bytes');
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  await expect(status(page)).toHaveAttribute('data-hits', '200');
  await expect(status(page)).toContainText('stopped at the limit of 200');
  await status(page).getByRole('button', { name: 'Show more' }).click();
  await expect(status(page)).toHaveAttribute('data-hits', '400');
  // Scroll to the end of the list: the 400th hit is the CLI's 400th.
  await page.getByTestId('search-hits').focus();
  await page.keyboard.press('End');
  await expect(
    page.getByTestId('search-hits').locator('[role=row][aria-selected=true] [role=gridcell]').first(),
  ).toHaveText(expected[399] ?? '?');
});

test('an invalid pattern gets the engine’s message inline', async ({ page, core }) => {
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await showView(page, 'Search');
  await search(page, 'abc', 'Hex bytes');
  await expect(page.getByTestId('search-error')).toContainText('odd number of digits');
  await search(page, 'zz 00', 'Hex bytes');
  await expect(page.getByTestId('search-error')).toContainText('"zz" (byte 1) is not a hex byte');
  await search(page, 'de ad', 'Hex bytes');
  await expect(page.getByTestId('search-error')).toBeEmpty();
  await expect(status(page)).toHaveAttribute('data-state', 'done');
});
