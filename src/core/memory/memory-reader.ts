/**
 * Reading the process's virtual memory out of a dump, for every pass that does: the header pass (module headers,
 * AT_EXECFN, the link map, createdump's page), the hex view and the CLI's `--dump`.
 *
 * Bytes not in the dump — in no region, past a region's inDump (p_filesz), or cut off by a truncated file — are
 * never zeros: `read` marks them absent, `readAvailable` stops before them.
 */
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import type { Region } from '../types';
import { firstEndingAfter } from './region-lookup';

/** The fields of a Region a read needs; tests may build just these. */
export type MemoryRegion = Pick<Region, 'start' | 'end' | 'size' | 'inDump' | 'dumpOffset'>;

export interface PresentRange {
  /** Offset from the read's address. */
  readonly offset: number;
  readonly length: number;
}

export interface MemoryRead {
  readonly address: bigint;
  /** The bytes; absent ones are 0 here and must be shown as unknown. */
  readonly bytes: Uint8Array;
  /** 1 where the byte is in the dump, 0 where it is not. */
  readonly present: Uint8Array;
  /** The same as `present`, as sorted, merged ranges. */
  readonly ranges: readonly PresentRange[];
}

export const ADDRESS_LIMIT = 1n << 64n;

export class MemoryReader {
  constructor(
    readonly source: ByteSource,
    /** Sorted by start, not overlapping (buildRegions' output, Analysis.regions). */
    readonly regions: readonly MemoryRegion[],
  ) {}

  /**
   * `length` bytes of virtual memory at `address` (clipped at 2^64), with a mask of the ones in the dump. One file
   * read per region piece present.
   */
  async read(address: bigint, length: number): Promise<MemoryRead> {
    checkRead(address, length);
    if (BigInt(length) > ADDRESS_LIMIT - address) length = Number(ADDRESS_LIMIT - address);
    const bytes = new Uint8Array(length);
    const present = new Uint8Array(length);
    const ranges: PresentRange[] = [];
    let cursor = 0;
    let i = firstEndingAfter(this.regions, address);
    while (cursor < length) {
      const region = this.regions[i];
      if (region === undefined) break;
      const at = address + BigInt(cursor);
      const remaining = length - cursor;
      if (region.start > at) {
        // A gap before the next region: absent.
        const gap = region.start - at;
        cursor += gap >= BigInt(remaining) ? remaining : Number(gap);
        continue;
      }
      const offset = Number(at - region.start);
      const inRegion = Math.min(remaining, Number(region.end - at));
      const n = Math.min(inRegion, readableLength(region, this.source.size) - offset);
      if (n > 0) {
        bytes.set(await readExactly(this.source, region.dumpOffset + offset, n), cursor);
        present.fill(1, cursor, cursor + n);
        const prev = ranges[ranges.length - 1];
        if (prev !== undefined && prev.offset + prev.length === cursor) {
          ranges[ranges.length - 1] = { offset: prev.offset, length: prev.length + n };
        } else {
          ranges.push({ offset: cursor, length: n });
        }
      }
      cursor += inRegion;
      i++;
    }
    return { address, bytes, present, ranges };
  }

  /**
   * Up to `length` contiguous bytes at `address`, stopping at the first byte not in the dump; undefined when the
   * first byte is not. The header pass reads this way: one file read, and the buffer the source returned, even
   * where a read runs on into the next region (another piece of the same PT_LOAD, continuing it in memory and in
   * the file).
   */
  async readAvailable(address: bigint, length: number): Promise<Uint8Array | undefined> {
    let at = firstEndingAfter(this.regions, address);
    const first = this.regions[at];
    if (first === undefined || first.start > address) return undefined;
    const into = Number(address - first.start);
    let available = first.inDump - into;
    if (available <= 0) return undefined;
    for (let r = first; available < length && r.inDump === r.size;) {
      const next = this.regions[++at];
      if (next === undefined || next.start !== r.end || next.dumpOffset !== r.dumpOffset + r.size) break;
      available += next.inDump;
      r = next;
    }
    const bytes = await this.source.read(first.dumpOffset + into, Math.min(length, available));
    return bytes.length > 0 ? bytes : undefined;
  }

  /** A NUL-terminated string at `address` (at most `max` bytes), e.g. AT_EXECFN on the main stack. */
  async readCString(address: bigint, max = 4096): Promise<string | undefined> {
    const bytes = await this.readAvailable(address, max);
    if (bytes === undefined) return undefined;
    const nul = bytes.indexOf(0);
    if (nul < 0) return undefined;
    return new TextDecoder().decode(bytes.subarray(0, nul));
  }
}

/** The runs of 1s in a present mask. */
export function rangesOf(present: Uint8Array): PresentRange[] {
  const ranges: PresentRange[] = [];
  let i = 0;
  while (i < present.length) {
    if (present[i] === 0) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < present.length && present[i] !== 0) i += 1;
    ranges.push({ offset: start, length: i - start });
  }
  return ranges;
}

export function checkRead(address: bigint, length: number): void {
  if (address < 0n || address >= ADDRESS_LIMIT) throw new RangeError(`address ${address} out of range`);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_READ) {
    throw new RangeError(`bad read length ${length}`);
  }
}

/**
 * How many of the region's bytes can actually be read: `inDump`, clamped to the file when its size is known.
 * Types say the ELF layer already clamps inDump to the file size; clamping again here keeps a read from asking
 * for bytes past EOF if a caller builds regions by hand.
 */
export function readableLength(region: Pick<Region, 'size' | 'inDump' | 'dumpOffset'>, fileSize?: number): number {
  const inDump = Math.max(0, Math.min(region.inDump, region.size));
  if (fileSize === undefined) return inDump;
  return Math.max(0, Math.min(inDump, fileSize - region.dumpOffset));
}

/**
 * Reads exactly `length` bytes at `offset`. A short read here is a bug: regions and scan plans only cover bytes
 * inside the file (clamped with `readableLength`), and the ByteSource contract says a short read means EOF.
 */
export async function readExactly(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new RangeError(
      `short read at ${offset}: wanted ${length} bytes, got ${bytes.length} (file size ${source.size})`,
    );
  }
  return bytes;
}
