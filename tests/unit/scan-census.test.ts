import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import type { Region } from '../../src/core/types';
import type { CensusPartial, RegionCensus } from '../../src/core/scan/census';
import { censusChunk, mergeCensus, planCensusChunks } from '../../src/core/scan/census';
import { runCensus } from '../helpers/sequential-scans';
import { stackHighWater, touchedTotals } from '../../src/core/scan/census-summary';
import { concatBytes } from '../helpers/byte-writer';
import { MisalignedSource, makeRegion, prng, randomLayout, sprinkle } from './scan-layout';

const PAGE = 4096;

/** The independent reference: whole file in hand, byte by byte, one page at a time. */
function referenceCensus(file: Uint8Array, regions: readonly Region[]): RegionCensus[] {
  return regions.map((r, regionIndex) => {
    const dumped = Math.max(0, Math.min(r.inDump, r.size, file.length - r.dumpOffset));
    let touchedPages = 0;
    let touchedBytes = 0;
    let low: number | undefined;
    let high: number | undefined;
    for (let p = 0; p * PAGE < dumped; p++) {
      const pageEnd = Math.min(dumped, (p + 1) * PAGE);
      let touched = false;
      for (let i = p * PAGE; i < pageEnd; i++) if (file[r.dumpOffset + i] !== 0) touched = true;
      if (touched) {
        touchedPages += 1;
        touchedBytes += pageEnd - p * PAGE;
        if (low === undefined) low = p;
        high = p;
      }
    }
    return {
      regionIndex,
      dumpedBytes: dumped,
      notInDumpBytes: r.size - dumped,
      dumpedPages: Math.ceil(dumped / PAGE),
      touchedPages,
      touchedBytes,
      lowestTouched: low === undefined ? undefined : r.start + BigInt(low * PAGE),
      highestTouched: high === undefined ? undefined : r.start + BigInt(high * PAGE),
    };
  });
}

const SLICES = [7, 100, 4095, 4096, 4097, 12289, undefined];

