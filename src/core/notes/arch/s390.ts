/**
 * IBM Z: s390x (64-bit) and s390 (31-bit, big-endian both).
 *
 * Source: Linux arch/s390/include/asm/ptrace.h / uapi asm/ptrace.h (s390_regs: psw {mask, addr}, gprs[16],
 * acrs[16] (always 32-bit), orig_gpr2). The psw type is declared aligned(8), so on 31-bit the register set is
 * 140 bytes of data padded to 144 and the whole prstatus to 224 (the corpus' 31-bit cores show orig_gpr2 at
 * 72+136, four zero bytes, then pr_fpvalid at 216). In 31-bit mode the top bit of the PSW address is the
 * addressing-mode bit, not part of the address. Checked against eu-readelf for all corpus s390/s390x cores.
 */
import { HEADER_32, HEADER_64, defineLayout, numbered, sequential } from './layout';
import type { RegisterSlot } from '../../types/registers';

function s390Registers(word: 4 | 8): RegisterSlot[] {
  const gprs = 2 * word;
  const acrs = gprs + 16 * word;
  const orig = acrs + 16 * 4;
  return [
    { name: 'psw_mask', offset: 0, size: word },
    { name: 'psw_addr', offset: word, size: word },
    ...sequential(numbered('r', 16), word, gprs),
    ...sequential(numbered('acr', 16), 4, acrs),
    { name: 'orig_gpr2', offset: orig, size: word },
  ];
}

export const S390X = defineLayout({
  arch: 's390x',
  header: HEADER_64,
  gregsetSize: 16 + 128 + 64 + 8,
  registers: s390Registers(8),
  pc: 'psw_addr',
  sp: 'r15',
  align: 8,
  source: 'Linux s390 asm/ptrace.h s390_regs; 112 + 216 + 4 -> 336',
});

export const S390_31 = defineLayout({
  arch: 's390',
  header: HEADER_32,
  // 8 + 64 + 64 + 4 = 140, rounded up to the psw's 8-byte alignment.
  gregsetSize: 144,
  registers: s390Registers(4),
  pc: 'psw_addr',
  sp: 'r15',
  pcAddress: (raw) => raw & 0x7fffffffn,
  align: 8,
  source: 'Linux s390 compat s390_compat_regs (psw aligned(8)); 72 + 144 + 4 -> 224',
});
