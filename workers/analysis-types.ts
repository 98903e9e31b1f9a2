/**
 * What the page renders of one dump (the AnalysisView and its parts), as the worker builds it in analysis-view.ts.
 * Part of the engine protocol (engine-protocol.ts re-exports it); a file of its own only to keep both short.
 */
import type { ImageTotal, KindTotal, RuntimeInfo } from '../src/core/types';
import type { OsSource } from '../src/core/scan/identify-os';
import type { ReportContents } from './report-types';

/** One loaded dump inside a worker. Chosen by the page (monotonic), so it can name a load before it resolves. */
export type DumpId = number;

/** The OS as the page shows it: Analysis.process.os or a scan's identifyOs, addresses as `0x…`. */
export interface OsView {
  readonly name: string;
  readonly source: OsSource;
  readonly evidence: string;
  readonly address?: string;
  /** Every piece of evidence, strongest first (OsIdentification.ranked): all of it, for the page's JSON. */
  readonly ranked: readonly OsEvidenceView[];
}

/** One piece of OS evidence (OsEvidence), the address as `0x…`. */
export interface OsEvidenceView {
  readonly source: OsSource;
  readonly says: string;
  readonly evidence: string;
  readonly note?: string;
  readonly address?: string;
  readonly mapping?: string;
}

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
    /** A gcore snapshot of a live process: not signalled, whatever signal fields gdb wrote. */
    readonly snapshot?: boolean;
    readonly runtime?: RuntimeInfo;
    /** The header pass's guess from library paths; a census may find better evidence in memory. */
    readonly os?: OsView;
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
  /**
   * The signal was delivered to this thread. A kernel core repeats the fatal signal in every thread and a gcore
   * snapshot carries none: only a signalled thread was "stopped by" `signalName`. Always set by the worker;
   * optional so that rows made elsewhere (tests) may leave it out, meaning `crashed`.
   */
  readonly signalled?: boolean;
  readonly pc?: string;
  readonly pcSymbol?: string;
  readonly sp?: string;
  readonly stackStart?: string;
  readonly stackEnd?: string;
  readonly stackSize?: number;
  readonly stackUsed?: number;
  readonly stackRegion?: number;
  /** How many registers the dump holds for the thread (the values: EngineApi.threadRegisters). */
  readonly registerCount: number;
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
  /** Present when the view was read from a saved report, not a dump (workers/report-view.ts). */
  readonly report?: ReportContents;
}
