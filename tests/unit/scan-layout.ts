/**
 * Random dump layouts for the scan tests: regions at random (unsorted) file offsets, separated and surrounded by
 * non-zero junk so that any read past a region's dumped bytes shows up as a wrong answer.
 */
import type { ByteSource } from '../../src/core/io/byte-source';
import type { MemoryKind, Region } from '../../src/core/types';
import { concatBytes } from '../helpers/byte-writer';

/** mulberry32: small, seeded, good enough for layouts. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(rand: () => number, lo: number, hiInclusive: number): number {
  return lo + Math.floor(rand() * (hiInclusive - lo + 1));
}

export function makeRegion(fields: {
  start: bigint;
  size: number;
  inDump: number;
  dumpOffset: number;
  kind?: MemoryKind;
  image?: string;
  truncated?: boolean;
}): Region {
  return {
    start: fields.start,
    end: fields.start + BigInt(fields.size),
    size: fields.size,
    kind: fields.kind ?? 'PAGE_READWRITE',
    type: fields.image === undefined ? 'MEM_PRIVATE' : 'MEM_IMAGE',
    state: 'MEM_COMMIT',
    protect: 'PAGE_READWRITE',
    perms: 'rw-',
    image: fields.image,
    dumpOffset: fields.dumpOffset,
    inDump: fields.inDump,
    truncated: fields.truncated ?? false,
    segment: 0,
  };
}

export interface Layout {
  readonly file: Uint8Array;
  readonly regions: Region[];
}

export interface LayoutOptions {
  /** Fills one page's worth of a region's dumped bytes (zero-initialised). */
  readonly fill: (rand: () => number, page: Uint8Array) => void;
  /** Cut the file inside the last region placed (a truncated dump whose regions were not clamped). */
  readonly cutFile?: boolean;
}

const PAGE = 4096;
const KINDS: readonly MemoryKind[] = ['Stack', 'Heap', 'Image', 'PAGE_READWRITE'];

export function randomLayout(rand: () => number, options: LayoutOptions): Layout {
  const count = randInt(rand, 1, 9);
  const specs: { start: bigint; size: number; inDump: number }[] = [];
  let address = 0x7f0000000000n + BigInt(randInt(rand, 0, 16) * PAGE);
  for (let i = 0; i < count; i++) {
    const size = randInt(rand, 0, 5) * PAGE + (rand() < 0.5 ? 0 : randInt(rand, 1, PAGE - 1)) || PAGE;
    const choice = randInt(rand, 0, 4);
    const inDump =
      choice === 0 ? 0 : choice === 1 ? Math.min(size, PAGE) : choice === 2 ? randInt(rand, 1, size) : size;
    // One in five regions starts off a page boundary: census pages count from the region's start regardless.
    const start = address + (rand() < 0.2 ? BigInt(randInt(rand, 1, PAGE - 1)) : 0n);
    specs.push({ start, size, inDump });
    // Adjacent in memory half the time (a search must still not match across the two).
    address = start + BigInt(size) + (rand() < 0.5 ? 0n : BigInt(randInt(rand, 1, 8) * PAGE));
  }
  // Place the regions in the file in a random order, with junk between them.
  const order = specs.map((_, i) => i).sort(() => rand() - 0.5);
  const chunks: Uint8Array[] = [junk(rand, randInt(rand, 1, 300))];
  let offset = chunks[0]?.length ?? 0;
  const dumpOffsets = new Array<number>(count).fill(0);
  let lastPlaced = -1;
  for (const i of order) {
    const spec = specs[i];
    if (spec === undefined) throw new Error('bad spec');
    if (rand() < 0.7) {
      const gap = junk(rand, randInt(rand, 0, 60));
      chunks.push(gap);
      offset += gap.length;
    }
    dumpOffsets[i] = offset;
    const bytes = new Uint8Array(spec.inDump);
    for (let p = 0; p < spec.inDump; p += PAGE) options.fill(rand, bytes.subarray(p, Math.min(spec.inDump, p + PAGE)));
    chunks.push(bytes);
    offset += bytes.length;
    if (spec.inDump > 0) lastPlaced = i;
  }
  chunks.push(junk(rand, randInt(rand, 0, 100)));
  let file = concatBytes(chunks);
  const regions = specs.map((spec, i) =>
    makeRegion({
      ...spec,
      dumpOffset: dumpOffsets[i] ?? 0,
      kind: KINDS[i % KINDS.length],
      image: i % 3 === 0 ? `/lib/lib${i % 2}.so` : undefined,
      truncated: false,
    }),
  );
  const last = regions[lastPlaced];
  if (options.cutFile === true && last !== undefined) {
    file = file.slice(0, last.dumpOffset + randInt(rand, 0, last.inDump - 1));
  }
  return { file, regions };
}

/**
 * Random sprinkles: half the pages stay zero; the others get a byte at the first or last position or anywhere, and
 * some get several (so a page split between slices is often touched in more than one of them).
 */
export function sprinkle(rand: () => number, page: Uint8Array): void {
  if (rand() < 0.5) return;
  const last = page.length - 1;
  const count = rand() < 0.6 ? 1 : randInt(rand, 2, 6);
  for (let k = 0; k < count; k++) {
    const r = rand();
    const where = r < 0.25 ? 0 : r < 0.5 ? last : randInt(rand, 0, last);
    page[where] = randInt(rand, 1, 255);
  }
}

function junk(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = randInt(rand, 1, 255);
  return out;
}

/**
 * A source whose reads come back as subarrays at a varying byteOffset (1..7), so the scanners' aligned-word paths
 * see every misalignment. Also records the largest read.
 */
export class MisalignedSource implements ByteSource {
  maxRead = 0;
  reads = 0;
  private shift = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads += 1;
    this.maxRead = Math.max(this.maxRead, length);
    this.shift = (this.shift % 7) + 1;
    const end = Math.min(this.bytes.length, offset + length);
    const out = new Uint8Array(this.shift + Math.max(0, end - offset));
    out.set(this.bytes.subarray(offset, end), this.shift);
    return Promise.resolve(out.subarray(this.shift));
  }
}
