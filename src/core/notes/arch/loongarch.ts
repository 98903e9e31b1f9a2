/**
 * LoongArch64.
 *
 * Source: Linux arch/loongarch/include/uapi/asm/ptrace.h (struct user_pt_regs: regs[32], orig_a0, csr_era,
 * csr_badv, reserved[10]; ELF_NGREG 45). csr_era (exception return address) is the pc; r3 is the stack pointer.
 * eu-readelf 0.188 does not decode LoongArch; checked against the raw corpus bytes (desc 480; csr_era lies in
 * the executable's text, r3 in the stack mapping).
 */
import { HEADER_64, defineLayout, numbered, sequential } from './layout';

export const LOONGARCH64 = defineLayout({
  arch: 'loongarch64',
  header: HEADER_64,
  gregsetSize: 45 * 8,
  registers: sequential([...numbered('r', 32), 'orig_a0', 'csr_era', 'csr_badv'], 8),
  pc: 'csr_era',
  sp: 'r3',
  align: 8,
  source: 'Linux loongarch asm/ptrace.h user_pt_regs; 112 + 360 + 4 -> 480',
});
