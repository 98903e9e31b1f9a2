/**
 * The exported functions of a module as loaded in a process, read from the process's memory (a core dump has
 * them when the pages holding .dynamic, .dynsym, .dynstr and the hash table were dumped — usually the first,
 * read-only mapping of each library): module header → program headers → PT_DYNAMIC → DT_SYMTAB, DT_STRTAB,
 * DT_STRSZ, DT_SYMENT, and the symbol count from DT_GNU_HASH (the highest bucket's chain walked to its end) or
 * DT_HASH (nchain). This names frames in libraries the user has no file for.
 *
 * Relocated or not: glibc's ld.so adds the load bias to the d_ptr entries of a writable .dynamic in place (x86_64,
 * aarch64, i386, …) but cannot where .dynamic is read-only (MIPS, RISC-V), and other loaders (musl) never do. So
 * each address is judged on its own: a value inside the module's link-time span is unrelocated (the bias is added),
 * one inside its run-time span is already relocated; when the spans overlap (a small bias) the writability of
 * .dynamic decides, as it decides for ld.so. Symbol values in .dynsym are never relocated: the table answers in
 * link-time addresses, like a file's.
 *
 * Every count and size read from memory is capped, and any byte that cannot be read makes the answer undefined.
 */
import { BinaryView, type WordBits } from '../elf/binary-view';
import { EM, PF_W, PN_XNUM, PT_DYNAMIC, PT_LOAD } from '../elf/constants';
import { decodeProgramHeaders, type ProgramHeader } from '../elf/program-headers';
import { baseFor, decodeSymbols } from './decode-symbols';
import { hasElfMagic } from './elf-file-header';
import { DT_GNU_HASH, DT_HASH, DT_NULL, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB } from './image-constants';
import { SymbolTable } from './symbol-table';

export type ReadMemory = (address: bigint, length: number) => Promise<Uint8Array | undefined>;

/** A loaded image has a dozen program headers. */
const MAX_PROGRAM_HEADERS = 256;
/** .dynamic holds a few dozen entries. */
const MAX_DYNAMIC = 64 * 1024;
/** libxul's .dynsym is ~3 MiB, its .dynstr ~10 MiB. */
const MAX_TABLE = 64 << 20;
const MAX_SYMBOLS = 1 << 22;
const MAX_BUCKETS = 1 << 22;
/** Chain words read per step of the walk. */
const CHAIN_CHUNK = 1024;

export async function dynamicSymbolsFromMemory(
  read: ReadMemory,
  module: { readonly start: bigint; readonly base: bigint },
  bits: 32 | 64,
  littleEndian: boolean,
): Promise<SymbolTable | undefined> {
  const mem = new Memory(read, bits, littleEndian);
  const header = await mem.view(module.start, bits === 64 ? 64 : 52);
  if (header === undefined || !hasElfMagic(header.bytes)) return undefined;
  if (header.u8(4) !== (bits === 64 ? 2 : 1) || header.u8(5) !== (littleEndian ? 1 : 2)) return undefined;
  const machine = header.u16(18);
  const phoff = header.wordNumber(bits === 64 ? 32 : 28);
  const phentsize = header.u16(bits === 64 ? 54 : 42);
  const phnum = header.u16(bits === 64 ? 56 : 44);
  if (phentsize !== (bits === 64 ? 56 : 32) || phnum === 0 || phnum === PN_XNUM || phnum > MAX_PROGRAM_HEADERS) {
    return undefined;
  }
  if (!Number.isFinite(phoff) || phoff > MAX_DYNAMIC) return undefined;
  const table = await mem.view(module.start + BigInt(phoff), phnum * phentsize);
  if (table === undefined) return undefined;
  const phdrs = decodeProgramHeaders(table, phnum, phentsize);
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  const dynamic = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (dynamic === undefined || loads.length === 0) return undefined;

  const tags = await readDynamic(mem, module.base + dynamic.vaddr, Math.min(Number(dynamic.memsz), MAX_DYNAMIC));
  if (tags === undefined) return undefined;
  const writable = loads.some((l) => (l.flags & PF_W) !== 0 && contains(l, dynamic.vaddr));
  const resolve = addressResolver(loads, module.base, writable);
  const symtab = resolve(tags.get(DT_SYMTAB));
  const strtab = resolve(tags.get(DT_STRTAB));
  const strsz = Number(tags.get(DT_STRSZ) ?? 0n);
  const entrySize = bits === 64 ? 24 : 16;
  const syment = Number(tags.get(DT_SYMENT) ?? BigInt(entrySize));
  if (symtab === undefined || strtab === undefined || syment !== entrySize || strsz <= 0 || strsz > MAX_TABLE) {
    return undefined;
  }
  const count = await symbolCount(mem, tags, resolve, machine, symtab, strtab, entrySize);
  if (count === undefined || count <= 0 || count * entrySize > MAX_TABLE) return undefined;
  const symbols = await mem.view(symtab, count * entrySize);
  const strings = await mem.view(strtab, strsz);
  if (symbols === undefined || strings === undefined) return undefined;
  const base = baseFor(loads.map((l) => ({ start: l.vaddr, end: l.vaddr + l.memsz })));
  const segments = loads
    .filter((l) => l.vaddr >= base)
    .map((l) => ({ start: Number(l.vaddr - base), end: Number(l.vaddr - base + l.memsz) }));
  const columns = decodeSymbols({
    symbols,
    entrySize,
    strings: strings.bytes,
    machine,
    base,
    // No section headers in memory: a symbol may name up to the end of the segment holding it.
    limitOf: (_shndx, value) => segments.find((l) => value >= l.start && value < l.end)?.end ?? NaN,
  });
  return SymbolTable.fromColumns([columns]);
}

