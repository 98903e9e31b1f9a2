/**
 * The coordinator's runs end to end in Node: lanes that run the real executor over a Blob (as peers do), a lane
 * that dies mid-census, a search paused at its limit and resumed — against the engine's sequential runs.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createCensusData } from '../src/app/census-data';
import { MemorySource } from '../src/core/io/byte-source';
import { imageTotals, kindTotals } from '../src/core/model/totals';
import type { Analysis, Region } from '../src/core/model/types';
import { runCensus } from '../src/core/scan/census';
import { runSearch } from '../src/core/scan/search';
import { prng, randomLayout, sprinkle } from '../tests/unit/scan-layout';
import type { Lane } from './dispatcher';
import type { ScanEnd, ScanEvent, ScanJob, ScanJobResult, SearchHitRow } from './engine-protocol';
import { attachFile, runJob } from './scan-executor';
import { hitRow, runCensusScan, runSearchScan, type ScanContext } from './scan-runs';

function analysisOf(regions: Region[]): Analysis {
  return { regions, threads: [], totals: kindTotals(regions), imageTotals: imageTotals(regions), files: [], modules: [], auxv: [] } as unknown as Analysis;
}

function context(lanes: Lane<ScanJob, ScanJobResult>[], events: ScanEvent[], sliceSize: number): ScanContext {
  return {
    scanId: 1,
    lanes,
    depth: 2,
    sliceSize,
    elapsed: () => 1,
    send: (e) => events.push(e),
    finalSend: async (e) => {
      events.push(e);
    },
    laneName: (lane) => `lane ${lane}`,
  };
}

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

describe('runCensusScan', () => {
  it('over three lanes, the batches the page applies give runCensus’s result, and the census is complete', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const s = setup(seed);
      const events: ScanEvent[] = [];
      const run = runCensusScan(context([s.local, s.local, s.local], events, 3000), { analysis: s.analysis, file: s.blob });
      const end = await run.end;
      const expected = await runCensus(new MemorySource(s.file), s.regions, { sliceSize: 3000 });
      const data = createCensusData({ regions: { count: s.regions.length } as never, threads: [], totals: s.analysis.totals, imageTotals: s.analysis.imageTotals });
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
    const dying: Lane<ScanJob, ScanJobResult> = { run: (job) => (++calls > 2 ? Promise.reject(new Error('crashed')) : runJob(s.id, job)) };
    const events: ScanEvent[] = [];
    const end = await runCensusScan(context([s.local, dying], events, 2048), { analysis: s.analysis, file: s.blob }).end;
    expect(end.ok && end.kind === 'census' && !end.complete).toBe(true);
    expect(end.ok && end.kind === 'census' ? end.failures : []).toEqual(['lane 1 stopped: crashed']);
    const data = createCensusData({ regions: { count: s.regions.length } as never, threads: [], totals: s.analysis.totals, imageTotals: s.analysis.imageTotals });
    for (const e of events) if (e.kind === 'census') applyBatch(data, e.batch);
    expect(data.regionsDone).toBeLessThan(s.regions.length);
    expect(data.regionsDone).toBeGreaterThan(0);
  });
});

describe('runSearchScan', () => {
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
    const slow: Lane<ScanJob, ScanJobResult> = { run: async (job) => (await new Promise((r) => setTimeout(r, 2)), runJob(s.id, job)) };
    const run = runSearchScan(context([slow, s.local], events, 1500), { analysis: s.analysis, file: blob }, query, 5);
    const rows = () => events.flatMap((e) => (e.kind === 'hits' ? e.hits : [])) as SearchHitRow[];
    const first: ScanEnd = await run.end;
    const total = expected.hits.length;
    expect(total).toBeGreaterThan(12);
    expect(first).toMatchObject({ kind: 'search', limitReached: total > 5, hits: Math.min(5, total) });
    let end = first;
    for (let limit = 5; end.ok && end.kind === 'search' && end.limitReached; ) {
      limit += 7;
      const more = run.more;
      if (more === undefined) throw new Error('no more()');
      end = await more(limit);
    }
    expect(end).toMatchObject({ kind: 'search', limitReached: false, hits: total });
    expect(rows()).toEqual(expected.hits.map((h) => hitRow(h, 2)));
  });

  it('an invalid pattern ends at once with the engine’s message', async () => {
    const s = setup(2);
    const end = await runSearchScan(context([s.local], [], 4096), { analysis: s.analysis, file: s.blob }, { kind: 'hex', text: 'abc' }, 10).end;
    expect(end).toMatchObject({ ok: false, reason: 'pattern', error: { code: 'odd-length' } });
  });
});
