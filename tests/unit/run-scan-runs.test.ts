/**
 * The scan runtime end to end in Node: lanes that run the page's executor over a Blob (as peers do), a lane that
 * dies mid-census, a search paused at its limit and resumed, a search after a census that reads only the touched
 * pages — against the sequential reference scans.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createCensusData } from '../../src/state/census-data';
import { MemorySource } from '../../src/core/io/byte-source';
import { imageTotals, kindTotals } from '../../src/core/model/totals';
import type { Analysis, Region } from '../../src/core/types';
import type { Lane } from '../../src/core/run/dispatcher';
import type { ScanContext, ScanTarget } from '../../src/core/run/scan-context';
import type { ScanEnd, ScanEvent, SearchHitRow } from '../../src/core/run/scan-events';
import type { ScanJob, ScanJobResult } from '../../src/core/run/scan-job';
import { hitRow, startScanRun } from '../../src/core/run/scan-runs';
import { TouchedMap } from '../../src/core/run/touched-map';
import type { SearchQuery } from '../../src/core/scan/search-pattern';
import { attachFile, runJob } from '../../workers/scan-executor';
import { runCensus, runSearch } from '../helpers/sequential-scans';
import { prng, randomLayout, sprinkle } from './scan-layout';

function analysisOf(regions: Region[]): Analysis {
  return {
    regions,
    threads: [],
    totals: kindTotals(regions),
    imageTotals: imageTotals(regions),
    files: [],
    modules: [],
    auxv: [],
    process: {},
    dump: { producer: { name: 'kernel', evidence: 'a test fixture' } },
  } as unknown as Analysis;
}

function context(lanes: Lane<ScanJob, ScanJobResult>[], events: ScanEvent[], sliceSize: number): ScanContext {
  return {
    scanId: 1,
    lanes,
    depth: 2,
    sliceSize,
    elapsed: () => 1,
    send: (e) => events.push(e),
    finalSend: (e) => {
      events.push(e);
      return Promise.resolve();
    },
    laneName: (lane) => `lane ${lane}`,
  };
}

function target(analysis: Analysis, file: Blob, touched = new TouchedMap()): ScanTarget {
  return { analysis, fileSize: file.size, touched };
}

const census = (ctx: ScanContext, t: ScanTarget) => startScanRun(ctx, t, { kind: 'census' });
const search = (ctx: ScanContext, t: ScanTarget, query: SearchQuery, limit: number) =>
  startScanRun(ctx, t, { kind: 'search', query, limit });

let nextId = 1000;
function setup(seed: number) {
  const rand = prng(seed);
  const layout = randomLayout(rand, { fill: sprinkle });
  const id = nextId++;
  const file = new Blob([new Uint8Array(layout.file)]);
  attachFile(id, file);
  const local: Lane<ScanJob, ScanJobResult> = { run: (job) => runJob(id, job) };
  return { ...layout, id, blob: file, local, analysis: analysisOf(layout.regions) };
}

describe('the census pass', () => {
  it('over three lanes, the batches the page applies give runCensus’s result, and the census is complete', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const s = setup(seed);
      const events: ScanEvent[] = [];
      const run = census(context([s.local, s.local, s.local], events, 3000), target(s.analysis, s.blob));
      const end = await run.end;
      const expected = await runCensus(new MemorySource(s.file), s.regions, { sliceSize: 3000 });
      const data = createCensusData({
        regions: { count: s.regions.length } as never,
        threads: [],
        totals: s.analysis.totals,
        imageTotals: s.analysis.imageTotals,
      });
      for (const e of events) if (e.kind === 'census') applyBatch(data, e.batch);
      expect(end).toMatchObject({ ok: true, kind: 'census', complete: true, failures: [] });
      expect(Array.from(data.touched)).toEqual(expected.map((c) => c.touchedBytes));
      expect(data.regionsDone).toBe(s.regions.length);
      const last = events[events.length - 1];
      expect(last?.kind === 'census' && last.progress.bytesDone === last.progress.bytesTotal).toBe(true);
    }
  });

  it('a lane that dies mid-scan: its items are lost, the others finish, the end says incomplete and why', async () => {
    let s = setup(5);
    for (let seed = 6; s.regions.filter((r) => r.inDump > 0).length < 3; seed++) s = setup(seed);
    let calls = 0;
    const dying: Lane<ScanJob, ScanJobResult> = {
      run: (job) => (++calls > 2 ? Promise.reject(new Error('crashed')) : runJob(s.id, job)),
    };
    const events: ScanEvent[] = [];
    const end = await census(context([s.local, dying], events, 2048), target(s.analysis, s.blob)).end;
    expect(end.ok && end.kind === 'census' && !end.complete).toBe(true);
    expect(end.ok && end.kind === 'census' ? end.failures : []).toEqual(['lane 1 stopped: crashed']);
    const data = createCensusData({
      regions: { count: s.regions.length } as never,
      threads: [],
      totals: s.analysis.totals,
      imageTotals: s.analysis.imageTotals,
    });
    for (const e of events) if (e.kind === 'census') applyBatch(data, e.batch);
    expect(data.regionsDone).toBeLessThan(s.regions.length);
    expect(data.regionsDone).toBeGreaterThan(0);
  });
});

describe('the search pass', () => {
  it('hits in the CLI’s order over racing lanes; pauses at the limit and resumes with more()', async () => {
    const s = setup(11);
    const needle = new TextEncoder().encode('\x01\x02');
    // Plant the needle all over the dumped bytes.
    for (const r of s.regions) for (let at = 0; at + 2 <= r.inDump; at += 997) s.file.set(needle, r.dumpOffset + at);
    const blob = new Blob([new Uint8Array(s.file)]);
    attachFile(s.id, blob);
    const query = { kind: 'hex' as const, text: '01 02' };
    const expected = await runSearch(new MemorySource(s.file), s.regions, query, { sliceSize: 1500, limit: 100_000 });
    if (!expected.ok) throw new Error('bad query');
    const events: ScanEvent[] = [];
    // Lanes that answer in a scrambled order.
    const slow: Lane<ScanJob, ScanJobResult> = {
      run: async (job) => (await new Promise((r) => setTimeout(r, 2)), runJob(s.id, job)),
    };
    const run = search(context([slow, s.local], events, 1500), target(s.analysis, blob), query, 5);
    const rows = () => events.flatMap<SearchHitRow>((e) => (e.kind === 'hits' ? e.hits : []));
    const first: ScanEnd = await run.end;
    const total = expected.hits.length;
    expect(total).toBeGreaterThan(12);
    expect(first).toMatchObject({ kind: 'search', limitReached: total > 5, hits: Math.min(5, total) });
    let end = first;
    for (let limit = 5; end.ok && end.kind === 'search' && end.limitReached;) {
      limit += 7;
      const more = run.more;
      if (more === undefined) throw new Error('no more()');
      end = await more(limit);
    }
    expect(end).toMatchObject({ kind: 'search', limitReached: false, hits: total });
    expect(rows()).toEqual(expected.hits.map((h) => hitRow(h, 2)));
  });

  it('after a census: the same hits, reading only the touched pages and what a match starting before them needs', async () => {
    let coldBytes = 0;
    let warmBytes = 0;
    for (let seed = 21; seed <= 24; seed++) {
      const s = setup(seed);
      const needle = Uint8Array.of(0x5a, 0x00, 0x00, 0x5b);
      for (const r of s.regions) for (let at = 1; at + 4 <= r.inDump; at += 4093) s.file.set(needle, r.dumpOffset + at);
      const blob = new Blob([new Uint8Array(s.file)]);
      attachFile(s.id, blob);
      const touched = new TouchedMap();
      const censusEnd = await census(context([s.local, s.local], [], 2000), target(s.analysis, blob, touched)).end;
      expect(censusEnd).toMatchObject({ kind: 'census', complete: true });
      for (const query of [
        { kind: 'hex' as const, text: '5a 00 00 5b' },
        { kind: 'hex' as const, text: '00 00 5b' },
        { kind: 'hex' as const, text: '00 ?? 00' },
      ]) {
        const expected = await runSearch(new MemorySource(s.file), s.regions, query, {
          sliceSize: 2000,
          limit: 100_000,
        });
        if (!expected.ok) throw new Error('bad query');
        const cold: ScanEvent[] = [];
        const warm: ScanEvent[] = [];
        const coldEnd = await search(context([s.local], cold, 2000), target(s.analysis, blob), query, 100_000).end;
        const warmEnd = await search(context([s.local], warm, 2000), target(s.analysis, blob, touched), query, 100_000)
          .end;
        const rowsOf = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'hits' ? e.hits : []));
        expect(rowsOf(warm)).toEqual(
          expected.hits.map((h) => hitRow(h, h.context.length > 0 ? query.text.split(' ').length : 0)),
        );
        expect(rowsOf(warm)).toEqual(rowsOf(cold));
        const bytes = (end: ScanEnd) => (end.ok && end.kind === 'search' ? end.progress.bytesTotal : -1);
        // A pattern that matches zeros ('00 ?? 00') must read everything; the others read less where pages are zero.
        if (query.text === '00 ?? 00') expect(bytes(warmEnd)).toBe(bytes(coldEnd));
        else expect(bytes(warmEnd)).toBeLessThanOrEqual(bytes(coldEnd));
        coldBytes += bytes(coldEnd);
        warmBytes += bytes(warmEnd);
      }
    }
    expect(warmBytes).toBeLessThan(coldBytes);
  });

  it('an invalid pattern ends at once with the engine’s message', async () => {
    const s = setup(2);
    const end = await search(context([s.local], [], 4096), target(s.analysis, s.blob), { kind: 'hex', text: 'abc' }, 10)
      .end;
    expect(end).toMatchObject({ ok: false, reason: 'pattern', error: { code: 'odd-length' } });
  });
});
