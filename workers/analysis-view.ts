/**
 * Turns the engine's Analysis (objects with bigints, one per region) into the AnalysisView the page renders:
 * struct-of-arrays with sort keys computed here, once, so the main thread never does per-row work it can avoid.
 */
import { hexAddress } from '../src/core/format/address';
import type { Analysis, Region } from '../src/core/types';
import { signalName } from '../src/core/notes/siginfo';
import type { OsIdentification } from '../src/core/scan/identify-os';
import type { AnalysisView, DumpId, OsView, OverviewFacts, RegionColumns, ThreadRow } from './engine-protocol';

/** A sorted string table and each value's code in it (sorted so code order is string order). */
function dictionary(values: readonly (string | undefined)[]): { table: string[]; code: Map<string, number> } {
  const table = [...new Set(values.filter((v): v is string => v !== undefined))].sort(compareText);
  return { table, code: new Map(table.map((v, i) => [v, i])) };
}

/** Plain code-unit order: locale-independent, and the same in every browser. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function regionColumns(regions: readonly Region[]): RegionColumns {
  const n = regions.length;
  const kinds = dictionary(regions.map((r) => r.kind));
  const types = dictionary(regions.map((r) => r.type));
  const states = dictionary(regions.map((r) => r.state));
  const protects = dictionary(regions.map((r) => r.protect));
  const images = dictionary(regions.map((r) => r.image));
  const perms = dictionary(regions.map((r) => r.perms));
  const cols = {
    count: n,
    start: new BigUint64Array(n),
    end: new BigUint64Array(n),
    startRank: new Uint32Array(n),
    endRank: new Uint32Array(n),
    size: new Float64Array(n),
    inDump: new Float64Array(n),
    kind: new Uint16Array(n),
    kinds: kinds.table,
    type: new Uint8Array(n),
    types: types.table,
    state: new Uint8Array(n),
    states: states.table,
    protect: new Uint16Array(n),
    protects: protects.table,
    image: new Int32Array(n),
    images: images.table,
    tid: new Int32Array(n),
    heuristic: new Int32Array(n),
    heuristics: [] as { name: string; evidence: string }[],
    truncated: new Uint8Array(n),
    dumpOffset: new Float64Array(n),
    perms: new Uint8Array(n),
    permsTable: perms.table,
    addressDigits: 1,
  };
  let maxEnd = 1n;
  regions.forEach((r, i) => {
    cols.start[i] = r.start;
    cols.end[i] = r.end;
    cols.size[i] = r.size;
    cols.inDump[i] = r.inDump;
    cols.kind[i] = kinds.code.get(r.kind) ?? 0;
    cols.type[i] = types.code.get(r.type) ?? 0;
    cols.state[i] = states.code.get(r.state) ?? 0;
    cols.protect[i] = protects.code.get(r.protect) ?? 0;
    cols.image[i] = r.image === undefined ? -1 : (images.code.get(r.image) ?? -1);
    cols.tid[i] = r.tid ?? -1;
    cols.truncated[i] = r.truncated ? 1 : 0;
    cols.dumpOffset[i] = r.dumpOffset;
    cols.perms[i] = perms.code.get(r.perms) ?? 0;
    if (r.end > maxEnd) maxEnd = r.end;
    if (r.heuristic === undefined) cols.heuristic[i] = -1;
    else cols.heuristic[i] = cols.heuristics.push({ name: r.heuristic.name, evidence: r.heuristic.evidence }) - 1;
  });
  cols.addressDigits = (maxEnd - 1n).toString(16).length;
  rankBy(regions, (r) => r.start, cols.startRank);
  rankBy(regions, (r) => r.end, cols.endRank);
  return cols;
}

/** Writes each region's position in the order of `key` (ties in region order) into `ranks`. */
function rankBy(regions: readonly Region[], key: (r: Region) => bigint, ranks: Uint32Array): void {
  const keys = regions.map(key);
  // The engine hands regions over sorted by start (and, as they do not overlap, by end): then each rank is the
  // region's own index, and the sort — a comparator call per region, in a worker that has never run it — is skipped.
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = (keys[i - 1] ?? 0n) <= (keys[i] ?? 0n);
  if (inOrder) {
    for (let i = 0; i < ranks.length; i++) ranks[i] = i;
    return;
  }
  const order = Array.from({ length: regions.length }, (_, i) => i);
  order.sort((a, b) => {
    const x = keys[a] ?? 0n;
    const y = keys[b] ?? 0n;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  order.forEach((regionIndex, rank) => {
    ranks[regionIndex] = rank;
  });
}

/** The typed arrays' buffers, to transfer rather than copy. */
export function regionBuffers(cols: RegionColumns): ArrayBuffer[] {
  const arrays = [
    cols.start,
    cols.end,
    cols.startRank,
    cols.endRank,
    cols.size,
    cols.inDump,
    cols.kind,
    cols.type,
    cols.state,
    cols.protect,
    cols.image,
    cols.tid,
    cols.heuristic,
    cols.truncated,
    cols.dumpOffset,
    cols.perms,
  ];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

function threadRows(a: Analysis): ThreadRow[] {
  const hex = (v: bigint | undefined) => (v === undefined ? undefined : hexAddress(v));
  return a.threads.map((t) => ({
    tid: t.tid,
    signal: t.signal,
    signalName: t.signal === 0 ? '' : (signalName(t.signal, a.dump.machine) ?? `signal ${t.signal}`),
    crashed: t.crashed,
    signalled: t.signalled ?? t.crashed,
    pc: hex(t.pc),
    pcSymbol: t.pcSymbol,
    sp: hex(t.sp),
    stackStart: hex(t.stackStart),
    stackEnd: hex(t.stackEnd),
    stackSize: t.stackSize,
    stackUsed: t.stackUsed,
    stackRegion: t.stackRegion,
    registerCount: t.registers.count,
  }));
}

function overviewFacts(a: Analysis): OverviewFacts {
  const p = a.process;
  const d = a.dump;
  return {
    process: {
      name: p.name,
      args: p.args,
      pid: p.pid,
      ppid: p.ppid,
      uid: p.uid,
      executable: p.executable,
      signal: p.signal,
      signalName: p.signalName,
      signalCode: p.signalCode,
      faultAddress: p.faultAddress === undefined ? undefined : hexAddress(p.faultAddress),
      snapshot: p.snapshot,
      runtime: p.runtime === undefined ? undefined : { ...p.runtime },
      os: osView(p.os),
    },
    dump: {
      size: d.size,
      arch: d.arch,
      bits: d.bits,
      endian: d.endian,
      os: d.os,
      pageSize: d.pageSize,
      producer: { name: d.producer.name, evidence: d.producer.evidence },
      programHeaders: d.programHeaders,
      loadSegments: d.loadSegments,
      notes: d.notes.length,
      bytesRead: d.bytesRead,
      warnings: [...d.warnings],
    },
    modules: a.modules.map((m) => ({
      path: m.path,
      start: hexAddress(m.start),
      end: hexAddress(m.end),
      buildId: m.buildId,
    })),
  };
}

/** The engine's OS identification as the page shows it (addresses as `0x…`). */
export function osView(os: OsIdentification | undefined): OsView | undefined {
  if (os === undefined) return undefined;
  return {
    name: os.name,
    source: os.source,
    evidence: os.evidence,
    ...(os.address !== undefined ? { address: hexAddress(os.address) } : {}),
    ranked: os.ranked
      .map((e) => ({ ...e, address: e.address === undefined ? undefined : hexAddress(e.address) }))
      .map(withoutUndefined),
  };
}

/** Back to the engine's form, for jsonDocumentText: the same fields, so the JSON is the CLI's. */
export function osIdentification(os: OsView | undefined): OsIdentification | undefined {
  if (os === undefined) return undefined;
  return {
    name: os.name,
    source: os.source,
    evidence: os.evidence,
    ...(os.address !== undefined ? { address: BigInt(os.address) } : {}),
    heuristic: 'identify-os',
    ranked: os.ranked
      .map((e) => ({ ...e, address: e.address === undefined ? undefined : BigInt(e.address) }))
      .map(withoutUndefined),
  };
}

/** The object without its undefined fields: what a structured clone and JSON.stringify keep alike. */
function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function analysisView(id: DumpId, fileName: string, a: Analysis, analyzeMs: number): AnalysisView {
  return {
    id,
    fileName,
    analyzeMs,
    overview: overviewFacts(a),
    regions: regionColumns(a.regions),
    totals: a.totals.map((t) => ({ ...t })),
    imageTotals: a.imageTotals.map((t) => ({ ...t })),
    threads: threadRows(a),
  };
}
