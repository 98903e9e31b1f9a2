/**
 * x86 family: x86_64, x32 (EM_X86_64 in an ELFCLASS32 core) and i386.
 *
 * Sources: Linux arch/x86/include/asm/user_64.h and user_32.h (struct user_regs_struct), and
 * arch/x86/include/asm/compat.h (x32 uses the compat 32-bit prstatus header around the 64-bit register set).
 * Checked against the corpus: x86_64 desc 336 (rip at 112+128, rsp at 112+152), x32 desc 296 (pid at 24,
 * pr_reg at 72), i386 desc 144 (eip at 72+48, esp at 72+60); every register agrees with eu-readelf.
 */
import { HEADER_32, HEADER_64, defineLayout, sequential } from './layout';
import type { RegisterSlot } from '../../types/registers';

/** struct user_regs_struct (64-bit), in the kernel's order. */
const X86_64_NAMES = [
  'r15',
  'r14',
  'r13',
  'r12',
  'rbp',
  'rbx',
  'r11',
  'r10',
  'r9',
  'r8',
  'rax',
  'rcx',
  'rdx',
  'rsi',
  'rdi',
  'orig_rax',
  'rip',
  'cs',
  'eflags',
  'rsp',
  'ss',
  'fs_base',
  'gs_base',
  'ds',
  'es',
  'fs',
  'gs',
] as const;

/**
 * struct user_regs_struct (32-bit). The kernel spells the segment registers xds, xes, … ("extended" to 32
 * bits); they are shown here by their usual names.
 */
const I386_NAMES = [
  'ebx',
  'ecx',
  'edx',
  'esi',
  'edi',
  'ebp',
  'eax',
  'ds',
  'es',
  'fs',
  'gs',
  'orig_eax',
  'eip',
  'cs',
  'eflags',
  'esp',
  'ss',
] as const;

const SEGMENTS = new Set(['cs', 'ss', 'ds', 'es', 'fs', 'gs']);

/**
 * Segment selectors are 16-bit values in word-sized slots. The kernel zero-extends them, but gdb's gcore
 * leaves the upper bytes of the 64-bit slots uninitialised (the corpus' lldb-gcore-linux-x86_64 core has
 * cs = 0x561c00000033), so only the selector's two bytes are read. x86 is little-endian: same offset.
 */
function x86Registers(names: readonly string[], slot: 4 | 8): RegisterSlot[] {
  return sequential(names, slot).map((r) => (SEGMENTS.has(r.name) ? { ...r, size: 2 } : r));
}

export const X86_64 = defineLayout({
  arch: 'x86_64',
  header: HEADER_64,
  gregsetSize: 27 * 8,
  registers: x86Registers(X86_64_NAMES, 8),
  pc: 'rip',
  sp: 'rsp',
  align: 8,
  source: 'Linux asm/user_64.h user_regs_struct; 112 + 216 + 4 -> 336',
});

/** x32: 32-bit header (compat_elf_prstatus), full 64-bit registers; pr_reg 8-aligned at 72. */
export const X32 = defineLayout({
  arch: 'x32',
  header: HEADER_32,
  gregsetSize: 27 * 8,
  registers: x86Registers(X86_64_NAMES, 8),
  pc: 'rip',
  sp: 'rsp',
  align: 8,
  source: 'Linux asm/compat.h (x32 compat_elf_prstatus with 64-bit user_regs_struct); 72 + 216 + 4 -> 296',
});

export const I386 = defineLayout({
  arch: 'i386',
  header: HEADER_32,
  gregsetSize: 17 * 4,
  registers: x86Registers(I386_NAMES, 4),
  pc: 'eip',
  sp: 'esp',
  align: 4,
  source: 'Linux asm/user_32.h user_regs_struct; 72 + 68 + 4 = 144',
});
