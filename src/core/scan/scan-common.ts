/**
 * Shared pieces of the memory scans (census, search): the region fields a scan needs, progress and cancellation.
 *
 * Every scan is split the same way so a worker pool can run it: a *plan* (a list of small serializable work items,
 * each one read of at most `sliceSize` bytes from one region's dumped bytes), a pure function over one item's bytes,
 * and a merge. The `run*` functions run a plan sequentially over a ByteSource: the single-worker path and the tests.
 */
import type { ByteSource } from '../io/byte-source';
import { MAX_READ } from '../io/byte-source';
import type { Region } from '../model/types';

/** The fields of a Region the scans read; tests may build just these. */
export type ScanRegion = Pick<Region, 'start' | 'size' | 'inDump' | 'dumpOffset'>;

/** 16 MiB: the default scan slice (DESIGN §2: 16–32 MiB slices for scans). */
export const DEFAULT_SLICE_SIZE = 16 * 1024 * 1024;

export interface ScanProgress {
  /** Bytes of the plan read so far. */
  readonly bytesDone: number;
  /** Bytes the whole plan reads (the sum of the items' lengths). */
  readonly bytesTotal: number;
}

export interface ScanRunOptions {
  /** Largest single read, in bytes (default 16 MiB). Tests use tiny slices so every boundary is crossed. */
  readonly sliceSize?: number;
  /** Cancels the run: the promise rejects with the signal's reason (an AbortError by default). */
  readonly signal?: AbortSignal;
  /** Called after each slice. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

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

/** Rejects with the signal's reason when it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
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
