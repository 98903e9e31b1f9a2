/**
 * The installable app: the manifest and its icons, files opened from the desktop (the launchQueue consumer fed
 * handles, as the browser would: a headless browser cannot install the app), the recent dumps that reopen with one
 * click after a reload, and a new version announced with "Reload to update" instead of swapped in.
 *
 * File handles come from the Origin Private File System, the one place a test can get real ones without a person at
 * the browser's file picker; the picker itself (showOpenFilePicker) is replaced by one that returns such handles.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { app, expect, openFile, ROOT, test, waitReady } from './fixtures';

/** Copies the file at `path` into the page's private file system as `name` (a file a handle can be had for). */
async function putInOpfs(page: Page, path: string, name: string): Promise<void> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'opfs-source';
    document.body.append(input);
  });
  await page.locator('#opfs-source').setInputFiles(path);
  await page.evaluate(async (to) => {
    const input = document.getElementById('opfs-source') as HTMLInputElement;
    const root = await navigator.storage.getDirectory();
    const writable = await (await root.getFileHandle(to, { create: true })).createWritable();
    await writable.write(input.files![0]!);
    await writable.close();
    input.remove();
  }, name);
}

/** The recent dumps as IndexedDB holds them: name, and whether a handle was kept. */
async function storedRecent(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('coreview');
        open.onerror = () => reject(open.error ?? new Error('IndexedDB refused'));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('recent-dumps')) {
            resolve([]);
            return;
          }
          const all = db.transaction('recent-dumps').objectStore('recent-dumps').getAll();
          all.onsuccess = () =>
            resolve(
              (all.result as { name: string; handle?: FileSystemFileHandle }[]).map(
                (e) => `${e.name}${e.handle?.kind === 'file' ? ' (handle)' : ''}`,
              ),
            );
          all.onerror = () => reject(all.error ?? new Error('getAll failed'));
        };
      }),
  );
}

function recentList(page: Page) {
  return page.getByRole('region', { name: 'Recent dumps' });
}

