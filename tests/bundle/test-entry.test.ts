/**
 * The product's build (what `npm run build` writes to dist/) holds no test entry: no window.__coreview and no test
 * methods in the workers. The test build (`npm run build:test`) is built beside it as the control, so that a renamed
 * hook cannot make this pass by no longer matching.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEST_ONLY = ['__coreview', 'crashForTest', 'vanishForTest', 'scanStats', 'startRawRead', 'requested by a test'];

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

/** Every built script of the app built in `mode`, by file name. */
async function builtScripts(mode: 'production' | 'test'): Promise<Map<string, string>> {
  const outDir = mkdtempSync(join(tmpdir(), `coreview-${mode}-build-`));
  outDirs.push(outDir);
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    mode,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  const assets = join(outDir, 'assets');
  return new Map(
    readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => [f, readFileSync(join(assets, f), 'utf8')]),
  );
}

function found(scripts: Map<string, string>): string[] {
  return TEST_ONLY.filter((s) => [...scripts.values()].some((code) => code.includes(s)));
}

describe('the production build', () => {
  it('contains no test entry and no worker test methods; the test build contains them all', async () => {
    const product = await builtScripts('production');
    expect([...product.keys()].some((f) => f.startsWith('engine.worker'))).toBe(true);
    expect(found(product)).toEqual([]);
    // The constant is replaced, not left to be looked up at run time.
    expect([...product.values()].some((code) => code.includes('__COREVIEW_TEST__'))).toBe(false);

    const test = await builtScripts('test');
    expect(found(test)).toEqual(TEST_ONLY);
  });
});
