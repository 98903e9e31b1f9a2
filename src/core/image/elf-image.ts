/**
 * An ELF executable, shared object or separate debug file that a user provides beside a core dump: what it is,
 * its build-id and debug link (to match it to the core's modules), its segments and sections, and reads of its
 * sections and of its loaded bytes by link-time address. Symbol tables are built on top of it (load-symbols.ts).
 * Everything is read through a ByteSource; counts and sizes from the file are checked against the file's size and
 * capped before anything is allocated.
 */
import { BinaryView } from '../elf/binary-view';
import { ET_CORE, ET_DYN, ET_EXEC, ET_REL, PF_X, PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_NOTE } from '../elf/constants';
import { decodeProgramHeaders, type ProgramHeader } from '../elf/program-headers';
import type { ByteSource } from '../io/byte-source';
import { findBuildId } from '../notes/build-id';
import { inflateZlib } from './decompress';
import { readElfFileHeader, type ElfFileHeader } from './elf-file-header';
import {
  DF_1_PIE,
  DT_FLAGS_1,
  DT_NULL,
  DT_SONAME,
  ELFCOMPRESS_ZLIB,
  ELFCOMPRESS_ZSTD,
  SHF_COMPRESSED,
  SHT_NOBITS,
  SHT_NOTE,
} from './image-constants';
import { ImageError } from './image-error';
import { readSectionHeaders, type ImageSection } from './section-headers';

export type { ImageSection } from './section-headers';
export { ImageError } from './image-error';

export type ImageKind = 'executable' | 'shared-object' | 'debug' | 'core' | 'relocatable';

export interface ImageLoad {
  readonly vaddr: bigint;
  readonly memSize: number;
  readonly fileOffset: number;
  /** The segment's bytes in this file (p_filesz, cut where the file ends). */
  readonly fileSize: number;
  readonly flags: number;
}

export interface SectionBytes {
  readonly vaddr: bigint;
  readonly bytes: Uint8Array;
}

/** A section read whole: larger ones (libxul's .debug_info) are for a DWARF reader with its own paging. */
const MAX_SECTION = 256 << 20;
/** What a compressed section may inflate to. */
const MAX_INFLATED = 512 << 20;
/** Note segments and .dynamic are kilobytes. */
const MAX_SMALL_TABLE = 1 << 20;
/** Program headers of a linked image: a dozen in practice. */
const MAX_PROGRAM_HEADERS = 1 << 16;

export class ElfImage {
  readonly machine: number;
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** e_type as written (ET_EXEC, ET_DYN, …). */
  readonly type: number;

  private constructor(
    readonly source: ByteSource,
    readonly name: string,
    readonly kind: ImageKind,
    readonly header: ElfFileHeader,
    readonly loads: readonly ImageLoad[],
    readonly sections: readonly ImageSection[],
    readonly buildId: string | undefined,
    readonly debuglink: { readonly name: string; readonly crc: number } | undefined,
  ) {
    this.machine = header.machine;
    this.bits = header.bits;
    this.littleEndian = header.endian === 'little';
    this.type = header.type;
  }

  /** Parses the headers of `source`; throws ImageError when it is not a readable ELF file. */
  static async open(source: ByteSource, name = ''): Promise<ElfImage> {
    if (source.size === 0) throw new ImageError('the file is empty (0 bytes)');
    const header = await readElfFileHeader(source);
    const phdrs = await readPhdrs(source, header);
    const sections = await readSectionHeaders(source, header);
    const loads = phdrs
      .filter((p) => p.type === PT_LOAD)
      .map((p) => ({
        vaddr: p.vaddr,
        memSize: p.memsz > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(p.memsz),
        fileOffset: Number.isFinite(p.offset) ? p.offset : source.size,
        fileSize: Number.isFinite(p.offset) ? Math.max(0, Math.min(p.filesz, source.size - p.offset)) : 0,
        flags: p.flags,
      }));
    const reader = new Reader(source, header);
    const buildId = await findImageBuildId(reader, phdrs, sections);
    const debuglink = await readDebuglink(reader, sections);
    const kind = await imageKind(reader, header, phdrs, sections, loads);
    return new ElfImage(source, name, kind, header, loads, sections, buildId, debuglink);
  }

