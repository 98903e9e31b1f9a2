import { BinaryView, type Endian, type WordBits } from '../elf/binary-view';
import { machineName } from '../elf/constants';
import { RegisterSet } from '../types';
import { genericHeader, selectPrstatusLayout } from './arch';

/** What the register parser needs to know about the core. */
export interface PrstatusContext {
  readonly machine: number;
  readonly bits: WordBits;
  readonly endian: Endian;
  /** e_flags (tells MIPS o32 from n32, …). */
  readonly flags: number;
}

export interface ParsedPrstatus {
  readonly tid: number;
  readonly ppid?: number;
  /** pr_cursig. */
  readonly signal: number;
  /** pr_info: elf_siginfo is signo, code, errno (NOT siginfo_t order). */
  readonly info: { readonly signo: number; readonly code: number; readonly errno: number };
  /** Empty when the layout for this machine/size is unknown ("registers unknown"). */
  readonly registers: RegisterSet;
  /** The program counter as an address (hppa drops the privilege bits, s390 31-bit the addressing-mode bit). */
  readonly pc?: bigint;
  /** The stack pointer as an address (sparc64: o6 plus the ABI's 2047-byte stack bias). */
  readonly sp?: bigint;
  /** The layout used ("x86_64", "mips n32", …), or the machine name when none is known. */
  readonly arch?: string;
}

export type PrstatusResult =
  | { readonly ok: true; readonly value: ParsedPrstatus; readonly warning?: string }
  | { readonly ok: false; readonly error: string };

/**
 * Decodes one NT_PRSTATUS ("CORE", type 1) descriptor: the thread id, its signal, and the general registers
 * laid out per architecture (see ./arch/). Never throws: a descriptor too short for pr_pid is an error; one
 * too short for the register set, or of a machine without a known layout, still yields tid and signal with
 * `registers: []` and a warning; a descriptor of an unexpected (but sufficient) size is read with a warning.
 */
export function parsePrstatus(desc: Uint8Array, ctx: PrstatusContext): PrstatusResult {
  return parsePrstatusAt(new BinaryView(desc, ctx.endian, ctx.bits), 0, desc.length, ctx);
}

/**
 * parsePrstatus over the descriptor at `view[at, at + size)`: the note segment's own view, so an 800-thread core
 * makes no DataView per thread (each costs microseconds in a process that lives a tenth of a second).
 */
export function parsePrstatusAt(view: BinaryView, at: number, size: number, ctx: PrstatusContext): PrstatusResult {
  try {
    return parse(view, at, size, ctx);
  } catch (e) {
    // Every read below is bounds-checked first; reaching this is a bug, but the contract is "never throw".
    return {
      ok: false,
      error: `NT_PRSTATUS could not be decoded (internal error: ${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

function parse(view: BinaryView, at: number, size: number, ctx: PrstatusContext): PrstatusResult {
  const layout = selectPrstatusLayout(ctx.machine, ctx.bits, ctx.flags, size);
  const header = layout?.header ?? genericHeader(ctx.bits);
  const arch = layout?.arch ?? `${machineName(ctx.machine)} (${ctx.bits}-bit)`;
  // pr_pid is the last header field we insist on; pr_info and pr_cursig come before it in every ABI.
  const pidEnd = header.pid + 4;
  if (size < pidEnd) {
    return {
      ok: false,
      error:
        `NT_PRSTATUS of ${size} bytes is too short for the ${arch} prstatus header ` +
        `(pr_pid ends at byte ${pidEnd}${layout ? `; the struct is ${layout.descSize} bytes` : ''})`,
    };
  }
  const regsEnd = layout === undefined ? Infinity : header.regs + layout.gregsetSize;
  const registers =
    layout !== undefined && size >= regsEnd
      ? new RegisterSet(view, at + header.regs, layout.registers)
      : RegisterSet.EMPTY;
  const pc = layout === undefined ? undefined : registers.value(layout.pc);
  const sp = layout === undefined ? undefined : registers.value(layout.sp);
  const value: ParsedPrstatus = {
    tid: view.u32(at + header.pid),
    ppid: size >= header.ppid + 4 ? view.u32(at + header.ppid) : undefined,
    signal: view.u16(at + header.cursig),
    info: {
      signo: view.i32(at + header.info),
      code: view.i32(at + header.info + 4),
      errno: view.i32(at + header.info + 8),
    },
    arch,
    registers,
    pc: pc === undefined || !layout?.pcAddress ? pc : layout.pcAddress(pc),
    sp: sp === undefined || !layout?.spAddress ? sp : layout.spAddress(sp),
  };
  if (!layout) return { ok: true, value, warning: `registers unknown for ${arch} prstatus of ${size} bytes` };
  if (size < regsEnd) {
    return {
      ok: true,
      value,
      warning:
        `registers unknown for ${arch} prstatus of ${size} bytes ` +
        `(the ${arch} register set ends at byte ${regsEnd}; the struct is ${layout.descSize} bytes)`,
    };
  }
  if (size !== layout.descSize) {
    return {
      ok: true,
      value,
      warning: `unexpected ${arch} prstatus size ${size} bytes (expected ${layout.descSize}); registers read with the ${arch} layout`,
    };
  }
  return { ok: true, value };
}
