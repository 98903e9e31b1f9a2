/**
 * The hex view: opened from a thread's sp, a region's row and a typed address; WinDbg `dp` lines equal to
 * `coreview --dump`; pointers into mapped memory are links; bytes not in the dump print as ????????; scrolling an
 * 8 MiB stack end to end renders a window of rows only, with no long task.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { cli, expect, openSample, ROOT, showView, test, waitReady, waitScanDone, waitStacksDone } from './fixtures';

const facts = JSON.parse(readFileSync(join(ROOT, 'public/sample/sample.json'), 'utf8')) as { tids: number[] };

const rows = (page: Page) => page.getByTestId('hex-rows');

test('from a thread’s sp: the `dp` lines are `coreview --dump`’s, and a pointer link leads where it points', async ({
  page,
  sampleCore,
}) => {
  const tid = String(facts.tids[3]);
  await openSample(page, '#v=threads');
  await page.getByRole('searchbox', { name: 'Filter', exact: true }).fill(tid);
  await page.getByTestId('thread-table').locator('[role=row][data-index]').first().click();
  const detail = page.getByRole('region', { name: `Thread ${tid}` });
  const sp = (await detail.locator('dd .mono').first().textContent()) ?? '';
  expect(sp).toMatch(/^0x[0-9a-f]+$/);
  await detail.getByRole('button', { name: 'Show memory at sp' }).click();
  await waitReady(page);
  await expect(page.getByTestId('hex-where')).toContainText(`Stack (thread ${tid})`);

  // The row holding sp, and the next three, read like the CLI's `--dump sp 64` (whose `; label` tails the page
  // shows as links instead).
  const expected = cli(sampleCore, '--dump', sp, '64')
    .trim()
    .split('\n')
    .map((l) => l.replace(/ {2}; .*$/, ''));
  const target = rows(page).locator('.hex-row.target');
  // The words arrive after the row: wait for the last word of the first line.
  await expect(target).toContainText(expected[0]?.slice(-17) ?? '?');
  const lines = await rows(page)
    .locator('.hex-row')
    .evaluateAll((els, first) => {
      const sorted = els
        .map((e) => ({
          top: e.getBoundingClientRect().top,
          addr: e.querySelector('.hex-addr')?.textContent ?? '',
          words: Array.from(e.querySelectorAll('.hex-word'), (w) => w.textContent.trim()),
        }))
        .sort((a, b) => a.top - b.top);
      const at = sorted.findIndex((r) => first.startsWith(r.addr));
      return sorted.slice(at, at + 4).map((r) => `${r.addr}  ${r.words.join(' ')}`);
    }, expected[0] ?? '');
  expect(lines).toEqual(expected);

  // A return address on the stack links into libc, labelled module+offset; following it moves the view there.
  const link = rows(page)
    .getByRole('button', { name: /^libc\.so\.6\+0x/ })
    .first();
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByTestId('hex-where')).toContainText('libc.so.6');
  await expect(page).toHaveURL(/v=memory.*at=0x7f/);
});

test('a region’s bytes not in the dump print as ????????, and a big region is shown a 16 MiB window at a time', async ({
  page,
}) => {
  await openSample(page, '#v=regions&kind=StackGuard');
  const row = page.getByTestId('region-table').locator('[role=row][data-index]').first();
  await row.getByRole('button', { name: 'hex' }).click();
  await waitReady(page);
  await expect(page.getByTestId('hex-where')).toContainText('0 B in the dump — the rest shows as ????????');
  await expect(rows(page).locator('.hex-row').first()).toContainText('????????`???????? ????????`????????');
  await page.getByLabel('Bytes (db)').check();
  await expect(rows(page).locator('.hex-row').first()).toContainText('??-?? ?? ?? ?? ?? ?? ?? ??  ????????????????');

  await showView(page, 'Regions');
  // The malloc arena's no-access reservation (Heap, MEM_RESERVE): the largest region of the sample not in its dump.
  await page.getByLabel('Kind').selectOption('Heap');
  await page.getByLabel('State').selectOption('MEM_RESERVE');
  await page.getByTestId('region-table').locator('[role=row][data-index]').first().dblclick();
  await waitReady(page);
  await expect(page.getByText(/Showing 16\.00 MiB of this 63\.87 MiB region/)).toBeVisible();
  await page.getByRole('button', { name: 'Later' }).click();
  await expect(page.getByRole('button', { name: 'Earlier' })).toBeEnabled();
});

test('a typed address in any form goes there; one that is not an address says why', async ({ page, sampleCore }) => {
  await openSample(page, '#v=memory');
  const box = page.getByLabel('Address', { exact: true });
  const dump = cli(sampleCore, '--search', 'centos').trim().split('\n')[0]?.split(/\s+/)[0] ?? '';
  await box.fill(dump);
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(rows(page).locator('.hex-row.target')).toContainText(dump.slice(0, 13));
  await box.fill('0x7f37zz');
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(page.getByRole('alert')).toContainText('is not an address');
  await box.fill(`0x${BigInt(`0x${dump.replace('`', '')}`).toString(16)}`);
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('scrolling an 8 MiB stack end to end: a window of rows, fetched as they come, no long task', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __long: number[] }).__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const tid = String(facts.tids[5]);
  await openSample(page, `#v=threads&tid=${tid}`);
  // The page's own background work (the census, the stacks pass) done first: on a 2-core machine shared with
  // another browser, its workers would stretch the scroll's tasks in wall-clock time (a 100 ms task read 485 ms).
  await waitScanDone(page, 60_000);
  await waitStacksDone(page, 60_000);
  await page
    .getByRole('region', { name: `Thread ${tid}` })
    .getByRole('button', { name: 'Show stack region' })
    .click();
  await waitReady(page);
  await page
    .getByTestId('region-table')
    .locator('[role=row][aria-selected=true]')
    .getByRole('button', { name: 'hex' })
    .click();
  await waitReady(page);
  await expect(page.getByTestId('hex-where')).toContainText('8.00 MiB, all in the dump');
  await page.evaluate(() => ((window as unknown as { __long: number[] }).__long.length = 0));
  const steps = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=hex-rows]');
    if (el === null) throw new Error('no hex view');
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    let maxRows = 0;
    for (let i = 1; i <= 40; i++) {
      el.scrollTop = (el.scrollHeight * i) / 40;
      await frame();
      await frame();
      maxRows = Math.max(maxRows, el.querySelectorAll('.hex-row').length);
    }
    return { maxRows, height: el.scrollHeight };
  });
  expect(steps.height).toBeGreaterThan(((8 * 1024 * 1024) / 16) * 17);
  expect(steps.maxRows).toBeLessThan(150);
  // The last row, once its chunk is in: the stack's last 16 bytes.
  await expect(rows(page).locator('.hex-row').last()).toContainText('ff0  ');
  await expect(rows(page).locator('.hex-row').last()).not.toContainText('…');
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { __long: number[] }).__long));
  // No task long enough to freeze the page. 400 ms, not 200: the e2e run has two browsers sharing a 2-core machine,
  // where the longest measured 0–268 ms in 6 runs (with the census still running: up to 702 ms).
  console.log(`longest task while scrolling the 8 MiB stack: ${longest.toFixed(0)} ms`);
  expect(longest).toBeLessThan(400);
});
