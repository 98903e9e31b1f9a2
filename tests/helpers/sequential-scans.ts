/**
 * The census and the search run one item after another over a ByteSource, in the test process: the plain
 * reference the scan runtime (src/core/run, lanes, merging, ordered delivery) is checked against.
 */
import type { ByteSource } from '../../src/core/io/byte-source';
import {
  censusChunk,
  mergeCensus,
  planCensusChunks,
  type CensusPlanOptions,
  type CensusPartial,
  type RegionCensus,
} from '../../src/core/scan/census';
import { assert, type ScanRegion } from '../../src/core/scan/scan-common';
import { readExactly } from '../../src/core/memory/memory-reader';
import { DEFAULT_SEARCH_LIMIT, planSearchChunks, searchChunk, type SearchHit } from '../../src/core/scan/search';
import {
  compilePattern,
  type CompiledPattern,
  type PatternError,
  type SearchQuery,
} from '../../src/core/scan/search-pattern';

interface ScanRunOptions {
  /** Largest single read, in bytes (default 16 MiB). Tests use tiny slices so every boundary is crossed. */
  readonly sliceSize?: number;
  readonly onProgress?: (progress: { readonly bytesDone: number; readonly bytesTotal: number }) => void;
}

/** The whole census, one item after another. */
export async function runCensus(
  source: ByteSource,
  regions: readonly ScanRegion[],
  options: ScanRunOptions & Pick<CensusPlanOptions, 'pageSize'> = {},
): Promise<RegionCensus[]> {
  const planOptions = { sliceSize: options.sliceSize, pageSize: options.pageSize, fileSize: source.size };
  const items = planCensusChunks(regions, planOptions);
  const bytesTotal = items.reduce((sum, item) => sum + item.length, 0);
  const partials: CensusPartial[] = [];
  let bytesDone = 0;
  for (const item of items) {
    const bytes = await readExactly(source, item.fileOffset, item.length);
    partials.push(censusChunk(bytes, item));
    bytesDone += item.length;
    options.onProgress?.({ bytesDone, bytesTotal });
  }
  return mergeCensus(regions, partials, planOptions);
}

interface SearchRunOptions extends ScanRunOptions {
  /** Stop after this many hits (default 1000). */
  readonly limit?: number;
  readonly contextBytes?: number;
  /** Streams each hit as it is found. */
  readonly onHit?: (hit: SearchHit) => void;
}

type SearchResult =
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

/** A search, one item after another. An invalid query is a typed error, not a throw. */
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
    const bytes = await readExactly(source, item.fileOffset, item.length);
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
