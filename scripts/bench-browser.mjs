#!/usr/bin/env node
// The page's load, measured in Chromium: how long from handing it a dump to the region table showing rows, the
// longest main-thread task meanwhile (the main thread only renders: target < 50 ms), and the JS heap after the
// load (target < 100 MB); the median of several first loads, each in a fresh browser context (a first visit:
// nothing compiled or cached). scripts/bench.mjs calls benchBrowser(); run alone:
//
//   node scripts/bench-browser.mjs <core>... [--base-url http://host/coreview/] [--census [--search TEXT]] [--workers N]
//                                   [--slice MiB] [--depth N] [--rounds N] [--loads N] [--no-stacks]
//
// `sample` as the core clicks "Open sample dump" (fetch + gunzip in a worker + analysis) instead of a file.
// Without a base URL it serves the test build, dist-test/ (`npm run build:test`: the product plus the test entry that
// the census baseline needs; built first if missing), under /coreview/ on a free port. A --base-url must serve a
// test build too.
//
// With { census: true } it also measures the memory census against its baseline, in the same page and run: the
// page opens the dump with the census off (?census=off), then, `rounds` times (default 2): a raw read — the same
// workers reading the same slices of the same file without computing (window.__coreview.rawRead, the engine's
// read-only scan) — and a census, timed in the page from its start to data-scan="done" (every region in AND
// rendered). Both run while the file is in the OS page cache (the first round warms it); the figures are each
// kind's best round. The JS heap is measured (after a GC) before and after the census: it must not grow with the
// dump's size. workers / slice / depth go to the page as its URL flags (see src/state/settings.ts).
//
// Each load also times the page's stacks pass, which the page starts by itself once the region table is shown:
// from the rows (msToRows's end) to the root's data-stacks="done", noted in the page's clock as the attribute
// changes, and the longest main-thread task that started meanwhile (stacksMs, stacksLongestTaskMs). A pass that
// has not ended 60 s after the rows is given up on (stacksState says the attribute's last value) and the later
// loads do not wait for theirs. The census, if asked for, starts after the pass has ended: they do not compete.
// The load's heap figure (a forced GC, 200 ms after the rows, as before the pass existed) falls inside the pass and
// is part of its time.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.mjs';
import { startStaticServer } from './serve-static.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Registered before the page's own scripts, so no long task of the load escapes it. Also notes, in the page's own
 * clock, when the file input's change event fired and when the region table first showed rows with
 * data-status="ready" (a MutationObserver sees the DOM change as it happens; polling would add up to a frame).
 */
