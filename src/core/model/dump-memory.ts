import { PT_LOAD } from '../elf/constants';
import type { ProgramHeader } from '../elf/program-headers';
import type { ByteSource } from '../io/byte-source';
import { byStart, rangeIndexAt } from './region-index';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface LoadedRange {
  readonly start: bigint;
  readonly end: bigint;
  readonly offset: number;
  /** Bytes present in the file from `start` (p_filesz clamped to the file size). */
  readonly present: number;
}

/**
 * Reads the process's virtual memory from the dump's PT_LOAD segments — only the bytes that are really in the
 * file: past p_filesz (or past a truncated file's end) nothing is returned, never zeros.
 */
export class DumpMemory {
  private readonly ranges: LoadedRange[];

  constructor(
    private readonly source: ByteSource,
    phdrs: readonly ProgramHeader[],
  ) {
    const ranges: LoadedRange[] = [];
    for (let i = 0; i < phdrs.length; i++) {
      const p = phdrs[i]!; // indexed, not filter/map: one pass over thousands of headers in a cold process
      if (p.type !== PT_LOAD || p.memsz <= 0n) continue;
      const memsz = p.memsz > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(p.memsz);
      ranges.push({ start: p.vaddr, end: p.vaddr + p.memsz, offset: p.offset, present: Math.max(0, Math.min(p.filesz, memsz, source.size - p.offset)) });
    }
    this.ranges = ranges.sort(byStart);
  }

  /** The range holding `address` (PT_LOADs of a core do not overlap; see regions.ts for the malformed case). */
  private find(address: bigint): LoadedRange | undefined {
    return this.ranges[rangeIndexAt(this.ranges, address)];
  }

  /**
   * Up to `length` contiguous bytes at `address`, stopping at the first byte not in the dump. Returns undefined
   * when the first byte is not in the dump.
   */
  async read(address: bigint, length: number): Promise<Uint8Array | undefined> {
    const r = this.find(address);
    if (r === undefined) return undefined;
    const into = Number(address - r.start);
    const available = r.present - into;
    if (available <= 0) return undefined;
    const bytes = await this.source.read(r.offset + into, Math.min(length, available));
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
