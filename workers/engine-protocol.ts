/**
 * The one interface between the page and an engine worker (comlink). Everything that crosses it is structured-
 * cloneable: no classes, bigints only as plain values. Large per-region data travels as transferred typed arrays
 * (RegionColumns, CensusBatch), so the main thread receives 100k regions without a per-row object or copy.
 *
 * Memory scans (census, search) fan out over the pool without the page in the loop:
 *   - the page gives the dump's File to every worker once (`attach`; a File is disk-backed, nothing is copied);
 *   - for each scan it links the other workers to the one holding the analysis (the *coordinator*) with a
 *     MessageChannel each (`servePeer` on the peer, the other ends passed to `startScan`);
 *   - the coordinator plans the items, hands them out (2 in flight per worker, itself included: `runJob`), merges
 *     the partials and sends the page small batched events (every ~150 ms), then the end.
 * A worker that does not hold the dump's analysis answers { ok: false, reason: 'not-loaded' } (exports, scans, memory
 * reads) and the page loads it again first; a job for a file it was not given comes back `failed`.
 */
import type { Compression } from '../src/core/compression/sniff-compression';
import type { DumpErrorCode } from '../src/core/errors';
import type {
  Finding,
  ImageTotal,
  KindTotal,
  ModuleSymbolStatus,
  ProcessEnvironment,
  Register,
  RuntimeInfo,
  StackGroup,
  Syscall,
  ThreadStack,
} from '../src/core/types';
import type { FileKind } from '../src/core/image/sniff';
import type {
  ScanEnd as RuntimeScanEnd,
  ScanEvent,
  ScanId,
  ScanRequest,
  ScanTuning,
} from '../src/core/run/scan-events';
import type { ScanJob, ScanJobResult } from '../src/core/run/scan-job';
import type { AnalysisView, DumpId, OsView, RegionColumns } from './analysis-types';

export type * from './analysis-types';
export type * from './report-types';
export type {
  CensusBatch,
  ScanEvent,
  ScanId,
  ScanProgress,
  ScanRequest,
  ScanTuning,
  SearchHitRow,
} from '../src/core/run/scan-events';

/** The scans the page runs: the runtime's passes but the raw read, which only the test build serves (EngineTestApi). */
export type PageScanRequest = Exclude<ScanRequest, { readonly kind: 'read-only' }>;
export type { ScanJob, ScanJobResult } from '../src/core/run/scan-job';
export { isPausedSearch } from '../src/core/run/scan-events';

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
 * `worker`: the worker died; `internal`: an engine bug; `report`: a saved report that does not read (its first bad
 * field named). Each message is one line for the page.
 */
export type LoadFailure =
  | { readonly kind: 'dump'; readonly code: DumpErrorCode; readonly message: string }
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'fetch'; readonly message: string }
  | { readonly kind: 'url'; readonly message: string }
  | { readonly kind: 'worker'; readonly message: string }
  | { readonly kind: 'internal'; readonly message: string }
  | { readonly kind: 'report'; readonly message: string }
  /** A compressed dump whose data is corrupt or cut short (the message names the format and the byte). */
  | { readonly kind: 'compressed'; readonly message: string }
  /** The browser refused the disk space a compressed dump decompresses to (the message says how much). */
  | { readonly kind: 'storage'; readonly message: string };

export type LoadResult =
  | {
      readonly ok: true;
      readonly view: AnalysisView;
      /**
       * A compressed dump's decoded copy (a temporary file of the page's own): what the page gives the other pool
       * workers and loads again after a lost worker, instead of the compressed file it opened.
       */
      readonly file?: File;
    }
  | { readonly ok: false; readonly failure: LoadFailure };

/**
 * A dump opened by URL and read with Range requests: what another pool worker needs to read it too (`attach`).
 * `size` comes from the first answer's Content-Range, so the other workers need not ask again.
 */
export interface UrlDump {
  readonly url: string;
  readonly size: number;
}