function observeLoad() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__load = {};
  document.addEventListener('change', (e) => (window.__load.change = e.timeStamp), true);
  new MutationObserver(() => {
    const status = document.querySelector('[data-status]')?.getAttribute('data-status');
    if (
      window.__load.rows === undefined &&
      status === 'ready' &&
      document.querySelector('[data-testid=region-table] [role=row][data-index]') !== null
    ) {
      window.__load.rows = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
  // The stacks pass's end: the first "done" or "incomplete" of the root's data-stacks (written by an effect, so once
  // the state it reports is on screen).
  window.__stacks = { last: undefined };
  new MutationObserver((records) => {
    for (const record of records) {
      const value = record.target instanceof Element ? record.target.getAttribute('data-stacks') : null;
      window.__stacks.last = value ?? undefined;
      if (window.__stacks.running === undefined && value === 'running') window.__stacks.running = performance.now();
      if (window.__stacks.end === undefined && (value === 'done' || value === 'incomplete'))
        window.__stacks.end = { at: performance.now(), value };
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-stacks'] });
}

async function withServer(baseUrl, run) {
  if (baseUrl !== undefined) return run(baseUrl);
  if (!existsSync(join(root, 'dist-test/index.html')))
    execFileSync('npx', ['vite', 'build', '--mode', 'test'], { cwd: root, stdio: 'inherit' });
  const server = await startStaticServer({ dir: join(root, 'dist-test'), base: '/coreview/' });
  try {
    return await run(server.url);
  } finally {
    await server.close();
  }
}

async function heapUsed(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** Census vs raw read, both timed in the page (see the header). */
async function benchCensus(context, page, rounds, search) {
  const heapBeforeCensus = await heapUsed(context, page);
  let best = { censusMBps: 0, rawReadMBps: 0 };
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const raw = await page.evaluate(async () => {
      const t0 = performance.now();
      const p = await window.__coreview.rawRead();
      return { bytes: p.bytesTotal, ms: performance.now() - t0, workers: p.workers, failures: p.failures };
    });
    if (raw.failures.length > 0) throw new Error(`raw read failed: ${raw.failures.join('; ')}`);
    const census = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const root = document.querySelector('[data-scan]');
          let t0 = 0;
          const observer = new MutationObserver(() => {
            const scan = root.getAttribute('data-scan');
            if (scan === 'done') {
              observer.disconnect();
              resolve({ ms: performance.now() - t0 });
            } else if (scan === 'incomplete') {
              observer.disconnect();
              reject(
                new Error(
                  document.querySelector('[data-testid=census-incomplete]')?.textContent ?? 'census incomplete',
                ),
              );
            }
          });
          observer.observe(root, { attributes: true, attributeFilter: ['data-scan'] });
          t0 = performance.now();
          window.__coreview.startCensus();
        }),
    );
    const mb = raw.bytes / 1e6;
    const r = {
      rawReadMBps: +(mb / (raw.ms / 1000)).toFixed(0),
      censusMBps: +(mb / (census.ms / 1000)).toFixed(0),
      rawMs: Math.round(raw.ms),
      censusMs: Math.round(census.ms),
      workers: raw.workers,
      bytes: raw.bytes,
    };
    runs.push(r);
    best = {
      censusMBps: Math.max(best.censusMBps, r.censusMBps),
      rawReadMBps: Math.max(best.rawReadMBps, r.rawReadMBps),
    };
  }
  const heapAfterCensus = await heapUsed(context, page);
  const last = runs[runs.length - 1];
  const searchAfterCensusMs = search === undefined ? undefined : await searchInPage(page, search);
  return {
    ...best,
    ratio: +(best.censusMBps / best.rawReadMBps).toFixed(2),
    workers: last?.workers,
    scannedBytes: last?.bytes,
    heapBeforeCensus,
    heapAfterCensus,
    searchAfterCensusMs,
    runs,
  };
}

/**
 * A search through the page's Search view, after the census: from the click to the status saying it is done (every
 * hit in, or the first page of hits). After a census the workers read only the touched pages.
 */
async function searchInPage(page, text) {
  await page.evaluate(() => {
    location.hash = '#v=search';
  });
  await page.getByLabel('Find in dumped memory').fill(text);
  const started = page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          const state = document.querySelector('[data-testid=search-status]')?.getAttribute('data-state');
          if (state === 'done' || state === 'paused') {
            observer.disconnect();
            resolve(performance.now() - t0);
          } else if (state === 'failed' || state === 'invalid') {
            observer.disconnect();
            reject(new Error(`the search ended ${state}`));
          }
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-state'],
        });
        document.querySelector('form[role=search] button[type=submit]')?.click();
      }),
  );
  return Math.round(await started);
}

/** How long after the rows the page's stacks pass may take before it counts as never ending. */
const STACKS_DEADLINE_MS = 60_000;

/**
 * The page's stacks pass of the load just measured: from the rows to data-stacks="done" (both marks in the page's
 * clock), and the longest task that started in between. Waits at most until `deadlineMs` after the rows; the state
 * is the attribute's value at the end ("done" | "incomplete") or, for a pass that did not end, its last value
 * ("running", "off", or "absent" when the page never wrote it).
 */
async function stacksPass(page, rows, deadlineMs) {
  const now = await page.evaluate(() => performance.now());
  const waitMs = Math.max(0, rows + deadlineMs - now);
  if (waitMs > 0)
    await page
      .waitForFunction(() => window.__stacks.end !== undefined, undefined, { polling: 100, timeout: waitMs })
      .catch((error) => {
        if (error?.name !== 'TimeoutError') throw error;
      });
  const seen = await page.evaluate(() => ({ ...window.__stacks }));
  // Let a trailing task finish and be reported before reading the list (as after the load).
  await page.waitForTimeout(200);
  const until = seen.end?.at ?? (await page.evaluate(() => performance.now()));
  const longest = (from) =>
    page.evaluate(
      ({ from, to }) =>
        Math.max(0, ...window.__longTasks.filter((t) => t.start >= from && t.start <= to).map((t) => t.duration)),
      { from, to: until },
    );
  return {
    ms: seen.end === undefined ? undefined : seen.end.at - rows,
    state: seen.end?.value ?? seen.last ?? 'absent',
    // From the rows, the tasks right after them (the first frame of the table, its effects) count too; from
    // data-stacks="running", only the pass's own (its batches' renders).
    longestTaskMs: await longest(rows),
    startMs: seen.running === undefined ? undefined : seen.running - rows,
    longestTaskInPassMs: seen.running === undefined ? 0 : await longest(seen.running),
  };
}

