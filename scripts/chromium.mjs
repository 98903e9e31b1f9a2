// The Chromium the e2e tests and the browser bench launch, and how: $COREVIEW_CHROMIUM, else Debian's
// /usr/bin/chromium, else (where neither exists) Playwright's own browser. The flags keep a headless Chromium off the
// network it would otherwise reach for (updates, sync, QUIC), which a closed machine refuses.
import { existsSync } from 'node:fs';

const executable = process.env.COREVIEW_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumLaunchOptions = {
  ...(existsSync(executable) ? { executablePath: executable } : {}),
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
