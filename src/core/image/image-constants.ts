/**
 * ELF constants of executables, shared objects and debug files that a core's reader never needs (section types,
 * symbol fields, dynamic tags). Values from the System V gABI, the GNU extensions and Linux's elf.h; the ones a core
 * shares (e_type, p_type, EM_*) stay in ../elf/constants.ts.
 */

export const SHT_SYMTAB = 2;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;

export const SHF_ALLOC = 0x2;
export const SHF_COMPRESSED = 0x800;

export const ELFCOMPRESS_ZLIB = 1;
export const ELFCOMPRESS_ZSTD = 2;

export const SHN_UNDEF = 0;
/** Indexes from here up are reserved (SHN_ABS, SHN_COMMON, SHN_XINDEX): no symbol with one names code. */
export const SHN_LORESERVE = 0xff00;

export const STT_NOTYPE = 0;
export const STT_FUNC = 2;
export const STT_GNU_IFUNC = 10;

export const DT_NULL = 0;
export const DT_HASH = 4;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_SONAME = 14;
export const DT_FLAGS_1 = 0x6ffffffb;
export const DT_GNU_HASH = 0x6ffffef5;
export const DF_1_PIE = 0x08000000;
