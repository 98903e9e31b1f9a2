/** Small ReportDocuments made by hand, for the tests of what reads them (the comparison, its view). */
import type { ReportDocument, ReportFrame, ReportKindTotal, ReportThread } from '../../src/core/format/report-document';

export const MiB = 1024 * 1024;

export function frame(symbol: string | undefined, pc: string, offset: number): ReportFrame {
  return { pc, trust: 'cfi', module: '/usr/bin/server', offset, ...(symbol ? { symbol } : {}) };
}

/** One kind total, as the JSON document writes it. */
export function kind(name: string, count: number, size: number): ReportKindTotal {
  return { kind: name, count, size, inDump: size, percent: 0, heuristic: false };
}

export function thread(tid: number, stackSize?: number, stackUsed?: number): ReportThread {
  return {
    tid,
    signal: 0,
    crashed: false,
    pc: null,
    sp: null,
    ...(stackSize !== undefined ? { stackSize, stackUsed: stackUsed ?? 0 } : {}),
  };
}

export const tids = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

export function reportDoc(parts: Partial<ReportDocument> & { readonly name: string }): ReportDocument {
  return {
    format: 'coreview',
    version: 1,
    dump: {
      name: parts.name,
      size: 1000,
      arch: 'x86_64',
      machine: 62,
      bits: 64,
      endian: 'little',
      os: 'Linux',
      producer: 'kernel',
      producerEvidence: '',
      pageSize: 4096,
      programHeaders: 0,
      loadSegments: 0,
      headerBytesRead: 0,
      warnings: [],
      notes: [],
    },
    process: { pid: 1, name: 'server', args: null, signal: 0 },
    regions: [],
    totals: parts.totals ?? [],
    imageTotals: parts.imageTotals ?? [],
    threads: parts.threads ?? [],
    modules: [],
    auxv: [],
    ...(parts.stackGroups ? { stackGroups: parts.stackGroups } : {}),
    ...(parts.findings ? { findings: parts.findings } : {}),
  };
}
