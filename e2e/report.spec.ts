/**
 * A report opens without its dump: a real dump's "Download JSON", opened after a reload, shows every table as the
 * dump did (the regions, totals and threads as copied text, the Overview's facts, the stack groups, the findings);
 * Search and Memory say they need the dump and take it — a different dump is refused, naming what differs; the
 * right one, plain or gzipped, makes the view live. A hand-edited report gets a message naming its first bad field.
 *
 * With COREVIEW_SCREENSHOT_DIR set, the sample's report is opened and its Overview and Threads saved there as PNGs
 * (how docs/screenshots/report-*.png are made).
 */
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { app, downloadJson, expect, openFile, openSample, showView, test, waitReady, waitScanDone } from './fixtures';

/** What the page shows of one dump or report, as text. */
interface Shown {
  readonly regions: string;
  readonly totals: string;
  readonly threads: string;
  readonly process: string;
  readonly dump: string;
  readonly headline: string;
  readonly findings: string;
  readonly stackGroups: string;
}

async function copied(page: Page, name = 'Copy as text'): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.getByRole('button', { name, exact: true }).first().click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('');
  return page.evaluate(() => navigator.clipboard.readText());
}

/** A card's text without the facts labelled `labels` (a label's line and its value's). */
function without(card: string, ...labels: string[]): string {
  const lines = card.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (labels.includes(lines[i] ?? '')) i++;
    else out.push(lines[i] ?? '');
  }
  return out.join('\n');
}

async function shown(page: Page): Promise<Shown> {
  await showView(page, 'Overview');
  const card = (title: string) => page.locator(`section[aria-labelledby="${title}"]`).innerText();
  const process = await card('process-title');
  // How long the header pass took is the dump's alone; a report says it was read from the report instead.
  const dump = without(await card('dump-title'), 'Read', 'Report');
  const headline = await page.getByTestId('headline').innerText();
  const findings = await page.locator('section.findings').innerText();
  await showView(page, 'Regions');
  const regions = await copied(page);
  await showView(page, 'Totals');
  const totals = await copied(page);
  await showView(page, 'Threads');
  const threads = await copied(page);
  const stackGroups = await page.locator('section.stack-groups').innerText();
  return { regions, totals, threads, process, dump, headline, findings, stackGroups };
}

let dir = '';

/** `path` gzipped into the test's folder. */
function gzipped(path: string): string {
  const out = join(dir, `${basename(path)}.gz`);
  writeFileSync(out, gzipSync(readFileSync(path), { level: 1 }));
  return out;
}

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coreview-report-e2e-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a downloaded report opens without its dump: every table as the dump showed it; Memory takes the dump', async ({
  page,
  context,
  core,
  otherCore,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-source', 'dump');
  await waitScanDone(page);
  const json = await downloadJson(page);
  const fromDump = await shown(page);
  const report = join(dir, basename(core).replace(/\.core$/, '.json'));
  writeFileSync(report, json);
  const doc = JSON.parse(json) as { dump: { fingerprint?: string; census?: string }; stackGroups?: unknown[] };
  expect(doc.dump.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(doc.dump.census).toBe('complete');
  expect(doc.stackGroups?.length).toBeGreaterThan(0);

  await page.reload();
  await openFile(page, report);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-source', 'report');
  await expect(app(page)).toHaveAttribute('data-stacks', 'done');
  await expect(app(page)).toHaveAttribute('data-scan', 'done');
  const fromReport = await shown(page);
  expect(fromReport).toEqual(fromDump);
  await showView(page, 'Overview');
  const dumpCard = page.locator('section[aria-labelledby="dump-title"]');
  await expect(dumpCard).toContainText(`Report${basename(report)}`);
  await expect(dumpCard).toContainText('of headers and notes when the report was made');
  // The environment is the dump's alone: the Overview says so where its panel would be.
  await expect(page.getByTestId('report-environment')).toContainText(
    `Not in reports: environment values often hold passwords and tokens`,
  );
  // Its JSON is the report itself.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download JSON' }).click(),
  ]);
  expect(readFileSync(await download.path(), 'utf8')).toBe(json);

  // Search and Memory need the dump: they say so where they would be, and take it.
  await showView(page, 'Search');
  await expect(page.getByTestId('needs-dump')).toContainText('Search reads the dump’s memory');
  await showView(page, 'Memory');
  await expect(page.getByTestId('needs-dump')).toContainText('Memory reads the dump’s memory');
  await page.getByTestId('needs-dump-input').setInputFiles(otherCore);
  await expect(page.getByTestId('needs-dump-problem')).toContainText(
    `${basename(otherCore)} is not the dump this report was made from`,
  );
  await expect(app(page)).toHaveAttribute('data-source', 'report');
  // Compressed, a dump is matched by the fingerprint of its decoded start: the other one's differs; the right one
  // is then decoded whole and opens.
  const otherGz = gzipped(otherCore);
  await page.getByTestId('needs-dump-input').setInputFiles(otherGz);
  await expect(page.getByTestId('needs-dump-problem')).toContainText(
    `${basename(otherGz)} is not the dump this report was made from: its header's fingerprint, decompressed, differs`,
  );
  await page.getByTestId('needs-dump-input').setInputFiles(gzipped(core));
  await expect(app(page)).toHaveAttribute('data-source', 'dump');
  await waitReady(page);
  // The view stays Memory, now live: the hex view reads the dump.
  await expect(page.getByRole('tab', { name: /^Memory/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('needs-dump')).toHaveCount(0);
  await expect(page.locator('.hex-view')).toBeVisible();
});

test('a hand-edited report gets a message naming its first bad field; a cut-short one, where it ends; the good one takes its plain dump', async ({
  page,
  core,
}) => {
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  const json = await downloadJson(page);
  const doc = JSON.parse(json) as { regions: { start: unknown }[] };
  const third = doc.regions[2];
  if (third !== undefined) third.start = 12;
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify(doc));
  await page.reload();
  await openFile(page, bad);
  await expect(app(page)).toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('load-error')).toContainText(
    'bad.json could not be opened: regions[2].start: expected a 0x… address, got 12.',
  );
  const cut = join(dir, 'cut.json');
  writeFileSync(cut, json.slice(0, 2000));
  await openFile(page, cut);
  await expect(page.getByTestId('load-error')).toContainText(
    'cut.json could not be opened: the report is not complete JSON (ends at byte 2000).',
  );

  // The report as downloaded opens, and Search takes its dump (plain: matched by size and fingerprint).
  const good = join(dir, 'good.json');
  writeFileSync(good, json);
  await openFile(page, good);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-source', 'report');
  await showView(page, 'Search');
  await page.getByTestId('needs-dump-input').setInputFiles(core);
  await expect(app(page)).toHaveAttribute('data-source', 'dump');
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Search/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('needs-dump')).toHaveCount(0);
});

test('screenshots of the sample’s report opened without its dump', async ({ page }) => {
  const shots = process.env.COREVIEW_SCREENSHOT_DIR;
  test.skip(shots === undefined, 'COREVIEW_SCREENSHOT_DIR is not set');
  test.setTimeout(120_000);
  await openSample(page);
  await waitScanDone(page, 60_000);
  const report = join(dir, 'sample.json');
  writeFileSync(report, await downloadJson(page));
  await page.reload();
  await openFile(page, report);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-stacks', 'done');
  await page.screenshot({ path: join(shots ?? '', 'report-overview-light.png') });
  await showView(page, 'Threads');
  await page.screenshot({ path: join(shots ?? '', 'report-threads-light.png') });
});
