/**
 * `--stacks` on the command line: find the dump's modules' files (by build-id: the dump's own paths, --sysroot,
 * debug directories, debuginfod), a perf map for JIT code, start the demangler, and run the stacks pass — the
 * same pass the page runs in its engine worker.
 */
import { basename } from 'node:path';
import type { ByteSource } from '../core/io/byte-source';
import { openElfImage } from '../core/image/elf-image';
import { MemoryReader } from '../core/memory/memory-reader';
import { ProvidedFiles } from '../core/stacks/provided-files';
import { runStacksPass, type StacksResult } from '../core/stacks/stacks-pass';
import type { Analysis, Module, ModuleSymbols } from '../core/types';
import type { BinaryOptions } from './args';
import { findBinaries, findPerfMap } from './binary-finder';
import { loadCliDemangler } from './demangler';
import { NodeFileSource } from './node-file-source';

export async function stacksOnCli(
  analysis: Analysis,
  source: ByteSource,
  options: BinaryOptions,
): Promise<StacksResult> {
  const files = new ProvidedFiles();
  const opened: NodeFileSource[] = [];
  const open = async (path: string): Promise<NodeFileSource | undefined> => {
    try {
      const file = await NodeFileSource.open(path);
      opened.push(file);
      return file;
    } catch {
      return undefined;
    }
  };
  const statuses = new Map<Module, ModuleSymbols>();
  // Started first: its file read and WebAssembly compile run beside the file search, not after it.
  const demanglerLoading = loadCliDemangler();
  try {
    if (!options.offline) {
      const found = await findBinaries(analysis.modules, { ...options, env: process.env }, async (path) => {
        const file = await open(path);
        if (file === undefined) return undefined;
        try {
          return (await openElfImage(file, path)).buildId;
        } catch {
          return undefined;
        }
      });
      for (const [i, f] of found.entries()) {
        const module = analysis.modules[i];
        if (module === undefined) continue;
        statuses.set(module, f.status);
        for (const path of [f.image, f.debug]) {
          const file = path === undefined ? undefined : await open(path);
          if (path !== undefined && file !== undefined) await files.add(path, file);
        }
      }
    }
    const perfMaps = options.perfMaps.length > 0 ? options.perfMaps : [findPerfMap(analysis.process.pid)];
    for (const path of perfMaps) {
      const file = path === undefined || options.offline ? undefined : await open(path);
      if (path !== undefined && file !== undefined) await files.add(basename(path), file);
    }
    const demangler = await demanglerLoading;
    const progress = { shown: false };
    const dump = source instanceof NodeFileSource ? new PooledSmallReads(source) : source;
    const result = await runStacksPass(analysis, new MemoryReader(dump, analysis.regions), {
      files,
      statusOf: (m) => statuses.get(m),
      demangle: demangler.demangle,
      // Positioned reads cost little each here; the fresh memory a larger page brings in is what costs.
      pageSize: 4096,
      onBatch: (b) => {
        // On a terminal only, like the scans' progress; silent in pipes and CI logs.
        if (!process.stderr.isTTY) return;
        process.stderr.write(`\rcoreview: unwinding ${b.done} of ${b.total} threads `);
        progress.shown = true;
      },
    });
    if (progress.shown) process.stderr.write('\r\x1b[K');
    return demangler.warning === undefined ? result : { ...result, warnings: [...result.warnings, demangler.warning] };
  } finally {
    await Promise.all(opened.map((f) => f.close()));
  }
}

/** Reads up to this size share pooled buffers: the walk's stack pages, a few KiB each. */
const SMALL_READ = 64 * 1024;
const POOL = 1 << 20;

/**
 * The dump as the walk reads it: each small read lands in a slice of a shared 1 MiB buffer instead of a buffer of
 * its own. The walk reads a page or two of each of hundreds of threads' stacks, and a fresh ArrayBuffer per read
 * cost more than the read itself (allocation, then the collector tracking each one). Slices are never reused, so
 * every read's bytes stay the caller's, as the ByteSource contract wants.
 */
class PooledSmallReads implements ByteSource {
  private pool = new Uint8Array(0);
  private used = 0;

  constructor(private readonly file: NodeFileSource) {}

  get size(): number {
    return this.file.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length > SMALL_READ) return this.file.read(offset, length);
    const want = Math.max(0, Math.min(length, this.size - offset));
    // 8-byte aligned slices: a DataView or a typed array over them reads words at natural alignment.
    const reserved = (want + 7) & ~7;
    if (this.used + reserved > this.pool.length) {
      this.pool = new Uint8Array(POOL);
      this.used = 0;
    }
    const target = this.pool.subarray(this.used, this.used + want);
    this.used += reserved;
    const got = await this.file.readInto(target, offset);
    return target.subarray(0, got);
  }
}
