/**
 * The first page of a mapped ELF image (an executable or a shared object) as the process sees it in memory:
 * ELF header, program headers, and a GNU build-id note in a PT_NOTE inside the first page. Placed at the start
 * of a PT_LOAD (and named in NT_FILE at file offset 0), it is what the engine's module detection reads.
 */
import { ByteWriter, align, fromHex, type Bits, type Endian } from './byte-writer';
import { EM_386, EM_X86_64 } from './core-notes';

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export interface ElfImageSpec {
  /** Build-id as hex ("abcd" → 2 bytes). No note is written when absent. */
  readonly buildId?: string;
  readonly bits?: Bits;
  readonly endian?: Endian;
  /** e_type: ET_DYN (default) or ET_EXEC; anything else is not an image to the engine. */
  readonly type?: number;
  readonly machine?: number;
  /** p_vaddr of the first PT_LOAD (0 for a shared object, 0x400000 for a non-PIE executable). */
  readonly vaddr?: bigint;
  /** p_memsz of the first PT_LOAD: how far the module extends (default 0x2000). */
  readonly size?: number;
  /** Owner/type of the note (default "GNU"/3): lets a test write a look-alike that is not a build-id. */
  readonly noteName?: string;
  readonly noteType?: number;
  /** p_vaddr of a PT_DYNAMIC (the dynamic section itself is not written): for the link-map fallback. */
  readonly dynamic?: bigint;
  /** e_entry (default 0). */
  readonly entry?: bigint;
}

export function elfImage(spec: ElfImageSpec = {}): Uint8Array {
  const bits = spec.bits ?? 64;
  const endian = spec.endian ?? 'little';
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const vaddr = spec.vaddr ?? 0n;
  const id = spec.buildId === undefined ? undefined : fromHex(spec.buildId);
  const name = spec.noteName ?? 'GNU';
  const phnum = 1 + (id === undefined ? 0 : 1) + (spec.dynamic === undefined ? 0 : 1);
  const noteAt = align(ehsize + phnum * phentsize, 8);
  const noteSize = id === undefined ? 0 : 12 + align(name.length + 1, 4) + align(id.length, 4);
  const w = new ByteWriter(noteAt + noteSize, endian, bits);
  w.put(0, '\x7fELF')
    .u8(4, bits === 64 ? 2 : 1)
    .u8(5, endian === 'little' ? 1 : 2)
    .u8(6, 1);
  w.u16(16, spec.type ?? ET_DYN)
    .u16(18, spec.machine ?? (bits === 64 ? EM_X86_64 : EM_386))
    .u32(20, 1);
  if (bits === 64)
    w.u64(24, spec.entry ?? 0n)
      .u64(32, ehsize)
      .u16(52, ehsize)
      .u16(54, phentsize)
      .u16(56, phnum);
  else
    w.u32(24, spec.entry ?? 0n)
      .u32(28, ehsize)
      .u16(40, ehsize)
      .u16(42, phentsize)
      .u16(44, phnum);
  writePhdr(w, ehsize, { type: 1, flags: 5, offset: 0, vaddr, size: BigInt(spec.size ?? 0x2000) });
  if (spec.dynamic !== undefined)
    writePhdr(w, ehsize + (phnum - 1) * phentsize, {
      type: 2,
      flags: 6,
      offset: 0x1000,
      vaddr: spec.dynamic,
      size: 0x100n,
    });
  if (id !== undefined) {
    writePhdr(w, ehsize + phentsize, {
      type: 4,
      flags: 4,
      offset: noteAt,
      vaddr: vaddr + BigInt(noteAt),
      size: BigInt(noteSize),
    });
    w.u32(noteAt, name.length + 1)
      .u32(noteAt + 4, id.length)
      .u32(noteAt + 8, spec.noteType ?? 3);
    w.put(noteAt + 12, name).put(noteAt + 12 + align(name.length + 1, 4), id);
  }
  return w.bytes;
}

function writePhdr(
  w: ByteWriter,
  at: number,
  p: { type: number; flags: number; offset: number; vaddr: bigint; size: bigint },
): void {
  if (w.bits === 64) {
    w.u32(at, p.type)
      .u32(at + 4, p.flags)
      .u64(at + 8, p.offset)
      .u64(at + 16, p.vaddr)
      .u64(at + 24, p.vaddr);
    w.u64(at + 32, p.size)
      .u64(at + 40, p.size)
      .u64(at + 48, 0x1000);
  } else {
    w.u32(at, p.type)
      .u32(at + 4, p.offset)
      .u32(at + 8, p.vaddr)
      .u32(at + 12, p.vaddr);
    w.u32(at + 16, p.size)
      .u32(at + 20, p.size)
      .u32(at + 24, p.flags)
      .u32(at + 28, 0x1000);
  }
}
