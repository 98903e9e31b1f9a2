/**
 * The stacks pass's view of process memory: the dump's bytes by page, whatever the page size — a page that starts
 * in memory the dump does not hold and runs into memory it does (a module's first page after an undumped mapping)
 * must still give those bytes, and bytes the dump lacks are never read as zeros.
 */
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { MemoryReader, type MemoryRegion } from '../../src/core/memory/memory-reader';
import { ProcessMemory } from '../../src/core/stacks/process-memory';

const BASE = 0x7f0000010000n;
/** 0x0000–0x2000: a mapping not in the dump; 0x2000–0x3000: dumped (file bytes 0–0x1000); 0x3000–0x4000: not. */
const REGIONS: MemoryRegion[] = [
  { start: BASE, end: BASE + 0x2000n, size: 0x2000, inDump: 0, dumpOffset: 0 },
  { start: BASE + 0x2000n, end: BASE + 0x3000n, size: 0x1000, inDump: 0x1000, dumpOffset: 0 },
  { start: BASE + 0x3000n, end: BASE + 0x4000n, size: 0x1000, inDump: 0, dumpOffset: 0x1000 },
];
const FILE = Uint8Array.from({ length: 0x1000 }, (_, i) => (i * 7 + 1) & 0xff);

describe('ProcessMemory', () => {
  for (const pageSize of [4096, 16384, 65536]) {
    it(`reads dumped bytes behind an undumped start of the page, and nothing else (${pageSize}-byte pages)`, async () => {
      const memory = new ProcessMemory(new MemoryReader(new MemorySource(FILE), REGIONS), undefined, pageSize);
      expect(await memory.read(BASE + 0x2010n, 8)).toEqual(FILE.subarray(0x10, 0x18));
      expect(await memory.read(BASE + 0x2ff8n, 8)).toEqual(FILE.subarray(0xff8, 0x1000));
      // A word again, now from the cached page.
      expect(await memory.read(BASE + 0x2010n, 8)).toEqual(FILE.subarray(0x10, 0x18));
      expect(await memory.read(BASE + 0x1ff8n, 16)).toBeUndefined();
      expect(await memory.read(BASE + 0x2ffcn, 8)).toBeUndefined();
      expect(await memory.read(BASE + 0x100n, 8)).toBeUndefined();
    });
  }

  it('falls back to the files for what the dump lacks', async () => {
    const fileBytes = (address: bigint, length: number) =>
      Promise.resolve(address === BASE + 0x100n ? new Uint8Array(length).fill(0xcc) : undefined);
    const memory = new ProcessMemory(new MemoryReader(new MemorySource(FILE), REGIONS), fileBytes);
    expect(await memory.read(BASE + 0x100n, 4)).toEqual(new Uint8Array(4).fill(0xcc));
    expect(await memory.read(BASE + 0x200n, 4)).toBeUndefined();
  });
});
