/**
 * Names for code addresses: the function symbols of one image (or several tables of it merged), sorted by address
 * in typed arrays and searched by bisection, so that a table of libxul's or libcoreclr's size (100k+ symbols)
 * builds in milliseconds and answers a lookup in microseconds. Names are kept as offsets into their string
 * tables and decoded only when a lookup returns them; they stay mangled.
 *
 * Addresses are link-time (the caller subtracts the module's load bias). They are stored as doubles relative to
 * `base`, exact below 2^53: a user-space image's addresses need no base at all; a kernel image's (0xffff…) do.
 */
import { decodeText } from '../elf/binary-view';

export interface SymbolHit {
  readonly name: string;
  /** vaddr minus the symbol's value. */
  readonly offset: number;
  /** st_size (0 for a symbol that has none). */
  readonly size: number;
}

/**
 * How a symbol ranks among those at one address and as an answer: its kind times 4 plus its binding's rank.
 * Kinds, best first: a function with a size, a function without one, an untyped symbol (assembler labels) with a
 * size, one without.
 */
export const RANK = { FUNC_SIZED: 3, FUNC_ZERO: 2, NOTYPE_SIZED: 1, NOTYPE_ZERO: 0 } as const;
export const BIND_RANK = { LOCAL: 0, WEAK: 1, GLOBAL: 2 } as const;

/** The raw rows of a table, in any order; `limits` is where the symbol's section (or segment) ends. */
export interface SymbolColumns {
  readonly base: bigint;
  readonly count: number;
  readonly starts: Float64Array;
  readonly sizes: Float64Array;
  readonly limits: Float64Array;
  readonly ranks: Uint8Array;
  readonly nameOffsets: Uint32Array;
  readonly nameSources: Uint16Array;
  readonly strings: readonly Uint8Array[];
}

/** A zero-size symbol names at most this much code after it; no answer is ever further from its symbol. */
const MAX_DISTANCE = 1 << 20;
/** How many lower-addressed symbols a lookup looks through for one whose size covers the address. */
const WALK_BACK = 64;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

export class SymbolTable {
  private constructor(private readonly c: SymbolColumns) {}

  get count(): number {
    return this.c.count;
  }

  /** One table of the rows of every column set, sorted by address, without repeats. */
  static fromColumns(parts: readonly SymbolColumns[]): SymbolTable {
    const all = concatColumns(parts);
    return new SymbolTable(permute(all, sortOrder(all)));
  }

  /** One table of every table's symbols (e.g. an image's and its separate debug file's). */
  static merge(tables: readonly SymbolTable[]): SymbolTable {
    if (tables.length === 1 && tables[0] !== undefined) return tables[0];
    const bounds: number[] = [];
    const all = concatColumns(
      tables.map((t) => t.c),
      bounds,
    );
    // Each table is sorted already: merging their rows gives the order a sort would, in one pass.
    return new SymbolTable(permute(all, mergedOrder(all, bounds) ?? sortOrder(all)));
  }

  /**
   * The symbol naming link-time address `vaddr`: a function whose [value, value + size) covers it (the nearest
   * one), else a size-less function at the nearest lower address (it covers up to the next symbol), else an
   * untyped symbol the same way. Never one whose section ends before `vaddr`, nor a size-less one more than
   * 1 MiB away.
   */
  lookup(vaddr: bigint): SymbolHit | undefined {
    const c = this.c;
    if (c.count === 0 || vaddr < c.base) return undefined;
    const delta = vaddr - c.base;
    if (delta > MAX_EXACT) return undefined;
    const x = Number(delta);
    const top = lastAtOrBelow(c.starts, c.count, x);
    if (top < 0) return undefined;
    const topStart = c.starts[top] ?? 0;
    const next = top + 1 < c.count ? (c.starts[top + 1] ?? Infinity) : Infinity;
    let zeroFunc = -1;
    let sizedUntyped = -1;
    let zeroUntyped = -1;
    for (let j = top; j >= 0 && top - j < WALK_BACK; j--) {
      const start = c.starts[j] ?? 0;
      if (x >= (c.limits[j] ?? 0)) continue;
      const size = c.sizes[j] ?? 0;
      const kind = (c.ranks[j] ?? 0) >> 2;
      if (size > 0) {
        if (x >= start + size) continue;
        if (kind === RANK.FUNC_SIZED) return this.hit(j, x);
        if (sizedUntyped < 0) sizedUntyped = j;
      } else if (start === topStart && x < next && x - start <= MAX_DISTANCE) {
        if (kind === RANK.FUNC_ZERO && zeroFunc < 0) zeroFunc = j;
        if (kind === RANK.NOTYPE_ZERO && zeroUntyped < 0) zeroUntyped = j;
      }
      if (x - start > MAX_DISTANCE && start !== topStart) break;
    }
    for (const j of [zeroFunc, sizedUntyped, zeroUntyped]) if (j >= 0) return this.hit(j, x);
    return undefined;
  }

