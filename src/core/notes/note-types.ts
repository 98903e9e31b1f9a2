/**
 * Note type numbers, by owner name. The same number means different things under different owners: NT_PRPSINFO
 * (CORE) and NT_GNU_BUILD_ID (GNU) are both 3, so every lookup goes through the owner.
 */
export const NT = {
  PRSTATUS: 1,
  FPREGSET: 2,
  PRPSINFO: 3,
  TASKSTRUCT: 4,
  AUXV: 6,
  PRXFPREG: 0x46e62b7f,
  SIGINFO: 0x53494749,
  FILE: 0x46494c45,
} as const;

export const NT_GNU_BUILD_ID = 3;

const CORE_NAMES: Record<number, string> = {
  1: 'NT_PRSTATUS',
  2: 'NT_FPREGSET',
  3: 'NT_PRPSINFO',
  4: 'NT_TASKSTRUCT',
  6: 'NT_AUXV',
  0x46e62b7f: 'NT_PRXFPREG',
  0x53494749: 'NT_SIGINFO',
  0x46494c45: 'NT_FILE',
};

/** Owner "LINUX": per-thread register sets beyond the general ones (values from linux/elf.h). */
const LINUX_NAMES: Record<number, string> = {
  0x100: 'NT_PPC_VMX',
  0x102: 'NT_PPC_VSX',
  0x200: 'NT_386_TLS',
  0x201: 'NT_386_IOPERM',
  0x202: 'NT_X86_XSTATE',
  0x204: 'NT_X86_SHSTK',
  0x300: 'NT_S390_HIGH_GPRS',
  0x301: 'NT_S390_TIMER',
  0x302: 'NT_S390_TODCMP',
  0x303: 'NT_S390_TODPREG',
  0x304: 'NT_S390_CTRS',
  0x305: 'NT_S390_PREFIX',
  0x306: 'NT_S390_LAST_BREAK',
  0x307: 'NT_S390_SYSTEM_CALL',
  0x308: 'NT_S390_TDB',
  0x309: 'NT_S390_VXRS_LOW',
  0x30a: 'NT_S390_VXRS_HIGH',
  0x400: 'NT_ARM_VFP',
  0x401: 'NT_ARM_TLS',
  0x402: 'NT_ARM_HW_BREAK',
  0x403: 'NT_ARM_HW_WATCH',
  0x404: 'NT_ARM_SYSTEM_CALL',
  0x405: 'NT_ARM_SVE',
  0x406: 'NT_ARM_PAC_MASK',
  0x409: 'NT_ARM_TAGGED_ADDR_CTRL',
  0x40a: 'NT_ARM_PAC_ENABLED_KEYS',
  0x40b: 'NT_ARM_SSVE',
  0x40c: 'NT_ARM_ZA',
  0x500: 'NT_METAG_CBUF',
  0x900: 'NT_RISCV_CSR',
  0xa01: 'NT_LOONGARCH_CSR',
  0xa02: 'NT_LOONGARCH_LSX',
  0xa03: 'NT_LOONGARCH_LASX',
  0xa04: 'NT_LOONGARCH_LBT',
};

const GNU_NAMES: Record<number, string> = {
  1: 'NT_GNU_ABI_TAG',
  2: 'NT_GNU_HWCAP',
  3: 'NT_GNU_BUILD_ID',
  4: 'NT_GNU_GOLD_VERSION',
  5: 'NT_GNU_PROPERTY_TYPE_0',
};

const GDB_NAMES: Record<number, string> = { 1: 'NT_GDB_TDESC' };

const TABLES: Record<string, Record<number, string>> = {
  CORE: CORE_NAMES,
  LINUX: { ...CORE_NAMES, ...LINUX_NAMES },
  GNU: GNU_NAMES,
  GDB: GDB_NAMES,
  VMCOREINFO: { 0: 'VMCOREINFO' },
};

export function noteTypeName(owner: string, type: number): string {
  return TABLES[owner]?.[type] ?? `0x${type.toString(16)}`;
}
