/**
 * What a scan is asked to do, what it reports while it runs and how it ends — the same for every host. All of it
 * is plain data (typed arrays, bigints) so that it can cross postMessage; per-region values travel as typed arrays,
 * so a batch of 100k regions is a few buffers, not 100k objects.
 */
import type { OsIdentification, RuntimeInfo } from '../types';
import type { PatternError, SearchQuery } from '../scan/search-pattern';

/** Chosen by the host (monotonic), so it can name a scan before the scan starts. */
export type ScanId = number;

/** Measurement knobs (URL flags, the benchmark); defaults: 16 MiB slices, 2 jobs in flight per lane. */
export interface ScanTuning {
  readonly sliceSize?: number;
  readonly depth?: number;
}

/** `read-only`: the census's reads and nothing else — the baseline the census speed is measured against. */
export type ScanRequest =
  | { readonly kind: 'census'; readonly tuning?: ScanTuning }
  | { readonly kind: 'search'; readonly query: SearchQuery; readonly limit: number; readonly tuning?: ScanTuning }
  | { readonly kind: 'read-only'; readonly tuning?: ScanTuning };

export interface ScanProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly itemsDone: number;
  readonly itemsTotal: number;
  readonly elapsedMs: number;
  /** Lanes taking part. */
  readonly workers: number;
}

/**
 * What arrived since the last batch. Regions and threads: indices whose census just completed, with their values.
 * Kinds and images: the running sums, aligned with Analysis.totals / imageTotals (small: replaced whole).
 */
export interface CensusBatch {
  readonly regions: Uint32Array;
  readonly touched: Float64Array;
  readonly threads: Uint32Array;
  readonly threadTouched: Float64Array;
  /** Stack top minus the deepest touched page below it (0 when none is touched). */
  readonly threadDepth: Float64Array;
  /** That page's address; 0 when none. */
  readonly threadHighWater: BigUint64Array;
  /** 1 when part of the stack region is not in the dump: the mark is what the dumped pages show. */
  readonly threadPartial: Uint8Array;
  readonly kindTouched: Float64Array;
  /** Regions of each kind whose census is not in yet. */
  readonly kindPending: Uint32Array;
  readonly imageTouched: Float64Array;
  readonly imagePending: Uint32Array;
}

/** One search hit, ready to show: the context as printable text split around the match. */
export interface SearchHitRow {
  readonly address: bigint;
  readonly regionIndex: number;
  readonly before: string;
  readonly match: string;
  readonly after: string;
}

export type ScanEvent =
  | { readonly kind: 'census'; readonly scanId: ScanId; readonly progress: ScanProgress; readonly batch: CensusBatch }
  | {
      readonly kind: 'hits';
      readonly scanId: ScanId;
      readonly progress: ScanProgress;
      readonly hits: readonly SearchHitRow[];
    }
  | { readonly kind: 'progress'; readonly scanId: ScanId; readonly progress: ScanProgress };

/**
 * How a scan ended. `failures`: one line per lost lane or unreadable slice; a census with failures is not
 * complete and the regions without a result are the missing ones. A complete census names the OS its memory
 * clues point to.
 */
export type ScanEnd =
  | {
      readonly ok: true;
      readonly kind: 'census';
      readonly complete: boolean;
      /** Touched bytes per region index; NaN where a region's census is missing. */
      readonly touched: Float64Array;
      readonly os?: OsIdentification;
      /** The runtime with what memory adds to it (a version), when it adds anything. */
      readonly runtime?: RuntimeInfo;
      readonly progress: ScanProgress;
      readonly failures: readonly string[];
    }
  | {
      readonly ok: true;
      readonly kind: 'search';
      readonly limitReached: boolean;
      readonly hits: number;
      readonly progress: ScanProgress;
      readonly failures: readonly string[];
    }
  | {
      readonly ok: true;
      readonly kind: 'read-only';
      readonly progress: ScanProgress;
      readonly failures: readonly string[];
    }
  | { readonly ok: true; readonly kind: 'cancelled' }
  | { readonly ok: false; readonly reason: 'not-loaded' }
  | { readonly ok: false; readonly reason: 'pattern'; readonly error: PatternError };

/**
 * A search that stopped at its limit: it stays open for more (or a cancel). Takes a host's own outcomes too (a
 * lost coordinator: never paused).
 */
export function isPausedSearch(end: { readonly ok: boolean }): boolean {
  return end.ok && 'limitReached' in end && end.limitReached === true;
}

/** The typed arrays' buffers, to transfer rather than copy. */
export function batchBuffers(b: CensusBatch): ArrayBuffer[] {
  const arrays = [
    b.regions,
    b.touched,
    b.threads,
    b.threadTouched,
    b.threadDepth,
    b.threadHighWater,
    b.threadPartial,
    b.kindTouched,
    b.kindPending,
    b.imageTouched,
    b.imagePending,
  ];
  return arrays.map((x) => x.buffer as ArrayBuffer);
}