/** One first load in a fresh context (as a first visit: nothing compiled or cached yet); the page stays open. */
async function loadOnce(browser, url, corePath, { timeoutMs, workers, slice, depth, stacksDeadlineMs }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // No service worker: it would only add its install traffic to the first load being measured.
  await context.addInitScript(observeLoad);
  const page = await context.newPage();
  // The census is off in both modes: a load-only run measures the header pass alone (as it did before the
  // census existed), and a census run starts it itself, after its raw-read baseline.
  const flags = new URLSearchParams({ census: 'off' });
  if (workers !== undefined) flags.set('workers', String(workers));
  if (slice !== undefined) flags.set('slice', String(slice));
  if (depth !== undefined) flags.set('depth', String(depth));
  await page.goto(`${url}?${flags}#v=regions`);
  await page.waitForSelector('[data-status=idle]');
  // The page is ready for a file once its empty workspace is mounted behind the welcome screen (src/app/premount.ts):
  // what a user sees who takes longer than that to pick a file. Then its own start-up settles, so its tasks are not
  // counted against the load.
  await page.waitForSelector('main.premount', { state: 'attached' });
  await page.waitForTimeout(300);
  const t0 = await page.evaluate(() => performance.now());
  if (corePath === 'sample') await page.getByRole('button', { name: 'Open sample dump' }).click();
  else await page.locator('input[type=file]').setInputFiles(resolve(corePath));
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-status]')?.getAttribute('data-status');
      if (status === 'error') throw new Error(document.querySelector('[role=alert]')?.textContent ?? 'load failed');
      return window.__load.rows !== undefined;
    },
    undefined,
    { polling: 'raf', timeout: timeoutMs },
  );
  // Both in the page's clock: t0 was read just before setInputFiles was sent, so msToRows includes Playwright
  // delivering the file but not the harness noticing the rows; changeToRows is the page's own part. The app's
  // own mark (src/state/use-engine.ts) splits that into the worker's header pass, the trip there and back, and the
  // render of the first screen.
  const marks = await page.evaluate(() => {
    const received = performance.getEntriesByName('coreview:analysis-received').at(-1);
    return { ...window.__load, received: received?.startTime, analyzeMs: received?.detail?.analyzeMs };
  });
  // Let a trailing task finish and be reported before reading the list.
  await page.waitForTimeout(200);
  const longestTaskMs = await page.evaluate(
    (since) => Math.max(0, ...window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => t.duration)),
    t0,
  );
  // After the load's own figures, so that they are taken as they were before the pass was timed; the heap after
  // the pass (measuring it forces a garbage collection, which inside the pass would be timed as part of it).
  const stacks = await stacksPass(page, marks.rows, stacksDeadlineMs);
  const heapBytes = await heapUsed(context, page);
  return {
    context,
    page,
    msToRows: marks.rows - t0,
    fileToChange: marks.change === undefined ? NaN : marks.change - t0,
    changeToRows: marks.change === undefined ? NaN : marks.rows - marks.change,
    analyzeMs: marks.analyzeMs ?? NaN,
    messagesMs:
      marks.change === undefined || marks.received === undefined
        ? NaN
        : marks.received - marks.change - (marks.analyzeMs ?? 0),
    renderMs: marks.received === undefined ? NaN : marks.rows - marks.received,
    longestTaskMs,
    heapBytes,
    stacks,
  };
}

/** The stacks pass's figures over the loads (see benchBrowser's result). */
function stacksFigures(runs, measured) {
  if (!measured) return { stacksState: 'not measured', stacksDoneLoads: 0 };
  const done = runs.filter((r) => r.stacks.ms !== undefined && r.stacks.state === 'done');
  const notDone = runs.find((r) => r.stacks.state !== 'done');
  const started = runs.filter((r) => r.stacks.startMs !== undefined);
  return {
    ...(done.length > 0 ? { stacksMs: Math.round(median(done.map((r) => r.stacks.ms))) } : {}),
    stacksLongestTaskMs: Math.round(Math.max(...runs.map((r) => r.stacks.longestTaskMs))),
    stacksLongestTaskInPassMs: Math.round(Math.max(...runs.map((r) => r.stacks.longestTaskInPassMs))),
    ...(started.length > 0 ? { stacksStartMs: Math.round(median(started.map((r) => r.stacks.startMs))) } : {}),
    stacksState: notDone === undefined ? 'done' : notDone.stacks.state,
    stacksDoneLoads: done.length,
  };
}

