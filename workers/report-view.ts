/**
 * A saved report opened like a dump: read, validated (report-parse.ts) and turned into the AnalysisView the page
 * renders — the inverse of toJsonDocument and analysis-view.ts for everything the views show — with the census,
 * stacks and findings it holds in `view.report`. The document is kept here by dump id: exports answer from it as
 * they were saved (the JSON is the document itself).
 */
import type { ReportDocument, ReportRegion } from '../src/core/format/report-document';
import { parseReport } from '../src/core/format/report-parse';
import {
  findingsFromReport,
  groupsFromReport,
  hasStacks,
  moduleStatusFromReport,
  stacksFromReport,
  syscallsFromReport,
} from '../src/core/format/report-objects';
import { reportText, type ReportView } from '../src/core/format/report-text';
import { markSignalled } from '../src/core/model/signalled';
import { signalName } from '../src/core/notes/siginfo';
import type { ImageTotal, KindTotal, Region, Thread } from '../src/core/types';
import type { MemoryState, MemoryType } from '../src/core/types/region';
import { regionColumns } from './analysis-view';
import type { AnalysisView, DumpId, OsView, OverviewFacts, ThreadRow } from './analysis-types';
import type { ExportRequest, LoadResult, RegistersResult } from './engine-protocol';
import type { ReportCensus, ReportContents } from './report-types';

const reports = new Map<DumpId, ReportDocument>();

/** The report loaded as `id`, if that id is a report. */
export function reportFor(id: DumpId): ReportDocument | undefined {
  return reports.get(id);
}

export function forgetReport(id: DumpId): void {
  reports.delete(id);
}

/** A JSON object (a report, or a hand-edited file meant as one) rather than a dump: its first visible byte is `{`. */
export async function looksLikeReport(file: Blob): Promise<boolean> {
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, 256).arrayBuffer());
  } catch {
    // Unreadable (moved, changed on disk): the header pass's read fails the same way and says so.
    return false;
  }
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b;
}

export async function loadReport(id: DumpId, file: Blob, name: string, started: number): Promise<LoadResult> {
  const parsed = parseReport(await file.text());
  if (!parsed.ok) return { ok: false, failure: { kind: 'report', message: parsed.message } };
  reports.set(id, parsed.report);
  return { ok: true, view: reportView(id, name, parsed.report, performance.now() - started) };
}

const EXPORT_VIEWS: Record<ExportRequest['kind'], ReportView> = {
  json: 'json',
  'regions-text': 'regions',
  'regions-csv': 'regions-csv',
  'totals-text': 'totals',
  'image-totals-text': 'image-totals',
  'threads-text': 'threads',
};

/**
 * A document as the export asks (its JSON, tables or CSV): a dump's just made, or a report's as saved (its census
 * included: for a report, the request's census is the report's own).
 */
export function reportExport(doc: ReportDocument, request: ExportRequest): string {
  const rows = 'rows' in request ? request.rows : undefined;
  return reportText(doc, { view: EXPORT_VIEWS[request.kind], ...(rows !== undefined ? { rows } : {}) });
}

/** The registers a report saved with `--registers` holds; without them only the dump can say. */
export function reportRegisters(doc: ReportDocument, thread: number): RegistersResult {
  const registers = doc.threads[thread]?.registers;
  if (registers === undefined) return { ok: false, reason: 'no-dump' };
  return { ok: true, registers: Object.entries(registers).map(([name, hex]) => ({ name, hex })) };
}

export function reportView(id: DumpId, fileName: string, doc: ReportDocument, analyzeMs: number): AnalysisView {
  const regions = doc.regions.map(regionFromReport);
  const all = doc.regions.reduce((n, r) => n + r.size, 0);
  return {
    id,
    fileName,
    analyzeMs,
    overview: overviewFacts(doc),
    regions: regionColumns(regions),
    // The document rounds percentages to two decimals: the view's are computed again, as the dump's were.
    totals: doc.totals.map((t): KindTotal => ({
      kind: t.kind,
      count: t.count,
      size: t.size,
      inDump: t.inDump,
      percent: all === 0 ? 0 : (t.size / all) * 100,
      heuristic: t.heuristic,
    })),
    imageTotals: doc.imageTotals.map((t): ImageTotal => ({
      image: t.image,
      count: t.count,
      size: t.size,
      inDump: t.inDump,
    })),
    threads: threadRows(doc),
    report: reportContents(doc),
  };
}

function regionFromReport(r: ReportRegion, index: number): Region {
  return {
    start: BigInt(r.start),
    end: BigInt(r.end),
    size: r.size,
    kind: r.kind,
    // Values parseReport checked.
    type: r.type as MemoryType,
    state: r.state as MemoryState,
    protect: r.protect,
    perms: r.perms,
    ...(r.image !== undefined ? { image: r.image } : {}),
    ...(r.fileOffset !== undefined ? { fileOffset: r.fileOffset } : {}),
    dumpOffset: r.dumpOffset,
    inDump: r.inDump,
    truncated: r.truncated === true,
    // Not in the document, and not shown: the region's own index stands in for its PT_LOAD's.
    segment: index,
    ...(r.tid !== undefined ? { tid: r.tid } : {}),
    ...(r.heuristic !== undefined ? { heuristic: { name: r.heuristic.name, evidence: r.heuristic.evidence } } : {}),
  };
}

