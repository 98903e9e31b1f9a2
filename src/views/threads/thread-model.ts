/**
 * Threads: filter, sort and the stack-size distribution — pure functions over the ThreadRows (a few thousand at
 * most, so plain arrays do). The distribution is what makes "788 threads × 8 MiB" jump out.
 */
import type { ThreadRow } from '../../../workers/engine-protocol';
import type { SortSpec } from '../../state/hash-state';

export const NUMERIC_THREAD_COLUMNS: ReadonlySet<string> = new Set([
  'stackSize',
  'stackUsed',
  'usedPercent',
  'stackTouched',
  'peakDepth',
]);

/** The census columns per thread index (NaN until in): stack touched bytes and high-water depth. */
export interface ThreadCensus {
  readonly touched: Float64Array;
  readonly depth: Float64Array;
}

/**
 * Whether the signal was delivered to this thread (the engine's `signalled`: the kernel repeats the process's signal
 * in every thread's note, and a gcore snapshot has none). Rows without the field count the crashed thread.
 */
export function tookSignal(t: ThreadRow): boolean {
  return t.signal !== 0 && (t.signalled ?? t.crashed);
}

export function usedPercent(t: ThreadRow): number | undefined {
  return t.stackSize === undefined || t.stackUsed === undefined || t.stackSize === 0
    ? undefined
    : (t.stackUsed / t.stackSize) * 100;
}

/**
 * Rows (thread indices) whose tid, signal or pc symbol contains the text; pc and sp only for text written as an
 * address ("0x7f…"), so typing a tid does not also match every address that happens to contain its digits.
 */
export function filterThreads(threads: readonly ThreadRow[], text: string): number[] {
  const t = text.trim().toLowerCase();
  const address = t.startsWith('0x');
  const out: number[] = [];
  threads.forEach((th, i) => {
    const fields = address
      ? [th.pc ?? '', th.sp ?? '', th.pcSymbol ?? '']
      : [String(th.tid), th.signalName, th.pcSymbol ?? ''];
    if (t === '' || fields.some((v) => v.toLowerCase().includes(t))) out.push(i);
  });
  return out;
}

/** 64-bit hex strings compare as numbers once padded. */
function hexKey(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.replace(/^0x/, '').padStart(16, '0');
}

function key(t: ThreadRow, i: number, column: string, census: ThreadCensus | undefined): number | string | undefined {
  switch (column) {
    case 'tid':
      return t.tid;
    case 'signal':
      return t.signal === 0 ? undefined : t.signal;
    case 'pc':
      // By address: as text, "libc.so.6+0x10aae7" would sort before "libc.so.6+0x85f16".
      return hexKey(t.pc);
    case 'sp':
      return hexKey(t.sp);
    case 'stackSize':
      return t.stackSize;
    case 'stackUsed':
      return t.stackUsed;
    case 'usedPercent':
      return usedPercent(t);
    case 'stackTouched':
      return present(census?.touched[i]);
    case 'peakDepth':
      return present(census?.depth[i]);
    default:
      return undefined;
  }
}

function present(v: number | undefined): number | undefined {
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/** Sorted copy of `rows`; threads without a value for the column go last; ties keep the dump's order. */
export function sortThreads(
  threads: readonly ThreadRow[],
  rows: readonly number[],
  sort: SortSpec | undefined,
  census?: ThreadCensus,
): number[] {
  if (sort === undefined) return [...rows];
  const dir = sort.desc ? -1 : 1;
  const keyed = rows.map((i) => {
    const t = threads[i];
    return { i, k: t === undefined ? undefined : key(t, i, sort.column, census) };
  });
  keyed.sort((a, b) => {
    if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.i - b.i : a.k === undefined ? 1 : -1;
    const c =
      typeof a.k === 'number' && typeof b.k === 'number'
        ? a.k - b.k
        : String(a.k) < String(b.k)
          ? -1
          : String(a.k) > String(b.k)
            ? 1
            : 0;
    return c * dir || a.i - b.i;
  });
  return keyed.map((x) => x.i);
}

export interface StackBucket {
  /** Stack size in bytes; undefined for threads whose sp is in no region. */
  readonly size: number | undefined;
  readonly count: number;
  readonly total: number;
}

/** Threads grouped by stack size, largest share (count × size) first. */
export function stackDistribution(threads: readonly ThreadRow[]): StackBucket[] {
  const by = new Map<number | undefined, number>();
  for (const t of threads) by.set(t.stackSize, (by.get(t.stackSize) ?? 0) + 1);
  return [...by]
    .map(([size, count]) => ({ size, count, total: (size ?? 0) * count }))
    .sort((a, b) => b.total - a.total || b.count - a.count || (a.size ?? -1) - (b.size ?? -1));
}