describe('page census', () => {
  it('matches a byte-by-byte reference on random layouts, for every slice size', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = prng(seed);
      const layout = randomLayout(rand, { fill: sprinkle, cutFile: seed % 4 === 0 });
      const expected = referenceCensus(layout.file, layout.regions);
      for (const sliceSize of SLICES) {
        const source = new MisalignedSource(layout.file);
        const got = await runCensus(source, layout.regions, { sliceSize });
        expect(got, `seed ${seed} slice ${sliceSize}`).toEqual(expected);
        expect(source.maxRead).toBeLessThanOrEqual(sliceSize ?? 16 * 1024 * 1024);
      }
    }
  });

  it('covers truncated regions, partial last pages and p_filesz 0 in the random layouts', () => {
    // Guard against the generator drifting into layouts that never exercise these cases.
    let partialLast = 0;
    let notAllDumped = 0;
    let cut = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const layout = randomLayout(prng(seed), { fill: sprinkle, cutFile: seed % 4 === 0 });
      for (const r of layout.regions) {
        if (r.inDump % PAGE !== 0) partialLast += 1;
        if (r.inDump < r.size) notAllDumped += 1;
        if (r.dumpOffset + r.inDump > layout.file.length) cut += 1;
      }
    }
    expect(partialLast).toBeGreaterThan(10);
    expect(notAllDumped).toBeGreaterThan(10);
    expect(cut).toBeGreaterThan(3);
  });

  it('merges partials in any order (workers finish out of order) and counts a split page once', () => {
    const rand = prng(99);
    for (let round = 0; round < 20; round++) {
      const layout = randomLayout(rand, { fill: sprinkle });
      const items = planCensusChunks(layout.regions, { sliceSize: 1000, fileSize: layout.file.length });
      const partials: CensusPartial[] = items.map((item) =>
        censusChunk(layout.file.slice(item.fileOffset, item.fileOffset + item.length), item),
      );
      partials.sort(() => rand() - 0.5);
      const merged = mergeCensus(layout.regions, partials, { fileSize: layout.file.length });
      expect(merged).toEqual(referenceCensus(layout.file, layout.regions));
    }
  });

  it('counts a page touched in only one of the slices that split it', async () => {
    // One page of a region; the only non-zero byte is in the middle, slices of 100 split the page 41 ways.
    const file = new Uint8Array(PAGE + 10);
    file[10 + 2048] = 1;
    const region = makeRegion({ start: 0x1000n, size: 2 * PAGE, inDump: PAGE, dumpOffset: 10 });
    const [c] = await runCensus(new MemorySource(file), [region], { sliceSize: 100 });
    expect(c).toMatchObject({ touchedPages: 1, touchedBytes: PAGE, dumpedPages: 1, notInDumpBytes: PAGE });
    expect(c?.lowestTouched).toBe(0x1000n);
  });

  it('counts a page touched in several of the slices that split it once', async () => {
    const file = new Uint8Array(2 * PAGE);
    for (let i = 0; i < 2 * PAGE; i += 50) file[i] = 1; // every 100-byte slice of both pages sees a non-zero byte
    const region = makeRegion({ start: 0x1000n, size: 2 * PAGE, inDump: 2 * PAGE, dumpOffset: 0 });
    for (const sliceSize of [100, 3000, 4097]) {
      const [c] = await runCensus(new MemorySource(file), [region], { sliceSize });
      expect(c).toMatchObject({
        touchedPages: 2,
        touchedBytes: 2 * PAGE,
        lowestTouched: 0x1000n,
        highestTouched: 0x2000n,
      });
    }
  });

  it('never counts bytes past inDump, even when the file holds non-zero bytes there', async () => {
    const file = new Uint8Array(3 * PAGE).fill(0xaa);
    file.fill(0, 0, 5000); // inDump = 5000: one full page and a partial one, all zero
    const region = makeRegion({ start: 0x10000n, size: 3 * PAGE, inDump: 5000, dumpOffset: 0, truncated: true });
    const [c] = await runCensus(new MemorySource(file), [region], { sliceSize: 4097 });
    expect(c).toMatchObject({ touchedPages: 0, touchedBytes: 0, dumpedBytes: 5000, notInDumpBytes: 3 * PAGE - 5000 });
    file[4999] = 1; // the partial last page: counts only its 904 dumped bytes
    const [d] = await runCensus(new MemorySource(file), [region], { sliceSize: 4097 });
    expect(d).toMatchObject({ touchedPages: 1, touchedBytes: 5000 - PAGE, highestTouched: 0x11000n });
  });

  it('reports progress up to the total', async () => {
    const layout = randomLayout(prng(7), { fill: sprinkle });
    const progress: number[] = [];
    let total = 0;
    await runCensus(new MemorySource(layout.file), layout.regions, {
      sliceSize: 500,
      onProgress: (p) => {
        progress.push(p.bytesDone);
        total = p.bytesTotal;
      },
    });
    const dumped = referenceCensus(layout.file, layout.regions).reduce((n, c) => n + c.dumpedBytes, 0);
    expect(total).toBe(dumped);
    if (dumped > 0) expect(progress[progress.length - 1]).toBe(dumped);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('scans an 8 MiB stack with the default slice and unaligned reads (a check, not a benchmark)', async () => {
    const size = 8 * 1024 * 1024;
    const file = new Uint8Array(size + 3);
    // Touched: the top 3 pages (a shallow stack) and one stray byte at the very last byte.
    for (let p = 2045; p < 2048; p++) file[3 + p * PAGE + 17] = 0x42;
    file[3 + size - 1] = 7;
    const region = makeRegion({ start: 0x7f0000000000n, size, inDump: size, dumpOffset: 3, kind: 'Stack' });
    const source = new MisalignedSource(file);
    const [c] = await runCensus(source, [region]);
    expect(c).toMatchObject({ touchedPages: 3, touchedBytes: 3 * PAGE, dumpedPages: 2048 });
    expect(source.reads).toBe(1);
    if (c === undefined) throw new Error('no census');
    const hw = stackHighWater(c, region);
    expect(hw).toEqual({
      touchedBytes: 3 * PAGE,
      touchedPages: 3,
      highWater: region.end - BigInt(3 * PAGE),
      depth: 3 * PAGE,
      partial: false,
    });
  });
});

