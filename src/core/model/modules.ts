import { BinaryView, type Endian, type WordBits } from '../elf/binary-view';
import { ET_DYN, ET_EXEC, PT_LOAD, PT_NOTE } from '../elf/constants';
import { decodeProgramHeaders, type ProgramHeader } from '../elf/program-headers';
import { findBuildId } from '../notes/build-id';
import type { MemoryReader } from '../memory/memory-reader';
import { permsFromFlags } from './protection';
import type { FileMapping, Module } from '../types';

/** The core's word size and byte order: how the process's own structures in its memory are laid out. */
export interface CoreShape {
  readonly bits: WordBits;
  readonly endian: Endian;
}

/** A module's program-header table or note segment larger than this is not an image we trust. */
const MAX_TABLE = 64 * 1024;

/**
 * What probing may read for all modules together. A real module costs a few KB (header, a small phdr table, a
 * build-id note), so thousands fit in a few MB; without a total, NT_FILE entries and PT_LOADs all pointing at one
 * crafted image (a 64 KiB table of PT_NOTEs over the same 64 KiB) made each entry cost megabytes — seconds and
 * gigabytes for a 1 MB core.
 */
const PROBE_BUDGET = 64 * 1024 * 1024;

/** Modules probed at once. */
const PROBES_IN_FLIGHT = 8;

