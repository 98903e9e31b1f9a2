/**
 * The shape of one architecture's `struct elf_prstatus` (Linux include/linux/elfcore.h): a header, then
 * `pr_reg` (the arch's elf_gregset_t), then `int pr_fpvalid`, padded to the struct's alignment.
 *
 * Header (offsets in bytes; `long` is the ABI's long):
 *   struct elf_siginfo pr_info;   0   signo, code, errno (three ints, NOT siginfo_t order)
 *   short pr_cursig;              12
 *   unsigned long pr_sigpend;     16  (4 bytes on 32-bit ABIs, 8 on 64-bit)
 *   unsigned long pr_sighold;
 *   pid_t pr_pid, pr_ppid, pr_pgrp, pr_sid;
 *   struct timeval pr_utime, pr_stime, pr_cutime, pr_cstime;   (8 bytes each on 32-bit, 16 on 64-bit)
 *   elf_gregset_t pr_reg;         72 on 32-bit ABIs, 112 on 64-bit ABIs (m68k: 70, its ints are 2-aligned)
 */
import type { RegisterSlot } from '../../types/registers';

/** Offsets of the header fields inside the note's descriptor. */
export interface PrstatusHeader {
  /** pr_info: signo, code, errno as three 32-bit ints. */
  readonly info: number;
  /** pr_cursig, a 16-bit short. */
  readonly cursig: number;
  readonly pid: number;
  readonly ppid: number;
  /** pr_reg. */
  readonly regs: number;
}

/** ILP32 ABIs (i386, arm, ppc32, s390 31-bit, mips o32/n32, hppa, x32): 4-byte longs, 8-byte timevals. */
export const HEADER_32: PrstatusHeader = { info: 0, cursig: 12, pid: 24, ppid: 28, regs: 72 };
/** LP64 ABIs: 8-byte longs (pr_sigpend aligned to 16), 16-byte timevals. */
export const HEADER_64: PrstatusHeader = { info: 0, cursig: 12, pid: 32, ppid: 36, regs: 112 };

export interface PrstatusLayout {
  /** Name used in messages and in the UI ("x86_64", "mips n32", …). */
  readonly arch: string;
  readonly header: PrstatusHeader;
  /** sizeof(elf_gregset_t). */
  readonly gregsetSize: number;
  readonly registers: readonly RegisterSlot[];
  /** Names (in `registers`) of the program counter and the stack pointer. */
  readonly pc: string;
  readonly sp: string;
  /** sizeof(struct elf_prstatus): what the kernel writes as the note's descsz. */
  readonly descSize: number;
  /** Turns the raw pc register into an address (hppa: privilege bits; s390 31-bit: addressing-mode bit). */
  readonly pcAddress?: (raw: bigint) => bigint;
  /** Turns the raw sp register into an address (sparc64: the V9 ABI's stack bias). */
  readonly spAddress?: (raw: bigint) => bigint;
  /** Where the layout comes from, for readers of the code and of error reports. */
  readonly source: string;
}

/** `names` laid out back to back, each `size` bytes, starting at `start` inside pr_reg. */
export function sequential(names: readonly string[], size: number, start = 0): RegisterSlot[] {
  return names.map((name, i) => ({ name, offset: start + i * size, size }));
}

/** "prefix0" … "prefix{count-1}". */
export function numbered(prefix: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
}

export interface LayoutSpec extends Omit<PrstatusLayout, 'descSize'> {
  /** Alignment of struct elf_prstatus (its most-aligned member). */
  readonly align: number;
}

/**
 * Builds a layout and derives the descriptor size the way the C compiler does: header + pr_reg + the 4-byte
 * pr_fpvalid, rounded up to the struct's alignment. (The unit tests pin the results to the sizes seen in real
 * cores, so a wrong alignment shows up there.)
 */
export function defineLayout(spec: LayoutSpec): PrstatusLayout {
  const { align, ...rest } = spec;
  const raw = spec.header.regs + spec.gregsetSize + 4;
  return { ...rest, descSize: Math.ceil(raw / align) * align };
}