describe('census summaries', () => {
  it('stack high-water: deepest touched page below the top; none touched; partially dumped', async () => {
    const pages = Array.from({ length: 6 }, () => new Uint8Array(PAGE));
    (pages[1] as Uint8Array)[100] = 1;
    (pages[3] as Uint8Array)[0] = 1;
    const file = concatBytes(pages);
    const stack = makeRegion({ start: 0x20000n, size: 4 * PAGE, inDump: 4 * PAGE, dumpOffset: 0, kind: 'Stack' });
    const empty = makeRegion({ start: 0x30000n, size: 2 * PAGE, inDump: 2 * PAGE, dumpOffset: 4 * PAGE });
    const partial = makeRegion({ start: 0x40000n, size: 4 * PAGE, inDump: 2 * PAGE, dumpOffset: 0 });
    const [s, e, p] = await runCensus(new MemorySource(file), [stack, empty, partial], { sliceSize: 333 });
    if (s === undefined || e === undefined || p === undefined) throw new Error('missing census');
    expect(stackHighWater(s, stack)).toMatchObject({ highWater: 0x21000n, depth: 3 * PAGE, touchedPages: 2 });
    // With the thread's stack top below the region's end, depth is measured from it.
    expect(stackHighWater(s, stack, 0x23000n)).toMatchObject({ highWater: 0x21000n, depth: 2 * PAGE });
    // Only the lowest touched page counts; if it is at or above the top nothing is below it.
    expect(stackHighWater(s, stack, 0x21000n)).toMatchObject({ highWater: undefined, depth: 0 });
    expect(stackHighWater(e, empty)).toEqual({
      touchedBytes: 0,
      touchedPages: 0,
      highWater: undefined,
      depth: 0,
      partial: false,
    });
    expect(stackHighWater(p, partial)).toMatchObject({ highWater: 0x41000n, partial: true });
  });

  it('sums touched bytes per kind and per image', async () => {
    const file = new Uint8Array(4 * PAGE);
    file[0] = 1; // region a, page 0
    file[2 * PAGE + 5] = 1; // region b, page 0
    file[3 * PAGE + 5] = 1; // region b, page 1
    const a = makeRegion({ start: 0x1000n, size: 2 * PAGE, inDump: 2 * PAGE, dumpOffset: 0, kind: 'Stack' });
    const b = makeRegion({
      start: 0x9000n,
      size: 3 * PAGE,
      inDump: 2 * PAGE,
      dumpOffset: 2 * PAGE,
      kind: 'Image',
      image: '/x.so',
    });
    const c = makeRegion({ start: 0xf000n, size: PAGE, inDump: 0, dumpOffset: 0, kind: 'Stack' });
    const regions = [a, b, c];
    const census = await runCensus(new MemorySource(file), regions, { sliceSize: 4097 });
    const totals = touchedTotals(regions, census);
    expect(totals.byKind).toEqual([
      {
        key: 'Image',
        count: 1,
        size: 3 * PAGE,
        dumpedBytes: 2 * PAGE,
        notInDumpBytes: PAGE,
        touchedPages: 2,
        touchedBytes: 2 * PAGE,
      },
      {
        key: 'Stack',
        count: 2,
        size: 3 * PAGE,
        dumpedBytes: 2 * PAGE,
        notInDumpBytes: PAGE,
        touchedPages: 1,
        touchedBytes: PAGE,
      },
    ]);
    expect(totals.byImage).toEqual([totals.byKind[0] && { ...totals.byKind[0], key: '/x.so' }]);
    expect(totals.total).toMatchObject({ key: '[TOTAL]', count: 3, touchedPages: 3, touchedBytes: 3 * PAGE });
  });
});
