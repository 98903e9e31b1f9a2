/**
 * Synthetic ELF cores for unit tests, built in memory with a terse, chainable API:
 *
 *   const core = coreBuilder({ bits: 64 })
 *     .load({ vaddr: 0x400000n, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: 'abcd' }) })
 *     .thread({ tid: 42, pc: 0x401000n, sp: 0x7ffc0000f000n })
 *     .file([{ start: 0x400000n, end: 0x402000n, offset: 0, path: '/usr/bin/app' }])
 *     .build();                                   // → Uint8Array
 *
 * File layout (the kernel's order): ELF header, [section header 0 for PN_XNUM 'start', as createdump writes it],
 * program headers (PT_NOTEs first, then PT_LOADs, then raw ones), note segments, load data, [section header 0 for
 * PN_XNUM 'end', as the kernel writes it]. Everything the engine validates can be broken on purpose: header
 * fields (`header`), program headers (`phdr`), note sizes and padding (`note`), and the file's length (`build`).
 */
import { ByteWriter, align, ascii, concatBytes, type Bits, type Endian, type Num } from './byte-writer';
import {
  EM_386,
  EM_X86_64,
  auxvDesc,
  fileDesc,
  prpsinfoDesc,
  prstatusDesc,
  siginfoDesc,
  type FileEntry,
  type FileNoteOptions,
  type PrpsinfoSpec,
  type SiginfoSpec,
  type ThreadSpec,
} from './core-notes';
import { ET_CORE } from './elf-image';

export { elfImage, ET_DYN, ET_EXEC, ET_REL } from './elf-image';
export { ascii, concatBytes } from './byte-writer';
export { EM_AARCH64 } from './core-notes';

export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const NT_PRSTATUS = 1;
export const NT_PRPSINFO = 3;
export const NT_AUXV = 6;
export const NT_SIGINFO = 0x53494749;
export const NT_FILE = 0x46494c45;
export const AT_PHDR = 3;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_ENTRY = 9;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;
export const AT_SYSINFO_EHDR = 33;

/** Raw ELF header fields, written over the computed ones after layout. */
export interface HeaderOverrides {
  readonly magic?: string;
  /** e_ident[EI_CLASS] / [EI_DATA] as raw bytes (1/2 valid). */
  readonly class?: number;
  readonly data?: number;
  readonly type?: number;
  readonly machine?: number;
  readonly phoff?: Num;
  readonly shoff?: Num;
  readonly phentsize?: number;
  readonly phnum?: number;
  readonly shentsize?: number;
  readonly shnum?: number;
  readonly shstrndx?: number;
}

export interface CoreOptions {
  readonly bits?: Bits;
  readonly endian?: Endian;
  /** e_machine: default x86_64 for ELF64, i386 for ELF32. */
  readonly machine?: number;
  /** e_type: default ET_CORE. */
  readonly type?: number;
  readonly osabi?: number;
  readonly flags?: number;
  /**
   * PN_XNUM: e_phnum = 0xffff and the real count in sh_info of section header 0, which sits right after the
   * ELF header ('start', createdump) or at the end of the file ('end', the kernel).
   */
  readonly xnum?: 'start' | 'end';
  /** Section header 0 fields to write over the PN_XNUM defaults (sh_size = 1, sh_info = the count). */
  readonly section0?: { readonly size?: Num; readonly info?: Num };
  /** PT_LOAD order in the table: by vaddr (default, as the kernel writes), as added, or reversed. */
  readonly order?: 'sorted' | 'as-added' | 'reversed';
  /** Alignment of each PT_LOAD's bytes in the file: default 8 (small files); 4096 for page-aligned realism. */
  readonly dataAlign?: number;
  readonly header?: HeaderOverrides;
}

export interface LoadSpec {
  readonly vaddr: bigint;
  /** p_memsz. */
  readonly size: Num;
  /** p_filesz: default `size` (the whole range dumped). 0 for a range not in the dump. */
  readonly filesz?: Num;
  /** 'r-x' style, or raw PF_* bits. Default 'rw-'. */
  readonly flags?: string | number;
  /** Bytes at the start of the range (the rest of filesz is `fill`). */
  readonly data?: Uint8Array | string;
  /** More bytes at offsets inside the range: [[0x1f00, '/usr/bin/app\0'], …]. */
  readonly at?: readonly (readonly [number, Uint8Array | string])[];
  /** Byte value for the dumped bytes not covered by data (default 0). */
  readonly fill?: number;
  /** Write this p_offset instead of placing bytes in the file (a segment pointing anywhere, e.g. past EOF). */
  readonly offset?: Num;
}

