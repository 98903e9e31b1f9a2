/**
 * The ELF header of any ELF file — executable, shared object, debug file, relocatable object or core — with the
 * section header count, the section name table index and the program header count resolved through section
 * header 0 where the file uses extended numbering. ../elf/header.ts reads a core's and turns every other type away
 * with a message for users who dropped the wrong file; an image reader needs all types, so it reads the header here.
 */
import { BinaryView, type Endian, type WordBits } from '../elf/binary-view';
import { PN_XNUM } from '../elf/constants';
import { readSectionHeaderZero } from '../elf/header';
import type { ByteSource } from '../io/byte-source';
import { ImageError } from './image-error';

export interface ElfFileHeader {
  readonly bits: WordBits;
  readonly endian: Endian;
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  /** Index of the section name string table (SHN_XINDEX resolved); 0 when there is none. */
  readonly shstrndx: number;
}

const SHN_XINDEX = 0xffff;

export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export async function readElfFileHeader(source: ByteSource): Promise<ElfFileHeader> {
  const bytes = await source.read(0, 64);
  if (!hasElfMagic(bytes)) throw new ImageError('not an ELF file (no \\x7fELF magic)');
  if ((bytes[4] !== 1 && bytes[4] !== 2) || (bytes[5] !== 1 && bytes[5] !== 2)) {
    throw new ImageError(`not a valid ELF file: class ${bytes[4] ?? '?'}, data encoding ${bytes[5] ?? '?'}`);
  }
  const bits: WordBits = bytes[4] === 2 ? 64 : 32;
  const endian: Endian = bytes[5] === 2 ? 'big' : 'little';
  const need = bits === 64 ? 64 : 52;
  if (bytes.length < need) throw new ImageError(`the file is ${source.size} bytes: too short for an ELF${bits} header`);
  const v = new BinaryView(bytes, endian, bits);
  const o =
    bits === 64
      ? { entry: 24, phoff: 32, shoff: 40, phentsize: 54 }
      : { entry: 24, phoff: 28, shoff: 32, phentsize: 42 };
  const phoff = v.wordNumber(o.phoff);
  const shoff = v.wordNumber(o.shoff);
  const phentsize = v.u16(o.phentsize);
  let phnum = v.u16(o.phentsize + 2);
  const shentsize = v.u16(o.phentsize + 4);
  let shnum = v.u16(o.phentsize + 6);
  let shstrndx = v.u16(o.phentsize + 8);
  if (!Number.isFinite(phoff) || !Number.isFinite(shoff)) {
    throw new ImageError('the ELF header gives a table offset beyond 2^53');
  }
  // Extended numbering (gABI): the real counts and the name table index live in section header 0.
  if (phnum === PN_XNUM || (shnum === 0 && shoff !== 0) || shstrndx === SHN_XINDEX) {
    const zero = await readSectionHeaderZero(source, shoff, bits, endian);
    if (zero === undefined) throw new ImageError('section headers past the end of the file');
    if (phnum === PN_XNUM) phnum = zero.info;
    if (shnum === 0 && shoff !== 0) shnum = zero.size;
    if (shstrndx === SHN_XINDEX) shstrndx = await readLinkOfSectionZero(source, shoff, v);
  }
  return {
    bits,
    endian,
    type: v.u16(16),
    machine: v.u16(18),
    entry: v.word(o.entry),
    phoff,
    phentsize,
    phnum,
    shoff,
    shentsize,
    shnum,
    shstrndx,
  };
}

async function readLinkOfSectionZero(source: ByteSource, shoff: number, v: BinaryView): Promise<number> {
  const at = shoff + (v.bits === 64 ? 40 : 24);
  const bytes = await source.read(at, 4);
  if (bytes.length < 4) throw new ImageError('section headers past the end of the file');
  return new BinaryView(bytes, v.endian, v.bits).u32(0);
}
