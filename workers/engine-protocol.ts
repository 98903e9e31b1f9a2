/**
 * The one interface between the page and an engine worker (comlink). Everything that crosses it is structured-
 * cloneable: no bigint objects of the model, no classes. Large per-region data travels as transferred typed arrays
 * (RegionColumns), so the main thread receives 100k regions without a per-row object or a per-row copy.
 *
 * Later additions (the memory-scan UI) go here as more methods on EngineApi, in the same style:
 *   census(id, items: CensusItem[]) → CensusPartial[]      (a pool fans a plan out over every worker)
 *   search(id, query: SearchQuery, items: SearchItem[]) → SearchHit[]
 *   readMemory(id, address: bigint, length: number) → { bytes, present }
 * A worker that does not hold the dump answers { ok: false, reason: 'not-loaded' } and the page attaches it first.
 */
import type { DumpErrorCode } from '../src/core/errors';
import type { ImageTotal, KindTotal } from '../src/core/model/types';

/** One loaded dump inside a worker. Chosen by the page (monotonic), so it can name a load before it resolves. */
export type DumpId = number;

/** What the progress line shows: which step is running, how many bytes so far, for how long. */
export interface LoadProgress {
  readonly phase: 'decompress' | 'analyze';
  /** "notes", "modules", "sample.core.gz", … */
  readonly step: string;
  /** Bytes produced so far: read from the dump, or decompressed. */
  readonly bytes: number;
  /** The dump's size, when reading one. */
  readonly totalBytes?: number;
  /** 0..1 when the end is known in advance (a download with a Content-Length: compressed bytes in). */
  readonly fraction?: number;
  readonly elapsedMs: number;
}

/**
 * Why a load failed. `dump`: the engine's DumpError (not a core, gzip, truncated header, …); `unreadable`: the
 * browser could not read the file (moved, permission, NotReadableError); `fetch`: the sample could not be fetched;
 * `worker`: the worker died; `internal`: an engine bug. Each message is one line for the page.
 */
export type LoadFailure =
  | { readonly kind: 'dump'; readonly code: DumpErrorCode; readonly message: string }
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'fetch'; readonly message: string }
  | { readonly kind: 'worker'; readonly message: string }
  | { readonly kind: 'internal'; readonly message: string };

export type LoadResult = { readonly ok: true; readonly view: AnalysisView } | { readonly ok: false; readonly failure: LoadFailure };

export type FetchResult = { readonly ok: true; readonly file: File } | { readonly ok: false; readonly failure: LoadFailure };

/** The text exports, each the CLI's exact text for the same rows. `rows` are region/thread indices in display order. */
export type ExportRequest =
  | { readonly kind: 'json' }
  | { readonly kind: 'regions-text'; readonly rows?: Uint32Array }
  | { readonly kind: 'regions-csv'; readonly rows?: Uint32Array }
  | { readonly kind: 'totals-text' }
  | { readonly kind: 'image-totals-text' }
  | { readonly kind: 'threads-text'; readonly rows?: Uint32Array };

export type ExportResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: 'not-loaded' };

export interface EngineApi {
  /** Runs the header pass over `file` (the File itself: structured clone keeps it disk-backed) and keeps it as `id`. */
  load(id: DumpId, file: Blob, name: string, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult>;
  /** Forgets a dump: its analysis and its file handle. */
  release(id: DumpId): void;
  /** Fetches a same-origin .gz (the sample) and gunzips it into a File, off the main thread. */
  fetchGzip(url: string, name: string, onProgress?: (progress: LoadProgress) => void): Promise<FetchResult>;
  exportText(id: DumpId, request: ExportRequest): Promise<ExportResult>;
  /** Test hook: an uncaught error inside the worker, as a crash would raise, so the pool's replacement is testable. */
  crashForTest(): void;
}

/** The load state the page shows. `previous` keeps the last good analysis on screen while loading or after a failure. */
export type LoadState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly name: string; readonly size?: number; readonly progress?: LoadProgress; readonly previous?: AnalysisView }
  | { readonly status: 'ready'; readonly view: AnalysisView }
  | { readonly status: 'error'; readonly name: string; readonly failure: LoadFailure; readonly previous?: AnalysisView };

