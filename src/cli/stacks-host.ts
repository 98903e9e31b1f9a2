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
    const result = await runStacksPass(analysis, new MemoryReader(source, analysis.regions), {
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
