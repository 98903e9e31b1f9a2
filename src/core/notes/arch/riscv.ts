/**
 * RISC-V: riscv64 (checked against the corpus: desc 376, all registers agree with eu-readelf) and riscv32
 * (same register order with 4-byte slots; derived from the headers, no corpus core to check it against).
 *
 * Source: Linux arch/riscv/include/uapi/asm/ptrace.h (struct user_regs_struct: pc, then x1..x31 by ABI name).
 */
import { HEADER_32, HEADER_64, defineLayout, sequential } from './layout';

const RISCV_NAMES = [
  'pc',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
] as const;

export const RISCV64 = defineLayout({
  arch: 'riscv64',
  header: HEADER_64,
  gregsetSize: 32 * 8,
  registers: sequential(RISCV_NAMES, 8),
  pc: 'pc',
  sp: 'sp',
  align: 8,
  source: 'Linux riscv asm/ptrace.h user_regs_struct; 112 + 256 + 4 -> 376',
});

export const RISCV32 = defineLayout({
  arch: 'riscv32',
  header: HEADER_32,
  gregsetSize: 32 * 4,
  registers: sequential(RISCV_NAMES, 4),
  pc: 'pc',
  sp: 'sp',
  align: 4,
  source: 'Linux riscv asm/ptrace.h user_regs_struct; 72 + 128 + 4 = 204 (not checked against a real core)',
});
