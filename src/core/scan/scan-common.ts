/**
 * Shared pieces of the memory scans (census, search): the region fields a scan needs, slice sizes.
 *
 * Every scan is split the same way so a pool of lanes can run it: a *plan* (a list of small serializable work
 * items, each one read of at most `sliceSize` bytes from one region's dumped bytes), a pure function over one
 * item's bytes, and a merge. The scan runtime (src/core/run) runs plans for every host.
 */
import { MAX_READ } from '../io/byte-source';
import type { Region } from '../types';

/** The fields of a Region the scans read; tests may build just these. */
export type ScanRegion = Pick<Region, 'start' | 'size' | 'inDump' | 'dumpOffset'>;

/**
 * 16 MiB: the default scan slice, large against a slice's fixed costs (a read, a message) and small enough to keep
 * several in flight per worker.
 */
export const DEFAULT_SLICE_SIZE = 16 * 1024 * 1024;

export function checkSliceSize(sliceSize: number): void {
  if (!Number.isSafeInteger(sliceSize) || sliceSize < 1 || sliceSize > MAX_READ) {
    throw new RangeError(`slice size ${sliceSize} must be an integer in 1..${MAX_READ}`);
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
