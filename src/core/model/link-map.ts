/**
 * Loaded ELF images from the process's own records, for a core without NT_FILE (old kernels and some writers omit
 * the note, and the kernel drops it above ~65k mappings): what gdb and eu-unstrip fall back on too.
 *
 *   AT_PHDR, AT_PHNUM    auxv: the executable's program headers, in memory; PT_PHDR gives its load bias
 *   AT_ENTRY             auxv: its entry point, which picks out its ELF header when AT_PHDR's page was not dumped
 *   AT_BASE              auxv: where the program interpreter (ld.so) was loaded; PT_INTERP names it
 *   PT_DYNAMIC, DT_DEBUG the executable's dynamic section points at r_debug, which ld.so fills in at start-up
 *   r_debug.r_map        the dynamic linker's list of loaded objects: l_addr (load bias), l_name, l_ld, l_next
 *
 * Each image's PT_LOADs then give the file mappings NT_FILE would have listed: one per PT_LOAD,
 * [bias + p_vaddr, + p_filesz) in whole pages. A static executable has no DT_DEBUG (the executable alone is found);
 * a dump without those pages, or a corrupt list, gives fewer images: the walk stops at the first link it cannot
 * read, and at MAX_OBJECTS against a loop.
 */
import { BinaryView } from '../elf/binary-view';
import { ET_DYN, ET_EXEC, PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_PHDR } from '../elf/constants';
import { AT, auxvValue } from '../notes/auxv';
import type { MemoryReader } from '../memory/memory-reader';
import { decodeProgramHeaders, type ProgramHeader } from '../elf/program-headers';
import { imagePhdrsAt, type CoreShape } from './modules';
import { byStart, firstEndingAfter } from '../memory/region-lookup';
import { hex } from '../text/hex';
import type { AuxvEntry, FileMapping, Region } from '../types';

const DT_NULL = 0n;
const DT_DEBUG = 21n;
/** More objects than any process loads: a longer list is a loop or garbage. */
const MAX_OBJECTS = 4096;
/** A dynamic section is a few hundred bytes; read at most this much of one. */
const MAX_DYNAMIC = 64 * 1024;
const PAGE = 0xfffn;

interface LinkMapObject {
  /** l_name; "" for the executable (ld.so leaves its name empty). */
  readonly name: string;
  /** l_addr: the load bias (0 for a prelinked object loaded where it was linked). */
  readonly bias: bigint;
  /** l_ld: the object's dynamic section, in memory. */
  readonly dynamic: bigint;
}

export interface LoadedImages {
  /** NT_FILE-like mappings of the images found, by start. */
  readonly mappings: FileMapping[];
  /** Per image path: where it was found, shown as the evidence of its regions. */
  readonly evidence: ReadonlyMap<string, string>;
  /** r_debug's address, when the link map was read, and how many objects it lists (the vDSO's entry included). */
  readonly linkMap?: { readonly rDebug: bigint; readonly objects: number };
}

/**
 * The executable's program headers and load bias: from AT_PHDR/AT_PHNUM (its ELF header need not be in the dump),
 * else from a dumped copy of its first page (findExecutableHeader).
 */
async function executablePhdrs(
  memory: MemoryReader,
  regions: readonly Region[],
  auxv: readonly AuxvEntry[],
  core: CoreShape,
): Promise<{ bias: bigint; phdrs: ProgramHeader[] } | undefined> {
  const at = auxvValue(auxv, AT.PHDR);
  const count = Number(auxvValue(auxv, AT.PHNUM) ?? 0n);
  const size = core.bits === 64 ? 56 : 32;
  if (at === undefined || count === 0 || count * size > MAX_DYNAMIC) return undefined;
  const table = await memory.readAvailable(at, count * size);
  if (table === undefined || table.length < count * size) return findExecutableHeader(memory, regions, auxv, at, core);
  const phdrs = decodeProgramHeaders(new BinaryView(table, core.endian, core.bits), count, size);
  const self = phdrs.find((p) => p.type === PT_PHDR);
  return { bias: self === undefined ? 0n : at - self.vaddr, phdrs };
}

/** Regions whose first bytes are read looking for the executable's header: a bound on the reads. */
const MAX_HEADER_CANDIDATES = 256;

/**
 * The executable's ELF header where the pages at AT_PHDR were not dumped: a small executable maps its file's first
 * page twice (text, and the data that shares that page), and the kernel may dump only the second. A header is the
 * executable's if its entry point, moved by the load bias, is AT_ENTRY, and its PT_PHDR then lands on AT_PHDR.
 */
