/**
 * Threads: filter, sort and the stack-size distribution — pure functions over the ThreadRows (a few thousand at
 * most, so plain arrays do). The distribution is what makes "788 threads × 8 MiB" jump out. The stacks pass adds
 * two texts per thread (its top frame, the system call it is blocked in) that filter and sort like the rest.
 */
import type { ThreadRow } from '../../../workers/engine-protocol';
import type { Syscall, ThreadStack } from '../../core/types';
import { frameText } from '../../core/model/frame-text';
import { topFrame } from '../../core/model/stack-groups';
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

/** What the stacks pass says of each thread, as the table shows it; by thread index, undefined until known. */
export interface ThreadStackTexts {
  /** The first frame past the wait wrappers (topFrame), as frameText writes it. */
  readonly topFrame: readonly (string | undefined)[];
  /** The system call's text, with "(interrupted)" when a signal interrupted it. */
  readonly blockedIn: readonly (string | undefined)[];
  /** The system call's name alone (the select filter). */
  readonly syscall: readonly (string | undefined)[];
}

/** The "Blocked in" text of a system call: an interrupted call says so, since its thread was in a handler's path. */
export function blockedInText(s: Syscall): string {
  return s.interrupted ? `${s.text} (interrupted)` : s.text;
}

/** The per-thread texts for `count` threads from the stacks state's arrays (by thread index). */
export function stackTexts(
  count: number,
  stacks: readonly (ThreadStack | undefined)[],
  syscalls: readonly (Syscall | undefined)[],
): ThreadStackTexts {
  const top: (string | undefined)[] = [];
  const blocked: (string | undefined)[] = [];
  const names: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const frames = stacks[i]?.frames;
    // Every frame a wait wrapper: the innermost still says more than nothing.
    const f = frames === undefined ? undefined : (topFrame(frames) ?? frames[0]);
    top.push(f === undefined ? undefined : frameText(f));
    const s = syscalls[i];
    blocked.push(s === undefined ? undefined : blockedInText(s));
    names.push(s?.name);
  }
  return { topFrame: top, blockedIn: blocked, syscall: names };
}

/** System call names with how many threads are in each, most first (the select's options). */
export function syscallCounts(texts: ThreadStackTexts): { readonly name: string; readonly count: number }[] {
  const by = new Map<string, number>();
  for (const n of texts.syscall) if (n !== undefined) by.set(n, (by.get(n) ?? 0) + 1);
  return [...by]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
}

/** Filters beside the text: a set of threads (a stack group's, a finding's) and a system call. */
export interface ThreadFilter {
  /** Only these threads (by tid). */
  readonly tids?: readonly number[];
  /** What the set is, for the filter's chip ("stack group 1", "a frame shared by 788 threads"). */
  readonly tidsLabel?: string;
  /** Only threads blocked in this system call (by name). */
  readonly syscall?: string;
}

/**
 * Rows (thread indices) whose tid, signal, pc symbol, top frame or system call contains the text; pc and sp only
 * for text written as an address ("0x7f…"), and the system call's arguments only for text that is not a bare
 * number, so typing a tid does not also match every address or fd that happens to contain its digits. `filter`
 * narrows further (tids, system call name).
 */
export function filterThreads(
  threads: readonly ThreadRow[],
  text: string,
  texts?: ThreadStackTexts,
  filter?: ThreadFilter,
): number[] {
  const t = text.trim().toLowerCase();
  const address = t.startsWith('0x');
  const bareNumber = /^\d+$/.test(t);
  const tids = filter?.tids === undefined ? undefined : new Set(filter.tids);
  const syscall = filter?.syscall;
  const out: number[] = [];
  threads.forEach((th, i) => {
    if (tids !== undefined && !tids.has(th.tid)) return;
    if (syscall !== undefined && texts?.syscall[i] !== syscall) return;
    if (t === '') {
      out.push(i);
      return;
    }
    const top = texts?.topFrame[i] ?? '';
    const blocked = (bareNumber ? texts?.syscall[i] : texts?.blockedIn[i]) ?? '';
    const fields = address
      ? [th.pc ?? '', th.sp ?? '', th.pcSymbol ?? '', top, blocked]
      : [String(th.tid), th.signalName, th.pcSymbol ?? '', top, blocked];
    if (fields.some((v) => v.toLowerCase().includes(t))) out.push(i);
  });
  return out;
}

/** 64-bit hex strings compare as numbers once padded. */
function hexKey(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.replace(/^0x/, '').padStart(16, '0');
}

function key(
  t: ThreadRow,
  i: number,
  column: string,
  census: ThreadCensus | undefined,
  texts: ThreadStackTexts | undefined,
): number | string | undefined {
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
    case 'topFrame':
      return texts?.topFrame[i];
    case 'blockedIn': {
      // By name first, so that every futex is together whatever its arguments.
      const name = texts?.syscall[i];
      return name === undefined ? undefined : `${name}\u0000${texts?.blockedIn[i] ?? ''}`;
    }
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
  texts?: ThreadStackTexts,
): number[] {
  if (sort === undefined) return [...rows];
  const dir = sort.desc ? -1 : 1;
  const keyed = rows.map((i) => {
    const t = threads[i];
    return { i, k: t === undefined ? undefined : key(t, i, sort.column, census, texts) };
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