/** A program header written exactly as given (no bytes placed). */
export interface RawPhdr {
  readonly type: number;
  readonly flags?: number;
  readonly offset: Num;
  readonly vaddr?: Num;
  readonly filesz: Num;
  readonly memsz: Num;
  readonly align?: Num;
}

export interface NoteOptions {
  /** Byte written into the name and desc padding (createdump leaves non-zero bytes there). Default 0. */
  readonly pad?: number;
  /** Header values to write instead of the real sizes (a note that lies about its size). */
  readonly namesz?: number;
  readonly descsz?: number;
}

interface LoadEntry {
  readonly spec: LoadSpec;
  readonly order: number;
}

export class CoreBuilder {
  readonly bits: Bits;
  readonly endian: Endian;
  readonly machine: number;
  private readonly loads: LoadEntry[] = [];
  private readonly raws: RawPhdr[] = [];
  /** Each PT_NOTE segment as a list of encoded chunks. */
  private readonly noteSegments: Uint8Array[][] = [];

  constructor(private readonly options: CoreOptions = {}) {
    this.bits = options.bits ?? 64;
    this.endian = options.endian ?? 'little';
    this.machine = options.machine ?? (this.bits === 64 ? EM_X86_64 : EM_386);
  }

  load(spec: LoadSpec): this {
    this.loads.push({ spec, order: this.loads.length });
    return this;
  }

  phdr(raw: RawPhdr): this {
    this.raws.push(raw);
    return this;
  }

  /** Starts another PT_NOTE segment; later notes go into it. */
  noteSegment(): this {
    this.noteSegments.push([]);
    return this;
  }

  /** One note: 12-byte header (namesz, descsz, type), name + NUL padded to 4, desc padded to 4. */
  note(name: string, type: number, desc: Uint8Array, o: NoteOptions = {}): this {
    const nameBytes = name === '' ? new Uint8Array(0) : ascii(`${name}\0`);
    const nameLen = align(nameBytes.length, 4);
    const w = new ByteWriter(12 + nameLen + align(desc.length, 4), this.endian, this.bits);
    w.bytes.fill(o.pad ?? 0, 12);
    w.u32(0, o.namesz ?? nameBytes.length)
      .u32(4, o.descsz ?? desc.length)
      .u32(8, type);
    w.put(12, nameBytes).put(12 + nameLen, desc);
    return this.noteBytes(w.bytes);
  }

  /** Raw bytes appended to the current note segment (trailing junk, zero padding, a hand-made header). */
  noteBytes(bytes: Uint8Array): this {
    if (this.noteSegments.length === 0) this.noteSegments.push([]);
    this.noteSegments[this.noteSegments.length - 1]?.push(bytes);
    return this;
  }

  thread(t: ThreadSpec): this {
    return this.note('CORE', NT_PRSTATUS, prstatusDesc(t, this.machine, this.bits, this.endian));
  }

  prpsinfo(p: PrpsinfoSpec): this {
    return this.note('CORE', NT_PRPSINFO, prpsinfoDesc(p, this.bits, this.endian));
  }

  auxv(entries: readonly (readonly [number, Num])[]): this {
    return this.note('CORE', NT_AUXV, auxvDesc(entries, this.bits, this.endian));
  }

  siginfo(s: SiginfoSpec): this {
    return this.note('CORE', NT_SIGINFO, siginfoDesc(s, this.bits, this.endian));
  }

  file(entries: readonly FileEntry[], o: FileNoteOptions = {}): this {
    return this.note('CORE', NT_FILE, fileDesc(entries, o, this.bits, this.endian));
  }

  /** The core's bytes; `truncateAt` cuts the file there (a dump cut short by ulimit or a full disk). */
  build(o: { readonly truncateAt?: number } = {}): Uint8Array {
    const bytes = layout(
      this.options,
      this.bits,
      this.endian,
      this.machine,
      this.orderedLoads(),
      this.raws,
      this.noteSegments,
    );
    return o.truncateAt === undefined ? bytes : truncate(bytes, o.truncateAt);
  }

