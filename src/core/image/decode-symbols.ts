/**
 * Turns the bytes of an ELF symbol table (Elf32_Sym / Elf64_Sym entries) and its string table into a SymbolTable:
 * the functions and untyped code labels that are defined in a section, each with the end of the range it may
 * name (its section's, or its segment's when the table was read from memory). Shared by the file reader
 * (.symtab, .dynsym, MiniDebugInfo) and the reader of a loaded module's .dynsym in a process's memory.
 */
import { BinaryView } from '../elf/binary-view';
import { EM } from '../elf/constants';
import { SHN_LORESERVE, SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE } from './image-constants';
import { BIND_RANK, RANK, emptyColumns, type SymbolColumns } from './symbol-table';

/** 16M symbols: 384 MiB of Elf64_Sym, beyond any section the reader reads whole. */
const MAX_SYMBOLS = 1 << 24;

const STB_LOCAL = 0;
const STB_WEAK = 2;

export interface SymbolSource {
  /** The table's bytes, in the image's byte order and class. */
  readonly symbols: BinaryView;
  /** Bytes per entry (sh_entsize / DT_SYMENT). */
  readonly entrySize: number;
  readonly strings: Uint8Array;
  readonly machine: number;
  /** Addresses are kept relative to this (0 unless the image lies above 2^53, as a kernel does). */
  readonly base: bigint;
  /**
   * The end (exclusive, link-time, relative to `base`) of the range a symbol of section `shndx` at `value` may
   * name, or NaN when it names nothing loaded (a non-allocated section, a value outside every segment).
   */
  readonly limitOf: (shndx: number, value: number) => number;
}

/** The function and label rows of one symbol table, unsorted (SymbolTable.fromColumns sorts them). */
export function decodeSymbols(src: SymbolSource): SymbolColumns {
  const v = src.symbols;
  const is64 = v.bits === 64;
  const count = Math.min(MAX_SYMBOLS, Math.floor(v.length / src.entrySize));
  const cols = emptyColumns(count, src.base, [src.strings]);
  const thumb = src.machine === EM.ARM;
  const zeroBase = src.base === 0n;
  const smallBase = Number(src.base);
  let n = 0;
  // Entry 0 is the null symbol.
  for (let i = 1; i < count; i++) {
    const at = i * src.entrySize;
    const info = v.u8(at + (is64 ? 4 : 12));
    const type = info & 0xf;
    const isFunc = type === STT_FUNC || type === STT_GNU_IFUNC;
    if (!isFunc && type !== STT_NOTYPE) continue;
    const shndx = v.u16(at + (is64 ? 6 : 14));
    if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE) continue;
    const nameOffset = v.u32(at);
    if (nameOffset === 0 || nameOffset >= src.strings.length) continue;
    // ARM, AArch64 and RISC-V mapping symbols ($a, $t, $x, $d…) mark instruction sets and data, not functions.
    if (!isFunc && src.strings[nameOffset] === 0x24) continue;
    let value: number;
    if (!is64) {
      value = v.u32(at + 4) - smallBase;
    } else if (zeroBase) {
      // Two halves, no BigInt: this loop runs for every symbol of libxul.
      const hi = v.u32(at + (v.little ? 12 : 8));
      if (hi >= 0x200000) continue;
      value = hi * 0x100000000 + v.u32(at + (v.little ? 8 : 12));
    } else {
      const rel = v.u64(at + 8) - src.base;
      if (rel < 0n || rel > BigInt(Number.MAX_SAFE_INTEGER)) continue;
      value = Number(rel);
    }
    if (value < 0) continue;
    // A Thumb function's value has bit 0 set; its code starts one byte lower.
    if (thumb && isFunc) value -= value % 2;
    const limit = src.limitOf(shndx, value);
    if (!(value < limit)) continue;
    const size = is64 ? v.wordNumber(at + 16) : v.u32(at + 8);
    const sized = size > 0 && Number.isFinite(size);
    const bind = info >> 4;
    const bindRank = bind === STB_LOCAL ? BIND_RANK.LOCAL : bind === STB_WEAK ? BIND_RANK.WEAK : BIND_RANK.GLOBAL;
    const kind = isFunc ? (sized ? RANK.FUNC_SIZED : RANK.FUNC_ZERO) : sized ? RANK.NOTYPE_SIZED : RANK.NOTYPE_ZERO;
    cols.starts[n] = value;
    cols.limits[n] = limit;
    cols.sizes[n] = sized ? size : 0;
    cols.ranks[n] = kind * 4 + bindRank;
    cols.nameOffsets[n] = nameOffset;
    n++;
  }
  return { ...cols, count: n };
}

/** 0, or the lowest address when some end lies beyond 2^53 (where doubles stop being exact). */
export function baseFor(ranges: readonly { readonly start: bigint; readonly end: bigint }[]): bigint {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (ranges.every((r) => r.end <= limit)) return 0n;
  return ranges.reduce((m, r) => (r.start < m ? r.start : m), ranges[0]?.start ?? 0n);
}
