/** After one visit the app works with the network unplugged: the service worker serves it, the sample too once used. */
import { basename } from 'node:path';
import { expect, openFile, test, waitReady } from './fixtures';

test('reloads and opens dumps offline after the first visit', async ({ page, context, core }) => {
  await page.goto('./');
  // The first visit installs the service worker; wait until it controls the page (clients.claim()).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  // Used once online, the sample is cached on the way through.
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await waitReady(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
  await openFile(page, core);
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText(basename(core));
  await expect(page.getByTestId('headline')).toContainText('% — in');
  await page.getByRole('button', { name: 'Open sample dump' }).click();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText('sample.core');

  // A deep link with a hash and a query still gets the cached page.
  await page.goto('./?from=link#v=threads');
  await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
  await context.setOffline(false);
});