  private orderedLoads(): LoadSpec[] {
    const order = this.options.order ?? 'sorted';
    const list = [...this.loads];
    if (order === 'sorted')
      list.sort((a, b) => (a.spec.vaddr < b.spec.vaddr ? -1 : a.spec.vaddr > b.spec.vaddr ? 1 : a.order - b.order));
    if (order === 'reversed') list.reverse();
    return list.map((l) => l.spec);
  }
}

export function coreBuilder(options: CoreOptions = {}): CoreBuilder {
  return new CoreBuilder(options);
}

/** The first `at` bytes (a copy). */
export function truncate(bytes: Uint8Array, at: number): Uint8Array {
  return bytes.slice(0, Math.max(0, at));
}

/** PF_* bits from 'rwx' with dashes. */
function pfFlags(perms: string | number): number {
  if (typeof perms === 'number') return perms;
  return (perms.includes('r') ? 4 : 0) | (perms.includes('w') ? 2 : 0) | (perms.includes('x') ? 1 : 0);
}

/** Above this, a PT_LOAD needs an explicit filesz: the builder allocates every dumped byte. */
const MAX_DEFAULT_FILESZ = 64 * 1024 * 1024;

interface Placed {
  readonly phdr: RawPhdr;
  readonly bytes?: Uint8Array;
}

function layout(
  o: CoreOptions,
  bits: Bits,
  endian: Endian,
  machine: number,
  loads: readonly LoadSpec[],
  raws: readonly RawPhdr[],
  noteSegments: readonly Uint8Array[][],
): Uint8Array {
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const shentsize = bits === 64 ? 64 : 40;
  const phnum = noteSegments.length + loads.length + raws.length;
  const shoffStart = o.xnum === 'start' ? ehsize : undefined;
  const phoff = shoffStart === undefined ? ehsize : ehsize + shentsize;
  let cursor = phoff + phnum * phentsize;

  const placed: Placed[] = [];
  for (const chunks of noteSegments) {
    cursor = align(cursor, 4);
    const bytes = concatBytes(chunks);
    placed.push({ phdr: { type: PT_NOTE, offset: cursor, filesz: bytes.length, memsz: 0, align: 4 }, bytes });
    cursor += bytes.length;
  }
  for (const l of loads) {
    const size = BigInt(l.size);
    const filesz = l.filesz ?? size;
    if (l.offset !== undefined) {
      placed.push({
        phdr: {
          type: PT_LOAD,
          flags: pfFlags(l.flags ?? 'rw-'),
          offset: l.offset,
          vaddr: l.vaddr,
          filesz,
          memsz: size,
          align: 0x1000,
        },
      });
      continue;
    }
    if (BigInt(filesz) > BigInt(MAX_DEFAULT_FILESZ))
      throw new Error(`PT_LOAD at 0x${l.vaddr.toString(16)}: give an explicit filesz (or offset) for ${filesz} bytes`);
    cursor = align(cursor, o.dataAlign ?? 8);
    const bytes = new Uint8Array(Number(filesz)).fill(l.fill ?? 0);
    const write = (at: number, d: Uint8Array | string) =>
      bytes.set((typeof d === 'string' ? ascii(d) : d).subarray(0, Math.max(0, bytes.length - at)), at);
    if (l.data !== undefined) write(0, l.data);
    for (const [at, d] of l.at ?? []) write(at, d);
    placed.push({
      phdr: {
        type: PT_LOAD,
        flags: pfFlags(l.flags ?? 'rw-'),
        offset: cursor,
        vaddr: l.vaddr,
        filesz,
        memsz: size,
        align: 0x1000,
      },
      bytes,
    });
    cursor += bytes.length;
  }
  for (const r of raws) placed.push({ phdr: r });

  const shoffEnd = o.xnum === 'end' ? align(cursor, 8) : undefined;
  const total = shoffEnd === undefined ? cursor : shoffEnd + shentsize;
  const w = new ByteWriter(total, endian, bits);
  const shoff = shoffStart ?? shoffEnd ?? 0;
  writeHeader(w, { ...o, machine, phoff, phnum: o.xnum ? 0xffff : phnum, shoff, shnum: o.xnum ? 1 : 0 });
  placed.forEach((p, i) => {
    writePhdr(w, phoff + i * phentsize, p.phdr);
    if (p.bytes !== undefined) w.put(Number(p.phdr.offset), p.bytes);
  });
  if (o.xnum !== undefined) {
    // Section header 0 as fs/binfmt_elf.c fill_extnum_info writes it: SHT_NULL, sh_size = e_shnum (1),
    // sh_link = e_shstrndx (0), sh_info = the real program header count.
    const at = shoff;
    const size = o.section0?.size ?? 1;
    const info = o.section0?.info ?? phnum;
    if (bits === 64) w.u64(at + 32, size).u32(at + 44, info);
    else w.u32(at + 20, size).u32(at + 28, info);
  }
  applyOverrides(w, o.header ?? {});
  return w.bytes;
}

