/**
 * Picks the NT_PRSTATUS layout for a core from its ELF header (e_machine, class, e_flags) and, where the
 * header alone is ambiguous, the note's size.
 */
import { EM } from '../../elf/constants';
import type { WordBits } from '../../elf/binary-view';
import { ALPHA } from './alpha';
import { AARCH64, ARM } from './arm';
import { HPPA32 } from './hppa';
import { HEADER_32, HEADER_64, type PrstatusHeader, type PrstatusLayout } from './layout';
import { LOONGARCH64 } from './loongarch';
import { M68K } from './m68k';
import { EF_MIPS_ABI2, MIPS_N32, MIPS_N64, MIPS_O32 } from './mips';
import { PPC32, PPC64 } from './ppc';
import { RISCV32, RISCV64 } from './riscv';
import { S390_31, S390X } from './s390';
import { SPARC64 } from './sparc';
import { I386, X32, X86_64 } from './x86';

export type { PrstatusHeader, PrstatusLayout } from './layout';

/** Every layout this module knows, for tests and listings. */
export const ALL_LAYOUTS: readonly PrstatusLayout[] = [
  X86_64,
  X32,
  I386,
  ARM,
  AARCH64,
  PPC32,
  PPC64,
  S390X,
  S390_31,
  RISCV64,
  RISCV32,
  MIPS_O32,
  MIPS_N32,
  MIPS_N64,
  LOONGARCH64,
  SPARC64,
  M68K,
  ALPHA,
  HPPA32,
];

/**
 * The layouts a core of this machine and class can carry, the header's best guess first. The same machine
 * number covers several ABIs (EM_X86_64: x86_64 and x32; EM_MIPS: o32, n32, n64; EM_S390: s390 and s390x).
 * A class that no Linux ABI of the machine uses gives no layout (tid and signal are still read).
 */
function candidates(machine: number, bits: WordBits, flags: number): readonly PrstatusLayout[] {
  const is64 = bits === 64;
  switch (machine) {
    case EM.X86_64:
      return is64 ? [X86_64] : [X32];
    case EM.I386:
      return is64 ? [] : [I386];
    case EM.ARM:
      return is64 ? [] : [ARM];
    case EM.AARCH64:
      // ELFCLASS32 aarch64 would be the ILP32 ABI, which mainline Linux never merged.
      return is64 ? [AARCH64] : [];
    case EM.PPC:
      return is64 ? [] : [PPC32];
    case EM.PPC64:
      return is64 ? [PPC64] : [];
    case EM.S390:
      return is64 ? [S390X] : [S390_31];
    case EM.RISCV:
      return is64 ? [RISCV64] : [RISCV32];
    case EM.MIPS:
      // n32 cores are ELFCLASS32; e_flags' EF_MIPS_ABI2 says n32, but cores do not always carry it (the
      // corpus' n32 core has e_flags 0), so the note size breaks the tie in pick().
      if (is64) return [MIPS_N64];
      return (flags & EF_MIPS_ABI2) !== 0 ? [MIPS_N32, MIPS_O32] : [MIPS_O32, MIPS_N32];
    case EM.LOONGARCH:
      return is64 ? [LOONGARCH64] : [];
    case EM.SPARCV9:
      return is64 ? [SPARC64] : [];
    case EM.M68K:
      return is64 ? [] : [M68K];
    case EM.ALPHA:
      return is64 ? [ALPHA] : [];
    case EM.PARISC:
      return is64 ? [] : [HPPA32];
    default:
      return [];
  }
}

/**
 * The layout for an NT_PRSTATUS of `descSize` bytes: the candidate whose size matches exactly, else the
 * header's first guess (the caller then checks the size and warns), else undefined (unknown machine/ABI).
 */
export function selectPrstatusLayout(
  machine: number,
  bits: WordBits,
  flags: number,
  descSize: number,
): PrstatusLayout | undefined {
  // Every thread of a core asks the same question: answer it once (800 threads, 800 identical lookups).
  const last = lastSelection;
  if (
    last !== undefined &&
    last.machine === machine &&
    last.bits === bits &&
    last.flags === flags &&
    last.descSize === descSize
  )
    return last.layout;
  const list = candidates(machine, bits, flags);
  const layout = list.find((l) => l.descSize === descSize) ?? list[0];
  lastSelection = { machine, bits, flags, descSize, layout };
  return layout;
}

let lastSelection:
  { machine: number; bits: WordBits; flags: number; descSize: number; layout: PrstatusLayout | undefined } | undefined;

/**
 * The header to read pid/signal from when no layout is known: the generic ILP32/LP64 one for the core's
 * class. Good for every Linux ABI except m68k (which has a layout) — a guess, and said so by the caller.
 */
export function genericHeader(bits: WordBits): PrstatusHeader {
  return bits === 64 ? HEADER_64 : HEADER_32;
}