  section(name: string): ImageSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** A section's contents (inflated when SHF_COMPRESSED); undefined when it is absent or SHT_NOBITS. */
  async readSection(name: string): Promise<SectionBytes | undefined> {
    const s = this.section(name);
    return s === undefined ? undefined : this.readSectionAt(s.index);
  }

  async readSectionAt(index: number): Promise<SectionBytes | undefined> {
    const s = this.sections[index];
    if (s === undefined || s.type === SHT_NOBITS || index === 0) return undefined;
    const bytes = await new Reader(this.source, this.header).range(s.offset, s.size, `section ${s.name}`, MAX_SECTION);
    if ((s.flags & SHF_COMPRESSED) === 0) return { vaddr: s.addr, bytes };
    return { vaddr: s.addr, bytes: this.inflate(s, bytes) };
  }

  /**
   * `length` bytes at link-time address `vaddr`, from the PT_LOAD holding them; undefined when any of them is not
   * in the file (a .bss tail, a gap, a debug file's placeholders).
   */
  async readAtVaddr(vaddr: bigint, length: number): Promise<Uint8Array | undefined> {
    if (this.kind === 'debug' || length < 0 || length > MAX_SECTION) return undefined;
    for (const l of this.loads) {
      if (vaddr < l.vaddr) continue;
      const delta = vaddr - l.vaddr;
      if (delta + BigInt(length) > BigInt(l.fileSize)) continue;
      const bytes = await this.source.read(l.fileOffset + Number(delta), length);
      return bytes.length === length ? bytes : undefined;
    }
    return undefined;
  }

  private inflate(s: ImageSection, bytes: Uint8Array): Uint8Array {
    const v = new BinaryView(bytes, this.header.endian, this.bits);
    const headerSize = this.bits === 64 ? 24 : 12;
    const what = `section ${s.name}`;
    if (bytes.length < headerSize) throw new ImageError(`${what} is too short for its compression header`);
    const type = v.u32(0);
    const size = this.bits === 64 ? v.wordNumber(8) : v.u32(4);
    if (type === ELFCOMPRESS_ZSTD) throw new ImageError(`${what} is zstd-compressed, which is not supported`);
    if (type !== ELFCOMPRESS_ZLIB) throw new ImageError(`${what} has unknown compression type ${type}`);
    if (size > MAX_INFLATED) throw new ImageError(`${what} inflates to ${size} bytes, beyond the 512 MiB limit`);
    return inflateZlib(bytes.subarray(headerSize), size, what);
  }
}

export function openElfImage(source: ByteSource, name?: string): Promise<ElfImage> {
  return ElfImage.open(source, name);
}

/** Reads ranges of the file, checked against its end. */
class Reader {
  constructor(
    readonly source: ByteSource,
    readonly header: ElfFileHeader,
  ) {}

  async range(offset: number, size: number, what: string, limit: number): Promise<Uint8Array> {
    if (size > limit) throw new ImageError(`${what} is ${size} bytes, beyond the ${limit >> 20} MiB limit`);
    if (offset + size > this.source.size) throw new ImageError(`${what} lies past the end of the file`);
    const bytes = await this.source.read(offset, size);
    if (bytes.length < size) throw new ImageError(`${what} lies past the end of the file`);
    return bytes;
  }

  view(bytes: Uint8Array): BinaryView {
    return new BinaryView(bytes, this.header.endian, this.header.bits);
  }
}

async function readPhdrs(source: ByteSource, h: ElfFileHeader): Promise<ProgramHeader[]> {
  if (h.phnum === 0) return [];
  const entry = h.bits === 64 ? 56 : 32;
  if (h.phentsize !== entry) {
    throw new ImageError(`e_phentsize is ${h.phentsize}; an ELF${h.bits} program header is ${entry} bytes`);
  }
  if (h.phnum > MAX_PROGRAM_HEADERS) throw new ImageError(`the ELF header claims ${h.phnum} program headers`);
  if (h.phoff + h.phnum * entry > source.size) throw new ImageError('program headers past the end of the file');
  const bytes = await source.read(h.phoff, h.phnum * entry);
  if (bytes.length < h.phnum * entry) throw new ImageError('program headers past the end of the file');
  return decodeProgramHeaders(new BinaryView(bytes, h.endian, h.bits), h.phnum, entry);
}

/**
 * The GNU build-id: from the note sections when there are section headers (a debug file's PT_NOTE may point at
 * bytes that are not there), else from the PT_NOTE segments. A note that does not parse is skipped: a broken
 * note must not make the whole image unreadable.
 */
