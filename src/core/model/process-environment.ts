/**
 * argv and the environment, read from the main thread's initial stack: what a reader of a dump asks first ("which
 * instance was this, with which settings?") and what pr_psargs cuts at 80 bytes.
 *
 * The kernel's exec (fs/binfmt_elf.c create_elf_tables) lays out the top of the main stack, from the top down:
 * the strings (argv's, envp's, then AT_EXECFN's path last), AT_RANDOM's bytes and the platform strings, then
 * auxv, envp[] NULL-terminated, argv[] NULL-terminated, and argc at the initial sp. NT_AUXV is a copy of that
 * auxv (mm->saved_auxv, written to the stack from the same buffer; gcore reads it from /proc/PID/auxv), so its
 * bytes are searched for in the region holding AT_EXECFN (the main stack, whichever thread the dump lists
 * first), and the arrays are walked back from there: envp's pointers until a NULL, argv's until the word that
 * counts them (argc).
 *
 * This is the environment the process started with. setenv() and putenv() change libc's copy (`environ`, on the
 * heap once it grows), never this block, so a variable set later is not here; a process that writes over its own
 * argv strings (setproctitle) shows what it wrote.
 *
 * Every count is capped, and what could not be read becomes a warning with a partial result.
 */
import type { MemoryReader } from '../memory/memory-reader';
import { regionIndexAt } from '../memory/region-lookup';
import { hex } from '../text/hex';
import type { Analysis, AuxvEntry, EnvironmentVariable, ProcessEnvironment, Region } from '../types';

const AT_NULL = 0;
const AT_EXECFN = 31;
/** How far below the region's top the auxv is looked for: the kernel caps argv + envp at 3/4 of the stack rlimit. */
const SEARCH_LIMIT = 16 * 1024 * 1024;
const SEARCH_CHUNK = 256 * 1024;
/** How many auxv entries make the pattern searched for: enough to be unique, few enough to survive a changed tail. */
const PATTERN_ENTRIES = 8;
/** Pointers walked back from the auxv, envp's and argv's together. */
const MAX_POINTERS = 65_536;
const POINTER_CHUNK = 64 * 1024;
/** The kernel's MAX_ARG_STRLEN: no single argument or variable is longer. */
const MAX_STRING = 128 * 1024;
/** The strings are read as one block when they span at most this much. */
const MAX_BLOCK = 8 * 1024 * 1024;
const MAX_WARNINGS = 20;

interface Words {
  readonly size: 4 | 8;
  readonly little: boolean;
}

/**
 * The process's argv and initial environment, or undefined when the dump has no auxv (nothing to find the block
 * by) or its main stack holds no copy of it.
 */
export async function readProcessEnvironment(
  reader: MemoryReader,
  analysis: Analysis,
): Promise<ProcessEnvironment | undefined> {
  try {
    return await readEnvironment(reader, analysis);
  } catch (error) {
    // A read the reader refused (an address past 2^64 in a damaged stack): say so, keep the page going.
    return { argv: [], env: [], warnings: [`the initial stack could not be read: ${String(error)}`] };
  }
}

async function readEnvironment(reader: MemoryReader, analysis: Analysis): Promise<ProcessEnvironment | undefined> {
  const words: Words = { size: analysis.dump.bits === 32 ? 4 : 8, little: analysis.dump.endian === 'little' };
  const auxv = analysis.auxv;
  if (auxv.length === 0) return undefined;
  const region = mainStack(analysis);
  if (region === undefined) return undefined;
  const auxvAt = await findAuxv(reader, region, auxvPattern(auxv, words), words.size);
  if (auxvAt === undefined) return undefined;

  const warnings: string[] = [];
  const warn = (text: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(text);
  };
  const arrays = await walkBack(reader, auxvAt, region.start, words, warn);
  if (arrays === undefined) return { argv: [], env: [], warnings };
  const strings = await StringBlock.read(reader, [...arrays.argv, ...arrays.envp]);
  const argv: string[] = [];
  for (const pointer of arrays.argv) {
    const text = await strings.at(pointer);
    if (text === undefined) warn(`argv[${argv.length}] at ${hex(pointer)} is not in the dump`);
    argv.push(text ?? '');
  }
  const env: EnvironmentVariable[] = [];
  for (const pointer of arrays.envp) {
    const text = await strings.at(pointer);
    if (text === undefined) {
      warn(`an environment string at ${hex(pointer)} is not in the dump`);
      continue;
    }
    const eq = text.indexOf('=');
    env.push(
      eq < 0
        ? { name: text, value: '', address: pointer }
        : {
            name: text.slice(0, eq),
            value: text.slice(eq + 1),
            address: pointer,
          },
    );
  }
  const first = arrays.argv[0] ?? arrays.envp[0];
  return { argv, env, address: first, warnings };
}

