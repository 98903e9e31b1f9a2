/**
 * One unit of work of a memory scan, and the one function that does it. Every host runs jobs through
 * `scanJobBytes`: the page's engine workers and the CLI's worker threads read the job's slice their own way (a Blob
 * slice, a reused Node buffer) and hand the bytes here, so the answer cannot depend on where the job ran.
 *
 * Jobs and results are plain data (numbers, typed arrays, bigints): they cross postMessage in both hosts.
 */
import {
  censusChunkWithRanges,
  wordNonZeroTest,
  type ByteRange,
  type CensusItem,
  type CensusPartial,
  type NonZeroTest,
} from '../scan/census';
import { osCluesInChunk, type OsClue } from '../scan/identify-os';
import { runtimeCluesInChunk, type RuntimeClue } from '../scan/runtime-clues';
import { searchChunk, type SearchHit, type SearchItem } from '../scan/search';
import type { CompiledPattern } from '../scan/search-pattern';

export type ScanJob =
  | { readonly kind: 'census'; readonly item: CensusItem }
  | { readonly kind: 'search'; readonly item: SearchItem; readonly pattern: CompiledPattern; readonly limit: number }
  | { readonly kind: 'read'; readonly fileOffset: number; readonly length: number };

/**
 * `touched`: the census item's touched bytes as merged ranges of the item (what a later search of the same dump
 * reads instead of the whole slice). `failed`: the bytes could not be read; the item's region is reported missing.
 */
export type ScanJobResult =
  | {
      readonly kind: 'census';
      readonly partial: CensusPartial;
      readonly clues: readonly OsClue[];
      readonly runtimeClues: readonly RuntimeClue[];
      readonly touched: readonly ByteRange[];
    }
  | { readonly kind: 'search'; readonly hits: readonly SearchHit[] }
  | { readonly kind: 'read'; readonly bytes: number }
  | { readonly kind: 'failed'; readonly message: string };

/** Where a job's bytes are in the dump file. */
export function jobSpan(job: ScanJob): { readonly fileOffset: number; readonly length: number } {
  return job.kind === 'read' ? job : job.item;
}

/**
 * Runs `job` over `bytes`, exactly its slice of the dump. `nonZero` is the census's zero test: the portable word
 * loop by default, a host's native comparison where it has one (the CLI's memcmp).
 */
export function scanJobBytes(bytes: Uint8Array, job: ScanJob, nonZero: NonZeroTest = wordNonZeroTest): ScanJobResult {
  switch (job.kind) {
    case 'census': {
      // The OS and runtime clues are looked for only in the touched pages the census just found: strings live there.
      const { partial, touched } = censusChunkWithRanges(bytes, job.item, nonZero);
      return {
        kind: 'census',
        partial,
        clues: osCluesInChunk(bytes, job.item, touched),
        runtimeClues: runtimeCluesInChunk(bytes, job.item, touched),
        touched,
      };
    }
    case 'search':
      // Hits carry copies of their context bytes, so a host may reuse `bytes` once this returns.
      return { kind: 'search', hits: searchChunk(bytes, job.pattern, job.item, job.limit) };
    case 'read':
      return { kind: 'read', bytes: bytes.length };
  }
}
