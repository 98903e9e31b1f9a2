import type { Compression } from '../compression/sniff-compression';
import type {
  FindingSeverity,
  FrameTrust,
  HeuristicTag,
  ImageTotal,
  ModuleSymbols,
  NoteInfo,
  OsSource,
  RuntimeInfo,
  SymbolSource,
  UnwindStop,
} from '../types';

/**
 * The JSON document (`--json`, the page's Download JSON) as a type: exactly the fields toJsonDocument writes, so a
 * saved report can be printed again without its dump (report-text.ts). Addresses are lower-case `0x…` strings,
 * sizes byte counts, `end` exclusive. Optional fields are absent, never null, unless typed `| null`.
 */
export interface ReportDocument {
  readonly format: 'coreview';
  readonly version: 1;
  readonly dump: ReportDump;
  readonly process: ReportProcess;
  readonly regions: readonly ReportRegion[];
  readonly totals: readonly ReportKindTotal[];
  readonly imageTotals: readonly ImageTotal[];
  readonly threads: readonly ReportThread[];
  readonly modules: readonly ReportModule[];
  readonly auxv: readonly ReportAuxvEntry[];
  /** The stacks pass's groups of identical stacks, largest first (`--stacks`, the page after its stacks pass). */
  readonly stackGroups?: readonly ReportStackGroup[];
  /** Written by every `--json`; those that rest on the census only with `--scan` (absent in older reports). */
  readonly findings?: readonly ReportFinding[];
}

export interface ReportDump {
  readonly name: string;
  readonly size: number;
  readonly arch: string;
  readonly machine: number;
  readonly bits: 32 | 64;
  readonly endian: 'little' | 'big';
  readonly os: string;
  readonly producer: string;
  readonly producerEvidence: string;
  readonly pageSize: number;
  readonly programHeaders: number;
  readonly loadSegments: number;
  readonly headerBytesRead: number;
  readonly warnings: readonly string[];
  readonly notes: readonly NoteInfo[];
  /** Present when a census ran (`--scan`): the tables then have Touched columns. */
  readonly census?: 'complete' | 'incomplete';
  /**
   * SHA-256 (64 hex digits) of the ELF header, the program header table and every PT_NOTE's bytes: tells whether
   * a dump given later is the one this report was made from (absent in older reports).
   */
  readonly fingerprint?: string;
  /** The compression the dump was opened from (.gz, .zst, .xz, .lz4); `size` is then the decompressed size. */
  readonly compression?: Compression;
}

export interface ReportProcess {
  readonly pid: number | null;
  readonly ppid?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly name: string | null;
  readonly args: string | null;
  readonly executable?: string;
  /** 0 when no signal is recorded. */
  readonly signal: number;
  readonly signalName?: string;
  readonly signalCode?: number;
  /** Only for a gcore snapshot, whose signal fields are gdb's SIGSTOP, not a cause of death. */
  readonly snapshot?: true;
  readonly faultAddress?: string;
  readonly runtime?: RuntimeInfo;
  readonly os?: ReportOs;
}

export interface ReportOs {
  readonly name: string;
  readonly source: OsSource;
  readonly evidence: string;
  readonly heuristic: 'identify-os';
  readonly address?: string;
  readonly ranked: readonly ReportOsEvidence[];
}

export interface ReportOsEvidence {
  readonly source: OsSource;
  readonly says: string;
  readonly evidence: string;
  readonly note?: string;
  readonly address?: string;
  readonly mapping?: string;
}

export interface ReportRegion {
  readonly kind: string;
  readonly start: string;
  readonly end: string;
  readonly size: number;
  readonly type: string;
  readonly state: string;
  readonly protect: string;
  readonly perms: string;
  readonly image?: string;
  readonly fileOffset?: number;
  readonly inDump: number;
  readonly dumpOffset: number;
  readonly truncated?: true;
  readonly tid?: number;
  readonly heuristic?: HeuristicTag;
  /** Census: bytes of pages holding a non-zero byte; absent where the region's census is not in. */
  readonly touched?: number;
}

export interface ReportKindTotal {
  readonly kind: string;
  readonly count: number;
  readonly size: number;
  readonly inDump: number;
  /** Share of the total virtual size, rounded to two decimals. */
  readonly percent: number;
  readonly heuristic: boolean;
  /** Census: the kind's touched bytes, a partial sum while the census is incomplete. */
  readonly touched?: number;
}

export interface ReportThread {
  readonly tid: number;
  readonly signal: number;
  readonly crashed: boolean;
  readonly pc: string | null;
  readonly sp: string | null;
  readonly pcSymbol?: string;
  /** Present, with stackEnd, stackSize and stackUsed, when sp lies in a Stack region. */
  readonly stackStart?: string;
  readonly stackEnd?: string;
  readonly stackSize?: number;
  readonly stackUsed?: number;
  /** Census: the stack region's touched bytes; absent where its census is not in. */
  readonly stackTouched?: number;
  /** Census: the stack's high-water mark, bytes below its top (the deepest touched page); absent where not in. */
  readonly stackDepth?: number;
  /** `--json --registers`: general registers by name, as `0x…`. */
  readonly registers?: Readonly<Record<string, string>>;
  /** The system call the registers show the thread in. */
  readonly syscall?: ReportSyscall;
  /** The stacks pass: frame 0 is the thread's pc, callers' pcs are return addresses. */
  readonly frames?: readonly ReportFrame[];
  readonly unwindStop?: UnwindStop;
  readonly unwindStopDetail?: string;
}

export interface ReportFrame {
  readonly pc: string;
  readonly trust: FrameTrust;
  readonly module?: string;
  /** pc − the module's start. */
  readonly offset?: number;
  readonly symbol?: string;
  readonly symbolOffset?: number;
  readonly symbolSource?: SymbolSource;
  /** pc is in JIT code (anonymous executable memory, a runtime's code heap). */
  readonly jit?: true;
  readonly file?: string;
  readonly line?: number;
}

export interface ReportSyscall {
  readonly nr: number;
  readonly name: string;
  readonly args: readonly string[];
  readonly interrupted: boolean;
  readonly text: string;
}

export interface ReportStackGroup {
  readonly threads: readonly number[];
  readonly frames: readonly ReportFrame[];
}

export type ReportFindingEvidence =
  | { readonly kind: 'threads'; readonly tids: readonly number[]; readonly text: string }
  | { readonly kind: 'regions'; readonly starts: readonly string[]; readonly text: string }
  | { readonly kind: 'stack-group'; readonly group: number; readonly text: string }
  | { readonly kind: 'environment'; readonly name: string; readonly value: string; readonly text: string }
  | { readonly kind: 'module'; readonly path: string; readonly text: string }
  | { readonly kind: 'fact'; readonly text: string };

export interface ReportFinding {
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly detail: string;
  readonly advice?: string;
  readonly fix?: string;
  readonly evidence: readonly ReportFindingEvidence[];
  readonly needsCensus?: true;
}

export interface ReportModule {
  readonly path: string;
  readonly start: string;
  readonly end: string;
  readonly base: string;
  readonly buildId?: string;
  readonly headerInDump: boolean;
  /** Where its names and unwind tables came from (the stacks pass). */
  readonly symbols?: ModuleSymbols;
  /** The matched file's base name. */
  readonly symbolFile?: string;
}

export interface ReportAuxvEntry {
  readonly type: number;
  readonly name: string;
  readonly value: string;
}
