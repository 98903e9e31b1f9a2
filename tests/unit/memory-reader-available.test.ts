import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { MemoryReader } from '../../src/core/memory/memory-reader';
import { region } from '../helpers/regions-fixture';

// A file of 0x3000 bytes whose byte i is i & 0xff.
const file = new MemorySource(Uint8Array.from({ length: 0x3000 }, (_, i) => i & 0xff));

describe('MemoryReader.readAvailable', () => {
  it('reads on across the pieces of one segment, and stops where the next region is elsewhere in the file', async () => {
    // One PT_LOAD cut in two by NT_FILE (file offsets continue), then a region whose bytes lie elsewhere.
    const memory = new MemoryReader(file, [
      region(0x10000n, 0x1000, { dumpOffset: 0x0 }),
      region(0x11000n, 0x1000, { dumpOffset: 0x1000 }),
      region(0x12000n, 0x1000, { dumpOffset: 0x0 }),
    ]);
    const across = await memory.readAvailable(0x10ff0n, 0x20);
    expect(across?.length).toBe(0x20);
    expect(across?.[0x10]).toBe(0x00); // byte 0x1000 of the file
    expect((await memory.readAvailable(0x11ff0n, 0x20))?.length).toBe(0x10);
  });

  it('returns nothing for a byte not in the dump, and stops at the first one', async () => {
    const memory = new MemoryReader(file, [region(0x10000n, 0x2000, { dumpOffset: 0x0, inDump: 0x1800 })]);
    expect(await memory.readAvailable(0x11800n, 4)).toBeUndefined();
    expect(await memory.readAvailable(0x20000n, 4)).toBeUndefined();
    expect((await memory.readAvailable(0x117f0n, 0x40))?.length).toBe(0x10);
    expect(await memory.readCString(0x10000n)).toBe(''); // byte 0 is the NUL
    expect(await memory.readCString(0x10041n, 16)).toBeUndefined(); // no NUL within 16 bytes
  });
});
