/**
 * PowerPC: ppc32 (big-endian) and ppc64 (ELFv1 big-endian and ELFv2 little-endian share the layout; the
 * endianness comes from the core).
 *
 * Source: Linux arch/powerpc/include/uapi/asm/ptrace.h (struct pt_regs / user_pt_regs): gpr[32], nip, msr,
 * orig_gpr3, ctr, link, xer, ccr, then softe on ppc64 / mq on ppc32, trap, dar, dsisr, result; ELF_NGREG is 48
 * (the last 4 slots are unused). Checked against the corpus: ppc32 desc 268, ppc64 desc 504 (BE and LE);
 * all registers agree with eu-readelf (which calls link "lr", ccr "cr", and softe "spr0").
 */
import { HEADER_32, HEADER_64, defineLayout, numbered, sequential } from './layout';

function names(slot40: string): string[] {
  return [
    ...numbered('r', 32),
    'nip',
    'msr',
    'orig_gpr3',
    'ctr',
    'link',
    'xer',
    'ccr',
    slot40,
    'trap',
    'dar',
    'dsisr',
    'result',
  ];
}

export const PPC32 = defineLayout({
  arch: 'ppc32',
  header: HEADER_32,
  gregsetSize: 48 * 4,
  registers: sequential(names('mq'), 4),
  pc: 'nip',
  sp: 'r1',
  align: 4,
  source: 'Linux powerpc asm/ptrace.h pt_regs (ELF_NGREG 48); 72 + 192 + 4 = 268',
});

export const PPC64 = defineLayout({
  arch: 'ppc64',
  header: HEADER_64,
  gregsetSize: 48 * 8,
  registers: sequential(names('softe'), 8),
  pc: 'nip',
  sp: 'r1',
  align: 8,
  source: 'Linux powerpc asm/ptrace.h user_pt_regs (ELF_NGREG 48); 112 + 384 + 4 -> 504',
});
