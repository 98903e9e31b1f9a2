/**
 * Accessibility: an axe-core audit (its default rules) of every view over the bundled sample, in the light and the
 * dark scheme, with the census done so every view shows all it can (the Overview's OS clue, the Touched columns).
 * No violation of any impact is allowed. Also the keyboard and narrow-window behaviour of the tabs and the Threads
 * table, and what the links from an OS clue and a search hit open.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openSample, showView, test, waitReady, waitScanDone } from './fixtures';

/** The violations axe finds on the page as it is now, one line each: rule, impact, how many nodes, where. */
async function audit(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? '?'}): ${v.nodes.length} × ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByLabel('Find in dumped memory').fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done');
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every view passes axe in the ${scheme} scheme`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await openSample(page);
    await waitScanDone(page);
    const found: Record<string, string[]> = {};
    found.overview = await audit(page);

    await showView(page, 'Regions');
    await page.getByTestId('region-table').locator('[role=row][data-index]').first().click();
    found.regions = await audit(page);

    await showView(page, 'Totals');
    found.totals = await audit(page);

    await showView(page, 'Threads');
    await page.getByTestId('thread-table').locator('[role=row][data-index]').nth(1).click();
    found.threads = await audit(page);

    await showView(page, 'Search');
    await search(page, 'centos');
    found.search = await audit(page);

    await page.getByTestId('search-hits').locator('[role=row][data-index]').first().getByRole('button').first().click();
    await waitReady(page);
    found.memoryBytes = await audit(page);
    await page.getByLabel('Pointers (dp)').check();
    found.memoryPointers = await audit(page);

    expect(found).toEqual({
      overview: [],
      regions: [],
      totals: [],
      threads: [],
      search: [],
      memoryBytes: [],
      memoryPointers: [],
    });
  });
}

test('the welcome screen passes axe', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('button', { name: 'Open sample dump' }).first()).toBeVisible();
  expect(await audit(page)).toEqual([]);
});

test('view tabs: arrows move and wrap, Home and End go to the first and last tab', async ({ page }) => {
  await openSample(page);
  const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  await tab('Overview').focus();
  await page.keyboard.press('End');
  await expect(tab('Memory')).toHaveAttribute('aria-selected', 'true');
  await expect(tab('Memory')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tab('Overview')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(tab('Memory')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(tab('Overview')).toHaveAttribute('aria-selected', 'true');
  await expect(tab('Overview')).toBeFocused();
});

test('the OS clue and a search hit open the byte view with the text marked', async ({ page }) => {
  await openSample(page);
  await waitScanDone(page);
  const link = page.getByTestId('os-fact').getByRole('button', { name: /^0x/ });
  const address = (await link.textContent()) ?? '?';
  await link.click();
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Memory/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Bytes (db)')).toBeChecked();
  await expect(page).toHaveURL(new RegExp(`#v=memory&at=${address}&hx=bytes&hl=\\d+`));
  await expect(page.getByTestId('hex-rows').locator('.hex-row.target mark').first()).toBeVisible();
  const marked = await page.getByTestId('hex-rows').locator('mark').allTextContents();
  expect(marked.join('')).toContain('PRETTY_NAME');

  await showView(page, 'Search');
  await search(page, 'centos');
  await page.getByTestId('search-hits').locator('[role=row][data-index]').first().getByRole('button').first().click();
  await waitReady(page);
  await expect(page.getByLabel('Bytes (db)')).toBeChecked();
  await expect(page.getByTestId('hex-rows').locator('.hex-row.target mark').last()).toHaveText('centos');
});

for (const width of [1280, 390]) {
  test(`threads, regions and image totals at ${width} px: sizes in sight, image paths show their file names`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: width > 600 ? 800 : 844 });
    await openSample(page, '#v=threads');
    await waitScanDone(page);
    const table = page.getByTestId('thread-table');
    const inView = async (name: string) => {
      const header = table.getByRole('columnheader', { name, exact: true });
      const box = await header.boundingBox();
      return box !== null && box.x >= 0 && box.x + box.width <= width;
    };
    expect(await inView('Stack Size')).toBe(true);
    expect(await inView('Touched')).toBe(true);
    await page.screenshot({ path: `/tmp/coreview-threads-${width}.png` });

    await showView(page, 'Totals');
    // Each image row shows its file name (the directory gives way), and the whole path on hover.
    const image = page.getByRole('grid', { name: 'Per-image totals' }).locator('.path-file').first();
    await expect(image).toBeVisible();
    const file = (await image.textContent()) ?? '';
    expect(file).not.toContain('/');
    const box = await image.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(file.length * 4);
    await image.hover();
    await expect(page.getByRole('tooltip')).toContainText(`/${file}`);
    await page.screenshot({ path: `/tmp/coreview-totals-${width}.png`, fullPage: true });

    await showView(page, 'Regions');
    await page.getByLabel('Kind').selectOption('Image');
    await page.screenshot({ path: `/tmp/coreview-regions-${width}.png` });
  });
}
