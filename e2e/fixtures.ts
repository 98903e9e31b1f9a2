/**
 * Shared e2e fixtures. Every test runs under `guard`: it records every request the page, its workers and its
 * service worker make and fails the test on any to another origin; it also fails on CSP violations, page errors
 * and dialogs (an alert() would mean a string from a dump ran as code).
 *
 * The dumps the specs open are the repository's own: the committed sample, synthetic cores (make-cores.ts,
 * make-scan-cores.ts) and real dumps of scripts/dumps/threads.c made here (real-dumps.ts).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { makeRealCores, type RealCores } from './real-dumps';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Guard {
  readonly requests: string[];
  readonly problems: string[];
}

export const test = base.extend<
  { guard: Guard; core: string; otherCore: string },
  { sampleCore: string; realCores: RealCores }
>({
  /**
   * The bundled sample (public/sample/sample.core.gz, 258 MB unzipped) as a file the CLI can read: unzipped once
   * per worker, on first use, into a temp dir that is removed when the worker shuts down.
   */
  sampleCore: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'coreview-sample-'));
      // Also on a worker exiting without its teardown (the fixture's finally is the normal way out).
      const remove = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', remove);
      try {
        const core = join(dir, 'sample.core');
        await pipeline(
          createReadStream(join(ROOT, 'public/sample/sample.core.gz')),
          createGunzip(),
          createWriteStream(core),
        );
        await use(core);
      } finally {
        process.off('exit', remove);
        remove();
      }
    },
    { scope: 'worker' },
  ],
  /** Real dumps of threads.c, made once per worker on first use, in a temp dir removed when the worker ends. */
  realCores: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'coreview-e2e-dumps-'));
      const remove = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', remove);
      try {
        await use(makeRealCores(dir));
      } finally {
        process.off('exit', remove);
        remove();
      }
    },
    { scope: 'worker' },
  ],
  /**
   * A kernel core of threads.c with 2 worker threads (NT_FILE, modules, the main thread crashed in abort()), or a
   * gcore one where the kernel cannot write cores here. Skips the test, saying why, where neither can be made.
   */
  core: async ({ realCores }, use, testInfo) => {
    const made = await realCores.core();
    if (typeof made === 'string') testInfo.skip(true, made);
    else await use(made.path);
  },
  /** A second real dump, different from `core`: gcore's, or the kernel's of 3 worker threads where gdb is missing. */
  otherCore: async ({ realCores }, use, testInfo) => {
    const made = await realCores.other();
    if (typeof made === 'string') testInfo.skip(true, made);
    else await use(made.path);
  },
  guard: [
    async ({ context, page, baseURL }, use) => {
      const origin = new URL(baseURL ?? 'http://127.0.0.1/').origin;
      const guard: Guard = { requests: [], problems: [] };
      context.on('request', (request) => {
        const url = request.url();
        guard.requests.push(url);
        if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin)
          guard.problems.push(`request to another origin: ${url}`);
      });
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const win = window as unknown as { __csp?: string[] };
          (win.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      page.on('console', (m) => {
        if (m.type() === 'error' && m.text().startsWith('CSP violation')) guard.problems.push(m.text());
      });
      page.on('pageerror', (e) => guard.problems.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        guard.problems.push(`dialog: ${d.type()} ${d.message()}`);
        void d.dismiss();
      });
      await use(guard);
      expect(guard.problems, 'requests to other origins, CSP violations, page errors, dialogs').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export function app(page: Page) {
  return page.locator('.app');
}

/** Waits until the page says the current dump's tables and charts are on screen. */
export async function waitReady(page: Page): Promise<void> {
  await expect(app(page)).toHaveAttribute('data-status', 'ready');
}

/** Waits until every region's census is in and shown (the census runs by itself after a dump opens). */
/** Waits until the stacks pass of the dump on screen has walked every thread (data-stacks="done"). */
export async function waitStacksDone(page: Page, timeout?: number): Promise<void> {
  await expect(app(page)).toHaveAttribute('data-stacks', 'done', timeout === undefined ? {} : { timeout });
}

export async function waitScanDone(page: Page, timeout?: number): Promise<void> {
  await expect(app(page)).toHaveAttribute('data-scan', 'done', timeout === undefined ? {} : { timeout });
}

/**
 * Column positions in the region table, as the page shows them with the census on (the default): the CLI's
 * `--scan` order, Touched after In Dump.
 */
export const REGION_COL = {
  kind: 0,
  start: 1,
  end: 2,
  size: 3,
  type: 4,
  state: 5,
  protect: 6,
  inDump: 7,
  touched: 8,
  tid: 9,
  image: 10,
} as const;

/** Turns the census off in the settings menu (saved in this browser profile). */
export async function turnCensusOff(page: Page): Promise<void> {
  await page.getByText('Settings', { exact: true }).click();
  const box = page.getByLabel('Scan memory after opening a dump');
  await box.uncheck();
  await expect(box).not.toBeChecked();
  await page.getByText('Settings', { exact: true }).click();
}

/** Opens the page (at `hash`, e.g. '#v=threads'), opens the bundled sample dump and waits until it is shown. */
export async function openSample(page: Page, hash = ''): Promise<void> {
  await page.goto(`./${hash}`);
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await waitReady(page);
}

/**
 * Waits for the stacks pass (it starts by itself once a dump is shown), clicks "Download JSON" and returns the
 * downloaded document's text: with no files beside the dump, that is the CLI's with `--stacks --offline`.
 */
export async function downloadJson(page: Page): Promise<string> {
  await waitStacksDone(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download JSON' }).click(),
  ]);
  return readFileSync(await download.path(), 'utf8');
}

export async function openFile(page: Page, path: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles(path);
}

export async function showView(
  page: Page,
  name: 'Overview' | 'Regions' | 'Totals' | 'Threads' | 'Search' | 'Memory',
): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
  await waitReady(page);
}

/** The `coreview --json` document for a core, as the CLI prints it. */
export function cliJson(path: string): string {
  return cli(path, '--json');
}

export function cli(path: string, ...args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin/coreview.cjs'), path, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The region table's rendered rows, as the cells' text. */
export async function regionRows(page: Page): Promise<string[][]> {
  return page
    .getByTestId('region-table')
    .locator('[role=row][data-index]')
    .evaluateAll((rows) =>
      rows
        .map((r) => ({
          top: r.getBoundingClientRect().top,
          cells: Array.from(r.querySelectorAll('[role=gridcell]'), (c) => c.textContent),
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.cells),
    );
}
