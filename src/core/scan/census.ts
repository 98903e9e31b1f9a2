/**
 * Touched-page census: for each region, how many of its dumped pages hold any non-zero byte.
 *
 * Why: a kernel core dumps anonymous private memory in full, zeros included, so "in dump" says nothing about use.
 * 788 threads × 8 MiB stacks mostly made of zero pages (the incident README's sample shows in miniature) is the
 * case this answers.
 *
 * Pages are `pageSize` (4 KiB) steps from the region's start address; the last dumped page may be partial when
 * inDump is not a multiple of the page size. Bytes mapped but not in the dump (size − inDump, or cut off by a
 * truncated file) are reported as `notInDumpBytes` and are never counted as zeros or as pages.
 *
 * Split for a worker pool:
 *   planCensusChunks(regions)  → CensusItem[]      (serializable; each one read of ≤ sliceSize bytes)
 *   censusChunk(bytes, item)   → CensusPartial     (pure; runs in any worker, in any order)
 *   mergeCensus(regions, partials) → RegionCensus[] (one per region, in region order)
 * A page split across items (slices that are not page multiples, or slices smaller than a page) is reported by
 * each item that covers part of it as a *shared* page index; the merge counts it once if any item saw it touched.
 */
import type { ScanRegion } from './scan-common';
import { DEFAULT_SLICE_SIZE, assert, checkSliceSize } from './scan-common';
import { readableLength } from '../memory/memory-reader';

export const CENSUS_PAGE_SIZE = 4096;

export interface CensusPlanOptions {
  /** Largest item, in bytes (default 16 MiB). */
  readonly sliceSize?: number;
  /** Census page size (default 4 KiB). */
  readonly pageSize?: number;
  /** The dump's size: clamps inDump so no item reads past EOF (the scan runtime passes the dump's size). */
  readonly fileSize?: number;
}

/** One read of a region's dumped bytes. Plain numbers only: it is posted to workers. */
export interface CensusItem {
  readonly regionIndex: number;
  /** Where the item's bytes start in the dump file. */
  readonly fileOffset: number;
  readonly length: number;
  /** Offset of the item's first byte from the region's start. */
  readonly regionOffset: number;
  /** Page (counted from the region start) holding the item's first byte. */
  readonly pageIndexBase: number;
  readonly pageSize: number;
}

export interface CensusPartial {
  readonly regionIndex: number;
  /** Touched pages strictly between the item's first and last page: no other item covers them. */
  readonly ownedTouched: number;
  /** The item's first and/or last page when touched: other items may cover part of them too. */
  readonly sharedTouched: readonly number[];
  readonly lowestTouchedPage?: number;
  readonly highestTouchedPage?: number;
}

export interface RegionCensus {
  readonly regionIndex: number;
  /** Bytes scanned: inDump, clamped to the file. */
  readonly dumpedBytes: number;
  /** Mapped but not in the dump (size − dumpedBytes): unknown content, never zeros. */
  readonly notInDumpBytes: number;
  /** Pages holding dumped bytes (the last one may be partial). */
  readonly dumpedPages: number;
  readonly touchedPages: number;
  /**
   * Dumped bytes of the touched pages: touchedPages × pageSize, except that a touched partial last page counts only
   * its dumped bytes (so it never exceeds dumpedBytes, and equals it when every page is touched).
   */
  readonly touchedBytes: number;
  /** Start address of the lowest touched page (for a stack: the deepest). */
  readonly lowestTouched?: bigint;
  /** Start address of the highest touched page. */
  readonly highestTouched?: bigint;
}

export function planCensusChunks(regions: readonly ScanRegion[], options: CensusPlanOptions = {}): CensusItem[] {
  const sliceSize = options.sliceSize ?? DEFAULT_SLICE_SIZE;
  const pageSize = options.pageSize ?? CENSUS_PAGE_SIZE;
  checkSliceSize(sliceSize);
  assert(Number.isSafeInteger(pageSize) && pageSize > 0, `bad page size ${pageSize}`);
  const items: CensusItem[] = [];
  regions.forEach((region, regionIndex) => {
    const length = readableLength(region, options.fileSize);
    for (let offset = 0; offset < length; offset += sliceSize) {
      items.push({
        regionIndex,
        fileOffset: region.dumpOffset + offset,
        length: Math.min(sliceSize, length - offset),
        regionOffset: offset,
        pageIndexBase: Math.floor(offset / pageSize),
        pageSize,
      });
    }
  });
  return items;
}

