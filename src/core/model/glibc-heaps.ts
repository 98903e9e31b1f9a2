/**
 * glibc malloc arenas. Every thread that mallocs may get an arena of its own (up to 8 per core by default), and
 * an arena's memory comes in "heaps": each one an mmap reservation of HEAP_MAX_SIZE (64 MiB on 64-bit, 1 MiB on
 * 32-bit), aligned to that size, read-write at its start (the part in use) and no-access after it. In a service
 * with hundreds of threads these reservations can rival the stacks, and a core labels none of them.
 *
 * The evidence is in the dump: a heap starts with glibc's `heap_info` (malloc/arena.c) —
 *
 *   ar_ptr         the arena's malloc_state: right after this header in an arena's first heap, and at that
 *                  place in another heap of the same arena otherwise
 *   prev           the arena's previous heap (NULL in its first), itself HEAP_MAX_SIZE-aligned
 *   size           bytes in use, page-aligned, at most HEAP_MAX_SIZE
 *   mprotect_size  bytes made read-write so far, page-aligned, size ≤ it ≤ HEAP_MAX_SIZE
 *
 * — so a HEAP_MAX_SIZE-aligned anonymous read-write region whose first words hold all of that is taken for an
 * arena heap, and the anonymous regions inside its window for the rest of it (heuristic `glibc-arena-heap-info`).
 */
import { BinaryView, type WordBits } from '../elf/binary-view';
import { humanSize } from '../text/size';
import type { MemoryReader } from '../memory/memory-reader';
import type { CoreShape } from './modules';
import { firstEndingAfter } from '../memory/region-lookup';
import { hex } from '../text/hex';
import type { Region } from '../types';

export interface ArenaHeap {
  /** The heap's start: its heap_info. */
  readonly base: bigint;
  /** The end of its reservation (base + HEAP_MAX_SIZE). */
  readonly end: bigint;
  readonly arena: bigint;
  /** heap_info.size: bytes in use. */
  readonly size: number;
  /** heap_info.mprotect_size: bytes made read-write; the rest of the reservation is no-access. */
  readonly mprotectSize: number;
  /** The arena's first heap (its malloc_state follows this heap_info). */
  readonly first: boolean;
}

/** HEAP_MAX_SIZE: 2 × DEFAULT_MMAP_THRESHOLD_MAX (4 MiB × sizeof(long) on 64-bit, 512 KiB on 32-bit). */
function heapMaxSize(bits: WordBits): bigint {
  return bits === 64 ? 64n << 20n : 1n << 20n;
}

/** heap_info plus its padding to MALLOC_ALIGNMENT is at most this long (5 words, aligned to 16). */
const HEADER_MAX = 64n;
/** Sizes in heap_info are multiples of the page size, which is at least this. */
const MIN_PAGE = 4096;

/** Anonymous read-write regions that start a HEAP_MAX_SIZE-aligned window with bytes in the dump. */
function candidates(regions: readonly Region[], bits: WordBits): Region[] {
  const align = heapMaxSize(bits);
  const out: Region[] = [];
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r === undefined) throw new RangeError(`no region ${i}`);
    if (r.image === undefined && r.perms.startsWith('rw') && r.inDump >= 32 && r.start % align === 0n) out.push(r);
  }
  return out;
}

/** The heap_info at `base`, if the words there are one (see the file's comment). */
export function parseHeapInfo(bytes: Uint8Array, base: bigint, core: CoreShape): ArenaHeap | undefined {
  const word = core.bits / 8;
  if (bytes.length < 4 * word) return undefined;
  const view = new BinaryView(bytes, core.endian, core.bits);
  const max = heapMaxSize(core.bits);
  const arena = view.word(0);
  const prev = view.word(word);
  const size = view.word(2 * word);
  const mprotectSize = view.word(3 * word);
  const pageAligned = (n: bigint) => n > 0n && n <= max && n % BigInt(MIN_PAGE) === 0n;
  if (!pageAligned(size) || !pageAligned(mprotectSize) || size > mprotectSize) return undefined;
  // malloc_state sits right after a heap_info, so its offset in its own window is the header's length.
  const arenaOffset = arena % max;
  if (arenaOffset === 0n || arenaOffset > HEADER_MAX || arenaOffset % BigInt(word) !== 0n) return undefined;
  const first = prev === 0n;
  if (first ? arena - base !== arenaOffset : prev % max !== 0n || arena - arenaOffset === base) return undefined;
  return { base, end: base + max, arena, size: Number(size), mprotectSize: Number(mprotectSize), first };
}

/**
 * The arena heaps of the process: one read of a few words per candidate, all issued together (in the page every
 * read is a round trip to the browser's file reader).
 */
export async function findArenaHeaps(
  regions: readonly Region[],
  memory: MemoryReader,
  core: CoreShape,
): Promise<ArenaHeap[]> {
  const found = await Promise.all(
    candidates(regions, core.bits).map(async (r) => {
      const bytes = await memory.readAvailable(r.start, 4 * (core.bits / 8));
      return bytes === undefined ? undefined : parseHeapInfo(bytes, r.start, core);
    }),
  );
  return found.filter((h): h is ArenaHeap => h !== undefined);
}

/**
 * Untagged anonymous regions inside an arena heap's reservation are that heap: kind Heap, with the evidence. gcore
 * writes the no-access tail readable; past mprotect_size it is no-access, so there it is made MEM_RESERVE as a
 * kernel core shows it (`permissionsLost`).
 */
export function tagArenaHeaps(regions: Region[], heaps: readonly ArenaHeap[], permissionsLost = false): void {
  for (const heap of heaps) {
    const reservation = (heap.end - heap.base) >> 20n;
    const evidence = `inside the ${reservation} MiB reservation at ${hex(heap.base)}, which starts with a glibc heap_info: arena ${hex(heap.arena)}${heap.first ? ' (its malloc_state follows the header)' : ''}, ${humanSize(heap.size)} in use`;
    for (let i = firstEndingAfter(regions, heap.base); i < regions.length; i++) {
      const r = regions[i];
      if (r === undefined) throw new RangeError(`no region ${i}`);
      if (r.start >= heap.end) break;
      // A region reaching outside the window (merged by the kernel with a neighbour of the same protection) is
      // not only this heap: left as it is.
      if (r.start < heap.base || r.end > heap.end || r.image !== undefined || r.kind !== '') continue;
      r.kind = 'Heap';
      const committedEnd = heap.base + BigInt(heap.mprotectSize);
      if (permissionsLost && r.perms === 'r--' && r.start >= committedEnd) {
        r.state = 'MEM_RESERVE';
        r.protect = 'PAGE_NOACCESS';
        const tail = `; past its mprotect_size (${humanSize(heap.mprotectSize)}, ending at ${hex(committedEnd)}) the reservation is no-access, which gcore writes readable`;
        r.heuristic = { name: 'glibc-arena-heap-info', evidence: evidence + tail };
      } else {
        r.heuristic = { name: 'glibc-arena-heap-info', evidence };
      }
    }
  }
}
