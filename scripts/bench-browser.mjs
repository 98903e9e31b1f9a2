#!/usr/bin/env node
// The page's load, measured in Chromium: how long from handing it a dump to the region table showing rows, the
// longest main-thread task meanwhile (the main thread only renders: target < 50 ms), and the JS heap after the
// load (target < 100 MB). scripts/bench.mjs calls benchBrowser(); run alone:
//
//   node scripts/bench-browser.mjs <core>... [--base-url http://host/coreview/]
//
// `sample` as the core clicks "Open sample dump" (fetch + gunzip in a worker + analysis) instead of a file.
// Without a base URL it serves dist/ itself (building it first if missing) under /coreview/ on a free port.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { startStaticServer } from './serve-static.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.COREVIEW_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Registered before the page's own scripts, so no long task of the load escapes it. */
function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

async function withServer(baseUrl, run) {
  if (baseUrl !== undefined) return run(baseUrl);
  if (!existsSync(join(root, 'dist/index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
  const server = await startStaticServer({ dir: join(root, 'dist'), base: '/coreview/' });
  try {
    return await run(server.url);
  } finally {
    await server.close();
  }
}

/**
 * @param {string} corePath a core file, or 'sample' for the page's sample button
 * @param {{ baseUrl?: string, timeoutMs?: number }} options
 * @returns {Promise<{ msToRows: number, longestTaskMs: number, heapBytes: number }>}
 */
export async function benchBrowser(corePath, { baseUrl, timeoutMs = 300_000 } = {}) {
  return withServer(baseUrl, async (url) => {
    const browser = await chromium.launch({ ...(existsSync(CHROMIUM) ? { executablePath: CHROMIUM } : {}), args: ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // No service worker: it would only add its install traffic to the first load being measured.
      await context.addInitScript(observeLongTasks);
      const page = await context.newPage();
      await page.goto(`${url}#v=regions`);
      await page.waitForSelector('[data-status=idle]');
      // Let the page's own start-up settle so its tasks are not counted against the load.
      await page.waitForTimeout(300);
      const t0 = await page.evaluate(() => performance.now());
      const started = Date.now();
      if (corePath === 'sample') await page.getByRole('button', { name: 'Open sample dump' }).click();
      else await page.locator('input[type=file]').setInputFiles(resolve(corePath));
      await page.waitForFunction(
        () => {
          const status = document.querySelector('[data-status]')?.getAttribute('data-status');
          if (status === 'error') throw new Error(document.querySelector('[role=alert]')?.textContent ?? 'load failed');
          return status === 'ready' && document.querySelector('[data-testid=region-table] [role=row][data-index]') !== null;
        },
        undefined,
        { polling: 'raf', timeout: timeoutMs },
      );
      const msToRows = Date.now() - started;
      // Let a trailing task finish and be reported before reading the list.
      await page.waitForTimeout(200);
      const longestTaskMs = await page.evaluate((since) => Math.max(0, ...window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => t.duration)), t0);
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return { msToRows, longestTaskMs: Math.round(longestTaskMs), heapBytes: usedSize };
    } finally {
      await browser.close();
    }
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--base-url');
  const baseUrl = at >= 0 ? args[at + 1] : undefined;
  const cores = args.filter((a, i) => a !== '--base-url' && (at < 0 || i !== at + 1));
  if (cores.length === 0) {
    console.error('usage: node scripts/bench-browser.mjs <core|sample>... [--base-url URL]');
    process.exit(2);
  }
  for (const core of cores) {
    const r = await benchBrowser(core, { baseUrl });
    console.log(JSON.stringify({ core, ...r, heapMB: +(r.heapBytes / 1024 / 1024).toFixed(1) }));
  }
}
