import type { ByteSource } from '../io/byte-source';
import { rangeIndexAt } from './region-index';
import type { Region } from './types';

/**
 * Reads the process's virtual memory for the header pass (module headers, AT_EXECFN, createdump's page) through
 * the regions buildRegions made of the PT_LOADs — sorted, clipped where segments overlap, cut where NT_FILE
 * subdivides one — rather than a second table of its own. Only the bytes really in the file come back: past a
 * region's inDump (p_filesz, or a truncated file's end) nothing is returned, never zeros.
 */
export class DumpMemory {
  constructor(
    private readonly source: ByteSource,
    /** Sorted by start, not overlapping (buildRegions' output). */
    private readonly regions: readonly Region[],
  ) {}

  /**
   * Up to `length` contiguous bytes at `address`, stopping at the first byte not in the dump. Returns undefined
   * when the first byte is not in the dump. A read runs on into the next region when that one continues this one
   * in memory and in the file (another piece of the same PT_LOAD).
   */
  async read(address: bigint, length: number): Promise<Uint8Array | undefined> {
    let at = rangeIndexAt(this.regions, address);
    const first = this.regions[at];
    if (first === undefined) return undefined;
    const into = Number(address - first.start);
    let available = first.inDump - into;
    if (available <= 0) return undefined;
    for (let r = first; available < length && r.inDump === r.size; ) {
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
    const bytes = await this.read(address, max);
    if (bytes === undefined) return undefined;
    const nul = bytes.indexOf(0);
    if (nul < 0) return undefined;
    return new TextDecoder().decode(bytes.subarray(0, nul));
  }
}
