/**
 * The section header table of an ELF file and its names. Executables and shared objects keep their symbol
 * tables, build-id note and debug link in sections; a separate debug file has little else (its code and data are
 * SHT_NOBITS placeholders at the original addresses). The table is bounded by the file: a count or offset that
 * runs past the end is an ImageError, never a huge read.
 */
import { BinaryView, decodeText } from '../elf/binary-view';
import type { ByteSource } from '../io/byte-source';
import type { ElfFileHeader } from './elf-file-header';
import { ImageError } from './image-error';

export interface ImageSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entSize: number;
}

/** More sections than any linker output has (libxul: ~40; -ffunction-sections objects: tens of thousands). */
const MAX_SECTIONS = 1 << 20;
/** The section name table: a few KiB in practice. */
const MAX_NAME_TABLE = 16 << 20;

export async function readSectionHeaders(source: ByteSource, h: ElfFileHeader): Promise<ImageSection[]> {
  if (h.shnum === 0 || h.shoff === 0) return [];
  const entry = h.bits === 64 ? 64 : 40;
  if (h.shentsize !== entry) {
    throw new ImageError(`e_shentsize is ${h.shentsize}; an ELF${h.bits} section header is ${entry} bytes`);
  }
  if (h.shnum > MAX_SECTIONS) throw new ImageError(`the ELF header claims ${h.shnum} sections`);
  if (h.shoff + h.shnum * entry > source.size) throw new ImageError('section headers past the end of the file');
  const v = new BinaryView(await source.read(h.shoff, h.shnum * entry), h.endian, h.bits);
  if (v.length < h.shnum * entry) throw new ImageError('section headers past the end of the file');
  const raw = [];
  for (let i = 0; i < h.shnum; i++) raw.push(decodeSectionHeader(v, i * entry));
  const names = await readNameTable(source, h, raw);
  return raw.map((s, index) => ({ ...s, index, name: names === undefined ? '' : nameAt(names, s.nameOffset) }));
}

interface RawSection extends Omit<ImageSection, 'index' | 'name'> {
  readonly nameOffset: number;
}

function decodeSectionHeader(v: BinaryView, at: number): RawSection {
  const is64 = v.bits === 64;
  const size = is64 ? v.wordNumber(at + 32) : v.u32(at + 20);
  const offset = is64 ? v.wordNumber(at + 24) : v.u32(at + 16);
  const entSize = is64 ? v.wordNumber(at + 56) : v.u32(at + 36);
  return {
    nameOffset: v.u32(at),
    type: v.u32(at + 4),
    // Only the low 32 bits carry flags that mean anything outside processor- and OS-specific ranges.
    flags: is64 ? v.u32(at + (v.little ? 8 : 12)) : v.u32(at + 8),
    addr: v.word(at + (is64 ? 16 : 12)),
    // Values beyond 2^53 (wordNumber's Infinity) become "not in the file": readers check offset + size.
    offset: Number.isFinite(offset) ? offset : Number.MAX_SAFE_INTEGER,
    size: Number.isFinite(size) ? size : Number.MAX_SAFE_INTEGER,
    link: v.u32(at + (is64 ? 40 : 24)),
    info: v.u32(at + (is64 ? 44 : 28)),
    entSize: Number.isFinite(entSize) ? entSize : 0,
  };
}

async function readNameTable(
  source: ByteSource,
  h: ElfFileHeader,
  raw: readonly RawSection[],
): Promise<Uint8Array | undefined> {
  const table = raw[h.shstrndx];
  if (h.shstrndx === 0 || table === undefined) return undefined;
  if (table.size > MAX_NAME_TABLE || table.offset + table.size > source.size) {
    throw new ImageError('the section name table lies past the end of the file');
  }
  return source.read(table.offset, table.size);
}

function nameAt(table: Uint8Array, offset: number): string {
  if (offset >= table.length) return '';
  let end = offset;
  while (end < table.length && table[end] !== 0) end++;
  return decodeText(table.subarray(offset, end));
}