/** A range [from, to) of an item's bytes. */
export type ByteRange = readonly [number, number];

/**
 * The census's one question, "any non-zero byte in bytes[from, to)?", prepared once per slice. The default is
 * portable JavaScript (NonZeroScanner); a host with a native comparison can pass its own (the CLI: Node's memcmp).
 */
export type NonZeroTest = (bytes: Uint8Array) => (from: number, to: number) => boolean;

export const wordNonZeroTest: NonZeroTest = (bytes) => {
  const scanner = new NonZeroScanner(bytes);
  return (from, to) => scanner.any(from, to);
};

/**
 * censusChunk, plus the item's touched bytes as merged ranges: later passes over the same slice (the OS clues)
 * then look only where there is data — a few MB of a multi-GB dump of zero-filled stacks.
 */
export function censusChunkWithRanges(
  bytes: Uint8Array,
  item: CensusItem,
  nonZero: NonZeroTest = wordNonZeroTest,
): { partial: CensusPartial; touched: ByteRange[] } {
  const touched: [number, number][] = [];
  const partial = censusChunk(
    bytes,
    item,
    (from, to) => {
      const last = touched[touched.length - 1];
      if (last !== undefined && last[1] === from) last[1] = to;
      else touched.push([from, to]);
    },
    nonZero,
  );
  return { partial, touched };
}

/**
 * Scans one item's bytes (exactly `item.length` of them, read at `item.fileOffset`). `onTouched` hears each
 * touched page's byte range within `bytes`, in order.
 */
export function censusChunk(
  bytes: Uint8Array,
  item: CensusItem,
  onTouched?: (from: number, to: number) => void,
  nonZero: NonZeroTest = wordNonZeroTest,
): CensusPartial {
  assert(bytes.length === item.length, `census item wants ${item.length} bytes, got ${bytes.length}`);
  const { pageSize, regionOffset, pageIndexBase } = item;
  const lastPage = Math.floor((regionOffset + item.length - 1) / pageSize);
  const any = nonZero(bytes);
  let ownedTouched = 0;
  const sharedTouched: number[] = [];
  let lowestTouchedPage: number | undefined;
  let highestTouchedPage: number | undefined;
  let page = pageIndexBase;
  let pos = 0;
  while (pos < bytes.length) {
    const segmentEnd = Math.min(bytes.length, (page + 1) * pageSize - regionOffset);
    if (any(pos, segmentEnd)) {
      if (page === pageIndexBase || page === lastPage) sharedTouched.push(page);
      else ownedTouched += 1;
      lowestTouchedPage ??= page;
      highestTouchedPage = page;
      onTouched?.(pos, segmentEnd);
    }
    pos = segmentEnd;
    page += 1;
  }
  return { regionIndex: item.regionIndex, ownedTouched, sharedTouched, lowestTouchedPage, highestTouchedPage };
}