/** Facts for the Overview, already formatted where the format is the engine's (hex addresses). */
export interface OverviewFacts {
  readonly process: {
    readonly name?: string;
    readonly args?: string;
    readonly pid?: number;
    readonly ppid?: number;
    readonly uid?: number;
    readonly executable?: string;
    readonly signal?: number;
    readonly signalName?: string;
    readonly signalCode?: number;
    readonly faultAddress?: string;
    readonly runtime?: { readonly name: string; readonly version?: string; readonly evidence: string };
  };
  readonly dump: {
    readonly size: number;
    readonly arch: string;
    readonly bits: 32 | 64;
    readonly endian: 'little' | 'big';
    readonly os: string;
    readonly pageSize: number;
    readonly producer: { readonly name: string; readonly evidence: string };
    readonly programHeaders: number;
    readonly loadSegments: number;
    readonly notes: number;
    readonly bytesRead: number;
    readonly warnings: readonly string[];
  };
  readonly modules: readonly ModuleRow[];
}

export interface ModuleRow {
  readonly path: string;
  readonly start: string;
  readonly end: string;
  readonly buildId?: string;
}

/**
 * The region table, struct-of-arrays; index i is region i of the engine's Analysis.regions.
 * - start/end: BigUint64Array, end exclusive; formatted only for the rows on screen.
 * - startRank/endRank: position of the region in start/end address order (PT_LOADs need not be sorted): address
 *   sort keys as plain numbers, so sorting 100k rows never compares bigints.
 * - size, inDump: bytes (Float64Array: exact up to 2^53).
 * - kind, type, state, protect, image: codes into the matching string table. Each table is sorted, so comparing
 *   codes compares the strings and a sort by kind or image is a numeric sort. image is -1 for anonymous memory.
 * - tid: -1 when no thread's stack is in the region.
 * - heuristic: index into `heuristics` (one entry per tagged region: evidence is per region), -1 when the kind is a
 *   fact rather than a guess.
 * - truncated: 1 when the dump file ends inside the region's bytes.
 */
export interface RegionColumns {
  readonly count: number;
  readonly start: BigUint64Array;
  readonly end: BigUint64Array;
  readonly startRank: Uint32Array;
  /** Position in end-address order (the same as startRank unless regions overlap). */
  readonly endRank: Uint32Array;
  readonly size: Float64Array;
  readonly inDump: Float64Array;
  readonly kind: Uint16Array;
  readonly kinds: readonly string[];
  readonly type: Uint8Array;
  readonly types: readonly string[];
  readonly state: Uint8Array;
  readonly states: readonly string[];
  readonly protect: Uint16Array;
  readonly protects: readonly string[];
  readonly image: Int32Array;
  readonly images: readonly string[];
  readonly tid: Int32Array;
  readonly heuristic: Int32Array;
  readonly heuristics: readonly { readonly name: string; readonly evidence: string }[];
  readonly truncated: Uint8Array;
  readonly dumpOffset: Float64Array;
  /** "rwx" with dashes, as in /proc/PID/maps: a code into `permsTable`. */
  readonly perms: Uint8Array;
  readonly permsTable: readonly string[];
  /** Hex digits of the highest address (end − 1), so the address columns can be sized without a pass over bigints. */
  readonly addressDigits: number;
}

export interface ThreadRow {
  readonly tid: number;
  readonly signal: number;
  /** "SIGSEGV", or "" when the thread carries no signal. */
  readonly signalName: string;
  readonly crashed: boolean;
  readonly pc?: string;
  readonly pcSymbol?: string;
  readonly sp?: string;
  readonly stackStart?: string;
  readonly stackEnd?: string;
  readonly stackSize?: number;
  readonly stackUsed?: number;
  readonly stackRegion?: number;
  readonly registers: readonly { readonly name: string; readonly value: string }[];
}

export interface AnalysisView {
  readonly id: DumpId;
  readonly fileName: string;
  /** Wall time of the header pass in the worker. */
  readonly analyzeMs: number;
  readonly overview: OverviewFacts;
  readonly regions: RegionColumns;
  readonly totals: readonly KindTotal[];
  readonly imageTotals: readonly ImageTotal[];
  readonly threads: readonly ThreadRow[];
}
