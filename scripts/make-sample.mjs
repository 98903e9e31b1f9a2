#!/usr/bin/env node
/**
 * Builds the web app's bundled sample: a kernel core of `threads 32` (32 workers blocked in recv() on default
 * 8 MiB stacks: the 788-thread service in miniature), gzip-compressed.
 *
 *   node scripts/make-sample.mjs [--threads N] [--out public/sample]
 *
 * Writes public/sample/sample.core.gz and public/sample/sample.json (the capture facts). The raw core is mostly
 * untouched stack pages: sparse on disk (the kernel skips zero pages) and ~1000:1 in gzip, so the .gz stays small
 * while the decompressed core is ~32 × 8 MiB. Needs gcc and a kernel.core_pattern that writes a file in the cwd.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, constants as zlib } from 'node:zlib';
import { makeDump, MakeDumpError } from './dumps/make-dump.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { threads: 32, out: join(ROOT, 'public', 'sample') };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--threads') options.threads = Number(argv[i + 1]);
    else if (argv[i] === '--out') options.out = resolve(argv[i + 1] ?? '');
    else throw new MakeDumpError(`unknown argument ${argv[i]}\nusage: make-sample.mjs [--threads N] [--out DIR]`);
  }
  return options;
}

async function main() {
  const { threads, out } = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'coreview-sample-'));
  try {
    const dump = await makeDump({ threads, producer: 'kernel', outDir: work, log: (line) => console.log(line) });
    await mkdir(out, { recursive: true });
    const gzPath = join(out, 'sample.core.gz');
    const started = Date.now();
    const hash = createHash('sha256');
    const input = createReadStream(dump.core);
    input.on('data', (chunk) => hash.update(chunk));
    await pipeline(input, createGzip({ level: zlib.Z_BEST_COMPRESSION }), createWriteStream(gzPath));
    const gzipMs = Date.now() - started;
    const gzSize = (await stat(gzPath)).size;
    const diskBlocks = (await stat(dump.core)).blocks * 512;
    const maps = await readFile(dump.maps, 'utf8');
    const tids = (await readFile(dump.tids, 'utf8')).split('\n').filter(Boolean).map(Number);

    const facts = {
      file: 'sample.core.gz',
      description:
        `Kernel core of scripts/dumps/threads.c: ${threads} threads blocked in recv() on default 8 MiB stacks, ` +
        'plus the main thread, which called abort()',
      producer: dump.meta.producer,
      pid: dump.meta.pid,
      threads: dump.meta.threads,
      workerThreads: threads,
      tids,
      stackKb: dump.meta.stackKb,
      executable: dump.meta.exe,
      mappings: maps.split('\n').filter(Boolean).length,
      coreSize: dump.meta.coreSize,
      coreSha256: hash.digest('hex'),
      gzSize,
      kernel: dump.meta.kernel,
      arch: dump.meta.arch,
      date: dump.meta.createdAt,
      command: `node scripts/make-sample.mjs --threads ${threads}`,
    };
    // One tid list line rather than 33.
    const json = JSON.stringify(facts, null, 2).replace(/"tids": \[[^\]]*\]/, `"tids": ${JSON.stringify(tids)}`);
    await writeFile(join(out, 'sample.json'), json + '\n');
    const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;
    console.log(
      `${relative(ROOT, gzPath)}: ${mib(gzSize)} gzip (${gzipMs} ms) of a ${mib(dump.meta.coreSize)} core ` +
        `(${mib(diskBlocks)} on disk: sparse), ${dump.meta.threads} threads, ${facts.mappings} mappings`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof MakeDumpError)) throw error;
  console.error(`make-sample: ${error.message}`);
  process.exitCode = 1;
}
