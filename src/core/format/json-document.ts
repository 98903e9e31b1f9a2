import type { Compression } from '../compression/sniff-compression';
import type {
  Analysis,
  Finding,
  ModuleSymbolStatus,
  OsIdentification,
  Region,
  RuntimeInfo,
  StackGroup,
  Syscall,
  Thread,
  ThreadStack,
} from '../types';
import { hexAddress } from './address';
import { findingEntry, frameEntry, stackGroupEntry, syscallEntry } from './stacks-document';
import type { ReportDocument, ReportOs, ReportRegion, ReportThread } from './report-document';
import { reportText } from './report-text';
import { touchedByKind } from './touched';

/** A document entry being filled in, key by key. */
type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** Touched-page census results to merge into the document (`--scan`), by region index. */
export interface CensusForDocument {
  /** Touched bytes per region index (pages holding a non-zero byte × page size, clipped to the bytes in dump). */
  readonly regionTouched: readonly (number | undefined)[];
  /** True when every region's census is in. */
  readonly complete: boolean;
  /** Per thread index: the stack's high-water depth, bytes below its top (NaN or undefined where not in). */
  readonly threadDepth?: ArrayLike<number | undefined>;
  /** The OS as the scan weighs it: memory clues ranked with the library evidence (replaces the header pass's). */
  readonly os?: OsIdentification;
  /** The runtime with the version the scan read from memory, when it found one (replaces the header pass's). */
  readonly runtime?: RuntimeInfo;
}

export interface JsonDocumentOptions {
  readonly census?: CensusForDocument;
  /**
   * Each thread's general registers by name (`--json --registers`). Off by default: on an 800-thread core they
   * are a third of the document (21,600 values) and most of the time it takes to write, and the question the
   * document answers is where the memory went; pc and sp are always there.
   */
  readonly registers?: boolean;
  /** The system call each thread is in (by thread index), from its registers. */
  readonly syscalls?: readonly (Syscall | undefined)[];
  /** The stacks pass (`--stacks`; the page once its pass is done). */
  readonly stacks?: StacksForDocument;
  readonly findings?: readonly Finding[];
  /** The compression the dump was opened from (decoded to a temporary file first): written as dump.compression. */
  readonly compression?: Compression;
}

export interface StacksForDocument {
  /** By thread index. */
  readonly stacks: readonly (ThreadStack | undefined)[];
  readonly groups: readonly StackGroup[];
  readonly modules: readonly ModuleSymbolStatus[];
}

/**
 * The analysis as the one JSON document the CLI's `--json` prints and the page's "Download JSON" saves — the same
 * bytes from both, so nothing here may depend on where it runs. Addresses are lower-case `0x…` strings (64-bit
 * exact); sizes are byte counts; `end` is exclusive. Field names of version 1 are a contract: add, never rename.
 */
export function toJsonDocument(a: Analysis, fileName: string, options: JsonDocumentOptions = {}): ReportDocument {
  const census = options.census;
  const touched = (i: number) => census?.regionTouched[i];
  const kindTouched = census ? touchedByKind(a.regions, census.regionTouched).sums : new Map<string, number>();
  return {
    format: 'coreview',
    version: 1,
    dump: {
      name: fileName,
      size: a.dump.size,
      ...(a.dump.fingerprint !== undefined ? { fingerprint: a.dump.fingerprint } : {}),
      ...(options.compression !== undefined ? { compression: options.compression } : {}),
      arch: a.dump.arch,
      machine: a.dump.machine,
      bits: a.dump.bits,
      endian: a.dump.endian,
      os: a.dump.os,
      producer: a.dump.producer.name,
      producerEvidence: a.dump.producer.evidence,
      pageSize: a.dump.pageSize,
      programHeaders: a.dump.programHeaders,
      loadSegments: a.dump.loadSegments,
      headerBytesRead: a.dump.bytesRead,
      warnings: a.dump.warnings,
      // NoteInfo is exactly { name, type, typeName, size, offset }: written as it is, not copied (2,400 notes).
      notes: a.dump.notes,
      ...(census ? { census: census.complete ? ('complete' as const) : ('incomplete' as const) } : {}),
    },
    process: {
      pid: a.process.pid ?? null,
      ppid: a.process.ppid,
      uid: a.process.uid,
      gid: a.process.gid,
      name: a.process.name ?? null,
      args: a.process.args ?? null,
      executable: a.process.executable,
      signal: a.process.signal ?? 0,
      signalName: a.process.signalName,
      signalCode: a.process.signalCode,
      // Added only for a gcore snapshot, whose signal fields are gdb's SIGSTOP, not a cause of death.
      ...(a.process.snapshot === true ? { snapshot: true as const } : {}),
      ...(a.process.faultAddress !== undefined ? { faultAddress: hexAddress(a.process.faultAddress) } : {}),
      ...runtimeField(census?.runtime ?? a.process.runtime),
      ...osField(census?.os ?? a.process.os),
    },
    regions: a.regions.map((r, i) => regionEntry(r, touched(i))),
    totals: a.totals.map((t) => ({
      kind: t.kind,
      count: t.count,
      size: t.size,
      inDump: t.inDump,
      percent: Math.round(t.percent * 100) / 100,
      heuristic: t.heuristic,
      ...(census ? { touched: kindTouched.get(t.kind) ?? 0 } : {}),
    })),
    imageTotals: a.imageTotals.map((t) => ({ ...t })),
    threads: a.threads.map((t, i) =>
      threadEntry(
        t,
        census && t.stackRegion !== undefined ? touched(t.stackRegion) : undefined,
        census && t.stackRegion !== undefined ? depthAt(census, i) : undefined,
        options.registers === true,
        options.syscalls?.[i],
        options.stacks?.stacks[i],
      ),
    ),
    modules: a.modules.map((m, i) => {
      const status = options.stacks?.modules[i];
      return {
        path: m.path,
        start: hexAddress(m.start),
        end: hexAddress(m.end),
        base: hexAddress(m.base),
        ...(m.buildId !== undefined ? { buildId: m.buildId } : {}),
        headerInDump: m.headerInDump,
        ...(status !== undefined ? { symbols: status.symbols } : {}),
        ...(status?.symbolFile !== undefined ? { symbolFile: status.symbolFile } : {}),
      };
    }),
    auxv: a.auxv.map((e) => ({ type: e.type, name: e.name, value: hexAddress(e.value) })),
    ...(options.stacks ? { stackGroups: options.stacks.groups.map(stackGroupEntry) } : {}),
    ...(options.findings ? { findings: options.findings.map(findingEntry) } : {}),
  };
}

