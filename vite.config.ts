/**
 * The static app: `base: './'` so dist/ works from any host and any sub-path; no server code. `--mode test`
 * (`npm run build:test`) builds the same app into dist-test/ with __COREVIEW_TEST__ true: the test entry
 * (src/app/test-entry.ts) and the workers' test methods are in that build only. Small plugins:
 * - coreview-csp-dev: the dev server's React refresh preamble is an inline script, which the CSP meta tag in
 *   index.html forbids; the tag is dropped in dev only (the built app runs under it, and e2e checks that).
 * - vite-plugin-pwa (Workbox): the web app manifest and the service worker, dist/sw.js; see pwa() for what it does.
 * - coreview-compile-hints: see compileEagerly.
 */
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { urlOrigins } from './scripts/vite-url-origins.mjs';
import { defineConfig, type Plugin } from 'vite';

/**
 * The installable app. The service worker (Workbox, generated at build time as dist/sw.js: a stable name, so a
 * registration survives rebuilds) precaches the built app, every query or hash of the page gets the cached
 * index.html, and the sample is cached only once someone fetched it. registerType 'prompt': a new version waits
 * until the user clicks "Reload to update" (src/app/update-prompt.ts), so it is never swapped under an analysis;
 * clientsClaim: the first visit's page is controlled at once, so what it fetches (the sample) is cached for
 * offline use. injectRegister false: the page registers it from main.tsx (the CSP forbids inline scripts).
 */
function pwa(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    // The icons and the favicon are in globPatterns below, with everything else the build writes.
    includeManifestIcons: false,
    manifest: {
      id: './',
      name: 'coreview — Linux core dump viewer',
      short_name: 'coreview',
      description:
        'A Linux core dump viewer that runs in your browser: regions, per-kind totals and thread stacks. Nothing is uploaded.',
      start_url: './',
      scope: './',
      display: 'standalone',
      theme_color: '#2b5fb3',
      background_color: '#ffffff',
      icons: [
        { src: 'icons/coreview-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/coreview-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icons/coreview-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'icons/coreview.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      ],
      // The installed app opens these from the desktop (src/state/launch-files.ts takes them). Browsers match by
      // extension only: a core named core.1234 needs "Open with".
      file_handlers: [
        {
          action: './',
          accept: {
            'application/octet-stream': ['.core', '.dmp'],
            'application/zstd': ['.zst'],
            'application/gzip': ['.gz'],
            'application/x-xz': ['.xz'],
            'application/x-lz4': ['.lz4'],
            'application/json': ['.json'],
          },
        },
      ],
      // Each file opened from the desktop gets a window of its own: a dump being read in another is never replaced.
      launch_handler: { client_mode: 'navigate-new' },
    },
    workbox: {
      // The manifest is added by the plugin itself.
      globPatterns: ['**/*.{html,js,css,svg,png,wasm}'],
      // The sample is fetched (and then cached, below) only by those who ask for it.
      globIgnores: ['sample/**'],
      // The app's chunk and the workers' bundles: a file over Workbox's 2 MiB default would silently not be
      // precached, and the app would not open offline.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      navigateFallback: 'index.html',
      // Only the page itself (any query): a link to a file beside it (a dump served for ?url=) still downloads it.
      navigateFallbackAllowlist: [/\/(index\.html)?(\?.*)?$/],
      clientsClaim: true,
      cleanupOutdatedCaches: true,
      // The service worker before this one (hand-written, caches named coreview-<hash>) left its caches behind.
      importScripts: ['sw-legacy-cleanup.js'],
      runtimeCaching: [
        {
          urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/sample\/[^/]+$/.test(url.pathname),
          handler: 'CacheFirst',
          options: { cacheName: 'coreview-sample', cacheableResponse: { statuses: [200] } },
        },
      ],
    },
  });
}

/**
 * Starts every built script with V8's explicit compile hint, `//# allFunctionsCalledOnLoad`: Chromium then compiles
 * all of its functions as the script loads (while the page waits for a dump) instead of each on its first call.
 * Without it, the first dump paid for compiling the views, react-table and the engine on the spot: in the
 * 800-thread benchmark, setInputFiles → rows went from 131 to 115 ms (median of 10, same run; first render 47 → 39
 * ms, worker 56 → 52 ms). Other engines ignore the comment. Added after minification, which would drop it.
 */
function compileEagerly(): Plugin {
  return {
    name: 'coreview-compile-hints',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
      }
    },
  };
}

function cspOnlyInBuild(): Plugin {
  return {
    name: 'coreview-csp-dev',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig(({ mode }) => ({
  base: './',
  define: { __COREVIEW_TEST__: JSON.stringify(mode === 'test') },
  plugins: [react(), cspOnlyInBuild(), urlOrigins(), compileEagerly(), pwa()],
  worker: { format: 'es', plugins: () => [compileEagerly()] },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The charts are the biggest piece; one chunk for the app keeps the precache list short and the page simple.
    chunkSizeWarningLimit: 1200,
    outDir: mode === 'test' ? 'dist-test' : 'dist',
  },
}));
