/**
 * SPARC V9 (sparc64) Linux.
 *
 * Source: Linux arch/sparc/include/asm/elf_64.h (ELF_NGREG 36: g0-g7, o0-o7, l0-l7, i0-i7, tstate, tpc, tnpc,
 * y; the locals and ins are copied from the register window the kernel saves on the user stack). The header
 * is the ordinary LP64 one. Checked against the corpus (desc 408; all registers agree with eu-readelf, which
 * calls tstate/tpc/tnpc "state"/"pc"/"npc").
 */
import { HEADER_64, defineLayout, numbered, sequential } from './layout';

/**
 * The SPARC V9 ABI keeps %sp (o6) 2047 bytes below the real frame ("stack bias"); an odd %sp marks a biased
 * 64-bit frame. The stack pointer reported for stack analysis is the real address; the register list keeps
 * the raw o6.
 */
export const SPARC_STACK_BIAS = 2047n;
export function sparcStackAddress(raw: bigint): bigint {
  return (raw & 1n) === 1n ? raw + SPARC_STACK_BIAS : raw;
}

const SPARC64_NAMES = [
  ...numbered('g', 8),
  ...numbered('o', 8),
  ...numbered('l', 8),
  ...numbered('i', 8),
  'tstate',
  'tpc',
  'tnpc',
  'y',
];

export const SPARC64 = defineLayout({
  arch: 'sparc64',
  header: HEADER_64,
  gregsetSize: 36 * 8,
  registers: sequential(SPARC64_NAMES, 8),
  pc: 'tpc',
  sp: 'o6',
  spAddress: sparcStackAddress,
  align: 8,
  source: 'Linux sparc asm/elf_64.h (ELF_NGREG 36); 112 + 288 + 4 -> 408',
});