  private hit(i: number, x: number): SymbolHit {
    const c = this.c;
    return { name: nameAt(c, i), offset: x - (c.starts[i] ?? 0), size: c.sizes[i] ?? 0 };
  }
}

/**
 * The rows of `parts` in one set, re-based to the lowest base (rows that would not stay exact are dropped).
 * `bounds`, when given, receives the first row of each non-empty part in the set, in order.
 */
function concatColumns(parts: readonly SymbolColumns[], bounds?: number[]): SymbolColumns {
  const used = parts.filter((p) => p.count > 0);
  const first = used[0];
  if (used.length === 1 && first !== undefined) {
    bounds?.push(0);
    return first;
  }
  let base: bigint | undefined;
  for (const p of used) if (base === undefined || p.base < base) base = p.base;
  const strings = used.flatMap((p) => p.strings);
  const out = emptyColumns(
    used.reduce((n, p) => n + p.count, 0),
    base ?? 0n,
    strings,
  );
  let n = 0;
  let firstSource = 0;
  for (const p of used) {
    bounds?.push(n);
    const shift = Number(p.base - out.base);
    for (let i = 0; i < p.count; i++) {
      const start = (p.starts[i] ?? 0) + shift;
      if (start > Number.MAX_SAFE_INTEGER) continue;
      out.starts[n] = start;
      out.sizes[n] = p.sizes[i] ?? 0;
      out.limits[n] = (p.limits[i] ?? 0) + shift;
      out.ranks[n] = p.ranks[i] ?? 0;
      out.nameOffsets[n] = p.nameOffsets[i] ?? 0;
      out.nameSources[n] = firstSource + (p.nameSources[i] ?? 0);
      n++;
    }
    firstSource += p.strings.length;
  }
  return { ...out, count: n };
}

/**
 * The row order by address, then rank (best last). With addresses below 2^32 and fewer than 2^21 rows — every
 * image ever linked — address and row index pack exactly into one double, and the typed array's own numeric sort
 * (no comparator: several times faster on 100k+ rows) orders them; runs of one address are then put in rank order.
 */
function sortOrder(c: SymbolColumns): Uint32Array {
  const { starts, ranks, count } = c;
  const order = new Uint32Array(count);
  let maxStart = 0;
  for (let i = 0; i < count; i++) maxStart = Math.max(maxStart, starts[i] ?? 0);
  if (maxStart >= 2 ** 32 || count >= 2 ** 21) {
    for (let i = 0; i < count; i++) order[i] = i;
    return order.sort((i, j) => (starts[i] ?? 0) - (starts[j] ?? 0) || (ranks[i] ?? 0) - (ranks[j] ?? 0));
  }
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = (starts[i] ?? 0) * 2 ** 21 + i;
  keys.sort();
  for (let i = 0; i < count; i++) order[i] = (keys[i] ?? 0) % 2 ** 21;
  for (let i = 0; i < count;) {
    let end = i + 1;
    while (end < count && starts[order[end] ?? 0] === starts[order[i] ?? 0]) end++;
    // Runs are short (a .dynsym entry and its .symtab twin, a few aliases): an insertion sort, no allocation.
    for (let k = i + 1; k < end; k++) {
      const row = order[k] ?? 0;
      const rank = ranks[row] ?? 0;
      let m = k - 1;
      for (; m >= i && (ranks[order[m] ?? 0] ?? 0) > rank; m--) order[m + 1] = order[m] ?? 0;
      order[m + 1] = row;
    }
    i = end;
  }
  return order;
}

/**
 * The order sortOrder gives — by address, then rank, then row — found by merging runs that are each sorted
 * already (the rows of tables built by fromColumns, `bounds` their first rows). Undefined when a run is not
 * sorted: the caller sorts instead.
 */
