/** ELF constants the engine uses (values from the System V gABI and Linux's elf.h). */

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** e_phnum value meaning "the real count is in section header 0's sh_info". */
export const PN_XNUM = 0xffff;

export const EM = {
  SPARC: 2,
  I386: 3,
  M68K: 4,
  MIPS: 8,
  PARISC: 15,
  SPARC32PLUS: 18,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  SPARCV9: 43,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
  ALPHA: 0x9026,
} as const;

const MACHINE_NAMES: Record<number, string> = {
  [EM.SPARC]: 'sparc',
  [EM.I386]: 'i386',
  [EM.M68K]: 'm68k',
  [EM.MIPS]: 'mips',
  [EM.PARISC]: 'hppa',
  [EM.SPARC32PLUS]: 'sparc32plus',
  [EM.PPC]: 'ppc',
  [EM.PPC64]: 'ppc64',
  [EM.S390]: 's390',
  [EM.ARM]: 'arm',
  [EM.SPARCV9]: 'sparc64',
  [EM.X86_64]: 'x86_64',
  [EM.AARCH64]: 'aarch64',
  [EM.RISCV]: 'riscv',
  [EM.LOONGARCH]: 'loongarch',
  [EM.ALPHA]: 'alpha',
};

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}