/**
 * The region holding AT_EXECFN's string (on the main stack in every Linux exec), else the stack of the thread
 * whose tid is the pid (the main thread: a kernel core lists the crashing thread first, gcore the main one).
 */
function mainStack(analysis: Analysis): Region | undefined {
  const execfn = analysis.auxv.find((e) => e.type === AT_EXECFN)?.value;
  if (execfn !== undefined) {
    const region = analysis.regions[regionIndexAt(analysis.regions, execfn)];
    if (region !== undefined && execfn >= region.start && execfn < region.end) return region;
  }
  const pid = analysis.process.pid;
  const main = analysis.threads.find((t) => pid !== undefined && t.tid === pid);
  const index = main?.stackRegion;
  return index === undefined ? undefined : analysis.regions[index];
}

/** The first entries of NT_AUXV as the process's words: the bytes to find on the stack. */
function auxvPattern(auxv: readonly AuxvEntry[], words: Words): Uint8Array {
  const entries = auxv.filter((e) => e.type !== AT_NULL).slice(0, PATTERN_ENTRIES);
  const bytes = new Uint8Array(entries.length * 2 * words.size);
  const view = new DataView(bytes.buffer);
  entries.forEach((e, i) => {
    putWord(view, i * 2 * words.size, BigInt(e.type), words);
    putWord(view, (i * 2 + 1) * words.size, e.value, words);
  });
  return bytes;
}

function putWord(view: DataView, offset: number, value: bigint, words: Words): void {
  if (words.size === 8) view.setBigUint64(offset, BigInt.asUintN(64, value), words.little);
  else view.setUint32(offset, Number(BigInt.asUintN(32, value)), words.little);
}

function getWord(bytes: Uint8Array, offset: number, words: Words): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, words.size);
  return words.size === 8 ? view.getBigUint64(0, words.little) : BigInt(view.getUint32(0, words.little));
}

/**
 * Where the pattern starts in the region, searching down from the region's top (the auxv sits just below the
 * strings) in overlapping chunks, at word-aligned offsets only.
 */
async function findAuxv(
  reader: MemoryReader,
  region: Region,
  pattern: Uint8Array,
  align: number,
): Promise<bigint | undefined> {
  if (pattern.length === 0) return undefined;
  const top = region.start + BigInt(Math.max(0, Math.min(region.inDump, region.size)));
  const floor = top - BigInt(Math.min(SEARCH_LIMIT, Number(top - region.start)));
  for (let end = top; end > floor;) {
    const start = end - BigInt(SEARCH_CHUNK) > floor ? end - BigInt(SEARCH_CHUNK) : floor;
    const length = Number(end - start) + (end < top ? pattern.length : 0);
    const read = await reader.read(start, Math.min(length, Number(top - start)));
    const found = lastIndexOf(read.bytes, read.present, pattern, Number(start % BigInt(align)), align);
    if (found >= 0) return start + BigInt(found);
    end = start;
  }
  return undefined;
}

