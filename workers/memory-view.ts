/**
 * Memory for the hex view, in the worker that holds the analysis: reads through the engine's PageCache (an LRU of
 * 64 KiB pages: scrolling an 8 MiB stack reads each page once) and finds the pointer-sized words that land in a
 * mapped region, labelled as the CLI's `--dump` labels them (model/address-label.ts), so the page can link them.
 */
import { BlobSource, type ByteSource } from '../src/core/io/byte-source';
import { pointerWords } from '../src/core/model/address-label';
import type { Analysis } from '../src/core/types';
import { MemoryReader } from '../src/core/memory/memory-reader';
import { PageCache } from '../src/core/memory/page-cache';
import type { MemoryResult, PointerLink } from './engine-protocol';

export interface MemoryAccess {
  readonly cache: PageCache;
}

/** `file`: the dump's File, or a ByteSource for one read otherwise (over HTTP). */
export function memoryAccess(a: Analysis, file: Blob | ByteSource): MemoryAccess {
  return { cache: new PageCache(new MemoryReader(file instanceof Blob ? new BlobSource(file) : file, a.regions)) };
}

/** One read for the hex view; at most 1 MiB (the view asks for 4 KiB chunks). */
export async function readForView(
  a: Analysis,
  m: MemoryAccess,
  address: bigint,
  length: number,
): Promise<MemoryResult> {
  const read = await m.cache.read(address, Math.min(length, 1 << 20));
  return {
    ok: true,
    address,
    bytes: read.bytes,
    present: read.present,
    links: pointerLinks(a, address, read.bytes, read.present),
  };
}

/** Words at addresses aligned to the word size (as the `dp` view shows them) whose value is in some region. */
export function pointerLinks(a: Analysis, address: bigint, bytes: Uint8Array, present: Uint8Array): PointerLink[] {
  return pointerWords(
    { regions: a.regions, modules: a.modules, bits: a.dump.bits, endian: a.dump.endian },
    address,
    bytes,
    present,
  );
}