function writeHeader(
  w: ByteWriter,
  h: CoreOptions & { machine: number; phoff: number; phnum: number; shoff: number; shnum: number },
): void {
  const bits = w.bits;
  w.put(0, '\x7fELF')
    .u8(4, bits === 64 ? 2 : 1)
    .u8(5, w.endian === 'little' ? 1 : 2)
    .u8(6, 1)
    .u8(7, h.osabi ?? 0);
  w.u16(16, h.type ?? ET_CORE)
    .u16(18, h.machine)
    .u32(20, 1);
  const f = fieldOffsets(bits);
  w.word(f.phoff, h.phoff)
    .word(f.shoff, h.shoff)
    .u32(f.flags, h.flags ?? 0);
  w.u16(f.ehsize, bits === 64 ? 64 : 52)
    .u16(f.phentsize, bits === 64 ? 56 : 32)
    .u16(f.phnum, h.phnum);
  w.u16(f.shentsize, h.shnum > 0 ? (bits === 64 ? 64 : 40) : 0)
    .u16(f.shnum, h.shnum)
    .u16(f.shstrndx, 0);
}

function fieldOffsets(bits: Bits) {
  const base =
    bits === 64 ? { phoff: 32, shoff: 40, flags: 48, ehsize: 52 } : { phoff: 28, shoff: 32, flags: 36, ehsize: 40 };
  return {
    ...base,
    phentsize: base.ehsize + 2,
    phnum: base.ehsize + 4,
    shentsize: base.ehsize + 6,
    shnum: base.ehsize + 8,
    shstrndx: base.ehsize + 10,
  };
}

function applyOverrides(w: ByteWriter, h: HeaderOverrides): void {
  const f = fieldOffsets(w.bits);
  if (h.magic !== undefined) w.put(0, h.magic);
  if (h.class !== undefined) w.u8(4, h.class);
  if (h.data !== undefined) w.u8(5, h.data);
  if (h.type !== undefined) w.u16(16, h.type);
  if (h.machine !== undefined) w.u16(18, h.machine);
  if (h.phoff !== undefined) w.word(f.phoff, h.phoff);
  if (h.shoff !== undefined) w.word(f.shoff, h.shoff);
  if (h.phentsize !== undefined) w.u16(f.phentsize, h.phentsize);
  if (h.phnum !== undefined) w.u16(f.phnum, h.phnum);
  if (h.shentsize !== undefined) w.u16(f.shentsize, h.shentsize);
  if (h.shnum !== undefined) w.u16(f.shnum, h.shnum);
  if (h.shstrndx !== undefined) w.u16(f.shstrndx, h.shstrndx);
}

function writePhdr(w: ByteWriter, at: number, p: RawPhdr): void {
  const vaddr = p.vaddr ?? 0;
  if (w.bits === 64) {
    w.u32(at, p.type)
      .u32(at + 4, p.flags ?? 0)
      .u64(at + 8, p.offset)
      .u64(at + 16, vaddr)
      .u64(at + 24, 0);
    w.u64(at + 32, p.filesz)
      .u64(at + 40, p.memsz)
      .u64(at + 48, p.align ?? 0);
  } else {
    w.u32(at, p.type)
      .u32(at + 4, p.offset)
      .u32(at + 8, vaddr)
      .u32(at + 12, 0);
    w.u32(at + 16, p.filesz)
      .u32(at + 20, p.memsz)
      .u32(at + 24, p.flags ?? 0)
      .u32(at + 28, p.align ?? 0);
  }
}
