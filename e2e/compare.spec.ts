/**
 * Two real dumps of scripts/dumps/threads.c side by side in the page: 50 and 200 worker threads blocked in recv().
 * "Compare with…" reads the second in a pool worker (its stacks pass included); the Compare view shows the Stack
 * row and the largest stack group 150 up, each leading to A's rows; a saved report compares as its dump does; two
 * dumps given at once on the empty page open the first and compare it with the second; a reload keeps the compared
 * file's name in the link and asks for it again.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeDump, MakeDumpError } from '../scripts/dumps/make-dump.mjs';
import { app, cli, expect, openFile, test, waitReady, waitStacksDone } from './fixtures';

let dir = '';
let small = '';
let large = '';
let skipWhy: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'coreview-e2e-compare-'));
  try {
    // Small stacks (256 KiB) keep the files small; the counts are what is compared.
    const a = await makeDump({ threads: 50, producer: 'kernel', outDir: join(dir, 'a'), stackKb: 256 });
    const b = await makeDump({ threads: 200, producer: 'kernel', outDir: join(dir, 'b'), stackKb: 256 });
    // Named after what they are: the page shows the names.
    small = join(dir, 'threads-50.core');
    large = join(dir, 'threads-200.core');
    renameSync(a.core, small);
    renameSync(b.core, large);
  } catch (e) {
    if (!(e instanceof MakeDumpError)) throw e;
    skipWhy = `no kernel dump of scripts/dumps/threads.c can be made here: ${e.message.split('\n')[0] ?? ''}`;
  }
});

test.afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function compareWith(page: Page, path: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Compare with…', exact: true }).click(),
  ]);
  await chooser.setFiles(path);
  await expect(app(page)).toHaveAttribute('data-compare', 'ready', { timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
}

/** The Stack row's count difference and the largest stack group's, as the page shows them. */
async function expectThreadsGrew(page: Page): Promise<void> {
  const stack = page.getByTestId('compare-kinds').locator('tr[data-kind="Stack"]');
  const countDiff = stack.locator('td.diff').first();
  await expect(countDiff).toHaveAttribute('data-diff', '150');
  await expect(countDiff).toHaveText('+150');
  const largest = page.getByTestId('compare-groups').locator('tbody tr').first();
  await expect(largest).toHaveAttribute('data-status', 'grew');
  await expect(largest.locator('td').nth(0)).toHaveText('50');
  await expect(largest.locator('td').nth(1)).toHaveText('200');
  await expect(largest.locator('td.diff')).toHaveText('+150');
  // The dump alone has no names for the executable's code: the frame is named by its offset in the module.
  await expect(largest).toContainText('threads+0x');
  await expect(page.getByTestId('compare-thread-count')).toContainText('Threads: 51 → 201 (+150');
  // The same-stack finding, 50 threads in A and 200 in B, is one finding that changed.
  const sameStack = page.getByTestId('compare-findings-changed').locator('li[data-id="same-stack"]');
  await expect(sameStack).toContainText('50 threads in');
  await expect(sameStack.locator('[data-side="b"]')).toContainText('200 threads in');
}

test('Compare with… a second dump: the Stack row and the largest stack group show the difference', async ({ page }) => {
  test.skip(skipWhy !== undefined, skipWhy ?? '');
  await page.goto('./?census=off');
  await openFile(page, small);
  await waitReady(page);
  await waitStacksDone(page);
  await compareWith(page, large);
  await expectThreadsGrew(page);
  await expect(page.getByTestId('compare-b')).toContainText('threads-200.core');
  // With COREVIEW_SCREENSHOT_DIR set, the Compare view is saved there (docs/screenshots/compare-light.png).
  const shots = process.env.COREVIEW_SCREENSHOT_DIR;
  if (shots !== undefined) await page.screenshot({ path: join(shots, 'compare-light.png'), fullPage: true });
  expect(new URL(page.url()).hash).toContain('cmp=threads-200.core');
  expect(new URL(page.url()).hash).toContain('v=compare');

  // The group leads to its 50 threads in A; the Stack kind to A's Stack regions; so do their bars.
  await page.getByTestId('compare-groups').locator('tbody tr').first().getByRole('button').click();
  await expect(page.getByRole('tab', { name: /^Threads/ })).toHaveAttribute('aria-selected', 'true');
  await waitReady(page);
  await expect(page.getByText('the 50 threads of this stack')).toBeVisible();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByTestId('compare-kinds').getByRole('button', { name: 'Stack', exact: true }).click();
  await expect(page.getByRole('tab', { name: /^Regions/ })).toHaveAttribute('aria-selected', 'true');
  expect(new URL(page.url()).hash).toContain('kind=Stack');
  // A bar of the groups' chart leads where its row does.
  await page.getByRole('tab', { name: 'Compare' }).click();
  const bar = page
    .getByRole('figure', { name: 'Thread count difference per stack group' })
    .locator('.recharts-bar-rectangle path')
    .first();
  await expect(bar).toHaveCSS('cursor', 'pointer');
  await bar.click();
  await expect(page.getByRole('tab', { name: /^Threads/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('the 50 threads of this stack')).toBeVisible();

  // A reload cannot reopen either file: the link still names B, and the view asks for it again.
  // (A new hash alone is no new page: reload it.)
  await page.goto(`./?census=off#v=compare&cmp=threads-200.core`);
  await page.reload();
  await openFile(page, small);
  await expect(page.getByRole('button', { name: 'Pick threads-200.core again to compare' })).toBeVisible();
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Pick threads-200.core again to compare' }).click(),
  ]);
  await chooser.setFiles(large);
  await expect(app(page)).toHaveAttribute('data-compare', 'ready', { timeout: 60_000 });
  await expectThreadsGrew(page);
});

test('a saved report compares as its dump does', async ({ page }) => {
  test.skip(skipWhy !== undefined, skipWhy ?? '');
  const report = join(dir, 'threads-200.json');
  writeFileSync(report, cli(large, '--json', '--stacks', '--offline'));
  await page.goto('./?census=off');
  await openFile(page, small);
  await waitReady(page);
  await compareWith(page, report);
  await expectThreadsGrew(page);
  await expect(page.getByTestId('compare-b')).toContainText('threads-200.core');
});

test('two dumps given at once on the empty page: the first opens, compared with the second', async ({ page }) => {
  test.skip(skipWhy !== undefined, skipWhy ?? '');
  await page.goto('./?census=off');
  await page.locator('input[type=file]').setInputFiles([small, large]);
  await expect(app(page)).toHaveAttribute('data-compare', 'ready', { timeout: 60_000 });
  await expect(page.locator('.topbar .file')).toContainText('threads-50.core');
  await expectThreadsGrew(page);
});

test('a file that is neither a dump nor a report gets a clear message', async ({ page }) => {
  test.skip(skipWhy !== undefined, skipWhy ?? '');
  const bad = join(dir, 'notes.txt');
  writeFileSync(bad, 'not a core dump\n');
  await page.goto('./?census=off');
  await openFile(page, small);
  await waitReady(page);
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Compare with…', exact: true }).click(),
  ]);
  await chooser.setFiles(bad);
  await expect(app(page)).toHaveAttribute('data-compare', 'error');
  await expect(page.getByRole('alert')).toContainText('notes.txt could not be compared');
});
