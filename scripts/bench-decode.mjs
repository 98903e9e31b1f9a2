// `npm run bench -- --only decode`: compressed dumps. A real kernel core (scripts/dumps/threads.c, 120 threads on
// default 8 MiB stacks: 1.0 GB, mostly untouched stack pages) compressed four ways with the system's tools, then
// per format, in the same run:
//   coreview's decode to a temporary file (src/cli/decompress-temp.ts: the CLI's path; the page runs the same
//   decoders, but for gzip, into OPFS)
//   vs the same decoder library decoding the same file to nothing                          target ≥ 0.8×
//   and the system tool (`zstd -dc > /dev/null`, …) as a reference for the library's own speed.
// Rates are MB/s of decompressed bytes (10^6), each the best of several runs (the machine is shared): coreview's two
// figures of `runs` alternated runs, 5 at least; the system tool's and fzstd's of `runs`.
// A second row per format: the JS memory (heap + ArrayBuffers) a decode to a file holds at its peak in the second half
// of the decoded bytes vs in the first, sampled after every chunk from a full GC: streaming keeps it flat.
// Last, why zstd is zstddec's WebAssembly build: it against fzstd (pure JavaScript) on 150 MB of the system's shared
// libraries, data that is not mostly zeros.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeDump } from './dumps/make-dump.mjs';

