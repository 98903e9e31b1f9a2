/**
 * Search all dumped bytes for a pattern (the "centos" step of DESIGN §1: find `centos.7-x64` to learn the distro).
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
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import type { ScanRegion, ScanRunOptions } from './scan-common';
import { DEFAULT_SLICE_SIZE, assert, checkSliceSize, readExactly, readableLength, throwIfAborted } from './scan-common';
import type { CompiledPattern, PatternError, SearchQuery } from './search-pattern';
import { compilePattern, findMatches } from './search-pattern';

export const DEFAULT_CONTEXT_BYTES = 16;
export const DEFAULT_SEARCH_LIMIT = 1000;

export interface SearchPlanOptions {
  /** Match starts per item (default 16 MiB); the read is longer by the pattern length − 1 and the context. */
  readonly sliceSize?: number;
  /** Context bytes kept before and after each hit (default 16). */
  readonly contextBytes?: number;
  /** The dump's size: clamps inDump so no item reads past EOF (runSearch passes source.size). */
  readonly fileSize?: number;
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
    for (let matchFrom = 0; matchFrom < startsEnd; matchFrom += step) {
      const matchTo = Math.min(matchFrom + step, startsEnd);
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
  });
  return items;
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

export interface SearchRunOptions extends ScanRunOptions {
  /** Stop after this many hits (default 1000). */
  readonly limit?: number;
  readonly contextBytes?: number;
  /** Streams each hit as it is found. */
  readonly onHit?: (hit: SearchHit) => void;
}

export type SearchResult =
  | {
      readonly ok: true;
      readonly hits: SearchHit[];
      /** The run stopped at `limit` hits: there may be more. */
      readonly limitReached: boolean;
      /** Bytes read, and bytes the whole plan would read. */
      readonly bytesDone: number;
      readonly bytesTotal: number;
    }
  | { readonly ok: false; readonly error: PatternError };

/** Runs a search sequentially over a source. An invalid query is a typed error, not a throw. */
export async function runSearch(
  source: ByteSource,
  regions: readonly ScanRegion[],
  query: SearchQuery | CompiledPattern,
  options: SearchRunOptions = {},
): Promise<SearchResult> {
  let pattern: CompiledPattern;
  if ('kind' in query) {
    const compiled = compilePattern(query);
    if (!compiled.ok) return compiled;
    pattern = compiled.pattern;
  } else {
    pattern = query;
  }
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  assert(Number.isSafeInteger(limit) && limit > 0, `bad search limit ${limit}`);
  const items = planSearchChunks(regions, pattern.length, {
    sliceSize: options.sliceSize,
    contextBytes: options.contextBytes,
    fileSize: source.size,
  });
  const bytesTotal = items.reduce((sum, item) => sum + item.length, 0);
  const hits: SearchHit[] = [];
  let bytesDone = 0;
  for (const item of items) {
    throwIfAborted(options.signal);
    const bytes = await readExactly(source, item.fileOffset, item.length);
    throwIfAborted(options.signal);
    for (const hit of searchChunk(bytes, pattern, item, limit - hits.length)) {
      hits.push(hit);
      options.onHit?.(hit);
    }
    bytesDone += item.length;
    options.onProgress?.({ bytesDone, bytesTotal });
    if (hits.length >= limit) return { ok: true, hits, limitReached: true, bytesDone, bytesTotal };
  }
  return { ok: true, hits, limitReached: false, bytesDone, bytesTotal };
}

/** A hit's context as printable ASCII ('.' for other bytes), split around the match: how the CLI and the page show it. */
export function hitText(hit: Pick<SearchHit, 'context' | 'matchIndex'>, patternLength: number): { before: string; match: string; after: string } {
  const text = (from: number, to: number) => Array.from(hit.context.subarray(from, to), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const m = hit.matchIndex;
  return { before: text(0, m), match: text(m, m + patternLength), after: text(m + patternLength, hit.context.length) };
}
