/**
 * Alpha Linux.
 *
 * Source: Linux arch/alpha/kernel/process.c dump_elf_thread() (ELF_NGREG 33: r0-r30 with r30 = the user stack
 * pointer, then pc, then the "unique" thread pointer). Registers are named by their ABI roles, as eu-readelf
 * does (v0 = r0, t0-t7 = r1-r8, s0-s6 = r9-r15, a0-a5 = r16-r21, t8-t11 = r22-r25, ra, t12, at, gp, sp).
 * Checked against the corpus (desc 384; all registers agree with eu-readelf).
 */
import { HEADER_64, defineLayout, numbered, sequential } from './layout';

const ALPHA_NAMES = [
  'v0',
  ...numbered('t', 8),
  ...numbered('s', 7),
  ...numbered('a', 6),
  ...numbered('t', 4, 8),
  'ra',
  't12',
  'at',
  'gp',
  'sp',
  'pc',
  'unique',
];

export const ALPHA = defineLayout({
  arch: 'alpha',
  header: HEADER_64,
  gregsetSize: 33 * 8,
  registers: sequential(ALPHA_NAMES, 8),
  pc: 'pc',
  sp: 'sp',
  align: 8,
  source: 'Linux alpha process.c dump_elf_thread (ELF_NGREG 33); 112 + 264 + 4 -> 384',
});
