/**
 * PA-RISC (hppa) 32-bit Linux.
 *
 * Source: Linux arch/parisc/include/asm/elf.h ELF_CORE_COPY_REGS and uapi asm/ptrace.h user_regs_struct
 * (ELF_NGREG 80): gr0-gr31 (gr0 holds the PSW), sr0-sr7, iaoq[2], iasq[2], sar, iir, isr, ior, ipsw, cr0,
 * cr24-cr31, cr8, cr9, cr12, cr13, cr10, cr15, then unused slots. The pc is the instruction address offset
 * queue head iaoq0, whose low two bits are the privilege level (3 = user) and are masked off; gr30 is the
 * stack pointer (the hppa stack grows upwards). eu-readelf 0.188 does not decode hppa; checked against the
 * raw corpus bytes (desc 396; pc lies in the executable's text, gr30 in the stack mapping).
 */
import { HEADER_32, defineLayout, numbered, sequential } from './layout';

const HPPA_NAMES = [
  ...numbered('gr', 32),
  ...numbered('sr', 8),
  'iaoq0',
  'iaoq1',
  'iasq0',
  'iasq1',
  'sar',
  'iir',
  'isr',
  'ior',
  'ipsw',
  'cr0',
  ...numbered('cr', 8, 24),
  'cr8',
  'cr9',
  'cr12',
  'cr13',
  'cr10',
  'cr15',
];

export const HPPA32 = defineLayout({
  arch: 'hppa',
  header: HEADER_32,
  gregsetSize: 80 * 4,
  registers: sequential(HPPA_NAMES, 4),
  pc: 'iaoq0',
  sp: 'gr30',
  pcAddress: (raw) => raw & ~3n,
  align: 4,
  source: 'Linux parisc asm/elf.h ELF_CORE_COPY_REGS (ELF_NGREG 80); 72 + 320 + 4 = 396',
});