/** Reads of process memory as BinaryViews; undefined when any byte is missing. */
class Memory {
  constructor(
    private readonly read: ReadMemory,
    readonly bits: WordBits,
    private readonly little: boolean,
  ) {}

  async view(address: bigint, length: number): Promise<BinaryView | undefined> {
    if (length < 0 || length > MAX_TABLE) return undefined;
    const bytes = await this.read(address, length);
    if (bytes?.length !== length) return undefined;
    return new BinaryView(bytes, this.little ? 'little' : 'big', this.bits);
  }
}

function contains(p: ProgramHeader, vaddr: bigint): boolean {
  return vaddr >= p.vaddr && vaddr < p.vaddr + p.memsz;
}

/** The first value of each tag up to DT_NULL. */
async function readDynamic(mem: Memory, address: bigint, size: number): Promise<Map<number, bigint> | undefined> {
  const v = await mem.view(address, size);
  if (v === undefined) return undefined;
  const tags = new Map<number, bigint>();
  const entry = v.wordSize * 2;
  for (let at = 0; at + entry <= v.length; at += entry) {
    const tag = v.word(at);
    if (tag === BigInt(DT_NULL)) break;
    if (tag > 0xffffffffn) continue;
    if (!tags.has(Number(tag))) tags.set(Number(tag), v.word(at + v.wordSize));
  }
  return tags;
}

type Resolve = (value: bigint | undefined) => bigint | undefined;

/** A d_ptr value as a run-time address (see the header comment); undefined when it points outside the module. */
function addressResolver(loads: readonly ProgramHeader[], base: bigint, dynamicWritable: boolean): Resolve {
  const low = loads.reduce((m, l) => (l.vaddr < m ? l.vaddr : m), loads[0]?.vaddr ?? 0n);
  const high = loads.reduce((m, l) => (l.vaddr + l.memsz > m ? l.vaddr + l.memsz : m), 0n);
  return (value) => {
    if (value === undefined) return undefined;
    const linkTime = value >= low && value < high;
    const runTime = value >= base + low && value < base + high;
    if (linkTime && runTime) return dynamicWritable ? value : base + value;
    if (linkTime) return base + value;
    return runTime ? value : undefined;
  };
}

async function symbolCount(
  mem: Memory,
  tags: ReadonlyMap<number, bigint>,
  resolve: Resolve,
  machine: number,
  symtab: bigint,
  strtab: bigint,
  entrySize: number,
): Promise<number | undefined> {
  const gnu = resolve(tags.get(DT_GNU_HASH));
  if (gnu !== undefined) return gnuHashCount(mem, gnu);
  const hash = resolve(tags.get(DT_HASH));
  if (hash !== undefined) {
    // DT_HASH words are 64-bit on 64-bit s390 and Alpha, 32-bit everywhere else.
    const wide = mem.bits === 64 && (machine === EM.S390 || machine === EM.ALPHA);
    const v = await mem.view(hash, wide ? 16 : 8);
    if (v === undefined) return undefined;
    const nchain = wide ? v.wordNumber(8) : v.u32(4);
    return Math.min(nchain, MAX_SYMBOLS);
  }
  // No hash table (rare: a few static-pie or hand-linked images): linkers place .dynstr right after .dynsym.
  if (strtab <= symtab) return undefined;
  return Math.min(MAX_SYMBOLS, Number((strtab - symtab) / BigInt(entrySize)));
}

/**
 * DT_GNU_HASH: nbuckets, symoffset, bloom_size, bloom_shift; bloom words; buckets; chains. Symbols below symoffset
 * are not hashed; every hashed symbol sits in one bucket's chain, whose last entry has bit 0 set. The table's last
 * symbol ends the chain of the highest bucket value.
 */
async function gnuHashCount(mem: Memory, address: bigint): Promise<number | undefined> {
  const head = await mem.view(address, 16);
  if (head === undefined) return undefined;
  const nbuckets = head.u32(0);
  const symoffset = head.u32(4);
  const bloomSize = head.u32(8);
  if (nbuckets === 0 || nbuckets > MAX_BUCKETS || bloomSize > MAX_BUCKETS || symoffset > MAX_SYMBOLS) {
    return undefined;
  }
  const bucketsAt = address + 16n + BigInt(bloomSize * (mem.bits === 64 ? 8 : 4));
  const buckets = await mem.view(bucketsAt, nbuckets * 4);
  if (buckets === undefined) return undefined;
  let last = 0;
  for (let i = 0; i < nbuckets; i++) last = Math.max(last, buckets.u32(i * 4));
  if (last < symoffset) return symoffset;
  const chainsAt = bucketsAt + BigInt(nbuckets * 4);
  let chunk = CHAIN_CHUNK;
  for (let index = last; index < MAX_SYMBOLS;) {
    const words = await mem.view(chainsAt + BigInt((index - symoffset) * 4), chunk * 4);
    if (words === undefined) {
      // The chain may end within fewer than `chunk` words of the end of what is readable: ask for less.
      if (chunk === 1) return undefined;
      chunk = Math.max(1, chunk >> 3);
      continue;
    }
    for (let k = 0; k < chunk; k++, index++) {
      if ((words.u32(k * 4) & 1) !== 0) return index + 1;
    }
  }
  return undefined;
}
