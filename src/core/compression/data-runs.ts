/**
 * Cores are mostly zeros (stacks and heaps reserved but never touched): a decoded dump is written as a sparse file,
 * skipping every all-zero stretch and setting the size at the end, so decoding costs little more than the decoder
 * itself (`npm run bench -- --only decode`) and the temporary file takes only the disk its data needs.
 */
import { wordNonZeroTest, type NonZeroTest } from '../scan/census';

/** Zero stretches shorter than this are written anyway: a hole is worth a system call only past a few pages. */
export const GRANULE = 64 * 1024;

/** Calls `write(from, to)` for each run of `bytes` holding data, in order; all-zero granules are left out. */
export function forEachDataRun(
  bytes: Uint8Array,
  write: (from: number, to: number) => void,
  nonZero: NonZeroTest = wordNonZeroTest,
): void {
  const any = nonZero(bytes);
  let runStart = -1;
  for (let at = 0; at < bytes.length; at += GRANULE) {
    const end = Math.min(bytes.length, at + GRANULE);
    if (any(at, end)) {
      if (runStart < 0) runStart = at;
    } else if (runStart >= 0) {
      write(runStart, at);
      runStart = -1;
    }
  }
  if (runStart >= 0) write(runStart, bytes.length);
}
