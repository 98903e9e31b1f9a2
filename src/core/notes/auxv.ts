import { BinaryView } from '../elf/binary-view';
import type { AuxvEntry } from '../types';

export const AT = {
  NULL: 0,
  PHDR: 3,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  ENTRY: 9,
  PLATFORM: 15,
  EXECFN: 31,
  SYSINFO: 32,
  SYSINFO_EHDR: 33,
  RANDOM: 25,
} as const;

const AT_NAMES: Record<number, string> = {
  0: 'AT_NULL',
  1: 'AT_IGNORE',
  2: 'AT_EXECFD',
  3: 'AT_PHDR',
  4: 'AT_PHENT',
  5: 'AT_PHNUM',
  6: 'AT_PAGESZ',
  7: 'AT_BASE',
  8: 'AT_FLAGS',
  9: 'AT_ENTRY',
  10: 'AT_NOTELF',
  11: 'AT_UID',
  12: 'AT_EUID',
  13: 'AT_GID',
  14: 'AT_EGID',
  15: 'AT_PLATFORM',
  16: 'AT_HWCAP',
  17: 'AT_CLKTCK',
  18: 'AT_FPUCW',
  19: 'AT_DCACHEBSIZE',
  20: 'AT_ICACHEBSIZE',
  21: 'AT_UCACHEBSIZE',
  22: 'AT_IGNOREPPC',
  23: 'AT_SECURE',
  24: 'AT_BASE_PLATFORM',
  25: 'AT_RANDOM',
  26: 'AT_HWCAP2',
  27: 'AT_RSEQ_FEATURE_SIZE',
  28: 'AT_RSEQ_ALIGN',
  29: 'AT_HWCAP3',
  30: 'AT_HWCAP4',
  31: 'AT_EXECFN',
  32: 'AT_SYSINFO',
  33: 'AT_SYSINFO_EHDR',
  34: 'AT_L1I_CACHESHAPE',
  35: 'AT_L1D_CACHESHAPE',
  36: 'AT_L2_CACHESHAPE',
  37: 'AT_L3_CACHESHAPE',
  40: 'AT_L1I_CACHESIZE',
  41: 'AT_L1I_CACHEGEOMETRY',
  42: 'AT_L1D_CACHESIZE',
  43: 'AT_L1D_CACHEGEOMETRY',
  44: 'AT_L2_CACHESIZE',
  45: 'AT_L2_CACHEGEOMETRY',
  46: 'AT_L3_CACHESIZE',
  47: 'AT_L3_CACHEGEOMETRY',
  51: 'AT_MINSIGSTKSZ',
};

export function auxvName(type: number): string {
  return AT_NAMES[type] ?? `AT_${type}`;
}

/** NT_AUXV: (type, value) word pairs of the core's class, up to AT_NULL. */
export function parseAuxv(desc: Uint8Array, v: BinaryView): AuxvEntry[] {
  const view = new BinaryView(desc, v.endian, v.bits);
  const pair = view.wordSize * 2;
  const entries: AuxvEntry[] = [];
  for (let at = 0; at + pair <= desc.length; at += pair) {
    const type = Number(view.word(at));
    if (type === AT.NULL) break;
    entries.push({ type, name: auxvName(type), value: view.word(at + view.wordSize) });
  }
  return entries;
}

export function auxvValue(entries: readonly AuxvEntry[], type: number): bigint | undefined {
  return entries.find((e) => e.type === type)?.value;
}