/**
 * How `loadUrl` went. `over`: read with Range requests (`range`), or downloaded whole into a File first (`file`: a
 * server without Range support, a report, a compressed dump) — the File the other workers are then given.
 */
export type UrlLoadResult =
  | {
      readonly ok: true;
      readonly view: AnalysisView;
      readonly over:
        { readonly kind: 'range'; readonly dump: UrlDump } | { readonly kind: 'file'; readonly file: File };
    }
  | { readonly ok: false; readonly failure: LoadFailure };

/** What a worker has fetched over HTTP for a dump opened by URL. */
export interface HttpFetched {
  readonly bytes: number;
  readonly requests: number;
}

/**
 * A file offered as a report's dump: a plain core's size and fingerprint, or a compressed file's compression and the
 * fingerprint of the core it decodes to (its decoded size is known only after decoding it all).
 */
export type DumpIdentity =
  | { readonly ok: true; readonly fingerprint: string; readonly size: number }
  | { readonly ok: true; readonly fingerprint: string; readonly compression: Compression }
  | { readonly ok: false; readonly message: string };

export type FetchResult =
  { readonly ok: true; readonly file: File } | { readonly ok: false; readonly failure: LoadFailure };

/**
 * The census as the page holds it, for an export: touched bytes per region index (NaN where the census is not in),
 * whether every region's census is in, and the OS the scan's memory clues name. The page is the source of truth:
 * it keeps what it has shown even when the worker that computed it is gone.
 */
export interface CensusExport {
  readonly touched: Float64Array;
  /** Per thread index: the stack's high-water depth (NaN where not in); the stack-size finding's evidence. */
  readonly threadDepth?: Float64Array;
  readonly complete: boolean;
  readonly os?: OsView;
  readonly runtime?: RuntimeInfo;
}

/**
 * The text exports, each the CLI's exact text for the same rows. `rows` are region/thread indices in display order.
 * With `census`, the JSON is `coreview --scan --json`'s (complete) and the tables get the CLI's Touched column.
 */
export type ExportRequest =
  | { readonly kind: 'json'; readonly census?: CensusExport }
  | { readonly kind: 'regions-text'; readonly rows?: Uint32Array; readonly census?: CensusExport }
  | { readonly kind: 'regions-csv'; readonly rows?: Uint32Array; readonly census?: CensusExport }
  | { readonly kind: 'totals-text'; readonly census?: CensusExport }
  | { readonly kind: 'image-totals-text' }
  | { readonly kind: 'threads-text'; readonly rows?: Uint32Array; readonly census?: CensusExport };

export type ExportResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: 'not-loaded' };

export type { FileKind } from '../src/core/image/sniff';

/** A file the user gave beside a dump: binaries, debug files, perf maps (read in the worker, never uploaded). */
export interface GivenFile {
  readonly file: Blob;
  readonly name: string;
}

/**
 * The stacks pass as it streams to the page: first what needs no unwinding (each thread's system call, the
 * environment, which modules' files matched), then the walked threads in batches (thread indices and stacks).
 */
export type StacksEvent =
  | {
      readonly kind: 'start';
      readonly syscalls: readonly (Syscall | undefined)[];
      readonly environment?: ProcessEnvironment;
      readonly modules: readonly ModuleSymbolStatus[];
      readonly total: number;
    }
  | {
      readonly kind: 'batch';
      readonly indices: readonly number[];
      readonly stacks: readonly ThreadStack[];
      readonly done: number;
      readonly total: number;
    };

export type StacksEnd =
  | {
      readonly ok: true;
      /** False when cancelled (a newer pass, the dump released) before every thread was walked. */
      readonly complete: boolean;
      readonly groups: readonly StackGroup[];
      readonly modules: readonly ModuleSymbolStatus[];
      readonly findings: readonly Finding[];
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly reason: 'not-loaded' | 'cancelled' }
  | { readonly ok: false; readonly reason: 'failed'; readonly message: string };

