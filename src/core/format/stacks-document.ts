/**
 * The stacks pass's results in the JSON document's form: addresses as `0x…` strings, nothing but plain data.
 * Kept apart from json-document.ts so the header-pass document does not grow with it.
 */
import type { Finding, FindingEvidence, Frame, StackGroup, Syscall } from '../types';
import { hexAddress } from './address';
import type {
  ReportFinding,
  ReportFindingEvidence,
  ReportFrame,
  ReportStackGroup,
  ReportSyscall,
} from './report-document';

export function frameEntry(f: Frame): ReportFrame {
  return {
    pc: hexAddress(f.pc),
    trust: f.trust,
    ...(f.module !== undefined ? { module: f.module } : {}),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    ...(f.symbol !== undefined ? { symbol: f.symbol } : {}),
    ...(f.symbolOffset !== undefined ? { symbolOffset: f.symbolOffset } : {}),
    ...(f.symbolSource !== undefined ? { symbolSource: f.symbolSource } : {}),
    ...(f.jit === true ? { jit: true as const } : {}),
    ...(f.file !== undefined ? { file: f.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
  };
}

export function syscallEntry(s: Syscall): ReportSyscall {
  return { nr: s.nr, name: s.name, args: s.args.map(hexAddress), interrupted: s.interrupted, text: s.text };
}

export function stackGroupEntry(g: StackGroup): ReportStackGroup {
  return { threads: [...g.threads], frames: g.frames.map(frameEntry) };
}

export function findingEntry(f: Finding): ReportFinding {
  return {
    id: f.id,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    ...(f.advice !== undefined ? { advice: f.advice } : {}),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
    evidence: f.evidence.map(evidenceEntry),
    ...(f.needsCensus === true ? { needsCensus: true as const } : {}),
  };
}

function evidenceEntry(e: FindingEvidence): ReportFindingEvidence {
  return e.kind === 'regions' ? { kind: e.kind, starts: e.starts.map(hexAddress), text: e.text } : e;
}
