/**
 * Reading the process's virtual memory out of a dump: which region holds an address, and the bytes at an address
 * with a mask of which ones are in the dump.
 *
 * Absent bytes — in no region, or mapped but past the region's inDump (p_filesz), or cut off by a truncated file —
 * are marked absent in `present` and left 0 in `bytes`; callers must show them as "??", never as zeros
 * (bytes past p_filesz are "not in dump", not zeros: a kernel core leaves out what it cannot or need not dump).
 */
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import type { Region } from '../model/types';
import { assert, readExactly, readableLength } from './scan-common';

export type MemoryRegion = Pick<Region, 'start' | 'end' | 'size' | 'inDump' | 'dumpOffset'>;

const ADDRESS_LIMIT = 1n << 64n;

/**
 * Regions sorted by start for binary search (the ELF spec orders PT_LOADs, but not every writer does). Indices
 * returned are indices into the array given to the constructor. Regions of a core do not overlap; if they did, an
 * address is looked up in the region with the greatest start at or below it.
 */
export class RegionIndex {
  /** Region indices in start order. */
  private readonly order: number[];
  private readonly starts: bigint[];

  constructor(readonly regions: readonly MemoryRegion[]) {
    this.order = regions.map((_, i) => i);
    this.order.sort((a, b) => compareBigint(startOf(regions, a), startOf(regions, b)) || a - b);
    this.starts = this.order.map((i) => startOf(regions, i));
  }

  /** Index of the region holding `address`, or undefined. */
  find(address: bigint): number | undefined {
    const pos = this.lastStartAtOrBelow(address);
    if (pos < 0) return undefined;
    const index = this.order[pos];
    assert(index !== undefined, 'region order out of range');
    const region = this.regions[index];
    return region !== undefined && address < region.end ? index : undefined;
  }

  /** Start of the first region starting above `address`, or undefined. */
  nextStartAbove(address: bigint): bigint | undefined {
    return this.starts[this.lastStartAtOrBelow(address) + 1];
  }

