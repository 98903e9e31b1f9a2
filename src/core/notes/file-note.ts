import { BinaryView } from '../elf/binary-view';
import type { FileMapping } from '../types';

export interface FileNote {
  readonly pageSize: number;
  readonly mappings: FileMapping[];
}

/** Above this a page size is corrupt (the largest real pages are 64 KiB; huge pages are not NT_FILE units). */
const MAX_PAGE = 1n << 30n;

/**
 * NT_FILE: `count, page_size`, then count × (start, end, file_offset_in_pages), then count NUL-terminated names,
 * all words in the core's class. Only file-backed mappings are listed. The kernel drops the whole note above
 * ~65k mappings, so its absence is not proof of "no files". Counts are checked against the note size before
 * anything is allocated.
 */
export function parseFileNote(desc: Uint8Array, v: BinaryView, warn: (m: string) => void): FileNote | undefined {
  // MIPS o32/n32 kernels write NT_FILE with 64-bit words into ELF32 cores (lldb's mipsel and mips64el-n32 cores):
  // read as 32-bit words, such a note has page size 0 and the first mapping's end below its start.
  if (v.bits === 32 && looksLike64BitWords(desc, v)) {
    warn('NT_FILE is written with 64-bit words in a 32-bit core (as MIPS kernels do); read as such');
    return parseFileNote(desc, new BinaryView(new Uint8Array(0), v.endian, 64), warn);
  }
  const view = new BinaryView(desc, v.endian, v.bits);
  const w = view.wordSize;
  if (desc.length < 2 * w) {
    warn(`NT_FILE note of ${desc.length} bytes is too short`);
    return undefined;
  }
  const count = view.wordNumber(0);
  // The page size is multiplied as a bigint straight from the word: wordNumber turns values above 2^53 into
  // Infinity, and BigInt(Infinity) threw a RangeError on a corrupt page size. Real writers use the MMU page size,
  // 1 (gdb: offsets in bytes) or 0 (some MIPS cores); above 1 GiB it is corrupt and reported as 0.
  const page = view.word(w);
  const pageSize = page <= MAX_PAGE ? Number(page) : 0;
  if (page > MAX_PAGE) warn(`NT_FILE page size ${page} is implausible; its file offsets are not meaningful`);
  const namesAt = 2 * w + count * 3 * w;
  if (!Number.isFinite(namesAt) || namesAt > desc.length) {
    warn(
      `NT_FILE claims ${count} mappings but holds room for at most ${Math.floor((desc.length - 2 * w) / (3 * w))}; ignored`,
    );
    return undefined;
  }
  const mappings: FileMapping[] = [];
  let nameAt = namesAt;
  for (let i = 0; i < count; i++) {
    const at = 2 * w + i * 3 * w;
    if (nameAt >= desc.length) {
      warn(`NT_FILE names end after ${i} of ${count} mappings`);
      break;
    }
    let end = nameAt;
    while (end < desc.length && desc[end] !== 0) end++;
    const path = view.cstring(nameAt, end - nameAt);
    nameAt = end + 1;
    mappings.push({ start: view.word(at), end: view.word(at + w), fileOffset: view.word(at + 2 * w) * page, path });
  }
  return { pageSize, mappings };
}

function looksLike64BitWords(desc: Uint8Array, v: BinaryView): boolean {
  if (desc.length < 40) return false;
  const as32 = new BinaryView(desc, v.endian, 32);
  const as64 = new BinaryView(desc, v.endian, 64);
  const pageOk = (p: bigint) => p === 1n || (p >= 1024n && p <= 1n << 20n && (p & (p - 1n)) === 0n);
  const count32 = as32.u32(0);
  const broken32 = !pageOk(BigInt(as32.u32(4))) || (count32 > 0 && desc.length >= 20 && as32.u32(12) < as32.u32(8));
  const count64 = as64.u64(0);
  const fits64 =
    count64 > 0n && 16n + count64 * 24n <= BigInt(desc.length) && pageOk(as64.u64(8)) && as64.u64(24) > as64.u64(16);
  return broken32 && fits64;
}
