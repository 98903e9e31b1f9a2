/**
 * Memory for the hex view, in the worker that holds the analysis: reads through the engine's PageCache (an LRU of
 * 64 KiB pages: scrolling an 8 MiB stack reads each page once) and finds the pointer-sized words that land in a
 * mapped region, labelled "libc.so.6+0x8aeec" in an image or by the region's kind, so the page can link them.
 */
import { BlobSource } from '../src/core/io/byte-source';
import { moduleAt, basename } from '../src/core/model/threads';
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
  const size = a.dump.bits === 64 ? 8 : 4;
  const little = a.dump.endian === 'little';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const links: PointerLink[] = [];
  const first = Number((BigInt(size) - (address % BigInt(size))) % BigInt(size));
  for (let at = first; at + size <= bytes.length; at += size) {
    if (!allPresent(present, at, at + size)) continue;
    const value = size === 8 ? view.getBigUint64(at, little) : BigInt(view.getUint32(at, little));
    // Small values (counts, flags) are never pointers worth a link, even in a dump that maps page 0.
    if (value < 0x10000n) continue;
    const region = index.find(value);
    if (region === undefined) continue;
    links.push({ offset: at, target: value, region, label: labelFor(a, region, value) });
  }
  return links;
}

function labelFor(a: Analysis, region: number, value: bigint): string {
  const r = a.regions[region];
  if (r === undefined) return '?';
  const m = moduleAt(value, a.regions, a.modules);
  if (m !== undefined) return `${basename(m.path)}+0x${(value - m.base).toString(16)}`;
  return r.heuristic !== undefined ? `${r.kind}?` : r.kind;
}

function allPresent(present: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (present[i] === 0) return false;
  return true;
}
