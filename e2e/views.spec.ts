/** The views: sorting and filtering the region table, totals leading to regions, threads to their stacks, the hash. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { groupedBytes, maddressSize } from '../src/core/format/size';
import {
  cli,
  cliJson,
  expect,
  openFile,
  openSample,
  REGION_COL,
  regionRows,
  ROOT,
  showView,
  test,
  waitReady,
  waitScanDone,
} from './fixtures';

interface CliRegion {
  readonly kind: string;
  readonly start: string;
  readonly size: number;
  readonly perms: string;
  readonly image?: string;
}

/** A start address as the region table shows it: hex, at least 12 digits. */
const shownAddress = (hex: string) => hex.replace(/^0x/, '').padStart(12, '0');

test('sorts and filters the region table; an address selects its region; the hash keeps it all', async ({
  page,
  core,
}) => {
  const regions = (JSON.parse(cliJson(core)) as { regions: CliRegion[] }).regions;
  const n = regions.length;
  const stacks = regions.filter((r) => r.kind === 'Stack');
  // glibc, mapped in several pieces: a filter by its name, and an address inside its code.
  const libc = regions.find((r) => r.kind === 'Image' && /\/libc[.-][^/]*$/.test(r.image ?? ''));
  const libcPath = libc?.image ?? '';
  const libcName = basename(libcPath);
  const libcRegions = regions.filter((r) => (r.image ?? '').toLowerCase().includes(libcName.toLowerCase()));
  const code = regions.find((r) => r.image === libcPath && r.perms.includes('x')) ?? libc;
  expect(libc, 'a libc image region').toBeDefined();
  expect(stacks.length).toBeGreaterThan(1);

  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await showView(page, 'Regions');
  const table = page.getByTestId('region-table');
  await expect(page.getByText(`${n} of ${n} regions`)).toBeVisible();

  const size = table.getByRole('columnheader', { name: 'Size', exact: true });
  await size.getByRole('button').click();
  await expect(size).toHaveAttribute('aria-sort', 'descending');
  expect((await regionRows(page))[0]?.[3]).toBe(maddressSize(Math.max(...regions.map((r) => r.size))));
  await size.getByRole('button').click();
  await expect(size).toHaveAttribute('aria-sort', 'ascending');
  expect((await regionRows(page))[0]?.[3]).toBe(maddressSize(Math.min(...regions.map((r) => r.size))));

  const start = table.getByRole('columnheader', { name: 'StartAddr' });
  await start.getByRole('button').click();
  await expect(start).toHaveAttribute('aria-sort', 'ascending');
  expect((await regionRows(page))[0]?.[1]).toBe(shownAddress(regions[0]?.start ?? ''));

  await page.getByLabel('Kind').selectOption('Stack');
  await expect(page.getByText(`${stacks.length} of ${n} regions`)).toBeVisible();
  expect((await regionRows(page)).map((r) => r[0])).toEqual(stacks.map(() => 'Stack'));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await page.getByLabel('Path or address').fill(libcName);
  await expect(page.getByText(`${libcRegions.length} of ${n} regions`)).toBeVisible();
  for (const row of await regionRows(page)) expect(row[REGION_COL.image]).toBe(libcPath);

  const codeStart = code?.start ?? '';
  const address = `0x${(BigInt(codeStart) + 0x10n).toString(16)}`;
  await page.getByLabel('Path or address').fill(address);
  await expect(page.getByText(`${n} of ${n} regions`)).toBeVisible();
  const selected = table.locator('[role=row][aria-selected=true]');
  await expect(selected).toHaveCount(1);
  await expect(selected.locator('[role=gridcell]').nth(1)).toHaveText(shownAddress(codeStart));
  await expect(page.getByRole('region', { name: 'Selected region' })).toContainText(libcName);

  // A teammate opening the link with the same dump lands on the same view.
  const url = page.url();
  expect(url).toContain('v=regions');
  expect(url).toContain('sort=start.asc');
  expect(url).toContain(`sel=${codeStart}`);
  const other = await page.context().newPage();
  await other.goto(url);
  await openFile(other, core);
  await waitReady(other);
  await expect(other.getByRole('tab', { name: /^Regions/ })).toHaveAttribute('aria-selected', 'true');
  await expect(other.getByLabel('Path or address')).toHaveValue(address);
  await expect(other.getByTestId('region-table').getByRole('columnheader', { name: 'StartAddr' })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
  await expect(
    other.getByTestId('region-table').locator('[role=row][aria-selected=true] [role=gridcell]').nth(1),
  ).toHaveText(shownAddress(codeStart));
  await other.close();
});

test('the totals match the CLI; clicking a kind filters the region table', async ({ page, context, core }) => {
  const doc = JSON.parse(cliJson(core)) as { regions: CliRegion[]; totals: { kind: string; size: number }[] };
  const stacks = doc.regions.filter((r) => r.kind === 'Stack');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await showView(page, 'Totals');
  await expect(page.getByTestId('kind-chart').locator('svg')).toBeVisible();
  await expect(page.getByTestId('kind-totals')).toContainText(groupedBytes(doc.totals.reduce((a, t) => a + t.size, 0)));

  // Once the census is in, the copied totals are `coreview --scan --summary`'s, Touched column and all.
  await waitScanDone(page);
  await page.getByRole('button', { name: 'Copy as text' }).click();
  await expect(page.getByText('Copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(cli(core, '--scan', '--summary'));

  await page.getByTestId('kind-totals').getByRole('button', { name: 'Stack', exact: true }).click();
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Regions/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Kind')).toHaveValue('Stack');
  expect((await regionRows(page)).map((r) => r[0])).toEqual(stacks.map(() => 'Stack'));

  // The chart's bars (largest first, as the totals) lead to the same place.
  await showView(page, 'Totals');
  await page.getByTestId('kind-chart').locator('.recharts-bar-rectangle').nth(2).click();
  await waitReady(page);
  await expect(page.getByLabel('Kind')).toHaveValue(doc.totals[2]?.kind ?? '?');
});

test('threads: the stack-size chart, and a thread opens its stack in the region table', async ({ page }) => {
  // The sample is regenerated from time to time: take its tids from its facts file.
  const facts = JSON.parse(readFileSync(join(ROOT, 'public/sample/sample.json'), 'utf8')) as {
    tids: number[];
    threads: number;
  };
  const tid = String(facts.tids[4]);
  await openSample(page);
  await showView(page, 'Threads');
  await expect(page.getByTestId('stack-chart')).toContainText('32 × 8.00 MiB = 256.00 MiB');
  const threads = page.getByTestId('thread-table');
  const stackSize = threads.getByRole('columnheader', { name: 'Stack Size' });
  await stackSize.getByRole('button').click();
  await expect(stackSize).toHaveAttribute('aria-sort', 'descending');
  await page.getByRole('searchbox', { name: 'Filter', exact: true }).fill(tid);
  await expect(page.getByText(`1 of ${facts.threads} threads`)).toBeVisible();
  await threads.locator('[role=row][data-index]').first().click();
  const detail = page.getByRole('region', { name: `Thread ${tid}` });
  await expect(detail).toContainText('libc.so.6+0x');
  // Registers come from the worker when the thread is shown: rsp is the sp shown above.
  await detail.getByText('Registers (27)').click();
  const sp =
    (await detail.locator('dt', { hasText: /^SP$/ }).locator('xpath=following-sibling::dd[1]/span[1]').textContent()) ??
    '';
  expect(sp).toMatch(/^0x[0-9a-f]+$/);
  await expect(detail.locator('.register-grid')).toContainText(`rsp ${sp}`);
  await page.getByRole('button', { name: 'Show stack region' }).click();
  await waitReady(page);
  const selected = page.getByTestId('region-table').locator('[role=row][aria-selected=true] [role=gridcell]');
  await expect(selected.nth(REGION_COL.kind)).toHaveText('Stack');
  await expect(selected.nth(REGION_COL.tid)).toHaveText(tid);
  await expect(page).toHaveURL(new RegExp(`tid=${tid}`));

  // …and back: the selected region names its thread.
  await page.getByRole('button', { name: `Show thread ${tid}` }).click();
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Threads/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('thread-table').locator('[role=row][aria-selected=true]')).toContainText(tid);
});

test('heuristic kinds show their evidence on hover and on keyboard focus', async ({ page }) => {
  await openSample(page, '#v=regions&kind=Heap');
  // Let the census finish first: its batches re-render the rows, which can swap the badge under the pointer.
  await waitScanDone(page, 60_000);
  const badge = page.getByTestId('region-table').getByRole('img', { name: 'heuristic' }).first();
  await badge.focus();
  await expect(page.getByRole('tooltip')).toContainText('brk-heap-after-executable');
  await expect(badge).toHaveAttribute('aria-describedby', 'coreview-tooltip');
  await badge.blur();
  await expect(page.getByRole('tooltip')).toBeHidden();
  await page.mouse.move(0, 0); // start the hover from elsewhere, so the pointer really enters the badge
  await badge.hover();
  await expect(page.getByRole('tooltip')).toContainText('where brk() places the heap');
});