async function findExecutableHeader(
  memory: MemoryReader,
  regions: readonly Region[],
  auxv: readonly AuxvEntry[],
  phdrAt: bigint,
  core: CoreShape,
): Promise<{ bias: bigint; phdrs: ProgramHeader[] } | undefined> {
  const entry = auxvValue(auxv, AT.ENTRY);
  if (entry === undefined) return undefined;
  const candidates = regions.filter((r) => r.inDump >= 64).slice(0, MAX_HEADER_CANDIDATES);
  const heads = await Promise.all(candidates.map((r) => memory.readAvailable(r.start, 32)));
  for (const [i, candidate] of candidates.entries()) {
    const head = heads[i];
    if (
      head === undefined ||
      head.length < 32 ||
      head[0] !== 0x7f ||
      head[1] !== 0x45 ||
      head[2] !== 0x4c ||
      head[3] !== 0x46
    )
      continue;
    const v = new BinaryView(head, core.endian, core.bits);
    const type = v.u16(16);
    if (type !== ET_EXEC && type !== ET_DYN) continue;
    const bias = type === ET_EXEC ? 0n : entry - v.word(24);
    if (type === ET_EXEC && v.word(24) !== entry) continue;
    const phdrs = await imagePhdrsAt(memory, candidate.start, core);
    const self = phdrs?.find((p) => p.type === PT_PHDR);
    if (phdrs !== undefined && (self === undefined || bias + self.vaddr === phdrAt)) return { bias, phdrs: [...phdrs] };
  }
  return undefined;
}

/** DT_DEBUG's value in the executable's dynamic section: r_debug's address (0 until ld.so has run). */
async function findRDebug(
  memory: MemoryReader,
  exe: { bias: bigint; phdrs: readonly ProgramHeader[] },
  core: CoreShape,
): Promise<bigint | undefined> {
  const dynamic = exe.phdrs.find((p) => p.type === PT_DYNAMIC);
  if (dynamic === undefined) return undefined; // a static executable
  const bytes = await memory.readAvailable(exe.bias + dynamic.vaddr, Math.min(Number(dynamic.memsz), MAX_DYNAMIC));
  if (bytes === undefined) return undefined;
  const v = new BinaryView(bytes, core.endian, core.bits);
  const word = core.bits / 8;
  for (let at = 0; at + 2 * word <= bytes.length; at += 2 * word) {
    const tag = v.word(at);
    if (tag === DT_NULL) break;
    if (tag === DT_DEBUG) return v.word(at + word);
  }
  return undefined;
}

/** The list itself: each object's bias and name, in the list's order (the executable first). */
async function readLinkMap(
  memory: MemoryReader,
  exe: { bias: bigint; phdrs: readonly ProgramHeader[] },
  core: CoreShape,
): Promise<{ rDebug: bigint; objects: LinkMapObject[] } | undefined> {
  const rDebug = await findRDebug(memory, exe, core);
  if (rDebug === undefined || rDebug === 0n) return undefined;
  const word = core.bits / 8;
  // r_debug: int r_version (padded to a word), then r_map.
  const head = await memory.readAvailable(rDebug, 2 * word);
  if (head === undefined || head.length < 2 * word) return undefined;
  const links: { bias: bigint; nameAt: bigint; dynamic: bigint }[] = [];
  const seen = new Set<bigint>();
  for (
    let node = new BinaryView(head, core.endian, core.bits).word(word);
    node !== 0n && links.length < MAX_OBJECTS && !seen.has(node);
  ) {
    seen.add(node);
    const bytes = await memory.readAvailable(node, 4 * word);
    if (bytes === undefined || bytes.length < 4 * word) break;
    const v = new BinaryView(bytes, core.endian, core.bits);
    links.push({ bias: v.word(0), nameAt: v.word(word), dynamic: v.word(2 * word) });
    node = v.word(3 * word);
  }
  // The names do not depend on each other: read together (in the page every read is a round trip).
  const names = await Promise.all(
    links.map((l) => (l.nameAt === 0n ? Promise.resolve('') : memory.readCString(l.nameAt))),
  );
  return { rDebug, objects: links.map((l, i) => ({ bias: l.bias, name: names[i] ?? '', dynamic: l.dynamic })) };
}

/** No image maps more than this from its file in one PT_LOAD: a larger p_filesz is a corrupt header. */
const MAX_SEGMENT = 2 ** 32;
const ADDRESS_END = 1n << 64n;

/**
 * A mapping per PT_LOAD of an image loaded at `bias`: its file-backed pages, as the kernel maps them. A PT_LOAD
 * whose p_offset is above 2^53 (Infinity: decodeProgramHeaders) is corrupt and left out, like an oversized p_filesz.
 */
