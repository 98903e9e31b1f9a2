/**
 * ARM family: 32-bit arm and aarch64.
 *
 * Sources: Linux arch/arm/include/uapi/asm/ptrace.h (struct pt_regs: uregs[18] = r0..r15, cpsr, orig_r0) and
 * arch/arm64/include/uapi/asm/ptrace.h (struct user_pt_regs: regs[31], sp, pc, pstate).
 * Checked against the corpus: arm desc 148, aarch64 desc 392 (sp at 112+248, pc at 112+256); all registers
 * agree with eu-readelf (which calls the arm cpsr "spsr").
 */
import { HEADER_32, HEADER_64, defineLayout, numbered, sequential } from './layout';

const ARM_NAMES = [...numbered('r', 13), 'sp', 'lr', 'pc', 'cpsr', 'orig_r0'];
const AARCH64_NAMES = [...numbered('x', 31), 'sp', 'pc', 'pstate'];

export const ARM = defineLayout({
  arch: 'arm',
  header: HEADER_32,
  gregsetSize: 18 * 4,
  registers: sequential(ARM_NAMES, 4),
  pc: 'pc',
  sp: 'sp',
  align: 4,
  source: 'Linux arm asm/ptrace.h pt_regs (ELF_NGREG 18); 72 + 72 + 4 = 148',
});

export const AARCH64 = defineLayout({
  arch: 'aarch64',
  header: HEADER_64,
  gregsetSize: 34 * 8,
  registers: sequential(AARCH64_NAMES, 8),
  pc: 'pc',
  sp: 'sp',
  align: 8,
  source: 'Linux arm64 asm/ptrace.h user_pt_regs; 112 + 272 + 4 -> 392',
});