/** Combines partials (in any order) into one result per region; regions without items get an empty result. */
export function mergeCensus(
  regions: readonly ScanRegion[],
  partials: readonly CensusPartial[],
  options: Pick<CensusPlanOptions, 'pageSize' | 'fileSize'> = {},
): RegionCensus[] {
  const pageSize = options.pageSize ?? CENSUS_PAGE_SIZE;
  const owned = new Array<number>(regions.length).fill(0);
  const shared = regions.map(() => new Set<number>());
  const lowest = new Array<number | undefined>(regions.length).fill(undefined);
  const highest = new Array<number | undefined>(regions.length).fill(undefined);
  for (const partial of partials) {
    const i = partial.regionIndex;
    const sharedSet = shared[i];
    assert(sharedSet !== undefined, `census partial for unknown region ${i}`);
    owned[i] = (owned[i] ?? 0) + partial.ownedTouched;
    for (const page of partial.sharedTouched) sharedSet.add(page);
    lowest[i] = minDefined(lowest[i], partial.lowestTouchedPage);
    highest[i] = maxDefined(highest[i], partial.highestTouchedPage);
  }
  return regions.map((region, regionIndex): RegionCensus => {
    const dumpedBytes = readableLength(region, options.fileSize);
    const dumpedPages = Math.ceil(dumpedBytes / pageSize);
    const touchedPages = (owned[regionIndex] ?? 0) + (shared[regionIndex]?.size ?? 0);
    const low = lowest[regionIndex];
    const high = highest[regionIndex];
    let touchedBytes = touchedPages * pageSize;
    if (high !== undefined && high === dumpedPages - 1) touchedBytes -= dumpedPages * pageSize - dumpedBytes;
    const pageAddress = (page: number): bigint => region.start + BigInt(page) * BigInt(pageSize);
    return {
      regionIndex,
      dumpedBytes,
      notInDumpBytes: region.size - dumpedBytes,
      dumpedPages,
      touchedPages,
      touchedBytes,
      lowestTouched: low === undefined ? undefined : pageAddress(low),
      highestTouched: high === undefined ? undefined : pageAddress(high),
    };
  });
}

/**
 * "Any non-zero byte in bytes[from, to)?" — ORs 32-bit words over the 4-byte-aligned middle and falls back to
 * single bytes for the unaligned edges. Int32Array rather than BigUint64Array (no BigInt per word: ~1.6× faster),
 * eight words ORed per test with an early exit, fewer loop steps and branches than a word-at-a-time OR
 * (Float64Array would be faster still but reads 0x8000000000000000 as -0 === 0). `npm run bench -- --only census`
 * prints censusChunk's rate over 256 MiB of zero pages with this loop (row "census inner loop, the page's (word
 * loop)") and with the CLI's memcmp test (row "census inner loop, the CLI's (memcmp)"), each next to a bare
 * Buffer.compare (memcmp) loop over the same pages.
 * Alignment is taken from the underlying buffer so a subarray at any byteOffset still gets the word loop.
 */
class NonZeroScanner {
  private readonly words: Int32Array;
  /** Index in `bytes` of the first byte of words[0]. */
  private readonly head: number;

  constructor(private readonly bytes: Uint8Array) {
    this.head = (4 - (bytes.byteOffset & 3)) & 3;
    const wordCount = Math.floor((bytes.length - this.head) / 4);
    // Too short for one aligned word: an empty view (its offset must still be aligned, so don't make one there).
    this.words =
      wordCount > 0 ? new Int32Array(bytes.buffer, bytes.byteOffset + this.head, wordCount) : new Int32Array(0);
  }

  any(from: number, to: number): boolean {
    const { bytes, words, head } = this;
    const w0 = Math.max(0, Math.ceil((from - head) / 4));
    const w1 = Math.min(words.length, Math.floor((to - head) / 4));
    if (w1 <= w0) return anyByte(bytes, from, to);
    if (anyByte(bytes, from, head + 4 * w0)) return true;
    let w = w0;
    // Indices stay below w1 <= words.length, so every read is in bounds; `?? 0` only satisfies the type checker.
    for (const stop8 = w1 - 7; w < stop8; w += 8) {
      if (
        ((words[w] ?? 0) |
          (words[w + 1] ?? 0) |
          (words[w + 2] ?? 0) |
          (words[w + 3] ?? 0) |
          (words[w + 4] ?? 0) |
          (words[w + 5] ?? 0) |
          (words[w + 6] ?? 0) |
          (words[w + 7] ?? 0)) !==
        0
      ) {
        return true;
      }
    }
    for (; w < w1; w++) if ((words[w] ?? 0) !== 0) return true;
    return anyByte(bytes, head + 4 * w1, to);
  }
}

function anyByte(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return true;
  return false;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
