import { ADDRESS_LIMIT, checkRead, rangesOf, type MemoryRead, type MemoryReader } from './memory-reader';

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
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly pages = new Map<bigint, Promise<MemoryRead>>();

  constructor(
    private readonly memory: MemoryReader,
    options: PageCacheOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 64 * 1024;
    this.capacity = options.capacity ?? 128;
    if (this.pageSize <= 0 || (this.pageSize & (this.pageSize - 1)) !== 0) {
      throw new RangeError('page size must be a power of two');
    }
    if (!Number.isSafeInteger(this.capacity) || this.capacity <= 0) {
      throw new RangeError('capacity must be a positive integer');
    }
  }

  get size(): number {
    return this.pages.size;
  }

  /** The page starting at `pageAddress` (a multiple of pageSize). */
  getPage(pageAddress: bigint): Promise<MemoryRead> {
    if (pageAddress % BigInt(this.pageSize) !== 0n) throw new RangeError('page address not aligned');
    const cached = this.pages.get(pageAddress);
    if (cached !== undefined) {
      this.hits += 1;
      this.pages.delete(pageAddress);
      this.pages.set(pageAddress, cached);
      return cached;
    }
    this.misses += 1;
    const page = this.memory.read(pageAddress, this.pageSize);
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

  /** Same result as MemoryReader.read, assembled from cached pages. */
  async read(address: bigint, length: number): Promise<MemoryRead> {
    checkRead(address, length);
    if (BigInt(length) > ADDRESS_LIMIT - address) length = Number(ADDRESS_LIMIT - address);
    const size = BigInt(this.pageSize);
    const first = address - (address % size);
    const pageAddresses: bigint[] = [];
    for (let p = first; p < address + BigInt(length); p += size) pageAddresses.push(p);
    const pages = await Promise.all(pageAddresses.map((p) => this.getPage(p)));
    const bytes = new Uint8Array(length);
    const present = new Uint8Array(length);
    for (const page of pages) {
      // Copy the part of this page that overlaps [address, address + length).
      const from = address > page.address ? address : page.address;
      const pageEnd = page.address + BigInt(page.bytes.length);
      const to = address + BigInt(length) < pageEnd ? address + BigInt(length) : pageEnd;
      if (from >= to) continue;
      const src = Number(from - page.address);
      const dst = Number(from - address);
      const n = Number(to - from);
      bytes.set(page.bytes.subarray(src, src + n), dst);
      present.set(page.present.subarray(src, src + n), dst);
    }
    return { address, bytes, present, ranges: rangesOf(present) };
  }

  clear(): void {
    this.pages.clear();
  }
}