function mergedOrder(c: SymbolColumns, bounds: readonly number[]): Uint32Array | undefined {
  const { starts, ranks, count } = c;
  const ends = bounds.map((_, k) => bounds[k + 1] ?? count);
  for (let k = 0; k < bounds.length; k++) {
    for (let i = (bounds[k] ?? 0) + 1; i < (ends[k] ?? 0); i++) {
      const a = starts[i - 1] ?? 0;
      const b = starts[i] ?? 0;
      // NaN compares false everywhere: only rows that are strictly in order pass.
      if (!(a < b || (a === b && (ranks[i - 1] ?? 0) <= (ranks[i] ?? 0)))) return undefined;
    }
  }
  const heads = [...bounds];
  const order = new Uint32Array(count);
  for (let n = 0; n < count; n++) {
    let best = -1;
    let bestStart = 0;
    let bestRank = 0;
    for (let k = 0; k < heads.length; k++) {
      const i = heads[k] ?? 0;
      if (i >= (ends[k] ?? 0)) continue;
      const start = starts[i] ?? 0;
      const rank = ranks[i] ?? 0;
      // Ties go to the earlier run: its rows come first in the set, as the sort's row order has them.
      if (best < 0 || start < bestStart || (start === bestStart && rank < bestRank)) {
        best = k;
        bestStart = start;
        bestRank = rank;
      }
    }
    if (best < 0) return undefined;
    order[n] = heads[best] ?? 0;
    heads[best] = (heads[best] ?? 0) + 1;
  }
  return order;
}

export function emptyColumns(count: number, base: bigint, strings: readonly Uint8Array[]): SymbolColumns {
  return {
    base,
    count,
    starts: new Float64Array(count),
    sizes: new Float64Array(count),
    limits: new Float64Array(count),
    ranks: new Uint8Array(count),
    nameOffsets: new Uint32Array(count),
    nameSources: new Uint16Array(count),
    strings,
  };
}

/** The rows in `order`, without repeats of one name at one address (.symtab repeats .dynsym's). */
function permute(c: SymbolColumns, order: Uint32Array): SymbolColumns {
  const out = emptyColumns(order.length, c.base, c.strings);
  let n = 0;
  for (const i of order) {
    const start = c.starts[i] ?? 0;
    if (isRepeat(c, out, n, i, start)) continue;
    out.starts[n] = start;
    out.sizes[n] = c.sizes[i] ?? 0;
    out.limits[n] = c.limits[i] ?? 0;
    out.ranks[n] = c.ranks[i] ?? 0;
    out.nameOffsets[n] = c.nameOffsets[i] ?? 0;
    out.nameSources[n] = c.nameSources[i] ?? 0;
    n++;
  }
  return { ...out, count: n };
}

/** Whether row `i` of `c` names a symbol already kept (same address and name) among the last rows of `out`. */
function isRepeat(c: SymbolColumns, out: SymbolColumns, n: number, i: number, start: number): boolean {
  for (let k = n - 1; k >= 0 && out.starts[k] === start; k--) {
    if (sameName(c, c.nameSources[i] ?? 0, c.nameOffsets[i] ?? 0, out.nameSources[k] ?? 0, out.nameOffsets[k] ?? 0)) {
      return true;
    }
  }
  return false;
}

function sameName(c: SymbolColumns, sa: number, oa: number, sb: number, ob: number): boolean {
  const a = c.strings[sa];
  const b = c.strings[sb];
  if (a === undefined || b === undefined) return false;
  if (a === b && oa === ob) return true;
  for (let k = 0; ; k++) {
    const x = a[oa + k] ?? 0;
    if (x !== (b[ob + k] ?? 0)) return false;
    if (x === 0) return true;
  }
}

function nameAt(c: SymbolColumns, i: number): string {
  const table = c.strings[c.nameSources[i] ?? 0];
  if (table === undefined) return '';
  const start = c.nameOffsets[i] ?? 0;
  let end = start;
  let ascii = true;
  for (; end < table.length && table[end] !== 0; end++) if ((table[end] ?? 0) >= 0x80) ascii = false;
  // Symbol names are ASCII (mangled C++ and Rust included): a string from char codes skips the decoder's call cost.
  if (ascii && end - start <= 1024) return String.fromCharCode(...table.subarray(start, end));
  return decodeText(table.subarray(start, end));
}

/** The index of the last of the first `count` sorted values that is <= x, or -1. */
function lastAtOrBelow(values: Float64Array, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
