/**
 * Two analyses' documents side by side (compare-document.ts says what each field means). Pure: it reads the two
 * ReportDocuments — a dump's, just made, or a saved report — and nothing else, so the CLI and the page compare
 * the same way whatever each side came from.
 */
import type { ReportDocument, ReportKindTotal, ReportThread } from '../format/report-document';
import type { ImageTotal } from '../types';
import type {
  CompareAmount,
  CompareDocument,
  CompareGroupRow,
  CompareImageRow,
  CompareKindRow,
  ComparePresence,
  CompareReserveRow,
  CompareSide,
  CompareStackMeasure,
  CompareStackSizes,
} from './compare-document';
import { compareFindings } from './compare-findings';
import { groupSignature } from './stack-signature';

export function compareReports(a: ReportDocument, b: ReportDocument): CompareDocument {
  const stackGroups = a.stackGroups && b.stackGroups ? compareGroups(a, b) : undefined;
  const findings = compareFindings(a, b);
  return {
    format: 'coreview-compare',
    version: 1,
    a: side(a),
    b: side(b),
    threads: amount(a.threads.length, b.threads.length),
    kinds: compareKinds(a, b),
    images: compareImages(a.imageTotals, b.imageTotals),
    ...(stackGroups ? { stackGroups } : {}),
    stackSizes: compareStackSizes(a, b),
    ...(findings ? { findings } : {}),
  };
}

/** b − a with its share of a (two decimals). */
export function amount(a: number, b: number): CompareAmount {
  const diff = b - a;
  const percent = a === 0 ? (diff === 0 ? 0 : null) : Math.round((diff / a) * 10000) / 100;
  return { a, b, diff, percent };
}

function side(d: ReportDocument): CompareSide {
  return {
    name: d.dump.name,
    size: d.dump.size,
    pid: d.process.pid,
    process: d.process.name,
    producer: d.dump.producer,
    threads: d.threads.length,
    regions: d.regions.length,
    stacks: d.stackGroups !== undefined,
    findings: d.findings !== undefined,
    ...(d.dump.census ? { census: d.dump.census } : {}),
  };
}

function presence(inA: boolean, inB: boolean): ComparePresence {
  return inA && inB ? 'both' : inA ? 'only-a' : 'only-b';
}

/** Keys of both maps: A's order, then B's new ones. */
function unionKeys<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])];
}

/** Largest |difference| first, then the larger side, then by name: the same order on every run. */
function byDifference<T>(
  rows: T[],
  primary: (r: T) => CompareAmount,
  secondary: (r: T) => CompareAmount,
  name: (r: T) => string,
): T[] {
  return rows.sort(
    (x, y) =>
      Math.abs(primary(y).diff) - Math.abs(primary(x).diff) ||
      Math.abs(secondary(y).diff) - Math.abs(secondary(x).diff) ||
      Math.max(primary(y).a, primary(y).b) - Math.max(primary(x).a, primary(x).b) ||
      name(x).localeCompare(name(y)),
  );
}

const NO_KIND: ReportKindTotal = { kind: '', count: 0, size: 0, inDump: 0, percent: 0, heuristic: false };

function compareKinds(a: ReportDocument, b: ReportDocument): CompareKindRow[] {
  const inA = new Map(a.totals.map((t) => [t.kind, t]));
  const inB = new Map(b.totals.map((t) => [t.kind, t]));
  const bothCensus = a.dump.census !== undefined && b.dump.census !== undefined;
  const rows = unionKeys(inA, inB).map((kind): CompareKindRow => {
    const x = inA.get(kind);
    const y = inB.get(kind);
    const ta = x ?? NO_KIND;
    const tb = y ?? NO_KIND;
    return {
      kind,
      presence: presence(x !== undefined, y !== undefined),
      count: amount(ta.count, tb.count),
      size: amount(ta.size, tb.size),
      inDump: amount(ta.inDump, tb.inDump),
      ...(bothCensus ? { touched: amount(ta.touched ?? 0, tb.touched ?? 0) } : {}),
      ...(x !== undefined ? { link: { view: 'regions', kind } } : {}),
    };
  });
  return byDifference(
    rows,
    (r) => r.size,
    (r) => r.count,
    (r) => r.kind,
  );
}

function compareImages(a: readonly ImageTotal[], b: readonly ImageTotal[]): CompareImageRow[] {
  const inA = new Map(a.map((t) => [t.image, t]));
  const inB = new Map(b.map((t) => [t.image, t]));
  const rows = unionKeys(inA, inB).map((image): CompareImageRow => {
    const x = inA.get(image);
    const y = inB.get(image);
    return {
      image,
      presence: presence(x !== undefined, y !== undefined),
      count: amount(x?.count ?? 0, y?.count ?? 0),
      size: amount(x?.size ?? 0, y?.size ?? 0),
      inDump: amount(x?.inDump ?? 0, y?.inDump ?? 0),
      ...(x !== undefined ? { link: { view: 'regions', text: image } } : {}),
    };
  });
  return byDifference(
    rows,
    (r) => r.size,
    (r) => r.count,
    (r) => r.image,
  );
}