/** The first page of an image, read in one go: its ELF header, program headers and build-id note all sit there. */
const FIRST_PAGE = 4096;

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item === undefined) throw new RangeError(`no item ${i}`);
      results[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Reads of one image, served from its first page when they fall inside it (one read instead of three or four: in
 * the page each read is a round trip to the browser's file reader) and from the dump otherwise.
 */
class ImageBytes {
  private page: Uint8Array | undefined;

  constructor(
    private readonly memory: MemoryReader,
    private readonly start: bigint,
  ) {}

  async read(address: bigint, length: number): Promise<Uint8Array | undefined> {
    this.page ??= (await this.memory.readAvailable(this.start, FIRST_PAGE)) ?? new Uint8Array(0);
    const at = address - this.start;
    if (at >= 0n && at + BigInt(length) <= BigInt(this.page.length))
      return this.page.subarray(Number(at), Number(at) + length);
    return this.memory.readAvailable(address, length);
  }
}

/** Bytes left to probe with; `exhausted` once a read was refused. */
interface ProbeBudget {
  remaining: number;
  exhausted: boolean;
}

function spend(budget: ProbeBudget, bytes: number): boolean {
  if (bytes > budget.remaining) {
    budget.exhausted = true;
    return false;
  }
  budget.remaining -= bytes;
  return true;
}

/**
 * The ELF images mapped by the process, as `eu-unstrip -n --core` lists them: for each file named in NT_FILE, read
 * its ELF header, program headers and GNU build-id from the dump's memory when the first page is present.
 * Reads stay in the first page and the note segment of each image: kilobytes per module.
 */
export async function findModules(
  files: readonly FileMapping[],
  memory: MemoryReader,
  core: CoreShape,
  warn: (message: string) => void = () => undefined,
): Promise<Module[]> {
  const budget: ProbeBudget = { remaining: PROBE_BUDGET, exhausted: false };
  const byPath = new Map<string, FileMapping[]>();
  for (const f of files) {
    const list = byPath.get(f.path);
    if (list) list.push(f);
    else byPath.set(f.path, [f]);
  }
  const probe = async ([path, maps]: [string, FileMapping[]]): Promise<Module | undefined> => {
    const first = maps.find((m) => m.fileOffset === 0n) ?? maps[0];
    if (first === undefined) return undefined;
    const start = maps.reduce((lo, m) => (m.start < lo ? m.start : lo), first.start);
    const end = maps.reduce((hi, m) => (m.end > hi ? m.end : hi), first.end);
    // The ELF header is in every mapping of file offset 0, not only the first: a small executable's data segment
    // shares the file's first page with its text, and the kernel dumps only the written (data) one.
    let image: ImageFacts | undefined;
    for (const m of maps) {
      if (m.fileOffset === 0n) image ??= await readImage(memory, m.start, core, budget);
    }
    if (image === undefined && !looksLikeElfPath(path)) return undefined;
    return {
      path,
      start,
      end,
      base: image?.base ?? start,
      headerInDump: image !== undefined,
      ...(image?.buildId !== undefined ? { buildId: image.buildId } : {}),
      ...(image?.loads !== undefined ? { loads: image.loads } : {}),
    };
  };
  // Several modules at a time: in the page every read is a round trip to the browser's file reader, and one
  // module after another was most of the header pass's time in a worker.
  const found = await mapConcurrently([...byPath], PROBES_IN_FLIGHT, probe);
  const modules = found.filter((m): m is Module => m !== undefined);
  if (budget.exhausted)
    warn(
      `module probing stopped after ${PROBE_BUDGET} bytes: some modules' program headers and build-ids were not read`,
    );
  return modules;
}

/** A module found by its ELF header alone (the vDSO, or any image in a core without NT_FILE). */
export async function probeModule(
  memory: MemoryReader,
  address: bigint,
  name: string,
  core: CoreShape,
): Promise<Module | undefined> {
  const image = await readImage(memory, address, core);
  if (image === undefined) return undefined;
  return {
    path: name,
    start: address,
    end: image.end ?? address + 4096n,
    base: image.base,
    headerInDump: true,
    ...(image.buildId !== undefined ? { buildId: image.buildId } : {}),
  };
}

/**
 * Names that are ELF objects even when their first page is not in the dump (gdb's gcore writes p_filesz 0 for
 * unmodified read-only file mappings): shared objects by their `.so` suffix. Anything else stays MappedFile.
 */
export function looksLikeElfPath(path: string): boolean {
  const name = path.replace(/ \(deleted\)$/, '');
  return /\.so(\.[0-9][\w.]*)?$/.test(name) || /\/ld-linux[^/]*$/.test(name);
}

interface ImageFacts {
  readonly base: bigint;
  readonly end?: bigint;
  readonly buildId?: string;
  readonly loads?: Module['loads'];
}

interface ImageHeaders {
  readonly type: number;
  readonly bits: WordBits;
  readonly endian: Endian;
  /** Undefined when the table is implausible or not in the dump: the header alone is known. */
  readonly phdrs?: readonly ProgramHeader[];
}

/** The ELF header at `start` (an executable or a shared object) and its program headers, from the dump's memory. */
async function readHeaders(
  bytes: ImageBytes,
  start: bigint,
  core: CoreShape,
  budget: ProbeBudget,
): Promise<ImageHeaders | undefined> {
  if (!spend(budget, FIRST_PAGE)) return undefined;
  const head = await bytes.read(start, 64);
  if (head === undefined || head.length < 52) return undefined;
  if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return undefined;
  const bits: WordBits = head[4] === 2 ? 64 : 32;
  const endian: Endian = head[5] === 2 ? 'big' : 'little';
  // An ELF64 header is 64 bytes: one cut to 52–57 bytes (a truncated dump, or a p_filesz that ends there) made
  // the e_phnum read below throw a RangeError instead of being treated as a header not in the dump.
  if (head.length < (bits === 64 ? 64 : 52)) return undefined;
  if (bits !== core.bits && head.length < 64) return undefined;
  const v = new BinaryView(head, endian, bits);
  const type = v.u16(16);
  if (type !== ET_DYN && type !== ET_EXEC) return undefined;
  const phoff = bits === 64 ? Number(v.u64(32)) : v.u32(28);
  const phentsize = v.u16(bits === 64 ? 54 : 42);
  const phnum = v.u16(bits === 64 ? 56 : 44);
  if (phentsize !== (bits === 64 ? 56 : 32) || phnum * phentsize > MAX_TABLE || phoff > MAX_TABLE)
    return { type, bits, endian };
  if (!spend(budget, phnum * phentsize)) return { type, bits, endian };
  const table = await bytes.read(start + BigInt(phoff), phnum * phentsize);
  if (table === undefined || table.length < phnum * phentsize) return { type, bits, endian };
  return { type, bits, endian, phdrs: decodeProgramHeaders(new BinaryView(table, endian, bits), phnum, phentsize) };
}

/** The program headers of the image whose ELF header is at `address` in memory, if it and they are there. */
export async function imagePhdrsAt(
  memory: MemoryReader,
  address: bigint,
  core: CoreShape,
): Promise<readonly ProgramHeader[] | undefined> {
  return (
    await readHeaders(new ImageBytes(memory, address), address, core, { remaining: PROBE_BUDGET, exhausted: false })
  )?.phdrs;
}

async function readImage(
  memory: MemoryReader,
  start: bigint,
  core: CoreShape,
  budget: ProbeBudget = { remaining: PROBE_BUDGET, exhausted: false },
): Promise<ImageFacts | undefined> {
  const bytes = new ImageBytes(memory, start);
  const headers = await readHeaders(bytes, start, core, budget);
  if (headers === undefined) return undefined;
  const { type, bits, endian, phdrs } = headers;
  if (phdrs === undefined) return { base: start };
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  const firstLoad = loads[0];
  // Load bias: 0 for ET_EXEC (absolute addresses, whichever mapping the header was read from); else where the first
  // PT_LOAD's page landed minus its link-time address.
  const base = type === ET_EXEC ? 0n : firstLoad === undefined ? start : start - (firstLoad.vaddr & ~0xfffn);
  const end = loads.reduce<bigint | undefined>((hi, p) => {
    const e = base + p.vaddr + p.memsz;
    return hi === undefined || e > hi ? e : hi;
  }, undefined);
  let buildId: string | undefined;
  // The build-id note sits in the first page; MAX_TABLE bounds all note bytes of one image, not each segment.
  let noteBytes = 0;
  for (const note of phdrs.filter((p) => p.type === PT_NOTE && p.memsz > 0n && p.memsz <= BigInt(MAX_TABLE))) {
    noteBytes += Number(note.memsz);
    if (noteBytes > MAX_TABLE || !spend(budget, 2 * Number(note.memsz))) break;
    // Also through the mapping the header was read from (file offset 0 at `start`): when only a data segment that
    // shares the file's first page was dumped, the note is there and not at its own address.
    // (A p_offset above 2^53 is Infinity, which BigInt refuses: that fallback is skipped.)
    const notes =
      (await bytes.read(base + note.vaddr, Number(note.memsz))) ??
      (Number.isFinite(note.offset) ? await bytes.read(start + BigInt(note.offset), Number(note.memsz)) : undefined);
    if (notes === undefined) continue;
    buildId = findBuildId(notes, new BinaryView(notes, endian, bits));
    if (buildId !== undefined) break;
  }
  const loadRanges = loads.map((p) => ({ fileOffset: p.offset, fileSize: p.filesz, perms: permsFromFlags(p.flags) }));
  return {
    base,
    loads: loadRanges,
    ...(end !== undefined ? { end: (end + 0xfffn) & ~0xfffn } : {}),
    ...(buildId !== undefined ? { buildId } : {}),
  };
}