function threadRows(doc: ReportDocument): ThreadRow[] {
  const machine = doc.dump.machine;
  const stackAt = new Map<string, number>();
  doc.regions.forEach((r, i) => {
    if (r.kind === 'Stack') stackAt.set(r.start, i);
  });
  // Which threads the signal was delivered to, decided as the header pass decides it (signalled.ts).
  const marks = doc.threads.map((t) => ({ signal: t.signal, crashed: t.crashed, signalled: false }));
  markSignalled(marks as unknown as Thread[], doc.dump.producer, doc.process.snapshot === true);
  return doc.threads.map((t, i) => {
    const stackRegion = t.stackStart === undefined ? undefined : stackAt.get(t.stackStart);
    return {
      tid: t.tid,
      signal: t.signal,
      signalName: t.signal === 0 ? '' : (signalName(t.signal, machine) ?? `signal ${t.signal}`),
      crashed: t.crashed,
      signalled: marks[i]?.signalled ?? t.crashed,
      ...(t.pc !== null ? { pc: t.pc } : {}),
      ...(t.pcSymbol !== undefined ? { pcSymbol: t.pcSymbol } : {}),
      ...(t.sp !== null ? { sp: t.sp } : {}),
      ...(t.stackStart !== undefined ? { stackStart: t.stackStart } : {}),
      ...(t.stackEnd !== undefined ? { stackEnd: t.stackEnd } : {}),
      ...(t.stackSize !== undefined ? { stackSize: t.stackSize } : {}),
      ...(t.stackUsed !== undefined ? { stackUsed: t.stackUsed } : {}),
      ...(stackRegion !== undefined ? { stackRegion } : {}),
      registerCount: t.registers === undefined ? 0 : Object.keys(t.registers).length,
    };
  });
}

function osView(doc: ReportDocument): OsView | undefined {
  const os = doc.process.os;
  if (os === undefined) return undefined;
  return {
    name: os.name,
    source: os.source,
    evidence: os.evidence,
    ...(os.address !== undefined ? { address: os.address } : {}),
    ranked: os.ranked.map((e) => ({ ...e })),
  };
}

function overviewFacts(doc: ReportDocument): OverviewFacts {
  const p = doc.process;
  const d = doc.dump;
  return {
    process: {
      ...(p.name !== null ? { name: p.name } : {}),
      ...(p.args !== null ? { args: p.args } : {}),
      ...(p.pid !== null ? { pid: p.pid } : {}),
      ...(p.ppid !== undefined ? { ppid: p.ppid } : {}),
      ...(p.uid !== undefined ? { uid: p.uid } : {}),
      ...(p.executable !== undefined ? { executable: p.executable } : {}),
      // The document writes 0 for "no signal"; the view leaves it out, as the header pass does.
      ...(p.signal !== 0 ? { signal: p.signal } : {}),
      ...(p.signalName !== undefined ? { signalName: p.signalName } : {}),
      ...(p.signalCode !== undefined ? { signalCode: p.signalCode } : {}),
      ...(p.faultAddress !== undefined ? { faultAddress: p.faultAddress } : {}),
      ...(p.snapshot === true ? { snapshot: true } : {}),
      ...(p.runtime !== undefined ? { runtime: { ...p.runtime } } : {}),
      ...(p.os !== undefined ? { os: osView(doc) } : {}),
    },
    dump: {
      size: d.size,
      arch: d.arch,
      bits: d.bits,
      endian: d.endian,
      os: d.os,
      pageSize: d.pageSize,
      producer: { name: d.producer, evidence: d.producerEvidence },
      programHeaders: d.programHeaders,
      loadSegments: d.loadSegments,
      notes: d.notes.length,
      bytesRead: d.headerBytesRead,
      warnings: [...d.warnings],
    },
    modules: doc.modules.map((m) => ({
      path: m.path,
      start: m.start,
      end: m.end,
      ...(m.buildId !== undefined ? { buildId: m.buildId } : {}),
    })),
  };
}

function reportContents(doc: ReportDocument): ReportContents {
  const census = censusOf(doc);
  return {
    dumpName: doc.dump.name,
    dumpSize: doc.dump.size,
    ...(doc.dump.fingerprint !== undefined ? { fingerprint: doc.dump.fingerprint } : {}),
    ...(census !== undefined ? { census } : {}),
    syscalls: syscallsFromReport(doc),
    ...(hasStacks(doc)
      ? {
          stacks: {
            stacks: stacksFromReport(doc),
            groups: groupsFromReport(doc),
            modules: moduleStatusFromReport(doc),
          },
        }
      : {}),
    findings: findingsFromReport(doc),
  };
}

function censusOf(doc: ReportDocument): ReportCensus | undefined {
  if (doc.dump.census === undefined) return undefined;
  const os = osView(doc);
  return {
    complete: doc.dump.census === 'complete',
    touched: Float64Array.from(doc.regions, (r) => r.touched ?? NaN),
    threadTouched: Float64Array.from(doc.threads, (t) => t.stackTouched ?? NaN),
    threadDepth: Float64Array.from(doc.threads, (t) => t.stackDepth ?? NaN),
    ...(os !== undefined ? { os } : {}),
    ...(doc.process.runtime !== undefined ? { runtime: { ...doc.process.runtime } } : {}),
  };
}
