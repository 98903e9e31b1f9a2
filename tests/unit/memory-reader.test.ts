import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../../src/core/io/byte-source';
import { CountingSource, MemorySource } from '../../src/core/io/byte-source';
import type { Region } from '../../src/core/types';
import { MemoryReader, rangesOf } from '../../src/core/memory/memory-reader';
import { PageCache } from '../../src/core/memory/page-cache';
import { firstEndingAfter, regionIndexAt } from '../../src/core/memory/region-lookup';
import { MisalignedSource, makeRegion, prng, randInt, randomLayout, sprinkle } from './scan-layout';

const PAGE = 4096;

/** Reference: for each address, the region holding it (linear scan) and whether its byte is in the file. */
function referenceRead(file: Uint8Array, regions: readonly Region[], address: bigint, length: number) {
  const bytes = new Uint8Array(length);
  const present = new Uint8Array(length);
  // Region bounds relative to `address`, as numbers (the layouts span a few MiB), to keep the byte loop cheap.
  const rel = regions.map((r) => ({ r, from: Number(r.start - address), to: Number(r.end - address) }));
  for (let i = 0; i < length; i++) {
    const hit = rel.find((x) => i >= x.from && i < x.to);
    if (hit === undefined) continue;
    const off = i - hit.from;
    if (off < hit.r.inDump && hit.r.dumpOffset + off < file.length) {
      bytes[i] = file[hit.r.dumpOffset + off] ?? 0;
      present[i] = 1;
    }
  }
  return { bytes, present };
}

/** Regions sorted by start, as buildRegions makes them. */
function sampleRegions(): Region[] {
  return [
    makeRegion({ start: 0x10000n, size: PAGE, inDump: PAGE, dumpOffset: 0x3100 }),
    makeRegion({ start: 0x30000n, size: 2 * PAGE, inDump: 2 * PAGE, dumpOffset: 0x100 }),
    // Adjacent to the one before, half dumped (p_filesz < p_memsz).
    makeRegion({ start: 0x32000n, size: 2 * PAGE, inDump: PAGE + 10, dumpOffset: 0x4100 }),
  ];
}

describe('region lookup', () => {
  it('finds the region holding an address', () => {
    const regions = sampleRegions();
    expect(regionIndexAt(regions, 0x30000n)).toBe(1);
    expect(regionIndexAt(regions, 0x31fffn)).toBe(1);
    expect(regionIndexAt(regions, 0x32000n)).toBe(2);
    expect(regionIndexAt(regions, 0x33fffn)).toBe(2);
    expect(regionIndexAt(regions, 0x34000n)).toBe(-1);
    expect(regionIndexAt(regions, 0x10fffn)).toBe(0);
    expect(regionIndexAt(regions, 0x11000n)).toBe(-1); // gap
    expect(regionIndexAt(regions, 0xfffn)).toBe(-1); // below all
    expect(regionIndexAt(regions, 0xffffffffffffffffn)).toBe(-1); // above all
    expect(firstEndingAfter(regions, 0x11000n)).toBe(1); // the next region above a gap
    expect(firstEndingAfter(regions, 0x34000n)).toBe(3);
    expect(regionIndexAt([], 0x10010n)).toBe(-1);
  });

  it('agrees with a linear scan on random layouts', () => {
    const rand = prng(5);
    for (let round = 0; round < 30; round++) {
      const { regions } = randomLayout(rand, { fill: sprinkle });
      for (const r of regions) {
        for (const a of [r.start - 1n, r.start, r.end - 1n, r.end, r.start + BigInt(randInt(rand, 0, r.size - 1))]) {
          const linear = regions.findIndex((x) => a >= x.start && a < x.end);
          expect(regionIndexAt(regions, a)).toBe(linear);
        }
      }
    }
  });
});