/** axe's violations (its default rules) in the light and the dark scheme, one line each: rule and where. */
async function audit(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations)
      found.push(`${scheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** The PNG's width and height, from its IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test('the manifest is served and parses; its icons load; it handles dump files', async ({ page, request }) => {
  await page.goto('./');
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBe('./manifest.webmanifest');
  const url = new URL(href!, page.url()).href;
  const response = await request.get(url);
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-type']).toBe('application/manifest+json');
  const manifest = JSON.parse(await response.text());
  expect(manifest).toMatchObject({
    name: expect.stringContaining('coreview'),
    short_name: 'coreview',
    start_url: './',
    scope: './',
    display: 'standalone',
    launch_handler: { client_mode: 'navigate-new' },
  });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);

  // Chromium's installability: PNGs of 192 and 512, and a maskable one for Android's launcher.
  const icons = manifest.icons as { src: string; sizes: string; type: string; purpose: string }[];
  expect(icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual([
    '192x192 any',
    '512x512 any',
    '512x512 maskable',
    'any any',
  ]);
  for (const icon of icons) {
    const got = await request.get(new URL(icon.src, url).href);
    expect(got.ok(), icon.src).toBe(true);
    expect(got.headers()['content-type']).toBe(icon.type);
    if (icon.type === 'image/png') expect(pngSize(await got.body())).toBe(icon.sizes);
    // And the browser draws it, from the page's own origin under its CSP.
    const drawn = await page.evaluate(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      return image.naturalWidth > 0 && image.naturalHeight > 0;
    }, new URL(icon.src, url).href);
    expect(drawn, icon.src).toBe(true);
  }

  const handlers = manifest.file_handlers as { action: string; accept: Record<string, string[]> }[];
  expect(handlers).toHaveLength(1);
  expect(handlers[0]!.action).toBe('./');
  expect(Object.values(handlers[0]!.accept).flat().sort()).toEqual(
    ['.core', '.dmp', '.gz', '.json', '.lz4', '.xz', '.zst'].sort(),
  );
});

test('the service worker precaches the app, not the sample', async ({ page }) => {
  await page.goto('./');
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const urls: string[] = [];
    for (const key of await caches.keys())
      for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  });
  expect(cached).toContain('/coreview/index.html');
  expect(cached).toContain('/coreview/manifest.webmanifest');
  expect(cached.some((u) => /\/assets\/index-.*\.js/.test(u))).toBe(true);
  expect(cached.some((u) => u.includes('/sample/'))).toBe(false);
});

test('a link to a file beside the page gets the file, not the page', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  // The page with any query is the cached page; anything else in its folder (a dump served for ?url=) is the file.
  const response = await page.goto('./sample/sample.json');
  expect(response?.headers()['content-type']).toContain('application/json');
  expect(JSON.parse(await response!.text()).file).toBe('sample.core.gz');
  await page.goto('./index.html?from=link#v=threads');
  await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
});

test('a file launched from the desktop opens like a dropped one and joins the recent dumps', async ({ page, core }) => {
  // The browser's launchQueue, replaced by one that hands the page's consumer to the test.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'launchQueue', {
      configurable: true,
      value: {
        setConsumer(consumer: unknown) {
          (window as unknown as { __launchConsumer?: unknown }).__launchConsumer = consumer;
        },
      },
    });
  });
  await page.goto('./');
  await putInOpfs(page, core, 'launched.core');
  await page.waitForFunction(() => typeof (window as { __launchConsumer?: unknown }).__launchConsumer === 'function');
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const consumer = (window as unknown as { __launchConsumer: (p: { files: FileSystemHandle[] }) => Promise<void> })
      .__launchConsumer;
    await consumer({ files: [await root.getFileHandle('launched.core')] });
  });
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText('launched.core');
  await expect(page.getByTestId('headline')).toContainText('% — in');
  await expect.poll(() => storedRecent(page)).toEqual(['launched.core (handle)']);
});

test('a dump picked with a handle reopens with one click after a reload, until it is forgotten', async ({
  page,
  core,
}) => {
  // The File System Access picker, answering with a handle to a file in the private file system.
  await page.addInitScript(() => {
    (window as unknown as { showOpenFilePicker: () => Promise<FileSystemFileHandle[]> }).showOpenFilePicker =
      async () => [await (await navigator.storage.getDirectory()).getFileHandle('picked.core')];
  });
  await page.goto('./');
  await putInOpfs(page, core, 'picked.core');
  await page.getByRole('button', { name: 'Open dump…' }).click();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText('picked.core');
  await expect.poll(() => storedRecent(page)).toEqual(['picked.core (handle)']);

  await page.reload();
  const list = recentList(page);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).not.toContainText('pick the file again');
  expect(await audit(page)).toEqual([]);
  await list.getByRole('button', { name: 'picked.core', exact: true }).click();
  await waitReady(page);
  await expect(page.locator('.topbar .file')).toContainText('picked.core');
  await expect(page.getByTestId('headline')).toContainText('% — in');

  await page.reload();
  await recentList(page).getByRole('button', { name: 'Forget picked.core' }).click();
  await expect(recentList(page)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
  await expect(recentList(page)).toHaveCount(0);
  expect(await storedRecent(page)).toEqual([]);
});

test('a dump opened without a handle is listed with a word to pick it again', async ({ page, core }) => {
  await page.goto('./');
  await openFile(page, core);
  await waitReady(page);
  await expect.poll(() => storedRecent(page)).toEqual([basename(core)]);
  await page.reload();
  const item = recentList(page).getByRole('listitem');
  await expect(item).toContainText(basename(core));
  await expect(item).toContainText('pick the file again');
  // Its name is no button: there is nothing to open it with.
  await expect(item.getByRole('button', { name: basename(core), exact: true })).toHaveCount(0);
  expect(await audit(page)).toEqual([]);
});

test('a file that is not a dump does not join the recent dumps', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'coreview-app-'));
  try {
    const notes = join(dir, 'notes.core');
    writeFileSync(notes, 'not a core dump\n');
    await page.goto('./');
    await openFile(page, notes);
    await expect(app(page)).toHaveAttribute('data-status', 'error');
    await page.reload();
    await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
    expect(await storedRecent(page)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A copy of the test build served on its own port, so that this test can publish a "new version" of it (a changed
 * sw.js) without touching what the other tests are served.
 */
const updateTest = test.extend<{ appCopy: { readonly dir: string; readonly url: string } }>({
  appCopy: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'coreview-update-'));
    cpSync(join(ROOT, 'dist-test'), dir, { recursive: true });
    const server = spawn(
      process.execPath,
      [join(ROOT, 'scripts/serve-static.mjs'), '--dir', dir, '--base', '/coreview/', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.once('exit', (code) => reject(new Error(`serve-static exited with ${code}`)));
        createInterface({ input: server.stdout }).on('line', (line) => {
          const served = / at (http:\S+)/.exec(line);
          if (served) resolve(served[1]!);
        });
      });
      await use({ dir, url });
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  // Everything the guard checks is then against the copy's origin.
  baseURL: async ({ appCopy }, use) => use(appCopy.url),
});

updateTest(
  'a new version waits for "Reload to update" and never reloads the page by itself',
  async ({ page, appCopy, core }) => {
    await page.goto('./');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller === null) {
        await new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
        );
      }
    });
    // A returning visit, then a dump being read.
    await page.reload();
    await openFile(page, core);
    await waitReady(page);
    const prompt = page.getByRole('button', { name: 'Reload to update' });
    await expect(prompt).toHaveCount(0);
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    // The server now has a new version; the page checks for one (as it does on each visit, and hourly). A check
    // can join one already under way that read the old sw.js (the browser merges update jobs): then the next
    // check finds it, as the next visit would. Once, the prompt had not come 15 s after a single check.
    appendFileSync(join(appCopy.dir, 'sw.js'), '\n// the next version\n');
    await expect(async () => {
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      await expect(prompt).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'A new version of coreview is ready' })).toBeVisible();
    expect(await audit(page)).toEqual([]);
    // It waits: the same page, the dump still on screen, the old version still in charge.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect(page.locator('.topbar .file')).toContainText(basename(core));
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe(
      'installed',
    );

    await Promise.all([page.waitForEvent('load'), prompt.click()]);
    await expect(page.getByRole('button', { name: 'Open sample dump' })).toBeVisible();
    expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBeUndefined();
    const after = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: registration?.waiting ?? null, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(after).toEqual({ waiting: null, controlled: true });
    await expect(prompt).toHaveCount(0);
  },
);
