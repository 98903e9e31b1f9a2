/**
 * Memory for the hex view, in the worker that holds the analysis: reads through the engine's PageCache (an LRU of
 * 64 KiB pages: scrolling an 8 MiB stack reads each page once) and finds the pointer-sized words that land in a
 * mapped region, labelled as the CLI's `--dump` labels them (model/address-label.ts), so the page can link them.
 */
import { BlobSource } from '../src/core/io/byte-source';
import { pointerWords } from '../src/core/model/address-label';
import type { Analysis } from '../src/core/model/types';
import { PageCache, RegionIndex } from '../src/core/scan/memory-reader';
import type { MemoryResult, PointerLink } from './engine-protocol';

export interface MemoryAccess {
  readonly cache: PageCache;
  readonly index: RegionIndex;
}

export function memoryAccess(a: Analysis, file: Blob): MemoryAccess {
  const index = new RegionIndex(a.regions);
  return { index, cache: new PageCache(new BlobSource(file), index) };
}

/** One read for the hex view; at most 1 MiB (the view asks for 4 KiB chunks). */
export async function readForView(a: Analysis, m: MemoryAccess, address: bigint, length: number): Promise<MemoryResult> {
  const read = await m.cache.read(address, Math.min(length, 1 << 20));
  return { ok: true, address, bytes: read.bytes, present: read.present, links: pointerLinks(a, m.index, address, read.bytes, read.present) };
}

/** Words at addresses aligned to the word size (as the `dp` view shows them) whose value is in some region. */
export function pointerLinks(a: Analysis, index: RegionIndex, address: bigint, bytes: Uint8Array, present: Uint8Array): PointerLink[] {
  return pointerWords({ regions: a.regions, modules: a.modules, bits: a.dump.bits, endian: a.dump.endian, find: (v) => index.find(v) }, address, bytes, present);
}
