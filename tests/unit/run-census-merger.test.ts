import { describe, expect, it } from 'vitest';
import { kindTotals, imageTotals } from '../../src/core/model/totals';
import { censusChunk, mergeCensus, planCensusChunks } from '../../src/core/scan/census';
import { stackHighWater, touchedTotals } from '../../src/core/scan/census-summary';
import { prng, randomLayout, sprinkle } from './scan-layout';
import { CensusMerger } from '../../src/core/run/census-merger';
import { RegisterSet, type Region, type Thread } from '../../src/core/types';

function analysisOf(regions: Region[]) {
  const threads: Thread[] = regions
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.kind === 'Stack')
    .map(({ r, i }, k) => ({
      tid: 100 + k,
      signal: 0,
      crashed: false,
      registers: RegisterSet.EMPTY,
      sp: r.end - 16n,
      stackRegion: i,
      stackStart: r.start,
      stackEnd: r.end,
      stackSize: r.size,
    }));
  return { regions, threads, totals: kindTotals(regions), imageTotals: imageTotals(regions) };
}

describe('CensusMerger', () => {
  it('region by region, in any order of partials, gives exactly mergeCensus of everything — and the sums and marks', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = prng(seed);
      const { file, regions } = randomLayout(rand, { fill: sprinkle });
      const a = analysisOf(regions);
      const sliceSize = [1, 100, 4096, 5000, 1 << 20][seed % 5] ?? 4096;
      const items = planCensusChunks(regions, { sliceSize, fileSize: file.length });
      const partials = items.map((item) =>
        censusChunk(file.subarray(item.fileOffset, item.fileOffset + item.length), item),
      );
      const expected = mergeCensus(regions, partials, { fileSize: file.length });

      const merger = new CensusMerger(a, items, file.length);
      const first = merger.takeBatch();
      // Regions with nothing in the dump are complete before any item.
      expect(Array.from(first.regions)).toEqual(
        regions.flatMap((_, i) => (items.some((it) => it.regionIndex === i) ? [] : [i])),
      );
      const order = items.map((_, i) => i).sort(() => rand() - 0.5);
      const seen = new Set(first.regions);
      for (const i of order) {
        const item = items[i];
        const partial = partials[i];
        if (item === undefined || partial === undefined) throw new Error('bad plan');
        merger.add(item, partial);
        if (rand() < 0.3) for (const r of merger.takeBatch().regions) seen.add(r);
      }
      for (const r of merger.takeBatch().regions) seen.add(r);
      expect(seen.size).toBe(regions.length);
      expect(merger.isComplete).toBe(true);
      expect(Array.from(merger.touched)).toEqual(expected.map((c) => c.touchedBytes));

      const sums = touchedTotals(regions, expected);
      a.totals.forEach((t, k) =>
        expect(merger.kindTouched[k]).toBe(sums.byKind.find((s) => s.key === t.kind)?.touchedBytes),
      );
      a.imageTotals.forEach((t, k) =>
        expect(merger.imageTouched[k]).toBe(sums.byImage.find((s) => s.key === t.image)?.touchedBytes),
      );
      expect(Array.from(merger.kindPending).every((n) => n === 0)).toBe(true);
    }
  });

  it('hands out each stack thread’s high-water mark as the engine computes it', () => {
    const rand = prng(7);
    const { file, regions } = randomLayout(rand, { fill: sprinkle });
    regions.forEach((r) => (r.kind = 'Stack'));
    const a = analysisOf(regions);
    const items = planCensusChunks(regions, { sliceSize: 4096, fileSize: file.length });
    const merger = new CensusMerger(a, items, file.length);
    const batches = [merger.takeBatch()];
    for (const item of items)
      merger.add(item, censusChunk(file.subarray(item.fileOffset, item.fileOffset + item.length), item));
    batches.push(merger.takeBatch());
    const expected = mergeCensus(
      regions,
      items.map((item) => censusChunk(file.subarray(item.fileOffset, item.fileOffset + item.length), item)),
      { fileSize: file.length },
    );
    const got = new Map<number, { touched: number; depth: number; mark: bigint }>();
    for (const b of batches)
      b.threads.forEach((t, k) =>
        got.set(t, {
          touched: b.threadTouched[k] ?? NaN,
          depth: b.threadDepth[k] ?? NaN,
          mark: b.threadHighWater[k] ?? 0n,
        }),
      );
    expect(got.size).toBe(a.threads.length);
    a.threads.forEach((t, i) => {
      const region = regions[t.stackRegion ?? -1];
      const census = expected[t.stackRegion ?? -1];
      if (region === undefined || census === undefined) throw new Error('no stack');
      const mark = stackHighWater(census, region, t.stackEnd);
      expect(got.get(i)).toEqual({ touched: mark.touchedBytes, depth: mark.depth, mark: mark.highWater ?? 0n });
    });
  });

  it('a failed item leaves its region without a result (NaN), its kind pending, and the census incomplete', () => {
    const rand = prng(3);
    let layout = randomLayout(rand, { fill: sprinkle });
    while (!layout.regions.some((r) => r.inDump > 0)) layout = randomLayout(rand, { fill: sprinkle });
    const { file, regions } = layout;
    const a = analysisOf(regions);
    const items = planCensusChunks(regions, { sliceSize: 4096, fileSize: file.length });
    const merger = new CensusMerger(a, items, file.length);
    const [lost, ...rest] = items;
    if (lost === undefined) throw new Error('no items');
    merger.fail(lost);
    for (const item of rest)
      merger.add(item, censusChunk(file.subarray(item.fileOffset, item.fileOffset + item.length), item));
    expect(merger.isComplete).toBe(false);
    expect(merger.touched[lost.regionIndex]).toBeNaN();
    const kind = a.totals.findIndex((t) => t.kind === regions[lost.regionIndex]?.kind);
    expect(merger.kindPending[kind]).toBe(1);
    expect(Array.from(merger.touched).filter(Number.isNaN)).toHaveLength(1);
  });
});
