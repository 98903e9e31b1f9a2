import { DumpError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { BinaryView } from './binary-view';
import type { ElfHeader } from './header';

export interface ProgramHeader {
  readonly index: number;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly filesz: number;
  readonly memsz: bigint;
}

function programHeader(
  index: number,
  type: number,
  flags: number,
  offset: number,
  vaddr: bigint,
  filesz: number,
  memsz: bigint,
): ProgramHeader {
  return { index, type, flags, offset, vaddr, filesz, memsz };
}

/** 2^20 program headers (56 MiB of table): 16× Linux's default map count limit, 4× what databases raise it to. */
export const MAX_PROGRAM_HEADERS = 1 << 20;

/**
 * Reads every program header. The table is bounded by the file: a count that would run past the end is clamped
 * (with a warning) instead of trusted — absurd counts cost nothing.
 */
export async function readProgramHeaders(
  source: ByteSource,
  header: ElfHeader,
  warn: (message: string) => void,
): Promise<ProgramHeader[]> {
  if (header.phnum === 0) return [];
  const entry = header.phentsize;
  if (!Number.isFinite(header.phoff) || header.phoff >= source.size) {
    throw new DumpError(
      'bad-header',
      `program headers start at offset ${header.phoff}, past the end of the ${source.size}-byte file`,
    );
  }
  let count = header.phnum;
  const fits = Math.floor((source.size - header.phoff) / entry);
  if (fits < count) {
    warn(`the file is truncated: it holds ${fits} of ${count} program headers`);
    count = fits;
  }
  // PN_XNUM lets sh_info claim up to 2^32 − 1 headers; in a large (or sparse) file the clamp above does not stop
  // that, and the single read then exceeded MAX_READ (a RangeError, not a DumpError). No real process has this
  // many mappings (vm.max_map_count defaults to 65530; databases raise it to ~256k–1M).
  if (count > MAX_PROGRAM_HEADERS) {
    warn(`e_phnum/sh_info claims ${count} program headers; only the first ${MAX_PROGRAM_HEADERS} are read`);
    count = MAX_PROGRAM_HEADERS;
  }
  const v = new BinaryView(await source.read(header.phoff, count * entry), header.endian, header.bits);
  // A short read means the file ended (it may have shrunk since `size` was taken): parse only what arrived,
  // instead of letting DataView throw a RangeError past the end.
  if (v.length < count * entry) {
    const got = Math.floor(v.length / entry);
    warn(`the file ended while reading program headers: ${got} of ${count} read`);
    count = got;
  }
  return decodeProgramHeaders(v, count, entry);
}

/**
 * `count` program headers (the ELF32 or ELF64 layout, by the view's class) from a table of `entrySize`-byte
 * entries — a core's, or an image's in the dump's memory; fewer when the view ends first. p_offset and p_filesz
 * above 2^53 come back as Infinity (BinaryView.wordNumber): callers reject them, and must not pass them to BigInt.
 */
export function decodeProgramHeaders(v: BinaryView, count: number, entrySize: number): ProgramHeader[] {
  const n = Math.min(count, Math.floor(v.length / entrySize));
  const result = new Array<ProgramHeader>(n);
  // Last to first. V8 keeps one representation per field for all objects of a shape: offsets start small (the
  // notes) and pass 2^30 further into a large dump, and that switch from small integers to doubles deprecated the
  // shape, so every header made before it was migrated (a copy) on its next touch — a visible cost with thousands
  // of headers in a short-lived process (the bench's `coreview --json` rows). Made from the end, the largest
  // offsets come first.
  for (let i = n - 1; i >= 0; i--) {
    const at = i * entrySize;
    result[i] =
      v.bits === 64
        ? programHeader(
            i,
            v.u32(at),
            v.u32(at + 4),
            v.wordNumber(at + 8),
            v.u64(at + 16),
            v.wordNumber(at + 32),
            v.u64(at + 40),
          )
        : programHeader(
            i,
            v.u32(at),
            v.u32(at + 24),
            v.u32(at + 4),
            BigInt(v.u32(at + 8)),
            v.u32(at + 16),
            BigInt(v.u32(at + 20)),
          );
  }
  return result;
}
