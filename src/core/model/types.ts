import type { RegisterSet } from './registers';
/**
 * The engine's result: what one core dump says about its process. Addresses are `bigint` (64-bit exact); sizes
 * and file offsets are `number` (exact up to 2^53 bytes). The JSON document (format/json-document.ts) turns
 * addresses into lower-case `0x…` strings at the edge.
 */
import type { Endian, WordBits } from '../elf/binary-view';

export type MemoryType = 'MEM_IMAGE' | 'MEM_MAPPED' | 'MEM_PRIVATE';
/**
 * MEM_COMMIT: the range is accessible (any of r/w/x). MEM_RESERVE: a no-access reservation (PROT_NONE).
 * Whether the bytes are in the dump is a separate column (`inDump`): "mapped but not in dump" is a committed
 * region with inDump < size, never zeros. 'unknown': a mapping NT_FILE lists but the dump has no segment for,
 * so nothing records its protection (the text tables and CSV print `?`).
 */
export type MemoryState = 'MEM_COMMIT' | 'MEM_RESERVE' | typeof UNKNOWN;

/** State and protection of a region the dump does not describe (JSON keeps the fields with this value). */
export const UNKNOWN = 'unknown';
/** Permissions of such a region: each of r, w, x unknown (the /proc/PID/maps mask, `?` per position). */
export const UNKNOWN_PERMS = '???';

/** The Memory Kind column: one of these, or else the protection name (PAGE_READWRITE, …) as maddress does. */
export type NamedKind =
  | 'Stack'
  | 'StackGuard'
  | 'Image'
  | 'MappedFile'
  | 'Heap'
  | 'Vdso'
  | 'GCHeap'
  | 'CLRCode'
  | 'DiagInfo'
  | '[RESERVED]';
export type MemoryKind = NamedKind | string;

/** A tag that rests on a heuristic: which one, and the evidence it used for this region. */
export interface HeuristicTag {
  readonly name: string;
  readonly evidence: string;
}

export interface Region {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  readonly size: number;
  kind: MemoryKind;
  type: MemoryType;
  /** Set from the permissions; a heuristic may correct it where the writer lost them (gcore). */
  state: MemoryState;
  /** PAGE_READWRITE, …; UNKNOWN when the dump does not record it. */
  protect: string;
  /** "rwx" with dashes, as in /proc/PID/maps; UNKNOWN_PERMS when the dump does not record them. */
  readonly perms: string;
  readonly image?: string;
  /** Offset of `start` in the mapped file (NT_FILE), for file mappings. */
  readonly fileOffset?: number;
  /** Where the region's bytes begin in the dump file (meaningful when inDump > 0). */
  readonly dumpOffset: number;
  /** Bytes of this region present in the dump, counted from `start` (p_filesz, clamped to the file size). */
  readonly inDump: number;
  /** The dump file ends before p_filesz says it should: the bytes past the end are missing. */
  readonly truncated: boolean;
  /** Index of the PT_LOAD this region comes from; -1 for a file mapping the dump has no segment for. */
  readonly segment: number;
  tid?: number;
  heuristic?: HeuristicTag;
}

/** One register as the dump recorded it, its value as the `0x…` text every consumer shows (no BigInt to make). */
export interface Register {
  readonly name: string;
  /** Lower-case `0x…` hex without leading zeros (the JSON document's address format). */
  readonly hex: string;
  readonly size: number;
}

export interface Thread {
  readonly tid: number;
  /** pr_cursig: the signal the thread is stopped by (0 when none, as gdb writes). */
  readonly signal: number;
  /** The thread that received the fatal signal (the kernel writes it first). */
  readonly crashed: boolean;
  /**
   * The signal was delivered to this thread (signalled.ts): false for the threads a kernel core repeats the fatal
   * signal in, and for every thread of a gcore snapshot. Unset until the producer is known.
   */
  signalled?: boolean;
  readonly pc?: bigint;
  readonly sp?: bigint;
  /** Decoded on demand (see RegisterSet). */
  readonly registers: RegisterSet;
  /** pc as "module+0xoffset" when it falls in a module. */
  pcSymbol?: string;
  stackStart?: bigint;
  stackEnd?: bigint;
  stackSize?: number;
  /** Stack top (end) minus sp. */
  stackUsed?: number;
  /** Index in Analysis.regions of the region holding sp. */
  stackRegion?: number;
}

export interface FileMapping {
  readonly start: bigint;
  readonly end: bigint;
  /** Byte offset in the file (NT_FILE stores pages; converted with its page size). */
  readonly fileOffset: bigint;
  readonly path: string;
}

export interface AuxvEntry {
  readonly type: number;
  readonly name: string;
  readonly value: bigint;
}

export interface Module {
  readonly path: string;
  readonly start: bigint;
  readonly end: bigint;
  /** Load bias: where the image's first mapping starts minus its first PT_LOAD's p_vaddr (page-aligned). */
  readonly base: bigint;
  readonly buildId?: string;
  /** Whether the module's ELF header was found in the dump's memory. */
  readonly headerInDump: boolean;
  /** The image's PT_LOADs (file range and permissions), when its header was in the dump. */
  readonly loads?: readonly { readonly fileOffset: number; readonly fileSize: number; readonly perms: string }[];
}

