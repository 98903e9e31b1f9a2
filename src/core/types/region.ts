/**
 * A region of the process's address space: one PT_LOAD, or a piece of one where NT_FILE subdivides it, or a file
 * mapping the dump has no segment for. Addresses are `bigint` (64-bit exact); sizes and file offsets are `number`
 * (exact up to 2^53 bytes).
 */

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
  'Stack' | 'StackGuard' | 'Image' | 'MappedFile' | 'Heap' | 'Vdso' | 'GCHeap' | 'CLRCode' | 'DiagInfo' | '[RESERVED]';
// `string & {}` is any string, but unlike a bare `string` it does not absorb the named kinds: editors still offer them.
export type MemoryKind = NamedKind | (string & {});

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
