/**
 * What the unwinder reads: the process's memory and its modules' unwind tables, whoever provides them (the dump
 * alone in the page, the dump plus the binaries matched by build-id). The stacks pass (src/core/stacks/) builds
 * one per dump; the unwinder (unwind-thread.ts) knows nothing of files, build-ids or hosts.
 */
import type { RegisterSet } from '../types';

/** One section of an image, whole, at its link-time address (sh_addr; for .debug_frame, 0 is fine). */
export interface UnwindSection {
  readonly vaddr: bigint;
  readonly bytes: Uint8Array;
}

/** A module's unwind tables: from the provided file (or its debug file), else from the dump when it holds them. */
export interface UnwindModule {
  readonly path: string;
  /** The module's mapped range in the process. */
  readonly start: bigint;
  readonly end: bigint;
  /** Process address = link-time address + bias. */
  readonly bias: bigint;
  readonly ehFrameHdr?: UnwindSection;
  readonly ehFrame?: UnwindSection;
  readonly debugFrame?: UnwindSection;
}

export interface UnwindSpace {
  /** 'x86_64', 'aarch64', 'i386', 'arm', … (DumpInfo.arch). */
  readonly arch: string;
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /**
   * `length` bytes of process memory at `address`, all of them, or undefined: the dump's bytes, and a provided
   * file's for the file-backed ranges the dump does not hold (code, .rodata).
   */
  read(address: bigint, length: number): Promise<Uint8Array | undefined>;
  /** The module whose mapping holds `pc`, its unwind tables loaded (once per module). */
  module(pc: bigint): Promise<UnwindModule | undefined>;
  /** `pc` is in an executable mapping: a module's text or JIT code (anonymous r-x / rwx memory). */
  executable(pc: bigint): boolean;
}

/** One thread as the unwinder starts it: its registers, and the stack region holding sp when known. */
export interface UnwindThread {
  readonly registers: RegisterSet;
  readonly stackStart?: bigint;
  readonly stackEnd?: bigint;
}
