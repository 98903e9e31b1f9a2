/**
 * e2e against the test build (`npm run build:test`: the product plus its test entry, window.__coreview), served
 * as static files under a sub-path (/coreview/) on a free port, in Debian's Chromium (Playwright cannot download its
 * own browser here). `npm run test:e2e`.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { execFileSync } from 'node:child_process';

/**
 * The config is evaluated again in every test worker process: the first evaluation picks a free port and puts it
 * in the environment, which the workers inherit, so all of them agree on the server's URL.
 */
function freePort(): string {
  const script =
    'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})';
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}
process.env.COREVIEW_E2E_PORT ??= freePort();
const port = process.env.COREVIEW_E2E_PORT;
export const BASE_PATH = '/coreview/';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}${BASE_PATH}`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    command: `npm run build:test && node scripts/serve-static.mjs --dir dist-test --base ${BASE_PATH} --port ${port}`,
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