export interface EngineApi {
  /** What each file is, by its content (the first 4 KiB): a dump, a binary or debug file, a perf map, a report. */
  sortFiles(files: readonly GivenFile[]): Promise<FileKind[]>;
  /**
   * Runs the stacks pass over dump `id` with every file given so far beside it (a new call cancels the running
   * one: binaries added later mean a new pass). Events stream to `onEvent` (over Comlink each call answers with a
   * promise); the last is awaited before this resolves.
   */
  startStacks(id: DumpId, files: readonly GivenFile[], onEvent: (event: StacksEvent) => unknown): Promise<StacksEnd>;
  /** The findings again, with the census once it is in (the stack-size advice needs the high-water marks). */
  findings(id: DumpId, census?: CensusExport): Promise<readonly Finding[]>;
  /** Runs the header pass over `file` (the File itself: structured clone keeps it disk-backed) and keeps it as `id`. */
  load(id: DumpId, file: Blob, name: string, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult>;
  /**
   * Opens the dump or report at `url` as `load` opens a File: a plain core is read with Range requests (the header
   * pass now, scans and the stacks pass as they run); a server without Range support, a report or a compressed dump
   * is downloaded first (into the Origin Private File System where it may be large) and then loaded as a File.
   */
  loadUrl(id: DumpId, url: string, name: string, onProgress?: (progress: LoadProgress) => void): Promise<UrlLoadResult>;
  /** Bytes this worker fetched over HTTP for dump `id` (undefined when it does not read it by URL). */
  fetchedOverHttp(id: DumpId): HttpFetched | undefined;
  /** Forgets a dump: its analysis and its file handle. */
  release(id: DumpId): void;
  /** Fetches a same-origin .gz (the sample) and gunzips it into a File, off the main thread. */
  fetchGzip(url: string, name: string, onProgress?: (progress: LoadProgress) => void): Promise<FetchResult>;
  exportText(id: DumpId, request: ExportRequest): Promise<ExportResult>;
  /**
   * A file's size and fingerprint (ELF header, program headers, notes): to match a dump to the report on screen.
   * A compressed file is decoded only as far as its notes.
   */
  identify(file: Blob): Promise<DumpIdentity>;

  /**
   * Keeps `file` as dump `id` for scan reads (no header pass): how the other pool workers get the dump. A UrlDump
   * is read with Range requests from this worker.
   */
  attach(id: DumpId, file: Blob | UrlDump): void;
  /** Serves this same API on `port`, for the coordinator of one scan; the coordinator's release closes it. */
  servePeer(port: MessagePort): void;
  /** One work item over the dump's bytes (called by a coordinator, over a peer port or in its own worker). */
  runJob(id: DumpId, job: ScanJob): Promise<ScanJobResult>;
  /**
   * Runs a scan of dump `id` (this worker must hold its analysis) over itself and `peers`. Events stream to
   * `onEvent` (the last one is awaited before this resolves); a search that reaches its limit resolves and waits
   * for searchMore or cancelScan.
   */
  startScan(
    id: DumpId,
    scanId: ScanId,
    request: PageScanRequest,
    peers: readonly PeerPort[],
    onEvent: (event: ScanEvent) => void,
  ): Promise<ScanEnd>;
  /** Raises a paused search's limit and carries on; resolves like startScan. */
  searchMore(scanId: ScanId, limit: number): Promise<ScanEnd>;
  /** Stops handing out work and sends no more events; items already in flight finish and are dropped. */
  cancelScan(scanId: ScanId): void;
  /** The page saw a peer worker die: its items in flight are lost (reported, not retried). */
  peerLost(scanId: ScanId, slot: number): void;
  /** Virtual memory for the hex view, through a page cache in this worker (which must hold the analysis). */
  readMemory(id: DumpId, address: bigint, length: number): Promise<MemoryResult>;
  /**
   * One thread's registers, by its index in the view's threads. Asked for when a thread is shown, not sent with
   * the view: every thread's would be ~21,600 objects to build and copy for an 800-thread core on every load.
   */
  threadRegisters(id: DumpId, thread: number): Promise<RegistersResult>;
}

/**
 * What a worker of the test build (`npm run build:test`) serves besides EngineApi: what e2e tests and the browser
 * benchmark cannot reach through the page's UI. The product's workers do not have these methods.
 */
export interface EngineTestApi extends EngineApi {
  /** An uncaught error inside the worker, as a crash would raise, so the pool's replacement is testable. */
  crashForTest(): void;
  /** The worker ends itself without an error event, as one the browser kills does (the watchdog's case). */
  vanishForTest(): void;
  /** Work in flight in this worker right now, and jobs run since it started. */
  scanStats(): ScanStats;
  /** The census's reads without the computing, run as startScan runs a scan: the benchmark's baseline. */
  startRawRead(
    id: DumpId,
    scanId: ScanId,
    tuning: ScanTuning | undefined,
    peers: readonly PeerPort[],
    onEvent: (event: ScanEvent) => void,
  ): Promise<ScanEnd>;
}

export interface PeerPort {
  readonly slot: number;
  readonly port: MessagePort;
}

/**
 * What a complete census settled (gcore's all-zero no-access memory, core/model/after-census.ts): the view's new
 * regions and totals, to replace AnalysisView's. Sent only when something changed.
 */
export interface SettledView {
  readonly regions: RegionColumns;
  readonly totals: readonly KindTotal[];
  readonly imageTotals: readonly ImageTotal[];
}

/**
 * How a scan ended, as the page gets it: the runtime's end (src/core/run/scan-events.ts), with a census's OS in the
 * page's form and what the census settled.
 */
export type ScanEnd =
  | Exclude<RuntimeScanEnd, { readonly kind: 'census' }>
  | {
      readonly ok: true;
      readonly kind: 'census';
      readonly complete: boolean;
      readonly os?: OsView;
      readonly runtime?: RuntimeInfo;
      readonly settled?: SettledView;
      readonly progress: import('../src/core/run/scan-events').ScanProgress;
      readonly failures: readonly string[];
    };

/** A pointer-sized word of a read that lands in a mapped region: the hex view links it there. */
export interface PointerLink {
  /** Offset of the word in the read. */
  readonly offset: number;
  readonly target: bigint;
  readonly region: number;
  /** "libc.so.6+0x8aeec" in an image, else the region's kind ("Stack", "Heap?"). */
  readonly label: string;
}

/** A register as the engine decodes it (RegisterSet.list()): `hex` is `0x…`, as the JSON document writes registers. */
export type RegisterValue = Pick<Register, 'name' | 'hex'>;

/** `no-dump`: the view is a saved report, which holds no memory (nor registers, unless saved with them). */
export type RegistersResult =
  | { readonly ok: true; readonly registers: readonly RegisterValue[] }
  | { readonly ok: false; readonly reason: 'not-loaded' | 'no-dump' };

export type MemoryResult =
  | {
      readonly ok: true;
      readonly address: bigint;
      readonly bytes: Uint8Array;
      readonly present: Uint8Array;
      readonly links: readonly PointerLink[];
    }
  | { readonly ok: false; readonly reason: 'not-loaded' | 'no-dump' };

export interface ScanStats {
  readonly inFlight: number;
  readonly jobsDone: number;
  readonly scansRunning: number;
}

/** The load state the page shows. `previous` keeps the last good analysis on screen while loading or after a failure. */
export type LoadState =
  | { readonly status: 'idle' }
  | {
      readonly status: 'loading';
      readonly name: string;
      readonly size?: number;
      readonly progress?: LoadProgress;
      readonly previous?: AnalysisView;
    }
  | { readonly status: 'ready'; readonly view: AnalysisView }
  | {
      readonly status: 'error';
      readonly name: string;
      readonly failure: LoadFailure;
      readonly previous?: AnalysisView;
    };
