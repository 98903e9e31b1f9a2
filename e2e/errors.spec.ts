/** Bad input says what it is and what to do, keeps the page usable and the previous dump; strings stay text. */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  app,
  cli,
  expect,
  openFile,
  REGION_COL,
  regionRows,
  showView,
  test,
  waitReady,
  waitScanDone,
  waitStacksDone,
} from './fixtures';
import { XSS_NAME, xssCore } from './make-cores';

// The bad files, in a temp dir made when this file's tests start in a worker (not when the file is merely loaded,
// e.g. to list its tests) and removed after them.
let dir = '';
const textFile = () => join(dir, 'notes.txt');
const emptyFile = () => join(dir, 'empty.core');
const truncated = () => join(dir, 'truncated.core');
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coreview-bad-'));
  writeFileSync(textFile(), 'this is not a core dump\n'.repeat(10));
  writeFileSync(emptyFile(), '');
  writeFileSync(truncated(), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an executable alone gets a clear message; beside a dump it is a binary for the stacks, used only if it matches', async ({
  page,
  core,
}) => {
  await page.goto('./');
  await openFile(page, '/bin/ls');
  const alert = page.getByTestId('load-error');
  await expect(alert).toContainText('ls could not be opened');
  await expect(alert).toContainText(/executable|not a core/i);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await openFile(page, core);
  await waitReady(page);
  await waitStacksDone(page);
  // With a dump open, the same file goes beside it: the stacks pass runs again and says ls is no module of it.
  await openFile(page, '/bin/ls');
  await waitStacksDone(page);
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  await expect(page.locator('.topbar .file')).toContainText(basename(core));
  await showView(page, 'Overview');
  await expect(page.getByTestId('stacks-warnings')).toContainText('ls: its build-id');
  await expect(page.getByTestId('stacks-warnings')).toContainText('is no module');
});

for (const [what, file, says] of [
  ['a text file', textFile, /not an ELF|ELF/i],
  ['an empty file', emptyFile, /empty/i],
  ['a file cut inside the ELF header', truncated, /too short|header/i],
] as const) {
  test(`${what} gets a clear message and the previous dump stays`, async ({ page, core }) => {
    const path = file();
    await page.goto('./');
    await openFile(page, core);
    await waitReady(page);
    await openFile(page, path);
    const alert = page.getByTestId('load-error');
    await expect(alert).toBeVisible();
    await expect(app(page)).toHaveAttribute('data-status', 'error');
    await expect(alert).toContainText(`${basename(path)} could not be opened`);
    await expect(alert).toContainText(says);
    await expect(alert).toContainText('The previous dump is still shown below.');
    await expect(page.locator('.topbar .file')).toContainText(basename(core));
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await waitReady(page);
  });
}

test('a truncated dump opens, and says it is truncated and what that means', async ({ page, core }) => {
  const cut = join(dir, 'cut.core');
  writeFileSync(cut, readFileSync(core).subarray(0, 200_000));
  await page.goto('./#v=regions');
  await openFile(page, cut);
  await waitReady(page);
  await expect(page.getByTestId('dump-warnings')).toContainText('the dump is truncated');
  await expect(page.getByTestId('dump-warnings')).toContainText('take or copy the dump again');
});

test('a file the browser can no longer read gets a clear message', async ({ page, core }) => {
  const changing = join(dir, 'changing.core');
  copyFileSync(core, changing);
  await page.goto('./');
  // A File picked through some other input, then changed on disk: Chromium refuses to read it (NotReadableError).
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'elsewhere';
    document.body.append(input);
  });
  await page.locator('#elsewhere').setInputFiles(changing);
  // Wait until the page holds the File's snapshot (its size as picked) before changing the file under it.
  await expect
    .poll(() => page.evaluate(() => (document.getElementById('elsewhere') as HTMLInputElement).files?.[0]?.size))
    .toBe(readFileSync(core).length);
  appendFileSync(changing, Buffer.alloc(4096));
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    const file = (document.getElementById('elsewhere') as HTMLInputElement).files?.[0];
    if (file) dt.items.add(file);
    return dt;
  });
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  const alert = page.getByTestId('load-error');
  await expect(alert).toContainText('changing.core could not be opened');
  await expect(alert).toContainText('the browser cannot read');
  await expect(alert).toContainText('Pick the file again');
});

test('a bad first file leaves the page usable', async ({ page, core }) => {
  await page.goto('./');
  await openFile(page, textFile());
  await expect(page.getByTestId('load-error')).toContainText('notes.txt could not be opened');
  await openFile(page, core);
  await waitReady(page);
  await expect(page.getByTestId('load-error')).toBeHidden();
});

test('a path like <img src=x onerror=alert(1)> is shown as text and never runs', async ({ page, core }) => {
  const patched = xssCore(core);
  try {
    await page.goto('./');
    await openFile(page, patched);
    await waitReady(page);
    await showView(page, 'Regions');
    await page.getByLabel('Path or address').fill('<img');
    const rows = await regionRows(page);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row[REGION_COL.image]).toBe(XSS_NAME);
    await showView(page, 'Totals');
    await expect(page.getByRole('button', { name: XSS_NAME })).toBeVisible();
    expect(await page.locator('img').count()).toBe(0);
  } finally {
    rmSync(patched, { force: true });
  }
  // The guard fixture fails the test on any dialog: alert(1) must not have fired.
});

test('a worker that dies is reported and replaced; the dump on screen still exports', async ({ page, core }) => {
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await waitScanDone(page);
  // Download JSON as the workers die: the export meets the dead holder, loads the dump on a fresh worker and waits
  // for the stacks pass run there again. The census the page holds survives its workers: the export carries it.
  await page.evaluate(() => window.__coreview?.crashWorker());
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByRole('button', { name: 'Download JSON' }).click(),
  ]);
  await expect(page.getByTestId('worker-notice')).toContainText('was replaced');
  expect(readFileSync(await download.path(), 'utf8')).toBe(cli(core, '--scan', '--json', '--stacks', '--offline'));
  await openFile(page, core);
  await waitReady(page);
});