/** The middle value (the upper one of an even count); scripts/bench.mjs uses it too. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * @param {string} corePath a core file, or 'sample' for the page's sample button
 * @param {{ baseUrl?: string, timeoutMs?: number, census?: boolean, search?: string, workers?: number, slice?: number, depth?: number, rounds?: number, loads?: number, stacks?: boolean }} options
 *   loads: first loads to take the median of (default 9; each in a fresh context); the census runs in the last one
 *   search: with census, then a search for this text in the Search view (searchAfterCensusMs)
 *   stacks: time the page's stacks pass after each load (default true; false: stacksState 'not measured')
 * @returns {Promise<{ msToRows: number, changeToRows: number, fileToChange: number, analyzeMs: number, messagesMs: number, renderMs: number, longestTaskMs: number, heapBytes: number, stacksMs?: number, stacksLongestTaskMs?: number, stacksLongestTaskInPassMs?: number, stacksStartMs?: number, stacksState: string, stacksDoneLoads: number, censusMBps?: number, rawReadMBps?: number, workers?: number, heapAfterCensus?: number }>}
 *   stacksMs: median, over the loads whose pass reached "done", of rows → data-stacks="done" (undefined if none did);
 *   stacksLongestTaskMs: the worst of the loads, of the tasks that started from the rows to the end (from
 *   data-stacks="running" to the end: stacksLongestTaskInPassMs); stacksStartMs: median of rows → "running";
 *   stacksState: "done" when every load's pass reached it, else the state of the first load that did not (see
 *   stacksPass); stacksDoneLoads: how many did.
 */
export async function benchBrowser(
  corePath,
  {
    baseUrl,
    timeoutMs = 300_000,
    census = false,
    search,
    workers,
    slice,
    depth,
    rounds = 2,
    loads = 9,
    between,
    stacks = true,
  } = {},
) {
  return withServer(baseUrl, async (url) => {
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const runs = [];
      // Once a pass has not ended in time, the next loads do not wait for theirs (a page without the pass, or with
      // it broken, would otherwise cost a minute a load): they only note the attribute as it is.
      let stacksDeadlineMs = stacks ? STACKS_DEADLINE_MS : 0;
      for (let i = 0; i < loads; i++) {
        const run = await loadOnce(browser, url, corePath, { timeoutMs, workers, slice, depth, stacksDeadlineMs });
        if (run.stacks.ms === undefined) stacksDeadlineMs = 0;
        runs.push(run);
        if (i < loads - 1) await run.context.close();
        // A baseline the caller measures at the same moments as the loads (bench.mjs: one readelf run), once the
        // browser has settled as it does before each load: right after one, its teardown would slow the baseline.
        if (between !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          between();
        }
      }
      const last = runs[runs.length - 1];
      const load = {
        msToRows: Math.round(median(runs.map((r) => r.msToRows))),
        changeToRows: Math.round(median(runs.map((r) => r.changeToRows))),
        fileToChange: Math.round(median(runs.map((r) => r.fileToChange))),
        analyzeMs: Math.round(median(runs.map((r) => r.analyzeMs))),
        messagesMs: Math.round(median(runs.map((r) => r.messagesMs))),
        renderMs: Math.round(median(runs.map((r) => r.renderMs))),
        // The worst of the runs: the target is on every load, not the typical one.
        longestTaskMs: Math.round(Math.max(...runs.map((r) => r.longestTaskMs))),
        heapBytes: median(runs.map((r) => r.heapBytes)),
        loads,
        ...stacksFigures(runs, stacks),
      };
      if (!census) return load;
      last.page.setDefaultTimeout(timeoutMs);
      return { ...load, ...(await benchCensus(last.context, last.page, rounds, search)) };
    } finally {
      await browser.close();
    }
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valued = new Set(['--base-url', '--workers', '--slice', '--depth', '--rounds', '--loads', '--search']);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name) => (opt(name) === undefined ? undefined : Number(opt(name)));
  const cores = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  if (cores.length === 0) {
    console.error(
      'usage: node scripts/bench-browser.mjs <core|sample>... [--base-url URL] [--census [--search TEXT]] [--workers N] [--slice MiB] [--depth N] [--rounds N] [--loads N] [--no-stacks]',
    );
    process.exit(2);
  }
  const options = {
    baseUrl: opt('--base-url'),
    census: args.includes('--census'),
    search: opt('--search'),
    workers: num('--workers'),
    slice: num('--slice'),
    depth: num('--depth'),
    rounds: num('--rounds'),
    loads: num('--loads'),
    stacks: !args.includes('--no-stacks'),
  };
  for (const core of cores) {
    const r = await benchBrowser(core, options);
    const mb = (b) => (b === undefined ? undefined : +(b / 1024 / 1024).toFixed(1));
    console.log(
      JSON.stringify({
        core,
        ...r,
        heapMB: mb(r.heapBytes),
        heapBeforeCensusMB: mb(r.heapBeforeCensus),
        heapAfterCensusMB: mb(r.heapAfterCensus),
      }),
    );
  }
}
