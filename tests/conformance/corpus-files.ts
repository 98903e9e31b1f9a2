/**
 * The corpus' ELF cores for the conformance suite, read in place (never copied into the repository). Plain cores
 * are opened as files (NodeFileSource: the same path the CLI takes); gzip-compressed ones are decompressed with
 * node:zlib once per run, kept in memory, and served through MemorySource.
 */
import { statSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MemorySource, type ByteSource } from '../../src/core/io/byte-source';
import { NodeFileSource } from '../../src/cli/node-file-source';
import { corpusCoreFiles, coreName } from './corpus-notes';

export interface CorpusEntry {
  /** Corpus name without directory and .core/.core.gz ("elfutils-backtrace.x32"). */
  readonly name: string;
  readonly path: string;
  readonly compressed: boolean;
}

export function corpusEntries(): CorpusEntry[] {
  return corpusCoreFiles().map((path) => ({ name: coreName(path), path, compressed: path.endsWith('.gz') }));
}

const decompressed = new Map<string, Uint8Array>();

/** The core's bytes (decompressed once per run for .gz). */
export function coreBytes(entry: CorpusEntry): Uint8Array {
  let bytes = decompressed.get(entry.path);
  if (bytes === undefined) {
    const raw = readFileSync(entry.path);
    bytes = entry.compressed ? gunzipSync(raw) : raw;
    decompressed.set(entry.path, bytes);
  }
  return bytes;
}

/** Size of the core as the engine sees it (decompressed for .gz). */
export function coreSize(entry: CorpusEntry): number {
  return entry.compressed ? coreBytes(entry).length : statSync(entry.path).size;
}

/** A ByteSource over the core and a function to release it. */
export async function openCore(entry: CorpusEntry): Promise<{ source: ByteSource; close: () => Promise<void> }> {
  if (entry.compressed) return { source: new MemorySource(coreBytes(entry)), close: async () => {} };
  const file = await NodeFileSource.open(entry.path);
  return { source: file, close: () => file.close() };
}
