/**
 * A saved report's stacks pass and findings back in the engine's form (addresses as bigints): the inverse of
 * stacks-document.ts, so the page's views and the CLI's texts take a report's results as they take a dump's.
 */
import type { Finding, FindingEvidence, Frame, ModuleSymbolStatus, StackGroup, Syscall, ThreadStack } from '../types';
import type {
  ReportDocument,
  ReportFinding,
  ReportFindingEvidence,
  ReportFrame,
  ReportSyscall,
} from './report-document';

export function frameFromReport(f: ReportFrame): Frame {
  return {
    pc: BigInt(f.pc),
    trust: f.trust,
    ...(f.module !== undefined ? { module: f.module } : {}),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    ...(f.symbol !== undefined ? { symbol: f.symbol } : {}),
    ...(f.symbolOffset !== undefined ? { symbolOffset: f.symbolOffset } : {}),
    ...(f.symbolSource !== undefined ? { symbolSource: f.symbolSource } : {}),
    ...(f.jit === true ? { jit: true } : {}),
    ...(f.file !== undefined ? { file: f.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
  };
}

/** The report does not keep how a call was read (`evidence`): said so rather than left empty. */
export function syscallFromReport(s: ReportSyscall): Syscall {
  return {
    nr: s.nr,
    name: s.name,
    args: s.args.map((a) => BigInt(a)),
    interrupted: s.interrupted,
    text: s.text,
    evidence: 'from the report',
  };
}

/** True when the report holds the stacks pass's results (`--stacks`, or the page's JSON after its pass). */
export function hasStacks(doc: ReportDocument): boolean {
  return doc.stackGroups !== undefined;
}

/** Each thread's walk, by thread index; undefined where the report has no frames for it. */
export function stacksFromReport(doc: ReportDocument): (ThreadStack | undefined)[] {
  return doc.threads.map((t) =>
    t.frames === undefined
      ? undefined
      : {
          tid: t.tid,
          frames: t.frames.map(frameFromReport),
          stop: t.unwindStop ?? 'outermost',
          ...(t.unwindStopDetail !== undefined ? { stopDetail: t.unwindStopDetail } : {}),
        },
  );
}

export function groupsFromReport(doc: ReportDocument): StackGroup[] {
  return (doc.stackGroups ?? []).map((g) => ({ threads: [...g.threads], frames: g.frames.map(frameFromReport) }));
}

/** By thread index, as the page holds them. */
export function syscallsFromReport(doc: ReportDocument): (Syscall | undefined)[] {
  return doc.threads.map((t) => (t.syscall === undefined ? undefined : syscallFromReport(t.syscall)));
}

/** Which modules' files were matched, by module index: only in a report with the stacks pass's results. */
export function moduleStatusFromReport(doc: ReportDocument): ModuleSymbolStatus[] {
  if (!doc.modules.some((m) => m.symbols !== undefined)) return [];
  return doc.modules.map((m) => ({
    path: m.path,
    ...(m.buildId !== undefined ? { buildId: m.buildId } : {}),
    symbols: m.symbols ?? 'missing',
    ...(m.symbolFile !== undefined ? { symbolFile: m.symbolFile } : {}),
  }));
}

export function findingsFromReport(doc: ReportDocument): Finding[] {
  return (doc.findings ?? []).map(findingFromReport);
}

function findingFromReport(f: ReportFinding): Finding {
  return {
    id: f.id,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    ...(f.advice !== undefined ? { advice: f.advice } : {}),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
    evidence: f.evidence.map(evidenceFromReport),
    ...(f.needsCensus === true ? { needsCensus: true } : {}),
  };
}

function evidenceFromReport(e: ReportFindingEvidence): FindingEvidence {
  return e.kind === 'regions' ? { kind: e.kind, starts: e.starts.map((s) => BigInt(s)), text: e.text } : e;
}
