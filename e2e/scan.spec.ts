/**
 * The touched-page census: it runs by itself after the header pass, fills the tables in, and its results are the
 * CLI's (`coreview --scan --json`, byte for byte); it can be cancelled (workers idle, no more events), survives a
 * worker dying mid-scan (partial results stay, marked incomplete), and can be turned off.
 */
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { humanSize, maddressSize } from '../src/core/format/size';
import {
  app,
  cli,
  downloadJson,
  expect,
  openFile,
  openSample,
  REGION_COL,
  regionRows,
  showView,
  test,
  turnCensusOff,
  waitReady,
  waitScanDone,
} from './fixtures';
import { bigCensusCore } from './make-scan-cores';

interface CliDocument {
  readonly totals: readonly {
    readonly kind: string;
    readonly size: number;
    readonly inDump: number;
    readonly touched: number;
  }[];
  readonly regions: readonly {
    readonly start: string;
    readonly size: number;
    readonly inDump: number;
    readonly touched?: number;
  }[];
  readonly threads: readonly { readonly tid: number; readonly stackSize?: number; readonly stackTouched?: number }[];
  readonly process: { readonly os?: { readonly name: string; readonly address?: string } };
}

/** Records every data-scan value the root element takes, from the first paint on. */
async function recordScanStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __scanStates: string[] }).__scanStates = seen;
    new MutationObserver(() => {
      const v = document.querySelector('[data-scan]')?.getAttribute('data-scan');
      if (v !== null && v !== undefined && seen[seen.length - 1] !== v) seen.push(v);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-scan'], childList: true });
  });
}

const scanStates = (page: Page) => page.evaluate(() => (window as unknown as { __scanStates: string[] }).__scanStates);

/** The per-kind touched bytes the Totals view shows, from each cell's data-bytes. */
async function pageTouched(page: Page): Promise<Record<string, number>> {
  await showView(page, 'Totals');
  const cells = page
    .getByTestId('kind-totals')
    .locator('td[data-testid^="touched-"]:not([data-testid="touched-total"])');
  return Object.fromEntries(
    await cells.evaluateAll((tds) =>
      tds.map((td) => [
        td.getAttribute('data-testid')?.replace(/^touched-/, '') ?? '',
        Number(td.getAttribute('data-bytes')),
      ]),
    ),
  );
}

test('a real core: data-scan goes running → done; touched per kind, region and thread are the CLI’s; JSON is --scan --json', async ({
  page,
  core,
}) => {
  await recordScanStates(page);
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await waitScanDone(page);
  expect(await scanStates(page)).toEqual(['off', 'running', 'done']);

  const expected = cli(core, '--scan', '--json', '--stacks', '--offline');
  const doc = JSON.parse(expected) as CliDocument;
  expect(await pageTouched(page)).toEqual(Object.fromEntries(doc.totals.map((t) => [t.kind, t.touched])));
  const top = doc.totals[0];
  expect(top).toBeDefined();
  if (top !== undefined) {
    const notInDump = top.size - top.inDump;
    const usage = `${top.kind}: ${humanSize(top.size)} mapped · ${humanSize(top.inDump)} in dump${notInDump > 0 && top.inDump > 0 ? ` (${humanSize(notInDump)} not in dump)` : ''} · ${humanSize(top.touched)} touched`;
    await expect(page.getByTestId('totals-usage')).toContainText(usage);
  }

  // Per region: the Touched column is the CLI's (regions with nothing in the dump say "—", never 0; a region partly
  // in the dump gets a "*", since the rest may be touched too).
  await showView(page, 'Regions');
  const rows = await regionRows(page);
  const byStart = new Map(doc.regions.map((r) => [BigInt(r.start), r]));
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.some((r) => r[REGION_COL.touched] !== '—' && r[REGION_COL.touched] !== '0b')).toBe(true);
  for (const r of rows) {
    const region = byStart.get(BigInt(`0x${r[REGION_COL.start] ?? ''}`));
    expect(region, `region at ${r[REGION_COL.start]}`).toBeDefined();
    if (region === undefined) continue;
    expect(r[REGION_COL.touched]).toBe(
      region.inDump === 0 ? '—' : `${maddressSize(region.touched ?? -1)}${region.inDump < region.size ? '*' : ''}`,
    );
  }

  // Per thread: the stack's touched bytes, as `--scan --threads` prints them.
  await showView(page, 'Threads');
  const thread = doc.threads[0];
  expect(thread?.stackTouched).toBeGreaterThan(0);
  expect(thread?.stackTouched).toBeLessThanOrEqual(thread?.stackSize ?? 0);
  const first = page.getByTestId('thread-table').locator('[role=row][data-index]').first();
  await expect(first).toContainText(String(thread?.tid));
  await expect(first).toContainText(maddressSize(thread?.stackTouched ?? -1));
  await first.click();
  await expect(page.getByRole('region', { name: `Thread ${thread?.tid}` })).toContainText('high-water mark');

  expect(await downloadJson(page)).toBe(expected);
});

