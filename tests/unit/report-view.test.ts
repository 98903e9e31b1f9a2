/**
 * A report opened without its dump shows what the dump showed: a real kernel core's JSON document (with the
 * census and the stacks pass in it) turned back into the page's view equals the view of the dump itself — regions,
 * totals, threads, the Overview's facts — and its census, stacks and findings are the dump's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { toJsonDocument } from '../../src/core/format/json-document';
import { reportText } from '../../src/core/format/report-text';
import { MemorySource } from '../../src/core/io/byte-source';
import { computeFindings } from '../../src/core/model/findings';
import type { StacksResult } from '../../src/core/stacks/stacks-pass';
import { syscallsByTid } from '../../src/core/stacks/thread-facts';
import type { Analysis, Finding } from '../../src/core/types';
import { stacksOnCli } from '../../src/cli/stacks-host';
import { censusFromReport } from '../../src/state/census-data';
import { analysisView } from '../../workers/analysis-view';
import type { AnalysisView } from '../../workers/analysis-types';
import { reportExport, reportView } from '../../workers/report-view';
import type { ReportDocument } from '../../src/core/format/report-document';

let analysis: Analysis;
let stacks: StacksResult;
let findings: readonly Finding[];
let touched: number[];
let fromDump: AnalysisView;
let doc: ReportDocument;
let fromReport: AnalysisView;

beforeAll(async () => {
  const bytes = gunzipSync(readFileSync(join(import.meta.dirname, '../../public/sample/sample.core.gz')));
  const source = new MemorySource(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  analysis = await analyzeCore(source);
  stacks = await stacksOnCli(analysis, source, { debugDirs: [], offline: true, perfMaps: [] });
  findings = computeFindings({
    analysis,
    stacks: stacks.stacks,
    groups: stacks.groups,
    syscalls: syscallsByTid(analysis, stacks.syscalls),
  });
  // Any per-region values do for the round trip: every region's bytes in the dump, one region left out.
  touched = analysis.regions.map((r) => r.inDump);
  const regionTouched = touched.map((t, i) => (i === 1 ? undefined : t));
  fromDump = analysisView(7, 'sample.core', analysis, 0);
  doc = JSON.parse(
    JSON.stringify(
      toJsonDocument(analysis, 'sample.core', {
        registers: true,
        census: {
          regionTouched,
          complete: false,
          threadDepth: analysis.threads.map((_, i) => (i === 0 ? NaN : i * 4096)),
        },
        syscalls: stacks.syscalls,
        stacks: { stacks: stacks.stacks, groups: stacks.groups, modules: stacks.modules },
        findings,
      }),
    ),
  ) as ReportDocument;
  fromReport = reportView(7, 'sample.core', doc, 0);
});

describe('a report turned back into the view', () => {
  it('has the dump’s regions, threads and Overview facts', () => {
    expect(fromReport.regions).toEqual(fromDump.regions);
    expect(fromReport.imageTotals).toEqual(fromDump.imageTotals);
    expect(fromReport.threads).toEqual(fromDump.threads);
    expect(fromReport.overview).toEqual(fromDump.overview);
    expect(fromReport.threads.length).toBeGreaterThan(30);
  });

  it('has the dump’s totals, percentages computed again rather than rounded', () => {
    expect(fromReport.totals.map((t) => ({ ...t, percent: 0 }))).toEqual(
      fromDump.totals.map((t) => ({ ...t, percent: 0 })),
    );
    fromReport.totals.forEach((t, i) => expect(t.percent).toBeCloseTo(fromDump.totals[i]?.percent ?? NaN, 10));
  });

  it('carries the stacks pass, the findings and the system calls as the dump had them', () => {
    const r = fromReport.report;
    expect(r?.stacks?.stacks).toEqual(stacks.stacks);
    expect(r?.stacks?.groups).toEqual(stacks.groups);
    expect(r?.stacks?.modules).toEqual(stacks.modules);
    expect(r?.findings).toEqual(findings);
    expect(r?.syscalls.map((s) => s && { ...s, evidence: '' })).toEqual(
      stacks.syscalls.map((s) => s && { ...s, evidence: '' }),
    );
    expect(r?.dumpName).toBe('sample.core');
    expect(r?.dumpSize).toBe(analysis.dump.size);
    expect(r?.fingerprint).toBe(analysis.dump.fingerprint);
  });

  it('carries the census as far as it went, sums per kind included', () => {
    const census = censusFromReport(fromReport);
    expect(census?.status).toBe('cancelled');
    expect(Number.isNaN(census?.data.touched[1])).toBe(true);
    expect(census?.data.touched[0]).toBe(touched[0]);
    expect(census?.data.regionsDone).toBe(touched.length - 1);
    const stackKind = fromReport.totals.findIndex((t) => t.kind === 'Stack');
    const stackSum = analysis.regions.reduce((n, r, i) => n + (r.kind === 'Stack' && i !== 1 ? r.inDump : 0), 0);
    expect(census?.data.kindTouched[stackKind]).toBe(stackSum);
    // Each stack's depth where the census had one (only threads whose sp is in a Stack region carry it).
    fromReport.threads.forEach((t, i) => {
      const depth = census?.data.threadDepth[i] ?? NaN;
      if (t.stackRegion === undefined || i === 0) expect(depth).toBeNaN();
      else expect(depth).toBe(i * 4096);
    });
  });

  it('exports the saved document itself', () => {
    expect(reportExport(doc, { kind: 'json' })).toBe(reportText(doc, { view: 'json' }));
    const rows = Uint32Array.from([3, 1]);
    expect(reportExport(doc, { kind: 'threads-text', rows })).toBe(reportText(doc, { view: 'threads', rows }));
  });
});