function loadMappings(path: string, bias: bigint, phdrs: readonly ProgramHeader[]): FileMapping[] {
  return phdrs
    .filter(
      (p) =>
        p.type === PT_LOAD &&
        p.filesz > 0 &&
        p.filesz <= MAX_SEGMENT &&
        Number.isFinite(p.offset) &&
        bias + p.vaddr >= 0n &&
        bias + p.vaddr + BigInt(p.filesz) < ADDRESS_END,
    )
    .map((p) => ({
      start: (bias + p.vaddr) & ~PAGE,
      end: (bias + p.vaddr + BigInt(p.filesz) + PAGE) & ~PAGE,
      fileOffset: BigInt(p.offset) & ~PAGE,
      path,
    }));
}

/** Regions below an object's dynamic section searched for its ELF header when it is not at l_addr. */
const HEADER_SEARCH = 16;

/**
 * The program headers of a link-map object, from its ELF header in memory: at l_addr for a shared object linked at
 * 0 (the usual case), else (a prelinked object: l_addr 0, linked where it lies) at the start of one of the regions
 * at or below its dynamic section. A header counts only if its PT_DYNAMIC, moved by its bias, is l_ld.
 */
async function objectPhdrs(
  memory: MemoryReader,
  regions: readonly Region[],
  o: LinkMapObject,
  core: CoreShape,
): Promise<{ bias: bigint; phdrs: readonly ProgramHeader[] } | undefined> {
  const holding = firstEndingAfter(regions, o.dynamic);
  const candidates = [
    o.bias,
    ...regions
      .slice(Math.max(0, holding - HEADER_SEARCH + 1), holding + 1)
      .map((r) => r.start)
      .reverse(),
  ];
  for (const at of new Set(candidates)) {
    const phdrs = await imagePhdrsAt(memory, at, core);
    const first = phdrs?.find((p) => p.type === PT_LOAD);
    const dynamic = phdrs?.find((p) => p.type === PT_DYNAMIC);
    if (phdrs === undefined || first === undefined || dynamic === undefined) continue;
    const bias = at - (first.vaddr & ~PAGE);
    if (bias + dynamic.vaddr === o.dynamic) return { bias, phdrs };
  }
  return undefined;
}

/**
 * The images the process's records name, as file mappings: the executable (named `executable`), the objects on
 * the link map whose ELF header is in the dump (by their l_name; those named without a path, the vDSO's
 * "linux-vdso.so.1", are left to AT_SYSINFO_EHDR), and the interpreter at AT_BASE if the list did not hold it.
 */
export async function loadedImages(
  memory: MemoryReader,
  regions: readonly Region[],
  auxv: readonly AuxvEntry[],
  core: CoreShape,
  executable: string,
): Promise<LoadedImages | undefined> {
  const exe = await executablePhdrs(memory, regions, auxv, core);
  if (exe === undefined) return undefined;
  const mappings = loadMappings(executable, exe.bias, exe.phdrs);
  const evidence = new Map([
    [executable, 'the executable (its program headers at AT_PHDR, or its ELF header whose entry point is AT_ENTRY)'],
  ]);
  const list = await readLinkMap(memory, exe, core);
  const objects = (list?.objects ?? []).filter((o, i) => i > 0 && o.name.includes('/'));
  const found = await Promise.all(objects.map((o) => objectPhdrs(memory, regions, o, core)));
  objects.forEach((o, i) => {
    const image = found[i];
    if (image === undefined) return;
    mappings.push(...loadMappings(o.name, image.bias, image.phdrs));
    evidence.set(o.name, `on the dynamic linker's link map (r_debug at ${hex(list?.rDebug ?? 0n)})`);
  });
  const base = auxvValue(auxv, AT.BASE);
  if (base !== undefined && base !== 0n && !mappings.some((m) => base >= m.start && base < m.end)) {
    const interp = await interpreter(memory, exe, base, core);
    if (interp !== undefined) {
      mappings.push(...loadMappings(interp.name, base, interp.phdrs));
      evidence.set(interp.name, `the program interpreter (PT_INTERP), loaded at AT_BASE ${hex(base)}`);
    }
  }
  return {
    mappings: mappings.sort(byStart),
    evidence,
    ...(list !== undefined ? { linkMap: { rDebug: list.rDebug, objects: list.objects.length } } : {}),
  };
}

/** ld.so at AT_BASE: its program headers, and its path from the executable's PT_INTERP. */
async function interpreter(
  memory: MemoryReader,
  exe: { bias: bigint; phdrs: readonly ProgramHeader[] },
  base: bigint,
  core: CoreShape,
): Promise<{ name: string; phdrs: readonly ProgramHeader[] } | undefined> {
  const phdrs = await imagePhdrsAt(memory, base, core);
  if (phdrs === undefined) return undefined;
  const interp = exe.phdrs.find((p) => p.type === PT_INTERP);
  const name =
    interp === undefined
      ? undefined
      : await memory.readCString(exe.bias + interp.vaddr, Math.min(Number(interp.memsz), 4096));
  return { name: name || '[interpreter]', phdrs };
}