describe('MemoryReader.read', () => {
  it('marks gaps and bytes past inDump absent, and merges adjacent present ranges', async () => {
    const file = new Uint8Array(0x6100);
    for (let i = 0; i < file.length; i++) file[i] = (i % 251) + 1;
    const regions = sampleRegions();
    const read = await new MemoryReader(new MemorySource(file), regions).read(0x31ff0n, 0x1100);
    // 0x10 bytes of region 0, then region 2's first PAGE + 10 dumped bytes, then absent.
    expect(read.ranges).toEqual([{ offset: 0, length: 0x10 + PAGE + 10 }]);
    expect(read.bytes.subarray(0, 0x10)).toEqual(file.subarray(0x100 + 0x1ff0, 0x100 + 0x2000));
    expect(read.bytes.subarray(0x10, 0x10 + PAGE + 10)).toEqual(file.subarray(0x4100, 0x4100 + PAGE + 10));
    expect(read.present.subarray(0x10 + PAGE + 10).every((b) => b === 0)).toBe(true);
    expect(read.bytes.subarray(0x10 + PAGE + 10).every((b) => b === 0)).toBe(true);

    const gap = await new MemoryReader(new MemorySource(file), regions).read(0x10ff8n, 16);
    expect(gap.ranges).toEqual([{ offset: 0, length: 8 }]);
    const none = await new MemoryReader(new MemorySource(file), regions).read(0x20000n, 64);
    expect(none.ranges).toEqual([]);
    expect(none.bytes).toHaveLength(64);
  });

  it('clips at the file end (truncated dump) and at the top of the address space', async () => {
    const region = makeRegion({ start: 0xfffffffffffff000n, size: PAGE, inDump: PAGE, dumpOffset: 100 });
    const file = new Uint8Array(100 + 50).fill(9);
    const read = await new MemoryReader(new MemorySource(file), [region]).read(0xffffffffffffff00n, 0x1000);
    expect(read.bytes).toHaveLength(0x100);
    expect(read.ranges).toEqual([]);
    const head = await new MemoryReader(new MemorySource(file), [region]).read(region.start, 64);
    expect(head.ranges).toEqual([{ offset: 0, length: 50 }]);
  });

  it('agrees with a byte-by-byte reference on random layouts and reads', async () => {
    const rand = prng(77);
    for (let round = 0; round < 30; round++) {
      const layout = randomLayout(rand, { fill: sprinkle, cutFile: round % 3 === 0 });
      const memory = new MemoryReader(new MisalignedSource(layout.file), layout.regions);
      for (let k = 0; k < 10; k++) {
        const r = layout.regions[randInt(rand, 0, layout.regions.length - 1)];
        if (r === undefined) throw new Error('no region');
        const address = r.start + BigInt(randInt(rand, -3 * PAGE, r.size + PAGE));
        const length = randInt(rand, 0, 5 * PAGE);
        const got = await memory.read(address, length);
        const want = referenceRead(layout.file, layout.regions, address, length);
        // Buffer.equals: vitest's deep equality walks typed arrays element by element, slowly.
        expect(Buffer.from(got.present).equals(want.present), 'present').toBe(true);
        expect(Buffer.from(got.bytes).equals(want.bytes), 'bytes').toBe(true);
        expect(got.ranges).toEqual(rangesOf(want.present));
      }
    }
  });
});

describe('PageCache', () => {
  it('returns what MemoryReader.read returns, for reads across page and region edges', async () => {
    const rand = prng(123);
    for (let round = 0; round < 10; round++) {
      const layout = randomLayout(rand, { fill: sprinkle, cutFile: round % 2 === 0 });
      const source = new MemorySource(layout.file);
      const cache = new PageCache(new MemoryReader(source, layout.regions), { pageSize: 1024, capacity: 4 });
      for (let k = 0; k < 20; k++) {
        const r = layout.regions[randInt(rand, 0, layout.regions.length - 1)];
        if (r === undefined) throw new Error('no region');
        const address = r.start + BigInt(randInt(rand, -2000, r.size + 2000));
        const length = randInt(rand, 0, 6000);
        const got = await cache.read(address, length);
        const want = await new MemoryReader(source, layout.regions).read(address, length);
        expect(Buffer.from(got.present).equals(want.present), 'present').toBe(true);
        expect(Buffer.from(got.bytes).equals(want.bytes), 'bytes').toBe(true);
        expect(got.ranges).toEqual(want.ranges);
        expect(got.address).toBe(want.address);
      }
      expect(cache.size).toBeLessThanOrEqual(4);
    }
  });

  it('evicts the least recently used page and serves hits without reading', async () => {
    const region = makeRegion({ start: 0x100000n, size: 16 * PAGE, inDump: 16 * PAGE, dumpOffset: 0 });
    const source = new CountingSource(new MemorySource(new Uint8Array(16 * PAGE).fill(1)));
    const cache = new PageCache(new MemoryReader(source, [region]), { pageSize: PAGE, capacity: 2 });
    const a = 0x100000n;
    const b = a + BigInt(PAGE);
    const c = b + BigInt(PAGE);
    await cache.getPage(a);
    await cache.getPage(b);
    await cache.getPage(a); // a is now the most recent
    expect(source.reads).toBe(2);
    await cache.getPage(c); // evicts b
    await cache.getPage(a);
    expect(source.reads).toBe(3);
    await cache.getPage(b);
    expect(source.reads).toBe(4);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 4 });
    // A read inside one cached page costs nothing.
    await cache.read(b + 10n, 100);
    expect(source.reads).toBe(4);
  });

  it('shares one read between concurrent requests and does not cache a failure', async () => {
    const region = makeRegion({ start: 0x100000n, size: PAGE, inDump: PAGE, dumpOffset: 0 });
    let calls = 0;
    let fail = true;
    const flaky: ByteSource = {
      size: PAGE,
      read(offset, length) {
        calls += 1;
        if (fail) return Promise.reject(new Error('disk gone'));
        return Promise.resolve(new Uint8Array(Math.min(length, PAGE - offset)));
      },
    };
    const cache = new PageCache(new MemoryReader(flaky, [region]), { pageSize: PAGE });
    await expect(cache.getPage(region.start)).rejects.toThrow('disk gone');
    await Promise.resolve();
    expect(cache.size).toBe(0);
    fail = false;
    const [x, y] = await Promise.all([cache.getPage(region.start), cache.getPage(region.start)]);
    expect(x).toBe(y);
    expect(calls).toBe(2);
  });
});
