/** Opening dumps three ways (input, drop, sample), progress and cancel, and the JSON download against the CLI. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { groupedBytes, humanSize } from '../src/core/format/size';
import {
  app,
  cli,
  downloadJson,
  expect,
  openFile,
  openSample,
  ROOT,
  test,
  turnCensusOff,
  waitReady,
  waitScanDone,
  waitStacksDone,
} from './fixtures';

interface CliDocument {
  readonly dump: { readonly producer: string };
  readonly process: { readonly signalName?: string };
  readonly totals: readonly {
    readonly kind: string;
    readonly count: number;
    readonly size: number;
    readonly percent: number;
  }[];
}

test('opens a core with the file input and downloads exactly the CLI --json --stacks document', async ({
  page,
  core,
}) => {
  await page.goto('./');
  await expect(app(page)).toHaveAttribute('data-status', 'idle');
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await expect(page.getByText('nothing is uploaded')).toBeVisible();
  // With the census off only the header pass runs, and the JSON is `--json`'s (scan.spec.ts covers `--scan --json`).
  await turnCensusOff(page);
  await openFile(page, core);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await expect(page.locator('.topbar .file')).toContainText(basename(core));
  const expected = cli(core, '--json', '--stacks', '--offline');
  const doc = JSON.parse(expected) as CliDocument;
  // The headline is the CLI's largest kind, in the page's units.
  const all = doc.totals.reduce((a, t) => a + t.size, 0);
  const top = doc.totals[0];
  expect(top).toBeDefined();
  if (top !== undefined) {
    await expect(page.getByTestId('headline')).toContainText(
      `${top.kind} ${humanSize(top.size)} of ${humanSize(all)} — ${Math.round(top.percent)} % — in ${groupedBytes(top.count)} region${top.count === 1 ? '' : 's'}`,
    );
  }
  // threads.c's main thread called abort(): the kernel's core says so (a gcore snapshot has no crash to show).
  if (doc.dump.producer === 'kernel') {
    expect(doc.process.signalName).toBe('SIGABRT');
    await expect(page.getByText('SIGABRT').first()).toBeVisible();
  }

  // Once the stacks pass is done the document has every thread's frames: `--stacks`, with the dump alone.
  await waitStacksDone(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download JSON' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(basename(core).replace(/\.core$/, '.json'));
  const text = readFileSync(await download.path(), 'utf8');
  expect(JSON.parse(text)).toEqual(JSON.parse(expected));
  expect(text).toBe(expected);
});

test('opens a core dropped anywhere on the window', async ({ page, otherCore }) => {
  await page.goto('./');
  // The File comes from an input of its own (not the page's), so a dump of any size reaches the drop as a File.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'elsewhere';
    document.body.append(input);
  });
  await page.locator('#elsewhere').setInputFiles(otherCore);
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    const file = (document.getElementById('elsewhere') as HTMLInputElement).files?.[0];
    if (file) dt.items.add(file);
    return dt;
  });
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await expect(page.locator('.drop-overlay')).toBeVisible();
  await expect(page.locator('.drop-target')).toContainText('Drop the core dump');
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await expect(page.locator('.drop-overlay')).toBeHidden();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(otherCore));
});

test('opens the sample dump: 33 threads, 32 of them on 8 MiB stacks; its JSON is the CLI’s (--scan --json --stacks)', async ({
  page,
  sampleCore,
}) => {
  const facts = JSON.parse(readFileSync(join(ROOT, 'public/sample/sample.json'), 'utf8')) as {
    pid: number;
    threads: number;
    workerThreads: number;
  };
  await openSample(page);
  await expect(page.locator('.topbar .file')).toContainText('sample.core');
  await expect(page.getByText(String(facts.pid), { exact: false }).first()).toBeVisible();
  await page.getByRole('tab', { name: /^Threads/ }).click();
  await waitReady(page);
  await expect(page.getByTestId('stack-summary')).toContainText(`${facts.threads} threads`);
  await expect(page.getByTestId('stack-summary')).toContainText(`${facts.workerThreads} × 8.00 MiB`);

  // The census ran by itself: once it is done, the JSON is `coreview --scan --json`'s, byte for byte.
  await waitScanDone(page);
  expect(await downloadJson(page)).toBe(cli(sampleCore, '--scan', '--json', '--stacks', '--offline'));
});

test('until the first dump is shown, the workspace waits mounted but unseen; then it shows that dump', async ({
  page,
}) => {
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

test('shows progress, cancels, and opens another dump without reloading', async ({ page, core, otherCore }) => {
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  // The sample takes a moment to gunzip (257 MiB): long enough to see progress and cancel it.
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await expect(app(page)).toHaveAttribute('data-status', 'loading');
  const progress = page.getByRole('status', { name: 'Loading' });
  await expect(progress).toContainText('Opening sample.core');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(core));

  await openFile(page, otherCore);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(otherCore));
  await openFile(page, core);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(core));
});
