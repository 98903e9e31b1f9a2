/**
 * Search all dumped bytes for a pattern (e.g. `centos` to find the `centos.7-x64` a runtime left in memory).
 *
 * Only bytes in the dump are searched: a region's first inDump bytes (clamped to the file). Bytes past p_filesz are
 * not in the dump, and whatever follows a region in the file belongs to something else, so a match never runs past
 * inDump and never spans two regions, even regions that are adjacent in memory and in the file.
 *
 * Split for a worker pool like the census: planSearchChunks → SearchItem[] (serializable), searchChunk (pure),
 * hits concatenated in plan order. Each item owns the match *starts* in [matchFrom, matchTo), a range of
 * `sliceSize` bytes, and reads (pattern length − 1) bytes more, so a match crossing into the next slice is found,
 * and found exactly once: by the item that owns its start. Each read also includes `contextBytes` on both sides
 * (clipped to the region's dumped bytes), so a hit's context never needs a second read.
 */
import { MAX_READ } from '../io/byte-source';
import type { ScanRegion } from './scan-common';
import { DEFAULT_SLICE_SIZE, assert, checkSliceSize } from './scan-common';
import { readableLength } from '../memory/memory-reader';
import type { CompiledPattern } from './search-pattern';
import { findMatches } from './search-pattern';

export const DEFAULT_CONTEXT_BYTES = 16;
export const DEFAULT_SEARCH_LIMIT = 1000;

export interface SearchPlanOptions {
  /** Match starts per item (default 16 MiB); the read is longer by the pattern length − 1 and the context. */
  readonly sliceSize?: number;
  /** Context bytes kept before and after each hit (default 16). */
  readonly contextBytes?: number;
  /** The dump's size: clamps inDump so no item reads past EOF (the scan runtime passes the dump's size). */
  readonly fileSize?: number;
  /**
   * Where a region's non-zero bytes are, when a census found out (offsets from the region's start, sorted and
   * merged); undefined for a region it did not finish. A pattern that cannot match zero bytes is then looked for
   * only where it could start and still cover a touched byte, and the rest of the region is not read.
   */
  readonly touchedRanges?: (regionIndex: number) => readonly (readonly [number, number])[] | undefined;
}

export interface SearchItem {
  readonly regionIndex: number;
  readonly regionStart: bigint;
  /** The read: `length` bytes at `fileOffset`, which are the region's bytes from `regionOffset`. */
  readonly fileOffset: number;
  readonly length: number;
  readonly regionOffset: number;
  /** Region offsets of the match starts this item owns: [matchFrom, matchTo). */
  readonly matchFrom: number;
  readonly matchTo: number;
  readonly contextBytes: number;
}

export interface SearchHit {
  readonly address: bigint;
  readonly regionIndex: number;
  /** Offset of the match from the region's start, and where it is in the dump file. */
  readonly regionOffset: number;
  readonly fileOffset: number;
  /** Up to contextBytes before and after the match (the match included), clipped to the region's dumped bytes. */
  readonly context: Uint8Array;
  readonly contextAddress: bigint;
  /** Index of the match's first byte in `context`. */
  readonly matchIndex: number;
}

export function planSearchChunks(
  regions: readonly ScanRegion[],
  patternLength: number,
  options: SearchPlanOptions = {},
): SearchItem[] {
  const sliceSize = options.sliceSize ?? DEFAULT_SLICE_SIZE;
  const contextBytes = options.contextBytes ?? DEFAULT_CONTEXT_BYTES;
  checkSliceSize(sliceSize);
  assert(Number.isSafeInteger(patternLength) && patternLength > 0, `bad pattern length ${patternLength}`);
  assert(Number.isSafeInteger(contextBytes) && contextBytes >= 0, `bad context size ${contextBytes}`);
  // Keep every read within the 1 GiB ByteSource limit even for a huge slice.
  const step = Math.min(sliceSize, MAX_READ - (patternLength - 1) - 2 * contextBytes);
  assert(step > 0, 'pattern and context too large for one read');
  const items: SearchItem[] = [];
  regions.forEach((region, regionIndex) => {
    const length = readableLength(region, options.fileSize);
    const startsEnd = length - patternLength + 1; // exclusive: the last start where the pattern still fits
    const touched = options.touchedRanges?.(regionIndex);
    const spans = touched === undefined ? [[0, startsEnd] as const] : startSpans(touched, patternLength, startsEnd);
    for (const [spanFrom, spanTo] of spans) {
      for (let matchFrom = spanFrom; matchFrom < spanTo; matchFrom += step) {
        const matchTo = Math.min(matchFrom + step, spanTo);
        const readStart = Math.max(0, matchFrom - contextBytes);
        const readEnd = Math.min(length, matchTo - 1 + patternLength + contextBytes);
        items.push({
          regionIndex,
          regionStart: region.start,
          fileOffset: region.dumpOffset + readStart,
          length: readEnd - readStart,
          regionOffset: readStart,
          matchFrom,
          matchTo,
          contextBytes,
        });
      }
    }
  });
  return items;
}

/**
 * Match starts that can cover a touched byte: a match of a pattern that cannot match zeros overlaps some touched
 * range [a, b), so it starts in [a − (length − 1), b). Sorted and merged, clipped to [0, startsEnd).
 */
function startSpans(
  touched: readonly (readonly [number, number])[],
  patternLength: number,
  startsEnd: number,
): [number, number][] {
  const spans: [number, number][] = [];
  for (const [a, b] of touched) {
    const from = Math.max(0, a - (patternLength - 1));
    const to = Math.min(startsEnd, b);
    if (to <= from) continue;
    const last = spans[spans.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else spans.push([from, to]);
  }
  return spans;
}

/** Finds the item's matches (at most `limit`), in address order. `bytes` are the item's read. */
export function searchChunk(
  bytes: Uint8Array,
  pattern: CompiledPattern,
  item: SearchItem,
  limit: number = Number.POSITIVE_INFINITY,
): SearchHit[] {
  assert(bytes.length === item.length, `search item wants ${item.length} bytes, got ${bytes.length}`);
  const hits: SearchHit[] = [];
  if (limit <= 0) return hits;
  const base = item.regionOffset;
  findMatches(bytes, pattern, item.matchFrom - base, item.matchTo - base, (start) => {
    const contextStart = Math.max(0, start - item.contextBytes);
    const contextEnd = Math.min(bytes.length, start + pattern.length + item.contextBytes);
    const regionOffset = base + start;
    hits.push({
      address: item.regionStart + BigInt(regionOffset),
      regionIndex: item.regionIndex,
      regionOffset,
      fileOffset: item.fileOffset + start,
      context: bytes.slice(contextStart, contextEnd),
      contextAddress: item.regionStart + BigInt(base + contextStart),
      matchIndex: start - contextStart,
    });
    return hits.length < limit;
  });
  return hits;
}

/** A hit's context as printable ASCII ('.' for other bytes), split around the match: how the CLI and the page show it. */
export function hitText(
  hit: Pick<SearchHit, 'context' | 'matchIndex'>,
  patternLength: number,
): { before: string; match: string; after: string } {
  const text = (from: number, to: number) =>
    Array.from(hit.context.subarray(from, to), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const m = hit.matchIndex;
  return { before: text(0, m), match: text(m, m + patternLength), after: text(m + patternLength, hit.context.length) };
}
