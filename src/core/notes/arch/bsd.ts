/**
 * Register sets of the BSD per-thread register notes ("NetBSD-CORE@<lwp>", "OpenBSD@<tid>"). Unlike Linux'
 * NT_PRSTATUS these notes hold only the machine's ptrace `struct reg`; the process facts live in a separate
 * procinfo note (see ../bsd-notes.ts).
 */
import { EM } from '../../elf/constants';
import type { RegisterSlot } from '../../types/registers';
import { numbered, sequential } from './layout';
import { sparcStackAddress } from './sparc';

export interface BsdRegisterLayout {
  readonly arch: string;
  /** Note type of the general-register note (PT_GETREGS on NetBSD, NT_OPENBSD_REGS on OpenBSD). */
  readonly noteType: number;
  readonly size: number;
  readonly registers: readonly RegisterSlot[];
  readonly pc: string;
  readonly sp: string;
  readonly spAddress?: (raw: bigint) => bigint;
}

/**
 * NetBSD/amd64 struct reg = the trap frame order of sys/arch/amd64/include/frame_regs.h (the same indices as
 * mcontext's _REG_*): 26 longs. The corpus confirms rcx at index 3 (it equals rip after a syscall) and r11 at
 * 7 (the saved rflags). PT_GETREGS is PT_FIRSTMACH (32) + 1 on amd64.
 */
const NETBSD_AMD64: BsdRegisterLayout = {
  arch: 'x86_64',
  noteType: 33,
  size: 26 * 8,
  registers: sequential(
    [
      'rdi',
      'rsi',
      'rdx',
      'rcx',
      'r8',
      'r9',
      'r10',
      'r11',
      'r12',
      'r13',
      'r14',
      'r15',
      'rbp',
      'rbx',
      'rax',
      'gs',
      'fs',
      'es',
      'ds',
      'trapno',
      'err',
      'rip',
      'cs',
      'rflags',
      'rsp',
      'ss',
    ],
    8,
  ),
  pc: 'rip',
  sp: 'rsp',
};

/**
 * NetBSD/aarch64 struct reg (sys/arch/aarch64/include/reg.h): r_reg[31], r_sp, r_pc, r_spsr, r_tpidr.
 * PT_GETREGS is PT_FIRSTMACH (32) + 0 on aarch64.
 */
const NETBSD_AARCH64: BsdRegisterLayout = {
  arch: 'aarch64',
  noteType: 32,
  size: 35 * 8,
  registers: sequential([...numbered('x', 31), 'sp', 'pc', 'spsr', 'tpidr'], 8),
  pc: 'pc',
  sp: 'sp',
};

/**
 * OpenBSD/sparc64 struct reg (sys/arch/sparc64/include/reg.h): r_tstate, r_pc, r_npc (64-bit), r_y and a pad
 * (32-bit), then r_global[8], r_out[8], r_local[8], r_in[8]. NT_OPENBSD_REGS is 20. The corpus core agrees:
 * pc and npc = pc + 4 lie in the executable's text, o6 (odd, biased) in the stack, o7 in the text.
 */
const OPENBSD_SPARC64: BsdRegisterLayout = {
  arch: 'sparc64',
  noteType: 20,
  size: 288,
  registers: [
    { name: 'tstate', offset: 0, size: 8 },
    { name: 'pc', offset: 8, size: 8 },
    { name: 'npc', offset: 16, size: 8 },
    { name: 'y', offset: 24, size: 4 },
    ...sequential([...numbered('g', 8), ...numbered('o', 8), ...numbered('l', 8), ...numbered('i', 8)], 8, 32),
  ],
  pc: 'pc',
  sp: 'o6',
  spAddress: sparcStackAddress,
};

export function netbsdRegisterLayout(machine: number): BsdRegisterLayout | undefined {
  if (machine === EM.X86_64) return NETBSD_AMD64;
  if (machine === EM.AARCH64) return NETBSD_AARCH64;
  return undefined;
}

export function openbsdRegisterLayout(machine: number): BsdRegisterLayout | undefined {
  return machine === EM.SPARCV9 ? OPENBSD_SPARC64 : undefined;
}
