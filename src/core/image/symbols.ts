/**
 * All the symbols an image file offers for naming its code: .symtab (unstripped binaries and debug files),
 * .dynsym (every shared object, exported functions only) and .gnu_debugdata (MiniDebugInfo: an xz-compressed ELF
 * whose .symtab holds the local functions a stripped binary lost, as Fedora and others ship them), merged into one
 * SymbolTable. A table that cannot be read is skipped with a warning: the others still name frames.
 */
import { BinaryView } from '../elf/binary-view';
import { MemorySource } from '../io/byte-source';
import { baseFor, decodeSymbols } from './decode-symbols';
import { decompressXz } from './decompress';
import { openElfImage, type ElfImage } from './elf-image';
import { SHF_ALLOC, SHT_DYNSYM, SHT_SYMTAB } from './image-constants';
import { isImageError } from './image-error';
import { SymbolTable, type SymbolColumns } from './symbol-table';

export { SymbolTable } from './symbol-table';

/** MiniDebugInfo is a few MiB even for libxul; its inner ELF holds symbols only. */
const MAX_MINI_DEBUGINFO = 256 << 20;

export async function loadSymbols(
  image: ElfImage,
  warn: (message: string) => void = () => undefined,
): Promise<SymbolTable> {
  const parts = await symbolColumns(image, warn);
  const mini = await loadMiniDebugInfo(image, warn);
  if (mini !== undefined) parts.push(...mini);
  return SymbolTable.fromColumns(parts);
}

async function symbolColumns(image: ElfImage, warn: (message: string) => void): Promise<SymbolColumns[]> {
  const parts: SymbolColumns[] = [];
  for (const s of image.sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    try {
      const part = await readSymbolSection(image, s.index);
      if (part !== undefined) parts.push(part);
    } catch (e) {
      if (!isImageError(e)) throw e;
      warn(`${image.name || 'image'}: ${s.name} skipped: ${e.message}`);
    }
  }
  return parts;
}

async function readSymbolSection(image: ElfImage, index: number): Promise<SymbolColumns | undefined> {
  const s = image.sections[index];
  if (s === undefined) return undefined;
  const entrySize = image.bits === 64 ? 24 : 16;
  if (s.entSize !== 0 && s.entSize !== entrySize) return undefined;
  const symbols = await image.readSectionAt(index);
  const strings = await image.readSectionAt(s.link);
  if (symbols === undefined || strings === undefined) return undefined;
  const allocated = image.sections
    .filter((x) => (x.flags & SHF_ALLOC) !== 0 && x.size > 0)
    .map((x) => ({ start: x.addr, end: x.addr + BigInt(x.size) }));
  const base = baseFor(allocated);
  const ends = image.sections.map((x) =>
    (x.flags & SHF_ALLOC) !== 0 && x.addr >= base ? Number(x.addr - base) + x.size : NaN,
  );
  return decodeSymbols({
    symbols: new BinaryView(symbols.bytes, image.littleEndian ? 'little' : 'big', image.bits),
    entrySize,
    strings: strings.bytes,
    machine: image.machine,
    base,
    limitOf: (shndx) => ends[shndx] ?? NaN,
  });
}

async function loadMiniDebugInfo(
  image: ElfImage,
  warn: (message: string) => void,
): Promise<SymbolColumns[] | undefined> {
  try {
    const packed = await image.readSection('.gnu_debugdata');
    if (packed === undefined) return undefined;
    const inner = await decompressXz(packed.bytes, MAX_MINI_DEBUGINFO, '.gnu_debugdata');
    // Its own .gnu_debugdata, if it had one, is not followed: one level is what the format defines.
    return await symbolColumns(await openElfImage(new MemorySource(inner), '.gnu_debugdata'), warn);
  } catch (e) {
    if (!isImageError(e)) throw e;
    warn(`${image.name || 'image'}: MiniDebugInfo skipped: ${e.message}`);
    return undefined;
  }
}