  /** Position in `starts` of the last start <= address, or -1. */
  private lastStartAtOrBelow(address: bigint): number {
    let lo = 0;
    let hi = this.starts.length; // invariant: starts[<lo] <= address < starts[>=hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.starts[mid];
      assert(s !== undefined, 'binary search out of range');
      if (s <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** One-off lookup; build a RegionIndex once when looking up many addresses. */
export function findRegion(regions: readonly MemoryRegion[] | RegionIndex, address: bigint): number | undefined {
  return asIndex(regions).find(address);
}

export interface PresentRange {
  /** Offset from the read's address. */
  readonly offset: number;
  readonly length: number;
}

export interface MemoryRead {
  readonly address: bigint;
  /** The bytes; absent ones are 0 here and must be shown as unknown. */
  readonly bytes: Uint8Array;
  /** 1 where the byte is in the dump, 0 where it is not. */
  readonly present: Uint8Array;
  /** The same as `present`, as sorted, merged ranges. */
  readonly ranges: readonly PresentRange[];
}

/**
 * Reads `length` bytes of virtual memory at `address` (clipped at 2^64). One file read per region piece present.
 */
export async function readMemory(
  source: ByteSource,
  regions: readonly MemoryRegion[] | RegionIndex,
  address: bigint,
  length: number,
): Promise<MemoryRead> {
  assert(address >= 0n && address < ADDRESS_LIMIT, `address ${address} out of range`);
  assert(Number.isSafeInteger(length) && length >= 0 && length <= MAX_READ, `bad read length ${length}`);
  if (BigInt(length) > ADDRESS_LIMIT - address) length = Number(ADDRESS_LIMIT - address);
  const index = asIndex(regions);
  const bytes = new Uint8Array(length);
  const present = new Uint8Array(length);
  const ranges: PresentRange[] = [];
  let cursor = 0;
  while (cursor < length) {
    const at = address + BigInt(cursor);
    const remaining = length - cursor;
    const regionIndex = index.find(at);
    const region = regionIndex === undefined ? undefined : index.regions[regionIndex];
    if (region === undefined) {
      const next = index.nextStartAbove(at);
      if (next === undefined) break;
      assert(next > at, 'region index returned a start at or below the address');
      cursor += Number(minBig(BigInt(remaining), next - at));
      continue;
    }
    const offset = Number(at - region.start);
    const inRegion = Math.min(remaining, Number(region.end - at));
    const readable = readableLength(region, source.size) - offset;
    if (readable <= 0) {
      cursor += inRegion;
      continue;
    }
    const n = Math.min(inRegion, readable);
    bytes.set(await readExactly(source, region.dumpOffset + offset, n), cursor);
    present.fill(1, cursor, cursor + n);
    const prev = ranges[ranges.length - 1];
    if (prev !== undefined && prev.offset + prev.length === cursor) {
      ranges[ranges.length - 1] = { offset: prev.offset, length: prev.length + n };
    } else {
      ranges.push({ offset: cursor, length: n });
    }
    cursor += n;
  }
  return { address, bytes, present, ranges };
}

export interface PageCacheOptions {
  /** Bytes per cached page, a power of two (default 64 KiB). */
  readonly pageSize?: number;
  /** Pages kept (default 128: 8 MiB, one default thread stack). */
  readonly capacity?: number;
}

/**
 * An LRU cache of fixed-size, address-aligned pages of virtual memory, so a hex view scrolling through an 8 MiB
 * stack reads each 64 KiB once. Concurrent requests for the same page share one read; a failed read is not cached.
 */
export class PageCache {
  readonly pageSize: number;
  readonly capacity: number;
  hits = 0;
  misses = 0;
  private readonly index: RegionIndex;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly pages = new Map<bigint, Promise<MemoryRead>>();

  constructor(
    private readonly source: ByteSource,
    regions: readonly MemoryRegion[] | RegionIndex,
    options: PageCacheOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 64 * 1024;
    this.capacity = options.capacity ?? 128;
    assert(this.pageSize > 0 && (this.pageSize & (this.pageSize - 1)) === 0, 'page size must be a power of two');
    assert(Number.isSafeInteger(this.capacity) && this.capacity > 0, 'capacity must be a positive integer');
    this.index = asIndex(regions);
  }

  get size(): number {
    return this.pages.size;
  }

  /** The page starting at `pageAddress` (a multiple of pageSize). */
  getPage(pageAddress: bigint): Promise<MemoryRead> {
    assert(pageAddress % BigInt(this.pageSize) === 0n, 'page address not aligned');
    const cached = this.pages.get(pageAddress);
    if (cached !== undefined) {
      this.hits += 1;
      this.pages.delete(pageAddress);
      this.pages.set(pageAddress, cached);
      return cached;
    }
    this.misses += 1;
    const page = readMemory(this.source, this.index, pageAddress, this.pageSize);
    this.pages.set(pageAddress, page);
    page.catch(() => {
      // A failed read is reported to the caller through the returned promise; only drop it from the cache here.
      if (this.pages.get(pageAddress) === page) this.pages.delete(pageAddress);
    });
    while (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next();
      if (oldest.done === true) break;
      this.pages.delete(oldest.value);
    }
    return page;
  }

  /** Same result as readMemory, assembled from cached pages. */
  async read(address: bigint, length: number): Promise<MemoryRead> {
    assert(address >= 0n && address < ADDRESS_LIMIT, `address ${address} out of range`);
    assert(Number.isSafeInteger(length) && length >= 0 && length <= MAX_READ, `bad read length ${length}`);
    if (BigInt(length) > ADDRESS_LIMIT - address) length = Number(ADDRESS_LIMIT - address);
    const size = BigInt(this.pageSize);
    const first = address - (address % size);
    const pageAddresses: bigint[] = [];
    for (let p = first; p < address + BigInt(length); p += size) pageAddresses.push(p);
    const pages = await Promise.all(pageAddresses.map((p) => this.getPage(p)));
    const bytes = new Uint8Array(length);
    const present = new Uint8Array(length);
    pages.forEach((page) => {
      // Copy the part of this page that overlaps [address, address + length).
      const from = maxBig(address, page.address);
      const to = minBig(address + BigInt(length), page.address + BigInt(page.bytes.length));
      if (from >= to) return;
      const src = Number(from - page.address);
      const dst = Number(from - address);
      const n = Number(to - from);
      bytes.set(page.bytes.subarray(src, src + n), dst);
      present.set(page.present.subarray(src, src + n), dst);
    });
    return { address, bytes, present, ranges: rangesOf(present) };
  }

  clear(): void {
    this.pages.clear();
  }
}

/** The runs of 1s in a present mask. */
export function rangesOf(present: Uint8Array): PresentRange[] {
  const ranges: PresentRange[] = [];
  let i = 0;
  while (i < present.length) {
    if (present[i] === 0) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < present.length && present[i] !== 0) i += 1;
    ranges.push({ offset: start, length: i - start });
  }
  return ranges;
}

function asIndex(regions: readonly MemoryRegion[] | RegionIndex): RegionIndex {
  return regions instanceof RegionIndex ? regions : new RegionIndex(regions);
}

function startOf(regions: readonly MemoryRegion[], i: number): bigint {
  const r = regions[i];
  assert(r !== undefined, 'region index out of range');
  return r.start;
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
