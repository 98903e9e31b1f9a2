/** What the dump file itself says: its machine, its writer, its notes. */
import type { Endian, WordBits } from '../elf/binary-view';

export interface NoteInfo {
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly size: number;
  readonly offset: number;
}

export interface AuxvEntry {
  readonly type: number;
  readonly name: string;
  readonly value: bigint;
}

export interface Producer {
  /** The writers recognised, or another name; `string & {}` keeps these listed (see MemoryKind). */
  readonly name: 'kernel' | 'gdb gcore' | 'createdump' | 'unknown' | (string & {});
  readonly evidence: string;
}

export interface DumpInfo {
  readonly size: number;
  readonly arch: string;
  readonly machine: number;
  readonly bits: WordBits;
  readonly endian: Endian;
  /** The systems recognised, or another name (`string & {}`: see MemoryKind). */
  readonly os: 'Linux' | 'NetBSD' | 'OpenBSD' | (string & {});
  readonly pageSize: number;
  readonly producer: Producer;
  readonly programHeaders: number;
  readonly loadSegments: number;
  readonly notes: readonly NoteInfo[];
  readonly warnings: string[];
  /** Bytes the header pass read from the file. */
  bytesRead: number;
  /** SHA-256 (hex) of the ELF header, the program headers and the PT_NOTE bytes (dump-fingerprint.ts). */
  readonly fingerprint?: string;
}
