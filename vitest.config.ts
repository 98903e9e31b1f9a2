import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Unit tests run the product's code paths: the test build's entry is for the browser (npm run build:test).
  define: { __COREVIEW_TEST__: 'false' },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
