/**
 * Open by URL (`?url=`): dumps served over HTTP beside the page (same origin) and by a second loopback server on
 * another port (another origin), with and without Range support and CORS.
 *
 * These tests serve the test build themselves (scripts/serve-static.mjs with a route for the dumps), so one server
 * both hosts the page and counts the bytes it sends of each dump. The page is built without COREVIEW_URL_ORIGINS;
 * the index.html served here is the one a build with the second server's origin listed writes (the build's own
 * plugin function, widenIndexHtml), so the listed-origin case runs the page's real check and CSP.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { widenIndexHtml } from '../scripts/vite-url-origins.mjs';
import { startStaticServer } from '../scripts/serve-static.mjs';
import { makeDump, MakeDumpError } from '../scripts/dumps/make-dump.mjs';
import {
  app,
  cli,
  downloadJson,
  expect,
  openFile,
  ROOT,
  test as base,
  waitReady,
  waitScanDone,
  waitStacksDone,
} from './fixtures';
import { DumpRoutes } from './url-server';

interface Site {
  readonly pageUrl: string;
  readonly routes: DumpRoutes;
  readonly other: DumpRoutes;
  readonly otherOrigin: string;
}

const test = base.extend<object, { site: Site }>({
  site: [
    async ({}, use) => {
      const other = new DumpRoutes('/dumps/');
      const otherServer: Server = createServer((req, res) => {
        if (!other.handle(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((done) => otherServer.listen(0, '127.0.0.1', done));
      const address = otherServer.address();
      const otherOrigin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      const dist = join(ROOT, 'dist-test');
      const page = widenIndexHtml(readFileSync(join(dist, 'index.html'), 'utf8'), [otherOrigin]);
      const routes = new DumpRoutes('/coreview/dumps/');
      const server = await startStaticServer({
        dir: dist,
        base: '/coreview/',
        route: (req, res) => {
          const path = new URL(req.url ?? '/', 'http://x').pathname;
          if (path === '/coreview/' || path === '/coreview/index.html') {
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }).end(page);
            return true;
          }
          return routes.handle(req, res);
        },
      });
      await use({ pageUrl: server.url, routes, other, otherOrigin });
      await server.close();
      await new Promise((done) => otherServer.close(done));
    },
    { scope: 'worker' },
  ],
  // The guard (fixtures.ts) takes this origin for the page's own.
  baseURL: async ({ site }, use) => use(site.pageUrl),
});

/** A kernel core of threads.c: `threads` workers on 8 MiB stacks (sparse on disk), in a temp dir removed after. */
async function withKernelCore(threads: number, run: (core: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coreview-url-'));
  try {
    let core: string;
    try {
      core = (await makeDump({ threads, producer: 'kernel', outDir: dir, timeoutMs: 60_000 })).core;
    } catch (e) {
      if (e instanceof MakeDumpError) test.skip(true, e.message.split('\n')[0]);
      throw e;
    }
    await run(core);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loadError(page: Page): Promise<string> {
  const error = page.getByTestId('load-error');
  await expect(error).toBeVisible();
  return (await error.textContent()) ?? '';
}

test('a multi-GB kernel core opens by ?url= with Range requests, fetching under 1 % of it', async ({
  page,
  context,
  site,
}) => {
  test.setTimeout(180_000);
  await withKernelCore(800, async (core) => {
    const path = site.routes.serve('threads-800.core', { path: core, ranges: true });
    const size = statSync(core).size;
    expect(size).toBeGreaterThan(6e9);
    await page.goto(`./?url=${encodeURIComponent(path)}`);
    await waitReady(page);
    await expect(page.locator('.topbar .file')).toContainText('threads-800.core');
    // The stacks pass walks every thread's stack over HTTP too; the census would fetch everything, so it waits.
    const started = Date.now();
    await waitStacksDone(page, 150_000);
    console.log(`threads-800.core: stacks pass over HTTP done ${Date.now() - started} ms after the first screen`);
    const json = JSON.parse(await downloadJson(page)) as { threads: unknown[] };
    expect(json.threads).toHaveLength(801);
    // The CLI's document for the same file, but for the name: the URL's last segment.
    const expected = JSON.parse(cli(core, '--json', '--stacks', '--offline')) as { dump: object };
    expect(json).toEqual({ ...expected, dump: { ...expected.dump, name: 'threads-800.core' } });
    await expect(app(page)).toHaveAttribute('data-scan', 'off');
    const sent = site.routes.bytesSent('threads-800.core');
    expect(sent).toBeLessThan(size / 100);
    // The Overview says what was fetched: the page's count is the server's.
    const fact = page.getByTestId('http-fetched');
    await expect(fact).toHaveAttribute('data-bytes', String(sent));
    await expect(fact).toContainText(/read over HTTP: [\d.]+ [KM]iB of [\d.]+ GiB/);
    const gets = site.routes.gets.get('threads-800.core') ?? 0;
    console.log(
      `threads-800.core: ${sent} of ${size} bytes fetched (${((100 * sent) / size).toFixed(3)} %) in ${gets} requests`,
    );
    // A turn's reads go out as one multipart request: far fewer requests than threads.
    expect(gets).toBeLessThan(100);

    // "Copy link": this page's address with ?url= and the view; it opens the same dump there.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('tab', { name: /^Threads/ }).click();
    await waitReady(page);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByText('Link copied')).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${site.pageUrl}?url=${encodeURIComponent(new URL(path, site.pageUrl).href)}#v=threads`);
    const second = await context.newPage();
    await second.goto(link);
    await waitReady(second);
    await expect(second.getByRole('tab', { name: /^Threads/ })).toHaveAttribute('aria-selected', 'true');
    await expect(second.locator('.topbar .file')).toContainText('threads-800.core');
    await second.close();

    // A server that answers several ranges with the whole file: the page drops that answer at once and asks one
    // range per request, fetching about as little.
    const single = site.routes.serve('single-ranges.core', { path: core, ranges: true, singleRangesOnly: true });
    await page.goto(`./?url=${encodeURIComponent(single)}`);
    await waitReady(page);
    const again = Date.now();
    await waitStacksDone(page, 150_000);
    const fromSingle = JSON.parse(await downloadJson(page)) as { dump: object };
    expect(fromSingle).toEqual({ ...expected, dump: { ...expected.dump, name: 'single-ranges.core' } });
    const singleSent = site.routes.bytesSent('single-ranges.core');
    console.log(
      `single-ranges.core: stacks pass ${Date.now() - again} ms; ${singleSent} bytes fetched (${((100 * singleSent) / size).toFixed(3)} %) in ${site.routes.gets.get('single-ranges.core') ?? 0} requests`,
    );
    expect(singleSent).toBeLessThan(size / 50);
  });
});

test('a server without Range support: the dump is downloaded into the browser, with a warning', async ({
  page,
  site,
  core,
}) => {
  const path = site.routes.serve('whole.core', { path: core, ranges: false });
  await page.goto(`./?url=${encodeURIComponent(path)}`);
  await waitReady(page);
  await expect(page.getByTestId('dump-warnings')).toContainText('the server does not answer Range requests');
  // Read from the browser's storage like a dropped file: the census runs by itself, as it does for one.
  await waitScanDone(page);
  const json = JSON.parse(await downloadJson(page)) as { dump: { name: string } };
  const expected = JSON.parse(cli(core, '--scan', '--json', '--stacks', '--offline')) as { dump: { name: string } };
  expect(json).toEqual({ ...expected, dump: { ...expected.dump, name: 'whole.core' } });
  // Still a dump opened by URL: its link opens it the same way.
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible();
});

test('a report served by URL opens as a report', async ({ page, site, core }) => {
  const dir = mkdtempSync(join(tmpdir(), 'coreview-url-report-'));
  try {
    const report = join(dir, 'threads.json');
    writeFileSync(report, cli(core, '--json', '--stacks', '--offline'));
    const path = site.routes.serve('threads.json', { path: report, ranges: true });
    await page.goto(`./?url=${encodeURIComponent(path)}`);
    await waitReady(page);
    await expect(app(page)).toHaveAttribute('data-source', 'report');
    // Fetched whole (a report is small): the first request's block, then one plain GET.
    expect(site.routes.gets.get('threads.json')).toBe(2);
    await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible();

    // A file opened next replaces it: no link to copy, and a reload would not open the URL again.
    await openFile(page, core);
    await expect(app(page)).toHaveAttribute('data-source', 'dump');
    await waitReady(page);
    await expect(page.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
    expect(new URL(page.url()).searchParams.has('url')).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refusals get the most exact message: HTTP status, and an origin the deployer did not list', async ({ page }) => {
  await page.goto(`./?url=${encodeURIComponent('dumps/missing.core')}`);
  expect(await loadError(page)).toContain('HTTP 404');

  await page.goto(`./?url=${encodeURIComponent('https://dumps.example.com/core')}`);
  const text = await loadError(page);
  expect(text).toContain('https://dumps.example.com is not an origin this page may fetch from');
  expect(text).toContain('COREVIEW_URL_ORIGINS');
});

test('another origin listed at build time opens with CORS; without CORS the browser refuses', async ({
  page,
  site,
  guard,
  core,
}) => {
  const listed = site.other.serve('cors.core', { path: core, ranges: true, corsOrigin: new URL(site.pageUrl).origin });
  site.other.serve('no-cors.core', { path: core, ranges: true });
  await page.goto(`./?url=${encodeURIComponent(`${site.otherOrigin}${listed}`)}`);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText('cors.core');
  // The census waits to be asked for over HTTP; asked, it reads over the whole pool with Range requests.
  await expect(app(page)).toHaveAttribute('data-scan', 'off');
  await expect(page.getByTestId('census-panel')).toContainText('read over HTTP: a census fetches all of it');
  await page.getByRole('button', { name: 'Scan memory' }).click();
  await waitScanDone(page);
  const json = JSON.parse(await downloadJson(page)) as { dump: object };
  const expected = JSON.parse(cli(core, '--scan', '--json', '--stacks', '--offline')) as { dump: object };
  expect(json).toEqual({ ...expected, dump: { ...expected.dump, name: 'cors.core' } });

  await page.goto(`./?url=${encodeURIComponent(`${site.otherOrigin}/dumps/no-cors.core`)}`);
  expect(await loadError(page)).toContain('network error or CORS refusal');

  // Requests to the second origin are this test's point; anything else the guard found still fails it.
  const allowed = `request to another origin: ${site.otherOrigin}/`;
  const rest = guard.problems.filter((p) => !p.startsWith(allowed));
  guard.problems.splice(0, guard.problems.length, ...rest);
});
