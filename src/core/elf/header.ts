import { DumpError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { BinaryView, type Endian, type WordBits } from './binary-view';
import { ET_CORE, ET_DYN, ET_EXEC, ET_REL, PN_XNUM, machineName } from './constants';

export interface ElfHeader {
  readonly bits: WordBits;
  readonly endian: Endian;
  readonly osabi: number;
  readonly type: number;
  readonly machine: number;
  readonly machineName: string;
  readonly flags: number;
  readonly phoff: number;
  readonly phentsize: number;
  /** The real program header count (PN_XNUM resolved). */
  readonly phnum: number;
  /** e_phnum as written: 0xffff when the count lives in section header 0. */
  readonly rawPhnum: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  /** e_shnum as written: 0 when the count lives in section header 0. */
  readonly rawShnum: number;
  /** Where the real count came from when PN_XNUM was used, for the dump's facts. */
  readonly extendedNumbering?: { readonly sectionHeaderOffset: number };
}

const MIN_HEADER = 52; // an ELF32 header; ELF64 needs 64
const EI_NIDENT = 16; // e_ident: magic, class, data, version, OS ABI, padding

/** Parses and validates the ELF header; explains in one line what the file is when it is not an ELF core. */
export async function readElfHeader(source: ByteSource): Promise<ElfHeader> {
  if (source.size === 0) throw new DumpError('empty', 'the file is empty (0 bytes)');
  const bytes = await source.read(0, 64);
  explainNonElf(bytes, source.size);
  // A 4–15 byte file with the magic has no class/data bytes to judge: without this check it was reported as
  // "an invalid class (undefined) or data encoding (undefined)" instead of as too short.
  if (bytes.length < EI_NIDENT) {
    throw new DumpError(
      'too-small',
      `the file is ${source.size} bytes: too short for an ELF header (at least ${MIN_HEADER} bytes)`,
    );
  }
  const bits: WordBits = bytes[4] === 2 ? 64 : 32;
  const endian: Endian = bytes[5] === 2 ? 'big' : 'little';
  if ((bytes[4] !== 1 && bytes[4] !== 2) || (bytes[5] !== 1 && bytes[5] !== 2)) {
    throw new DumpError('bad-header', `ELF header has an invalid class (${bytes[4]}) or data encoding (${bytes[5]})`);
  }
  const need = bits === 64 ? 64 : MIN_HEADER;
  if (bytes.length < need) {
    throw new DumpError(
      'too-small',
      `the file is ${source.size} bytes: too short for an ELF${bits} header (${need} bytes)`,
    );
  }
  const v = new BinaryView(bytes, endian, bits);
  const type = v.u16(16);
  const machine = v.u16(18);
  explainNonCore(type);
  const o =
    bits === 64
      ? { phoff: 32, shoff: 40, flags: 48, phentsize: 54 }
      : { phoff: 28, shoff: 32, flags: 36, phentsize: 42 };
  const phoff = v.wordNumber(o.phoff);
  const shoff = v.wordNumber(o.shoff);
  const phentsize = v.u16(o.phentsize);
  const rawPhnum = v.u16(o.phentsize + 2);
  const shentsize = v.u16(o.phentsize + 4);
  let shnum = v.u16(o.phentsize + 6);
  const header = {
    bits,
    endian,
    osabi: bytes[7] ?? 0,
    type,
    machine,
    machineName: machineName(machine),
    flags: v.u32(o.flags),
    phoff,
    phentsize,
    phnum: rawPhnum,
    rawPhnum,
    shoff,
    shentsize,
    shnum,
    rawShnum: shnum,
  };
  const expectedPhentsize = bits === 64 ? 56 : 32;
  if (rawPhnum !== 0 && phentsize !== expectedPhentsize) {
    throw new DumpError(
      'bad-header',
      `e_phentsize is ${phentsize}; an ELF${bits} program header is ${expectedPhentsize} bytes`,
    );
  }
  // PN_XNUM and e_shnum == 0 both defer to section header 0 (gABI "Extended numbering"). The kernel writes that
  // header at the end of the file, createdump right after the ELF header: read it wherever e_shoff says.
  if (rawPhnum === PN_XNUM || (shnum === 0 && shoff !== 0)) {
    const section0 = await readSectionHeaderZero(source, shoff, bits, endian);
    if (rawPhnum === PN_XNUM) {
      if (section0 === undefined) {
        throw new DumpError(
          'bad-header',
          `e_phnum is 0xffff (PN_XNUM) but section header 0 at offset ${shoff} is not in the file`,
        );
      }
      header.phnum = section0.info;
      Object.assign(header, { extendedNumbering: { sectionHeaderOffset: shoff } });
    }
    if (shnum === 0 && section0 !== undefined) shnum = section0.size > 0xffffff ? 0 : section0.size;
    header.shnum = shnum;
  }
  return header;
}

export async function readSectionHeaderZero(
  source: ByteSource,
  shoff: number,
  bits: WordBits,
  endian: Endian,
): Promise<{ info: number; size: number } | undefined> {
  const size = bits === 64 ? 64 : 40;
  if (!Number.isFinite(shoff) || shoff <= 0 || shoff + size > source.size) return undefined;
  const v = new BinaryView(await source.read(shoff, size), endian, bits);
  if (v.length < size) return undefined;
  return bits === 64 ? { size: v.wordNumber(32), info: v.u32(44) } : { size: v.u32(20), info: v.u32(28) };
}

function explainNonElf(bytes: Uint8Array, size: number): void {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x7f && b(1) === 0x45 && b(2) === 0x4c && b(3) === 0x46) return;
  if (b(0) === 0x1f && b(1) === 0x8b) {
    throw new DumpError(
      'gzip',
      'this is a gzip-compressed file: decompress it first (gunzip), then open the core inside',
    );
  }
  if (b(0) === 0x4d && b(1) === 0x44 && b(2) === 0x4d && b(3) === 0x50) {
    throw new DumpError('minidump', 'this is a minidump (MDMP), not an ELF core: coreview reads Linux ELF core dumps');
  }
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) {
    throw new DumpError(
      'not-elf',
      'this is a zstd-compressed file (systemd-coredump stores cores so): decompress it with `zstd -d` or `coredumpctl dump`',
    );
  }
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58) {
    throw new DumpError(
      'not-elf',
      'this is an xz-compressed file: decompress it first (unxz), then open the core inside',
    );
  }
  if (size < 4) throw new DumpError('too-small', `the file is ${size} bytes: too short to be an ELF core`);
  throw new DumpError(
    'not-elf',
    'this is not an ELF file (no \\x7fELF magic): a Linux core dump is an ELF file of type CORE',
  );
}

function explainNonCore(type: number): void {
  if (type === ET_CORE) return;
  const what: Record<number, string> = {
    [ET_REL]: 'an ELF relocatable object (.o)',
    [ET_EXEC]: 'an ELF executable',
    [ET_DYN]: 'an ELF shared object or position-independent executable',
  };
  throw new DumpError(
    'not-core',
    `this is ${what[type] ?? `an ELF file of type ${type}`}, not a core dump (ELF type CORE): open the core file the crash produced`,
  );
}
