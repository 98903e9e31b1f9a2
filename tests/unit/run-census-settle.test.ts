/**
 * The page's census end on a gcore, through the coordinator (one lane: itself): it settles gcore's all-zero no-access memory (settleAfterCensus),
 * holds the settled analysis, and hands the page the new regions and totals; the page's kind sums, realigned,
 * and the JSON an export then writes are what `coreview --scan --json` prints (the same function, applied once).
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createCensusData, realignKinds } from '../../src/state/census-data';
import { jsonDocumentText } from '../../src/core/format/json-document';
import { touchedByKind } from '../../src/core/format/touched';
import { MemorySource } from '../../src/core/io/byte-source';
import { settleAfterCensus } from '../../src/core/model/after-census';
import { analysisView } from '../../workers/analysis-view';
import type { ScanEvent } from '../../workers/engine-protocol';
import { startScan } from '../../workers/scan-coordinator';
import { attachFile } from '../../workers/scan-executor';
import { coreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { runCensus } from '../helpers/sequential-scans';

function gcore(): Uint8Array {
  return coreBuilder()
    .prpsinfo({ pid: 1 })
    .thread({ tid: 1, sp: 0x7f0000101800n })
    .note('GDB', 1, new Uint8Array(8))
    .load({ vaddr: 0x7f0000101000n, size: 0x1000, fill: 1 })
    .load({ vaddr: 0x7f1000000000n, size: 0x10000, flags: 'r--' }) // a reservation: zeros
    .load({ vaddr: 0x7f2000000000n, size: 0x2000, flags: 'r--', fill: 7 }) // read-only data
    .build();
}

describe('census end on a gcore', () => {
  it('settles the held analysis once, gives the page the new view, and the export is the CLI’s JSON', async () => {
    const bytes = gcore();
    const analysis = await analyzeBytes(bytes);
    const held = { analysis, file: new Blob([new Uint8Array(bytes)]) };
    attachFile(4242, held.file);
    const events: ScanEvent[] = [];
    const view = analysisView(1, 'core', analysis, 0);
    const data = createCensusData(view);
    const end = await startScan(held, 4242, 1, { kind: 'census' }, [], (e) => void events.push(e));
    for (const e of events) if (e.kind === 'census') applyBatch(data, e.batch);
    if (!end.ok || end.kind !== 'census' || end.settled === undefined)
      throw new Error(`no settled view: ${JSON.stringify(end)}`);
    realignKinds(data, end.settled);

    // What the CLI does: the header pass, runCensus, settleAfterCensus.
    const touched = (await runCensus(new MemorySource(bytes), analysis.regions)).map((c) => c.touchedBytes);
    const cli = settleAfterCensus(analysis, touched);
    expect(cli.regions.map((r) => r.kind)).toEqual(['Stack', '[RESERVED]', 'PAGE_READONLY']);
    expect(held.analysis).toEqual(cli);
    expect(end.settled.totals).toEqual(cli.totals);
    expect(end.settled.regions.kinds[end.settled.regions.kind[1] ?? 0]).toBe('[RESERVED]');
    const sums = touchedByKind(cli.regions, touched).sums;
    expect(Array.from(data.kindTouched)).toEqual(cli.totals.map((t) => sums.get(t.kind)));
    expect(Array.from(data.kindPending)).toEqual(cli.totals.map(() => 0));
    // The worker's export settles again (idempotent) and writes the CLI's document.
    const exported = settleAfterCensus(held.analysis, data.touched);
    expect(exported).toBe(held.analysis);
    const census = { census: { regionTouched: Array.from(data.touched), complete: true } };
    expect(jsonDocumentText(exported, 'core', census)).toBe(
      jsonDocumentText(cli, 'core', { census: { regionTouched: touched, complete: true } }),
    );
  });
});