const FORMATS = [
  { kind: 'zstd', suffix: 'zst', compress: 'zstd -q -1 -T2 -c', tool: 'zstd -dc' },
  { kind: 'gzip', suffix: 'gz', compress: 'gzip -1 -c', tool: 'gzip -dc' },
  // xz decodes ~10× slower than the others: its file is the core's first 256 MB, to keep the section short.
  { kind: 'xz', suffix: 'xz', compress: 'xz -0 -T2 -c', tool: 'xz -dc', bytes: 256_000_000 },
  { kind: 'lz4', suffix: 'lz4', compress: 'lz4 -q -1 -c', tool: 'lz4 -dc' },
];

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** The CLI's decoding code, bundled as the CLI is (CommonJS: xz-decompress is a CommonJS module). */
async function loadDecoders(root, dir) {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'decoders.cjs');
  await build({
    stdin: {
      contents: "export { decodeTo, decodedChunks } from './src/cli/decompress-temp';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

async function best(runs, fn) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/**
 * The best time of each of two contenders over `runs` rounds, run in turn, so that a slow spell of the shared
 * machine slows both.
 */
async function bestAlternated(runs, first, second) {
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    a = Math.min(a, await best(1, first));
    b = Math.min(b, await best(1, second));
  }
  return [a, b];
}

/** A full garbage collection, without the --expose-gc flag on the command line. */
function fullGc() {
  setFlagsFromString('--expose-gc');
  runInNewContext('gc')();
}

/**
 * The JS memory (heap + ArrayBuffers, bytes above what was live at the start) a decode into `target` holds at its
 * peak in the first and in the second half of the decoded bytes, sampled after every chunk: flat means the second
 * half holds no more than the first.
 */
async function memoryByHalf(decodeTo, file, target, kind, size) {
  fullGc();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  const peak = [0, 0];
  await decodeTo(file, target, kind, (written) => {
    const half = written <= size / 2 ? 0 : 1;
    peak[half] = Math.max(peak[half], used() - base);
  });
  rmSync(target);
  return peak;
}

/** Decodes `file` with coreview's decoder for `kind`, keeping nothing; checks the decoded size. */
async function decodeToNothing(decodedChunks, file, kind, size) {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  let n = 0;
  const { chunks } = await decodedChunks(handle, kind, statSync(file).size);
  for await (const chunk of chunks) n += chunk.length;
  await handle.close();
  if (n !== size) throw new Error(`${kind}: decoded ${n} bytes, expected ${size}`);
}

/** Decodes the .zst `file` with fzstd (the pure-JavaScript decoder), keeping nothing; checks the decoded size. */
async function fzstdToNothing(file, size) {
  const fzstd = await import('fzstd');
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  let n = 0;
  const stream = new fzstd.Decompress((chunk) => (n += chunk.length));
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    stream.push(buffer.slice(0, bytesRead), bytesRead === 0);
    if (bytesRead === 0) break;
  }
  await handle.close();
  if (n !== size) throw new Error(`fzstd decoded ${n} bytes, expected ${size}`);
}

/** Data that is not mostly zeros: the first LIBS_BYTES of the system's shared libraries, in name order. */
const LIBS_DIR = '/usr/lib/x86_64-linux-gnu';
const LIBS_BYTES = 150_000_000;

/**
 * Why zstd goes through zstddec's WebAssembly build: it against fzstd on the shared libraries (a core's zero pages
 * flatter every decoder alike).
 */
async function zstdDecoderChoice(decodedChunks, outDir, runs, row) {
  const file = join(outDir, 'libs.zst');
  if (!existsSync(file)) {
    const made = spawnSync('sh', [
      '-c',
      `find '${LIBS_DIR}' -maxdepth 1 -type f -name '*.so*' | sort | xargs cat | head -c ${LIBS_BYTES} | zstd -q -3 -c > '${file}'`,
    ]);
    if (made.status !== 0 || statSync(file).size === 0) {
      rmSync(file, { force: true });
      console.log(`zstd decoder choice: no shared libraries in ${LIBS_DIR}: row skipped`);
      return;
    }
  }
  const size = Number(
    spawnSync('sh', ['-c', `zstd -dc '${file}' | wc -c`])
      .stdout.toString()
      .trim(),
  );
  const [ours, fzstd] = await bestAlternated(
    Math.max(runs, 3),
    () => decodeToNothing(decodedChunks, file, 'zstd', size),
    () => fzstdToNothing(file, size),
  );
  const rate = (ms) => size / 1e6 / (ms / 1000);
  row(`zstd on ${(size / 1e6).toFixed(0)} MB of shared libraries: zstddec`, rate(ours), 'MB/s', 'fzstd', rate(fzstd));
}

export async function benchDecode({ root, runs, row }) {
  const outDir = join(root, '.bench', 'decode-kernel-120');
  const core = join(outDir, 'core');
  if (!existsSync(core)) {
    console.log(`making a kernel dump of 120 threads in ${outDir} …`);
    await makeDump({ threads: 120, producer: 'kernel', outDir, timeoutMs: 120_000 });
  }
  const coreSize = statSync(core).size;
  const work = mkdtempSync(join(tmpdir(), 'coreview-bench-decode-'));
  try {
    const { decodeTo, decodedChunks } = await loadDecoders(root, work);
    console.log(
      `\ndecoding: a kernel core of 120 threads, ${(coreSize / 1e9).toFixed(2)} GB decompressed; best of ${Math.max(runs, 5)}`,
    );
    for (const f of FORMATS) {
      const file = join(outDir, `core${f.bytes === undefined ? '' : `-first-${f.bytes}`}.${f.suffix}`);
      if (!have(f.compress.split(' ')[0])) {
        console.log(`${f.kind}: ${f.compress.split(' ')[0]} not found: row skipped`);
        continue;
      }
      if (!existsSync(file) || statSync(file).mtimeMs < statSync(core).mtimeMs) {
        const input = f.bytes === undefined ? `< '${core}'` : `< '${core}' head -c ${f.bytes}`;
        const made = spawnSync('sh', ['-c', `${input} | ${f.compress} > '${file}'`]);
        if (made.status !== 0) throw new Error(`${f.compress} failed: ${made.stderr}`);
      }
      const compressed = statSync(file).size;
      const size = f.bytes ?? coreSize;
      const target = join(work, 'decoded.core');
      // At least 5 rounds, as one decode of this core takes 0.2–2 s: a noisy neighbour swings a single pair by ±30 %.
      const [toNothing, toFile] = await bestAlternated(
        Math.max(runs, 5),
        () => decodeToNothing(decodedChunks, file, f.kind, size),
        async () => {
          await decodeTo(file, target, f.kind);
          rmSync(target);
        },
      );
      const tool = await best(runs, () => {
        const r = spawnSync('sh', ['-c', `${f.tool} '${file}' > /dev/null`]);
        if (r.status !== 0) throw new Error(`${f.tool} failed: ${r.stderr}`);
      });
      const rate = (ms) => size / 1e6 / (ms / 1000);
      // Why zstd is zstddec's WebAssembly build: fzstd, the pure-JavaScript decoder, over the same file.
      let alternative = '';
      if (f.kind === 'zstd') {
        const ms = await best(runs, () => fzstdToNothing(file, size));
        alternative = `  [fzstd, pure JS, to nothing: ${rate(ms).toFixed(0)} MB/s]`;
      }
      const [firstHalf, secondHalf] = await memoryByHalf(decodeTo, file, target, f.kind, size);
      row(
        `${f.kind} (${(compressed / 1e6).toFixed(1)} → ${(size / 1e6).toFixed(0)} MB): decode to a temp file`,
        rate(toFile),
        'MB/s',
        'same decoder, to nothing',
        rate(toNothing),
        { kind: 'min', value: 0.8 },
        `  [${f.tool} > /dev/null: ${rate(tool).toFixed(0)} MB/s]${alternative}`,
      );
      row(`${f.kind}: JS memory peak, 2nd half of the decode`, secondHalf / 1e6, 'MB', '1st half', firstHalf / 1e6, {
        kind: 'max',
        value: 1.5,
      });
    }
    if (have('zstd')) await zstdDecoderChoice(decodedChunks, outDir, runs, row);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
