/**
 * A worker that ends without an error event (as one the browser kills to reclaim memory does) is noticed by the
 * pool's watchdog within 5 s of its last heartbeat, reported and replaced, and the dump on screen keeps working.
 */
import { app, downloadJson, expect, openSample, showView, test, waitReady, waitScanDone } from './fixtures';

test('an idle worker that vanishes silently is noticed within 5 s, reported and replaced; the dump still works', async ({
  page,
}) => {
  await openSample(page);
  // Idle: a worker running a call of the page's (the census) is given 10 s instead (workers/heartbeat.ts).
  await waitScanDone(page);
  const holder = await page.evaluate(() => window.__coreview?.coordinatorSlot());
  expect(holder).toBeDefined();
  const t0 = Date.now();
  await page.evaluate((slot) => window.__coreview?.vanishWorker(slot), holder);
  const notice = page.getByTestId('worker-notice');
  await expect(notice).toContainText(`engine worker ${(holder ?? 0) + 1} stopped answering`, { timeout: 10_000 });
  const noticedMs = Date.now() - t0;
  console.log(`the silent worker was noticed after ${noticedMs} ms`);
  // Its last beat was at most a second before it vanished; the page polls the notice, so allow for that too.
  expect(noticedMs).toBeLessThan(6500);
  await expect(notice).toContainText('It was replaced.');
  expect(await app(page).getAttribute('data-status')).toBe('ready');
  // The dump's analysis lived in the lost worker: the export loads it again on a live one.
  expect(JSON.parse(await downloadJson(page)).process).toBeDefined();
  await showView(page, 'Threads');
  await page.getByTestId('thread-table').locator('[role=row][data-index]').first().click();
  await page.getByText(/^Registers \(/).click();
  await expect(page.locator('.register-grid')).toContainText('rip');
  await waitReady(page);
});