interface MatchedGroup {
  readonly frames: ReportDocument['threads'][number]['frames'];
  readonly tids: number[];
}

/**
 * A side's groups by signature. Two groups of one dump can share a signature (frames without a module, which
 * the dump's own grouping tells apart by pc): their threads are counted together.
 */
function groupsBySignature(d: ReportDocument): Map<string, MatchedGroup> {
  const out = new Map<string, MatchedGroup>();
  for (const g of d.stackGroups ?? []) {
    const key = groupSignature(g.frames);
    const seen = out.get(key);
    if (seen === undefined) out.set(key, { frames: g.frames, tids: [...g.threads] });
    else seen.tids.push(...g.threads);
  }
  for (const g of out.values()) g.tids.sort((x, y) => x - y);
  return out;
}

function compareGroups(a: ReportDocument, b: ReportDocument): CompareGroupRow[] {
  const inA = groupsBySignature(a);
  const inB = groupsBySignature(b);
  const rows = unionKeys(inA, inB).map((key): CompareGroupRow => {
    const x = inA.get(key);
    const y = inB.get(key);
    const threads = amount(x?.tids.length ?? 0, y?.tids.length ?? 0);
    const status =
      x === undefined
        ? 'new'
        : y === undefined
          ? 'gone'
          : threads.diff > 0
            ? 'grew'
            : threads.diff < 0
              ? 'shrank'
              : 'same';
    return {
      key,
      status,
      threads,
      frames: x?.frames ?? y?.frames ?? [],
      tidsA: x?.tids ?? [],
      tidsB: y?.tids ?? [],
      ...(x !== undefined ? { link: { view: 'threads', tids: x.tids } } : {}),
    };
  });
  return byDifference(
    rows,
    (r) => r.threads,
    (r) => r.threads,
    (r) => r.key,
  );
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function measure(a: readonly number[], b: readonly number[]): CompareStackMeasure {
  const sum = (v: readonly number[]) => v.reduce((s, x) => s + x, 0);
  const max = (v: readonly number[]) => v.reduce((m, x) => Math.max(m, x), 0);
  return { total: amount(sum(a), sum(b)), max: amount(max(a), max(b)), median: amount(median(a), median(b)) };
}

function withStack(d: ReportDocument): ReportThread[] {
  return d.threads.filter((t) => t.stackSize !== undefined);
}

function compareStackSizes(a: ReportDocument, b: ReportDocument): CompareStackSizes {
  const sa = withStack(a);
  const sb = withStack(b);
  const pick = (threads: readonly ReportThread[], f: (t: ReportThread) => number | undefined) =>
    threads.map(f).filter((v): v is number => v !== undefined);
  const bothCensus = a.dump.census !== undefined && b.dump.census !== undefined;
  return {
    threadsWithStack: amount(sa.length, sb.length),
    reserve: measure(
      pick(sa, (t) => t.stackSize),
      pick(sb, (t) => t.stackSize),
    ),
    used: measure(
      pick(sa, (t) => t.stackUsed),
      pick(sb, (t) => t.stackUsed),
    ),
    ...(bothCensus
      ? {
          touched: measure(
            pick(sa, (t) => t.stackTouched),
            pick(sb, (t) => t.stackTouched),
          ),
        }
      : {}),
    byReserve: byReserve(sa, sb),
  };
}

function byReserve(a: readonly ReportThread[], b: readonly ReportThread[]): CompareReserveRow[] {
  const tidsBySize = (threads: readonly ReportThread[]) => {
    const out = new Map<string, number[]>();
    for (const t of threads) {
      const key = String(t.stackSize ?? 0);
      const tids = out.get(key);
      if (tids === undefined) out.set(key, [t.tid]);
      else tids.push(t.tid);
    }
    return out;
  };
  const inA = tidsBySize(a);
  const inB = tidsBySize(b);
  const rows = unionKeys(inA, inB).map((key): CompareReserveRow => {
    const x = inA.get(key);
    return {
      size: Number(key),
      threads: amount(x?.length ?? 0, inB.get(key)?.length ?? 0),
      ...(x !== undefined ? { link: { view: 'threads', tids: [...x].sort((p, q) => p - q) } } : {}),
    };
  });
  return rows.sort((x, y) => Math.abs(y.threads.diff) - Math.abs(x.threads.diff) || y.size - x.size);
}