/**
 * One region's entry. Fields are added in a fixed order (the document's key order) with plain assignments: object
 * spreads would allocate a throwaway object per optional field, and on a 1,600-region core the document is built
 * once per run in code too cold for V8 to optimise them away.
 */
function regionEntry(r: Region, touched: number | undefined): ReportRegion {
  // inDump and dumpOffset come after the image fields in the key order, so they are assigned below.
  const e = {
    kind: r.kind,
    start: hexAddress(r.start),
    end: hexAddress(r.end),
    size: r.size,
    type: r.type,
    state: r.state,
    protect: r.protect,
    perms: r.perms,
  } as Draft<ReportRegion>;
  if (r.image !== undefined) {
    e.image = r.image;
    e.fileOffset = r.fileOffset;
  }
  e.inDump = r.inDump;
  e.dumpOffset = r.dumpOffset;
  if (r.truncated) e.truncated = true;
  if (r.tid !== undefined) e.tid = r.tid;
  if (r.heuristic !== undefined) e.heuristic = r.heuristic;
  if (touched !== undefined) e.touched = touched;
  return e;
}

/** One thread's entry, built like regionEntry (fixed key order, plain assignments). */
function threadEntry(
  t: Thread,
  stackTouched: number | undefined,
  stackDepth: number | undefined,
  registers: boolean,
  syscall: Syscall | undefined,
  stack: ThreadStack | undefined,
): ReportThread {
  const e: Draft<ReportThread> = {
    tid: t.tid,
    signal: t.signal,
    crashed: t.crashed,
    pc: t.pc === undefined ? null : hexAddress(t.pc),
    sp: t.sp === undefined ? null : hexAddress(t.sp),
  };
  if (t.pcSymbol !== undefined) e.pcSymbol = t.pcSymbol;
  if (t.stackStart !== undefined) e.stackStart = hexAddress(t.stackStart);
  if (t.stackEnd !== undefined) e.stackEnd = hexAddress(t.stackEnd);
  if (t.stackSize !== undefined) e.stackSize = t.stackSize;
  if (t.stackUsed !== undefined) e.stackUsed = t.stackUsed;
  if (stackTouched !== undefined) e.stackTouched = stackTouched;
  if (stackDepth !== undefined) e.stackDepth = stackDepth;
  if (registers) e.registers = t.registers.byName();
  if (syscall !== undefined) e.syscall = syscallEntry(syscall);
  if (stack !== undefined) {
    e.frames = stack.frames.map(frameEntry);
    e.unwindStop = stack.stop;
    if (stack.stopDetail !== undefined) e.unwindStopDetail = stack.stopDetail;
  }
  return e;
}

/** A thread's stack depth from the census, undefined where it is not in. */
function depthAt(census: CensusForDocument, thread: number): number | undefined {
  const depth = census.threadDepth?.[thread];
  return depth === undefined || Number.isNaN(depth) ? undefined : depth;
}

function runtimeField(runtime: RuntimeInfo | undefined): { runtime?: RuntimeInfo } {
  return runtime === undefined ? {} : { runtime: { ...runtime } };
}

/** `process.os`: the strongest evidence's answer, and `ranked`, every piece of evidence strongest first. */
function osField(os: OsIdentification | undefined): { os?: ReportOs } {
  if (os === undefined) return {};
  return {
    os: {
      name: os.name,
      source: os.source,
      evidence: os.evidence,
      heuristic: os.heuristic,
      ...(os.address !== undefined ? { address: hexAddress(os.address) } : {}),
      ranked: os.ranked.map((e) => ({
        source: e.source,
        says: e.says,
        evidence: e.evidence,
        ...(e.note !== undefined ? { note: e.note } : {}),
        ...(e.address !== undefined ? { address: hexAddress(e.address) } : {}),
        ...(e.mapping !== undefined ? { mapping: e.mapping } : {}),
      })),
    },
  };
}

export function jsonDocumentText(a: Analysis, fileName: string, options: JsonDocumentOptions = {}): string {
  return reportText(toJsonDocument(a, fileName, options), { view: 'json' });
}