export interface NoteInfo {
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly size: number;
  readonly offset: number;
}

export interface Producer {
  readonly name: 'kernel' | 'gdb gcore' | 'createdump' | 'unknown' | string;
  readonly evidence: string;
}

/**
 * Where a piece of OS evidence came from (scan/identify-os.ts), strongest first:
 *   os-release        PRETTY_NAME= with ID= and VERSION_ID= in the same text in memory (an os-release file's text)
 *   dotnet-rid        a .NET runtime identifier (`debian.12-x64`) with no other RID near it: the runtime's own
 *   pretty-name       a PRETTY_NAME= line without ID= and VERSION_ID= beside it
 *   library-paths     the layout of the mapped libraries (multiarch, lib64, musl's loader, the Nix store)
 *   library-versions  a version in a mapped library's name (glibc, libstdc++, OpenSSL, ICU): listed, never a release
 *   rid-graph         a RID inside a list of RIDs (the runtime's fallback graph): not evidence, listed as ignored
 */
export type OsSource = 'os-release' | 'dotnet-rid' | 'pretty-name' | 'library-paths' | 'library-versions' | 'rid-graph';

/** One piece of evidence about the OS, where it was found and what it says. */
export interface OsEvidence {
  readonly source: OsSource;
  /** What it says: a release ("CentOS Linux 7 (Core)"), a family ("Debian or Ubuntu"), a library version, … */
  readonly says: string;
  /** The text found: the bytes at `address` (a memory clue) or the mapped file's path. */
  readonly evidence: string;
  /** Why it ranks where it does ("ID= and VERSION_ID= in the same text", "no other RID within 256 bytes"). */
  readonly note?: string;
  /** Where in memory (memory clues). */
  readonly address?: bigint;
  /** Which mapped file (library evidence). */
  readonly mapping?: string;
}

/** The distribution: the strongest evidence's answer, and every piece of evidence ranked. */
export interface OsIdentification {
  readonly name: string;
  readonly source: OsSource;
  /** What was found (the strongest evidence's text). */
  readonly evidence: string;
  /** Where, for the hex view (memory clues only). */
  readonly address?: bigint;
  /** Every identification is a heuristic: shown as such. */
  readonly heuristic: 'identify-os';
  /** All the evidence, strongest first; the first entry is the one named above. */
  readonly ranked: readonly OsEvidence[];
}

/** A managed runtime the process hosts, from the files it maps (model/runtime.ts). */
export interface RuntimeInfo {
  readonly name: string;
  readonly version?: string;
  /**
   * Where the version comes from: the install path, a library's ABI number (a major version only), or memory (the
   * census read it: scan/runtime-clues.ts).
   */
  readonly versionFrom?: 'path' | 'abi' | 'memory';
  readonly evidence: string;
}

export interface ProcessInfo {
  pid?: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  /** pr_fname (16 bytes at most, as the kernel truncates it). */
  name?: string;
  /** pr_psargs (80 bytes at most). */
  args?: string;
  state?: string;
  signal?: number;
  signalName?: string;
  signalCode?: number;
  signalErrno?: number;
  faultAddress?: bigint;
  /** A gcore snapshot of a live process (signalled.ts): not signalled, whatever NT_SIGINFO's SIGSTOP says. */
  snapshot?: boolean;
  executable?: string;
  runtime?: RuntimeInfo;
  /** The distribution, from library paths in the header pass; a memory scan may find better evidence. */
  os?: OsIdentification;
}

export interface DumpInfo {
  readonly size: number;
  readonly arch: string;
  readonly machine: number;
  readonly bits: WordBits;
  readonly endian: Endian;
  readonly os: 'Linux' | 'NetBSD' | 'OpenBSD' | string;
  readonly pageSize: number;
  readonly producer: Producer;
  readonly programHeaders: number;
  readonly loadSegments: number;
  readonly notes: readonly NoteInfo[];
  readonly warnings: string[];
  /** Bytes the header pass read from the file. */
  bytesRead: number;
}

export interface KindTotal {
  readonly kind: MemoryKind;
  readonly count: number;
  readonly size: number;
  readonly inDump: number;
  /** Share of the total virtual size, 0..100. */
  readonly percent: number;
  readonly heuristic: boolean;
}

export interface ImageTotal {
  readonly image: string;
  readonly count: number;
  readonly size: number;
  readonly inDump: number;
}

export interface Analysis {
  readonly dump: DumpInfo;
  readonly process: ProcessInfo;
  readonly regions: Region[];
  readonly totals: KindTotal[];
  readonly imageTotals: ImageTotal[];
  readonly threads: Thread[];
  readonly modules: Module[];
  readonly files: FileMapping[];
  readonly auxv: AuxvEntry[];
}
