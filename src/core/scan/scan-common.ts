/**
 * Shared pieces of the memory scans (census, search): the region fields a scan needs, slice sizes, exact reads.
 *
 * Every scan is split the same way so a pool of lanes can run it: a *plan* (a list of small serializable work
 * items, each one read of at most `sliceSize` bytes from one region's dumped bytes), a pure function over one
 * item's bytes, and a merge. The scan runtime (src/core/run) runs plans for every host.
 */
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import type { Region } from '../model/types';

/** The fields of a Region the scans read; tests may build just these. */
export type ScanRegion = Pick<Region, 'start' | 'size' | 'inDump' | 'dumpOffset'>;

/**
 * 16 MiB: the default scan slice, large against a slice's fixed costs (a read, a message) and small enough to keep
 * several in flight per worker.
 */
export const DEFAULT_SLICE_SIZE = 16 * 1024 * 1024;

/**
 * How many of the region's bytes can actually be read: `inDump`, clamped to the file when its size is known.
 * Types say the ELF layer already clamps inDump to the file size; clamping again here keeps a scan from asking
 * for bytes past EOF if a caller builds regions by hand.
 */
export function readableLength(region: ScanRegion, fileSize?: number): number {
  const inDump = Math.max(0, Math.min(region.inDump, region.size));
  if (fileSize === undefined) return inDump;
  return Math.max(0, Math.min(inDump, fileSize - region.dumpOffset));
}

export function checkSliceSize(sliceSize: number): void {
  if (!Number.isSafeInteger(sliceSize) || sliceSize < 1 || sliceSize > MAX_READ) {
    throw new RangeError(`slice size ${sliceSize} must be an integer in 1..${MAX_READ}`);
  }
}

/**
 * Reads exactly `length` bytes at `offset`. A short read here is a bug: plans only cover bytes inside the file
 * (clamped with `readableLength`), and the ByteSource contract says a short read means EOF.
 */
export async function readExactly(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new RangeError(`short read at ${offset}: wanted ${length} bytes, got ${bytes.length} (file size ${source.size})`);
  }
  return bytes;
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
