import type { RegisterSet } from './registers';

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
