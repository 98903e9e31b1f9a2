// Bundles the CLI (src/cli/main.ts and the engine it imports) into one ESM file, so `coreview` starts in
// tens of milliseconds with no TypeScript runtime. Run by `npm install` (prepare) and by bin/coreview.mjs when
// the bundle is missing or older than the sources.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export async function buildCli() {
  await build({
    entryPoints: [join(root, 'src/cli/main.ts'), join(root, 'src/cli/scan-worker.ts')],
    outdir: join(root, 'build/cli'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    minify: true,
    logLevel: 'warning',
    define: { COREVIEW_VERSION: JSON.stringify(version) },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
