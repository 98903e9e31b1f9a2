/**
 * True in the test build (`npm run build:test`, vite's `--mode test`), false in the product's: what it guards is
 * dropped from the product's bundle. Set by vite.config.ts (and vitest.config.ts).
 */
declare const __COREVIEW_TEST__: boolean;