async function findImageBuildId(
  r: Reader,
  phdrs: readonly ProgramHeader[],
  sections: readonly ImageSection[],
): Promise<string | undefined> {
  const ranges = [
    ...sections.filter((s) => s.type === SHT_NOTE && (s.flags & SHF_COMPRESSED) === 0),
    ...phdrs.filter((p) => p.type === PT_NOTE).map((p) => ({ offset: p.offset, size: p.filesz })),
  ];
  for (const { offset, size } of ranges) {
    if (!Number.isFinite(offset) || size > MAX_SMALL_TABLE || offset + size > r.source.size) continue;
    const bytes = await r.source.read(offset, size);
    const id = findBuildId(bytes, r.view(bytes));
    if (id !== undefined) return id;
  }
  return undefined;
}

/** .gnu_debuglink: the debug file's name, NUL-terminated and padded to 4 bytes, then its CRC-32. */
async function readDebuglink(
  r: Reader,
  sections: readonly ImageSection[],
): Promise<{ name: string; crc: number } | undefined> {
  const s = sections.find((x) => x.name === '.gnu_debuglink');
  if (s === undefined || s.type === SHT_NOBITS || s.size < 8 || s.size > 4096) return undefined;
  if (s.offset + s.size > r.source.size) return undefined;
  const v = r.view(await r.source.read(s.offset, s.size));
  const nul = v.bytes.indexOf(0);
  if (nul <= 0) return undefined;
  const crcAt = Math.ceil((nul + 1) / 4) * 4;
  if (crcAt + 4 > v.length) return undefined;
  return { name: v.cstring(0, nul), crc: v.u32(crcAt) };
}

async function imageKind(
  r: Reader,
  h: ElfFileHeader,
  phdrs: readonly ProgramHeader[],
  sections: readonly ImageSection[],
  loads: readonly ImageLoad[],
): Promise<ImageKind> {
  if (h.type === ET_CORE) return 'core';
  if (h.type === ET_REL) return 'relocatable';
  if (isDebugFile(sections, loads)) return 'debug';
  if (h.type === ET_EXEC) return 'executable';
  if (h.type !== ET_DYN) throw new ImageError(`unknown ELF type ${h.type}`);
  // ET_DYN is a shared object or a position-independent executable. Linkers mark PIEs with DF_1_PIE; older ones did
  // not, so an interpreter without a soname also counts (libc.so.6 has an interpreter, to run as a program, and a
  // soname).
  const dynamic = await readDynamicTags(r, phdrs);
  const flags1 = dynamic.get(DT_FLAGS_1) ?? 0n;
  if ((flags1 & BigInt(DF_1_PIE)) !== 0n) return 'executable';
  const hasInterp = phdrs.some((p) => p.type === PT_INTERP);
  return hasInterp && !dynamic.has(DT_SONAME) ? 'executable' : 'shared-object';
}

/**
 * A separate debug file (objcopy --only-keep-debug, eu-strip -f): its .text is SHT_NOBITS, or, without section
 * headers to say so, no executable segment has bytes in the file.
 */
function isDebugFile(sections: readonly ImageSection[], loads: readonly ImageLoad[]): boolean {
  const text = sections.find((s) => s.name === '.text');
  if (text !== undefined) return text.type === SHT_NOBITS;
  const code = loads.filter((l) => (l.flags & PF_X) !== 0);
  return code.length > 0 && code.every((l) => l.fileSize === 0);
}

/** The first value of each dynamic tag, from PT_DYNAMIC's bytes in the file. */
async function readDynamicTags(r: Reader, phdrs: readonly ProgramHeader[]): Promise<Map<number, bigint>> {
  const tags = new Map<number, bigint>();
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (dyn === undefined || !Number.isFinite(dyn.offset) || dyn.filesz > MAX_SMALL_TABLE) return tags;
  if (dyn.offset + dyn.filesz > r.source.size) return tags;
  const v = r.view(await r.source.read(dyn.offset, dyn.filesz));
  const entry = v.wordSize * 2;
  for (let at = 0; at + entry <= v.length; at += entry) {
    const tag = Number(v.word(at));
    if (tag === DT_NULL) break;
    if (!tags.has(tag)) tags.set(tag, v.word(at + v.wordSize));
  }
  return tags;
}
