/**
 * What the unwinder knows of each architecture: the DWARF register numbers of the registers a dump records, the
 * frame-pointer record's layout (or the PowerPC back chain), which registers a callee preserves, and which call
 * instructions a stack scan recognises. x86_64, aarch64 and i386 are complete; riscv and loongarch walk their
 * frame chains, PowerPC its back chain; the rest show the thread's pc alone, and `unwindSupport` says so.
 */
import type { RegisterSet } from '../types';

export type CallSiteKind = 'x86' | 'aarch64';

/** Where the frame record sits, relative to the frame pointer's value, in bytes. */
export interface FrameRecordLayout {
  readonly savedFp: number;
  readonly returnAddress: number;
  /** The caller's sp = fp + callerSp. */
  readonly callerSp: number;
}

/**
 * The PowerPC back chain: every frame's lowest word ([sp]) holds its caller's sp, and a function saves its return
 * address (lr) in its caller's frame, at caller sp + returnAddress (16 on 64-bit ELFv1 and ELFv2, 4 on 32-bit).
 */
export interface BackChainLayout {
  readonly returnAddress: number;
}

export interface UnwindArch {
  readonly name: string;
  readonly level: 'full' | 'frame-pointer' | 'frame-0';
  readonly warning?: string;
  readonly wordSize: 4 | 8;
  /** DWARF register number → the RegisterSet's name; the file has this many registers (plus spare columns). */
  readonly dwarfNames: readonly (string | undefined)[];
  readonly pcName: string;
  readonly sp: number;
  readonly fp: number;
  /** The return address column when the CIE does not say (it always does). */
  readonly raColumn: number;
  /** The return address column is a real register (aarch64 x30): it takes the restored value. */
  readonly raIsRegister: boolean;
  /** Registers that keep their value across a call when CFI gives no rule (the ABI's callee-saved set). */
  readonly calleeSaved: ReadonlySet<number>;
  readonly cfi: boolean;
  readonly frameRecord?: FrameRecordLayout;
  readonly backChain?: BackChainLayout;
  /**
   * The DWARF number of the register a call leaves the return address in (aarch64 x30, PowerPC lr): at an exact pc
   * without CFI (frame 0) it is the caller's pc, unless the function has saved it already (then the chain finds it).
   */
  readonly linkRegister?: number;
  readonly callSite?: CallSiteKind;
  /** Strips pointer-authentication bits from a return address (aarch64). */
  readonly stripPac?: (pc: bigint) => bigint;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const X86_64: UnwindArch = {
  name: 'x86_64',
  level: 'full',
  wordSize: 8,
  // System V AMD64 psABI, Figure 3.36 "DWARF Register Number Mapping"; column 16 is the return address.
  dwarfNames: ['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp', ...range(8, 15).map((n) => `r${n}`), undefined],
  pcName: 'rip',
  sp: 7,
  fp: 6,
  raColumn: 16,
  raIsRegister: false,
  calleeSaved: new Set([3, 6, 7, 12, 13, 14, 15]),
  cfi: true,
  frameRecord: { savedFp: 0, returnAddress: 8, callerSp: 16 },
  callSite: 'x86',
};

/**
 * Linux gives user space 48-bit addresses unless a mapping asks for more (52-bit VA is opt-in per mmap hint);
 * the PAC signature of a return address sits above them (bits 48–54, and 56–63 without top-byte-ignore).
 */
const AARCH64_ADDRESS_MASK = (1n << 48n) - 1n;

const AARCH64: UnwindArch = {
  name: 'aarch64',
  level: 'full',
  wordSize: 8,
  // AAPCS64 DWARF: x0–x30 are 0–30, sp is 31; the return address column is x30 (lr).
  dwarfNames: [...range(0, 30).map((n) => `x${n}`), 'sp'],
  pcName: 'pc',
  sp: 31,
  fp: 29,
  raColumn: 30,
  raIsRegister: true,
  // x19–x28 and the frame record x29; x30 too, so that a leaf's return address is lr itself.
  calleeSaved: new Set([...range(19, 30), 31]),
  cfi: true,
  frameRecord: { savedFp: 0, returnAddress: 8, callerSp: 16 },
  linkRegister: 30,
  callSite: 'aarch64',
  stripPac: (pc) => pc & AARCH64_ADDRESS_MASK,
};

const I386: UnwindArch = {
  name: 'i386',
  level: 'full',
  wordSize: 4,
  // i386 psABI DWARF numbers: eax ecx edx ebx esp ebp esi edi; 8 is the return address (eip).
  dwarfNames: ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', undefined],
  pcName: 'eip',
  sp: 4,
  fp: 5,
  raColumn: 8,
  raIsRegister: false,
  // cdecl: ebx, esi, edi, ebp (and esp) survive a call.
  calleeSaved: new Set([3, 4, 5, 6, 7]),
  cfi: true,
  frameRecord: { savedFp: 0, returnAddress: 4, callerSp: 8 },
  callSite: 'x86',
};

const RISCV_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', ...range(0, 7).map((n) => `a${n}`)];
const RISCV_ALL = [...RISCV_NAMES, ...range(2, 11).map((n) => `s${n}`), 't3', 't4', 't5', 't6'];

/** RISC-V and LoongArch keep the frame record below the frame pointer: [fp − 2w] = caller fp, [fp − w] = ra. */
function chainBelowFp(
  name: string,
  wordSize: 4 | 8,
  names: string[],
  pcName: string,
  sp: number,
  fp: number,
): UnwindArch {
  return {
    name,
    level: 'frame-pointer',
    warning: `${name} stacks are walked by the frame-pointer chain only: code built without frame pointers ends the walk`,
    wordSize,
    dwarfNames: names,
    pcName,
    sp,
    fp,
    raColumn: 1,
    raIsRegister: true,
    calleeSaved: new Set([sp, fp]),
    cfi: false,
    frameRecord: { savedFp: -2 * wordSize, returnAddress: -wordSize, callerSp: 0 },
  };
}

/** DWARF numbers of the 64-bit ELFv2 / ELFv1 and 32-bit SysV PowerPC ABIs: r0–r31 are 0–31, f0–f31 32–63, lr 65. */
const POWER_LR = 65;
const POWER_NAMES: (string | undefined)[] = [
  ...range(0, 31).map((n) => `r${n}`),
  ...new Array<undefined>(POWER_LR - 32).fill(undefined),
  'link',
];

/** PowerPC: the back chain, which every ABI variant keeps (no frame-pointer option turns it off). */
function power(name: string, wordSize: 4 | 8): UnwindArch {
  return {
    name,
    level: 'frame-pointer',
    warning:
      `${name} stacks are walked by the back chain and the link register, not by CFI: a function that has not ` +
      'saved its return address yet may be skipped',
    wordSize,
    dwarfNames: POWER_NAMES,
    pcName: 'nip',
    sp: 1,
    // r31 is the frame pointer GCC sets up when it needs one; the back chain does not use it.
    fp: 31,
    raColumn: POWER_LR,
    raIsRegister: true,
    calleeSaved: new Set([1, ...range(14, 31)]),
    cfi: false,
    backChain: { returnAddress: wordSize === 8 ? 16 : 4 },
    linkRegister: POWER_LR,
  };
}

const ARCHES: Record<string, UnwindArch> = {
  x86_64: X86_64,
  aarch64: AARCH64,
  i386: I386,
  ppc64: power('ppc64', 8),
  ppc32: power('ppc32', 4),
  riscv64: chainBelowFp('riscv64', 8, RISCV_ALL, 'pc', 2, 8),
  riscv32: chainBelowFp('riscv32', 4, RISCV_ALL, 'pc', 2, 8),
  loongarch64: chainBelowFp(
    'loongarch64',
    8,
    range(0, 31).map((n) => `r${n}`),
    'csr_era',
    3,
    22,
  ),
};

/** The descriptor of `arch`, undefined where only frame 0 can be shown. */
export function unwindArch(arch: string): UnwindArch | undefined {
  return Object.prototype.hasOwnProperty.call(ARCHES, arch) ? ARCHES[arch] : undefined;
}

/** How far stacks of `arch` can be walked, and what a reader should know about it. */
export function unwindSupport(arch: string): { level: 'full' | 'frame-pointer' | 'frame-0'; warning?: string } {
  const a = unwindArch(arch);
  if (a === undefined) {
    return { level: 'frame-0', warning: `no stack unwinder for ${arch}: each thread shows only its current pc` };
  }
  return a.warning === undefined ? { level: a.level } : { level: a.level, warning: a.warning };
}

/** The thread's registers as a DWARF-numbered file (undefined: not recorded). */
export function registerFile(arch: UnwindArch, registers: RegisterSet): (bigint | undefined)[] {
  const file: (bigint | undefined)[] = [];
  for (let i = 0; i < Math.max(arch.dwarfNames.length, arch.raColumn + 1); i++) {
    const name = arch.dwarfNames[i];
    file.push(name === undefined || name === 'zero' ? (name === 'zero' ? 0n : undefined) : registers.value(name));
  }
  return file;
}