test('the sample: totals and headline from the census, the OS from memory with a link to it, JSON is --scan --json', async ({
  page,
  sampleCore,
}) => {
  await openSample(page);
  await waitScanDone(page);
  const expected = cli(sampleCore, '--scan', '--json', '--stacks', '--offline');
  const doc = JSON.parse(expected) as CliDocument;
  const stack = doc.totals.find((t) => t.kind === 'Stack');
  await expect(page.getByTestId('headline-usage')).toHaveAttribute('data-bytes', String(stack?.touched));
  await expect(page.getByTestId('headline-usage')).toContainText(
    'Stack: 256.13 MiB mapped · 256.13 MiB in dump · 276.00 KiB touched',
  );

  const os = doc.process.os;
  expect(os?.name).toBe('CentOS Linux 7 (Core)');
  await expect(page.getByTestId('os-fact')).toContainText('CentOS Linux 7 (Core)');
  await expect(page.getByTestId('os-fact')).toContainText('a guess from os-release text in memory');
  await page
    .getByTestId('os-fact')
    .getByRole('button', { name: os?.address ?? '?' })
    .click();
  await waitReady(page);
  await expect(page.getByRole('tab', { name: /^Memory/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByLabel('Bytes (db)').check();
  await expect(page.getByTestId('hex-rows').locator('.hex-row.target')).toContainText('PRETTY_NAME');

  expect(await pageTouched(page)).toEqual(Object.fromEntries(doc.totals.map((t) => [t.kind, t.touched])));
  expect(await downloadJson(page)).toBe(expected);
});

/** Opens a 2 GiB census core and runs `body` once its census is under way; the core is deleted after. */
async function duringBigCensus(page: Page, body: () => Promise<void>): Promise<void> {
  test.setTimeout(90_000);
  const big = bigCensusCore(2 * 1024 ** 3);
  try {
    await page.goto('./');
    await openFile(page, big.path);
    await waitReady(page);
    await expect(page.getByTestId('census-progress')).toContainText('MB/s');
    await body();
  } finally {
    rmSync(big.path, { force: true });
  }
}

test('cancel stops the census: no more events, every worker idle; the JSON says the census is incomplete', async ({
  page,
}) => {
  await duringBigCensus(page, async () => {
    await page.getByRole('status', { name: 'Memory census' }).getByRole('button', { name: 'Cancel' }).click();
    await expect(app(page)).toHaveAttribute('data-scan', 'incomplete');
    await expect(page.getByTestId('census-incomplete')).toContainText('Census incomplete: cancelled');

    // Work already handed out finishes (a slice read or two per worker); then nothing runs and nothing arrives.
    await expect
      .poll(
        async () =>
          ((await page.evaluate(() => window.__coreview?.scanStats())) ?? []).every(
            (s) => s.inFlight === 0 && s.scansRunning === 0,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    const before = await page.evaluate(async () => ({
      events: window.__coreview?.scanEvents(),
      jobs: (await window.__coreview?.scanStats())?.map((s) => s.jobsDone),
    }));
    await page.waitForTimeout(1000);
    const after = await page.evaluate(async () => ({
      events: window.__coreview?.scanEvents(),
      jobs: (await window.__coreview?.scanStats())?.map((s) => s.jobsDone),
    }));
    expect(after).toEqual(before);

    const json = JSON.parse(await downloadJson(page)) as { dump: { census?: string } };
    expect(json.dump.census).toBe('incomplete');
    // …and it can be run again, to the end.
    await page.getByTestId('census-incomplete').getByRole('button', { name: 'Scan again' }).click();
    await waitScanDone(page, 60_000);
    await expect(page.getByTestId('headline-usage')).toContainText('touched');
  });
});

test('a worker that dies mid-census: reported and replaced, the partial census stays, marked incomplete', async ({
  page,
}) => {
  await duringBigCensus(page, async () => {
    // Crash a worker that is not the coordinator (the one holding the analysis): the others carry on.
    await page.evaluate(() => {
      const hooks = window.__coreview;
      const coordinator = hooks?.coordinatorSlot();
      hooks?.crashWorker(coordinator === 0 ? 1 : 0);
    });
    await expect(page.getByTestId('worker-notice')).toContainText('was replaced');
    await expect(app(page)).toHaveAttribute('data-scan', 'incomplete', { timeout: 60_000 });
    const note = page.getByTestId('census-incomplete');
    await expect(note).toContainText('Census incomplete');
    await expect(note).toContainText('stopped');
    await expect(note).toContainText('1 of 1 regions not scanned');
    await expect(note.getByRole('button', { name: /^Stack 7e0000000000/ })).toBeVisible();

    await showView(page, 'Regions');
    expect((await regionRows(page))[0]?.[REGION_COL.touched]).toBe('?');
    const json = JSON.parse(await downloadJson(page)) as { dump: { census?: string }; regions: { touched?: number }[] };
    expect(json.dump.census).toBe('incomplete');
    expect(json.regions[0]?.touched).toBeUndefined();
  });
});

test('with the census turned off: data-scan is off, no Touched column, the setting is kept; ?census=on overrides it', async ({
  page,
  core,
}) => {
  await page.goto('./');
  await turnCensusOff(page);
  await openFile(page, core);
  await waitReady(page);
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await showView(page, 'Regions');
  await expect(page.getByTestId('region-table').getByRole('columnheader', { name: 'Touched' })).toHaveCount(0);
  await expect(page.getByTestId('census-panel')).toContainText('Memory census off');

  await page.reload();
  await page.getByText('Settings', { exact: true }).click();
  await expect(page.getByLabel('Scan memory after opening a dump')).not.toBeChecked();
  await page.getByText('Settings', { exact: true }).click();
  await openFile(page, core);
  await waitReady(page);
  await page.waitForTimeout(300);
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await page.getByTestId('census-panel').getByRole('button', { name: 'Scan memory' }).click();
  await waitScanDone(page);

  await page.goto('./?census=on');
  await openFile(page, core);
  await waitScanDone(page);
});
