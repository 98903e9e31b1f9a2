// Bundles the CLI (src/cli/main.ts and the engine it imports) into one CommonJS file, so `coreview` starts in
// tens of milliseconds with no TypeScript runtime. CommonJS, not ESM: the ESM loader's asynchronous load and
// translate steps add to every start (the bench's `coreview --version` row: Node's start plus loading the
// bundle), and a lazily imported module
// (the scan commands, node:worker_threads) stays unloaded only in CommonJS output. Run by `npm install`
// (prepare) and by bin/coreview.cjs when the bundle is missing or older than the sources.
import { build } from 'esbuild';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export async function buildCli() {
  await build({
    entryPoints: [join(root, 'src/cli/main.ts'), join(root, 'src/cli/scan-thread.ts')],
    outdir: join(root, 'build/cli'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: false,
    minify: true,
    logLevel: 'warning',
    define: { COREVIEW_VERSION: JSON.stringify(version) },
  });
  // The demangler's WebAssembly module, read at run time from beside the bundle (src/cli/demangler.ts): esbuild
  // does not bundle .wasm, and the command must not depend on where node_modules is.
  copyFileSync(join(root, 'node_modules/gecko-profiler-demangle/index_bg.wasm'), join(root, 'build/cli/index_bg.wasm'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
