/**
 * Motorola 68000 (m68k) Linux.
 *
 * The m68k ABI aligns int and long to 2 bytes, so struct elf_prstatus is packed differently from every other
 * 32-bit ABI: pr_sigpend at 14, pr_pid at 22, pr_ppid at 26, pr_reg at 70, pr_fpvalid at 150, total 154.
 * Source: Linux arch/m68k/include/asm/elf.h (ELF_NGREG 20; ELF_CORE_COPY_REGS stores d1-d7, a0-a6, d0, usp,
 * orig_d0, sr, pc and (format << 12 | vector), each widened to a long). Checked against the corpus (both m68k
 * cores: every register eu-readelf prints agrees; eu-readelf calls usp "a7").
 */
import { defineLayout, numbered, sequential } from './layout';

const M68K_NAMES = [...numbered('d', 7, 1), ...numbered('a', 7), 'd0', 'usp', 'orig_d0', 'sr', 'pc', 'fmtvec'];

export const M68K = defineLayout({
  arch: 'm68k',
  header: { info: 0, cursig: 12, pid: 22, ppid: 26, regs: 70 },
  gregsetSize: 20 * 4,
  registers: sequential(M68K_NAMES, 4),
  pc: 'pc',
  sp: 'usp',
  align: 2,
  source: 'Linux m68k asm/elf.h (ELF_NGREG 20, 2-byte alignment); 70 + 80 + 4 = 154',
});
