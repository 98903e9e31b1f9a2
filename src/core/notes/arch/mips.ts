/**
 * MIPS: o32, n32 and n64. ELF_NGREG is 45 for all three.
 *
 * Source: Linux arch/mips/include/asm/reg.h (EF_* indices) and arch/mips/kernel/binfmt_elfn32.c /
 * binfmt_elfo32.c. The 32-bit register file (o32, WANT_COMPAT_REG_H) starts with six unused slots (EF_R0 = 6);
 * the 64-bit one (n64, and n32, which keeps 64-bit registers inside the 32-bit prstatus header) starts at
 * EF_R0 = 0. After r0..r31 come lo, hi, cp0_epc, cp0_badvaddr, cp0_status, cp0_cause.
 * eu-readelf 0.188 does not decode MIPS; checked against the raw corpus bytes: o32 desc 256, n32 desc 440
 * (pid at 24, pr_reg at 72), n64 desc 480; epc falls in the executable segment and r29 in the stack.
 */
import { HEADER_32, HEADER_64, defineLayout, numbered, sequential } from './layout';

const MIPS_NAMES = [...numbered('r', 32), 'lo', 'hi', 'cp0_epc', 'cp0_badvaddr', 'cp0_status', 'cp0_cause'];

export const MIPS_O32 = defineLayout({
  arch: 'mips o32',
  header: HEADER_32,
  gregsetSize: 45 * 4,
  registers: sequential(MIPS_NAMES, 4, 6 * 4),
  pc: 'cp0_epc',
  sp: 'r29',
  align: 4,
  source: 'Linux mips asm/reg.h (32-bit, EF_R0 = 6); 72 + 180 + 4 = 256',
});

export const MIPS_N32 = defineLayout({
  arch: 'mips n32',
  header: HEADER_32,
  gregsetSize: 45 * 8,
  registers: sequential(MIPS_NAMES, 8),
  pc: 'cp0_epc',
  sp: 'r29',
  align: 8,
  source: 'Linux mips binfmt_elfn32.c (32-bit header, 64-bit registers, EF_R0 = 0); 72 + 360 + 4 -> 440',
});

export const MIPS_N64 = defineLayout({
  arch: 'mips64',
  header: HEADER_64,
  gregsetSize: 45 * 8,
  registers: sequential(MIPS_NAMES, 8),
  pc: 'cp0_epc',
  sp: 'r29',
  align: 8,
  source: 'Linux mips asm/reg.h (64-bit, EF_R0 = 0); 112 + 360 + 4 -> 480',
});

/** e_flags bit EF_MIPS_ABI2: the object uses n32. */
export const EF_MIPS_ABI2 = 0x20;