/** The last offset where `pattern` starts, all of its bytes present, aligned so that (base + offset) % align is 0. */
function lastIndexOf(bytes: Uint8Array, present: Uint8Array, pattern: Uint8Array, base: number, align: number): number {
  const first = pattern[0];
  for (let i = bytes.length - pattern.length; i >= 0; i--) {
    if (bytes[i] !== first || (base + i) % align !== 0) continue;
    let j = 0;
    while (j < pattern.length && bytes[i + j] === pattern[j] && present[i + j] === 1) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

interface Arrays {
  readonly argv: bigint[];
  readonly envp: bigint[];
}

/**
 * envp[] and argv[], walked down from the word below the auxv: that word is envp's NULL; then envp's pointers
 * until argv's NULL; then argv's pointers until the word equal to their count (argc).
 */
async function walkBack(
  reader: MemoryReader,
  auxvAt: bigint,
  floor: bigint,
  words: Words,
  warn: (text: string) => void,
): Promise<Arrays | undefined> {
  const size = BigInt(words.size);
  let buffer: { start: bigint; bytes: Uint8Array; present: Uint8Array } | undefined;
  const wordAt = async (address: bigint): Promise<bigint | undefined> => {
    if (address < floor) return undefined;
    if (buffer === undefined || address < buffer.start || address + size > buffer.start + BigInt(buffer.bytes.length)) {
      const from = address + size - BigInt(POINTER_CHUNK) > floor ? address + size - BigInt(POINTER_CHUNK) : floor;
      const read = await reader.read(from, Number(address + size - from));
      buffer = { start: from, bytes: read.bytes, present: read.present };
    }
    const offset = Number(address - buffer.start);
    for (let i = 0; i < words.size; i++) if (buffer.present[offset + i] !== 1) return undefined;
    return getWord(buffer.bytes, offset, words);
  };

  let at = auxvAt - size;
  if ((await wordAt(at)) !== 0n) {
    warn(`the word below the auxv at ${hex(auxvAt)} is not envp's NULL terminator`);
    return undefined;
  }
  const envp: bigint[] = [];
  const argv: bigint[] = [];
  let inArgv = false;
  for (let n = 0; n < MAX_POINTERS; n++) {
    at -= size;
    const word = await wordAt(at);
    if (word === undefined) {
      warn(`the stack below ${hex(at + size)} is not in the dump: argv and envp are incomplete`);
      return { argv: argv.reverse(), envp: envp.reverse() };
    }
    if (!inArgv) {
      if (word === 0n) inArgv = true;
      else envp.push(word);
      continue;
    }
    if (word === BigInt(argv.length)) return { argv: argv.reverse(), envp: envp.reverse() };
    if (word === 0n) {
      warn(`no argc below argv at ${hex(at)}`);
      return undefined;
    }
    argv.push(word);
  }
  warn(`more than ${MAX_POINTERS} argv and envp pointers below the auxv: not read`);
  return undefined;
}

/**
 * The strings, read as one block where the pointers span a few MB (they are contiguous: argv's, then envp's), or
 * one by one otherwise.
 */
class StringBlock {
  private constructor(
    private readonly reader: MemoryReader,
    private readonly start: bigint,
    private readonly bytes: Uint8Array,
    private readonly present: Uint8Array,
  ) {}

  static async read(reader: MemoryReader, pointers: readonly bigint[]): Promise<StringBlock> {
    let low: bigint | undefined;
    let high: bigint | undefined;
    for (const p of pointers) {
      if (low === undefined || p < low) low = p;
      if (high === undefined || p > high) high = p;
    }
    if (low === undefined || high === undefined || high - low > BigInt(MAX_BLOCK)) {
      return new StringBlock(reader, 0n, new Uint8Array(0), new Uint8Array(0));
    }
    const length = Number(high - low) + MAX_STRING;
    const read = await reader.read(low, Math.min(length, Number((1n << 64n) - low)));
    return new StringBlock(reader, low, read.bytes, read.present);
  }

  /** The NUL-terminated string at `address`, undefined when its bytes are not all in the dump. */
  async at(address: bigint): Promise<string | undefined> {
    const offset = address - this.start;
    if (offset >= 0n && offset < BigInt(this.bytes.length)) {
      const from = Number(offset);
      const limit = Math.min(this.bytes.length, from + MAX_STRING);
      for (let i = from; i < limit; i++) {
        if (this.present[i] !== 1) return undefined;
        if (this.bytes[i] === 0) return decode(this.bytes.subarray(from, i));
      }
      return undefined;
    }
    return this.reader.readCString(address, MAX_STRING);
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
