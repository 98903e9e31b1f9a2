/** Opening dumps three ways (input, drop, sample), progress and cancel, and the JSON download against the CLI. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { app, cli, cliJson, CORE, downloadJson, expect, openFile, openSample, OTHER_CORE, ROOT, test, turnCensusOff, waitReady, waitScanDone } from './fixtures';

test('opens a core with the file input and downloads exactly the CLI --json document', async ({ page }) => {
  await page.goto('./');
  await expect(app(page)).toHaveAttribute('data-status', 'idle');
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await expect(page.getByText('nothing is uploaded')).toBeVisible();
  // With the census off only the header pass runs, and the JSON is `--json`'s (scan.spec.ts covers `--scan --json`).
  await turnCensusOff(page);
  await openFile(page, CORE);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await expect(page.locator('.topbar .file')).toContainText(basename(CORE));
  await expect(page.getByTestId('headline')).toContainText('Image 11.93 MiB of 12.21 MiB — 98 % — in 22 regions');
  await expect(page.getByText('SIGSEGV')).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(download.suggestedFilename()).toBe('elfutils-testfile-backtrace-demangle.json');
  const text = readFileSync(await download.path(), 'utf8');
  const expected = cliJson(CORE);
  expect(JSON.parse(text)).toEqual(JSON.parse(expected));
  expect(text).toBe(expected);
});

test('opens a core dropped anywhere on the window', async ({ page }) => {
  await page.goto('./');
  const bytes = [...readFileSync(OTHER_CORE)];
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name));
      return dt;
    },
    { bytes, name: basename(OTHER_CORE) },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await expect(page.locator('.drop-overlay')).toBeVisible();
  await expect(page.locator('.drop-target')).toContainText('Drop the core dump');
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await expect(page.locator('.drop-overlay')).toBeHidden();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(OTHER_CORE));
});

test('opens the sample dump: 33 threads, 32 of them on 8 MiB stacks; its JSON is the CLI’s (--scan --json)', async ({ page, sampleCore }) => {
  const facts = JSON.parse(readFileSync(join(ROOT, 'public/sample/sample.json'), 'utf8')) as { pid: number; threads: number; workerThreads: number };
  await openSample(page);
  await expect(page.locator('.topbar .file')).toContainText('sample.core');
  await expect(page.getByText(String(facts.pid), { exact: false }).first()).toBeVisible();
  await page.getByRole('tab', { name: /^Threads/ }).click();
  await waitReady(page);
  await expect(page.getByTestId('stack-summary')).toContainText(`${facts.threads} threads`);
  await expect(page.getByTestId('stack-summary')).toContainText(`${facts.workerThreads} × 8.00 MiB`);

  // The census ran by itself: once it is done, the JSON is `coreview --scan --json`'s, byte for byte.
  await waitScanDone(page);
  expect(await downloadJson(page)).toBe(cli(sampleCore, '--scan', '--json'));
});

test('until the first dump is shown, the workspace waits mounted but unseen; then it shows that dump', async ({ page }) => {
  await page.goto('./#v=regions');
  const workspace = page.locator('main.main');
  // Before any dump: the welcome screen is what is seen, and the empty workspace is already there behind it.
  await expect(workspace).toHaveClass(/premount/);
  await expect(workspace).toBeHidden();
  await expect(page.getByRole('grid', { name: 'Regions' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Where did the memory go?' })).toBeVisible();
  // The sample takes a moment to gunzip (257 MiB): long enough to look at the page while it loads.
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await expect(app(page)).toHaveAttribute('data-status', 'loading');
  await expect(workspace).toHaveClass(/premount/);
  await expect(workspace).toBeHidden();
  await expect(page.getByRole('status', { name: 'Loading' })).toBeVisible();
  await waitReady(page);
  await expect(workspace).not.toHaveClass(/premount/);
  await expect(page.getByTestId('region-table').locator('[role=row][data-index]').first()).toBeVisible();
});

test('shows progress, cancels, and opens another dump without reloading', async ({ page }) => {
  await page.goto('./');
  await openFile(page, CORE);
  await waitReady(page);
  // The sample takes a moment to gunzip (257 MiB): long enough to see progress and cancel it.
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await expect(app(page)).toHaveAttribute('data-status', 'loading');
  const progress = page.getByRole('status', { name: 'Loading' });
  await expect(progress).toContainText('Opening sample.core');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(CORE));

  await openFile(page, OTHER_CORE);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(OTHER_CORE));
  await openFile(page, CORE);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(CORE));
});
