/**
 * Filtering and sorting the region table: pure functions over RegionColumns, producing the row order as a
 * Uint32Array of region indices. Everything per row is a typed-array read and a number compare (string columns
 * are sorted dictionary codes, addresses are ranks), so 100k rows filter and sort in tens of milliseconds.
 */
import type { RegionColumns } from '../../../workers/engine-protocol';
import { parseAddress } from '../../core/format/address';
import type { RegionFilter, SortSpec } from '../../state/hash-state';

export const REGION_COLUMN_IDS = [
  'kind',
  'start',
  'end',
  'size',
  'type',
  'state',
  'protect',
  'inDump',
  'touched',
  'tid',
  'image',
] as const;
export type RegionColumnId = (typeof REGION_COLUMN_IDS)[number];

/** Columns whose first click sorts largest first. Addresses and names sort ascending first. */
export const NUMERIC_REGION_COLUMNS: ReadonlySet<string> = new Set(['size', 'inDump', 'touched', 'tid']);

/** Computed once per dump: the address order and lower-cased string tables for the text filter. */
export interface PreparedRegions {
  readonly cols: RegionColumns;
  /** Region indices in start-address order: the default row order. */
  readonly addressOrder: Uint32Array;
  readonly imagesLower: readonly string[];
  readonly kindsLower: readonly string[];
}

export function prepareRegions(cols: RegionColumns): PreparedRegions {
  const addressOrder = new Uint32Array(cols.count);
  for (let i = 0; i < cols.count; i++) addressOrder[cols.startRank[i] ?? 0] = i;
  return {
    cols,
    addressOrder,
    imagesLower: cols.images.map((s) => s.toLowerCase()),
    kindsLower: cols.kinds.map((s) => s.toLowerCase()),
  };
}

/** Index of the region holding `address` (binary search in address order), or undefined. */
export function regionAt(p: PreparedRegions, address: bigint): number | undefined {
  let lo = 0;
  let hi = p.addressOrder.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const i = p.addressOrder[mid] ?? 0;
    if ((p.cols.start[i] ?? 0n) <= address) {
      found = i;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== undefined && address < (p.cols.end[found] ?? 0n) ? found : undefined;
}

/** What the text box means: an address held by some region (select it), or text to match paths and kinds. */
export type TextQuery =
  | { readonly mode: 'none' }
  | { readonly mode: 'address'; readonly address: bigint; readonly region: number }
  | { readonly mode: 'text'; readonly text: string; readonly address?: bigint };

export function interpretText(p: PreparedRegions, text: string): TextQuery {
  const t = text.trim();
  if (t === '') return { mode: 'none' };
  const address = parseAddress(t);
  if (address !== undefined) {
    const region = regionAt(p, address);
    if (region !== undefined) return { mode: 'address', address, region };
  }
  return address === undefined
    ? { mode: 'text', text: t.toLowerCase() }
    : { mode: 'text', text: t.toLowerCase(), address };
}

/** Codes of a string table whose value matches, as a lookup array. */
function matchingCodes(table: readonly string[], wanted: string | undefined): Uint8Array | undefined {
  if (wanted === undefined) return undefined;
  return Uint8Array.from(table, (v) => (v === wanted ? 1 : 0));
}

/** Rows passing the filter, in address order. An address query does not filter: it selects (see interpretText). */
export function filterRegions(p: PreparedRegions, filter: RegionFilter): Uint32Array {
  const c = p.cols;
  const kind = matchingCodes(c.kinds, filter.kind);
  const type = matchingCodes(c.types, filter.type);
  const state = matchingCodes(c.states, filter.state);
  const protect = matchingCodes(c.protects, filter.protect);
  const query = interpretText(p, filter.text);
  const textImage =
    query.mode === 'text' ? Uint8Array.from(p.imagesLower, (v) => (v.includes(query.text) ? 1 : 0)) : undefined;
  const textKind =
    query.mode === 'text' ? Uint8Array.from(p.kindsLower, (v) => (v.includes(query.text) ? 1 : 0)) : undefined;
  if (
    kind === undefined &&
    type === undefined &&
    state === undefined &&
    protect === undefined &&
    textImage === undefined
  )
    return p.addressOrder;
  const out = new Uint32Array(c.count);
  let n = 0;
  for (const i of p.addressOrder) {
    if (kind !== undefined && kind[c.kind[i] ?? 0] !== 1) continue;
    if (type !== undefined && type[c.type[i] ?? 0] !== 1) continue;
    if (state !== undefined && state[c.state[i] ?? 0] !== 1) continue;
    if (protect !== undefined && protect[c.protect[i] ?? 0] !== 1) continue;
    if (textImage !== undefined && textKind !== undefined) {
      const image = c.image[i] ?? -1;
      if (!(image >= 0 && textImage[image] === 1) && textKind[c.kind[i] ?? 0] !== 1) continue;
    }
    out[n++] = i;
  }
  return out.subarray(0, n);
}

/**
 * The sort key of each region for a column; NaN marks "no value" (anonymous image, no thread, census not in),
 * always sorted last. `touched` is the census's column (NaN until a region's result arrives).
 */
function sortKeys(c: RegionColumns, column: RegionColumnId, touched: Float64Array | undefined): ArrayLike<number> {
  switch (column) {
    case 'kind':
      return c.kind;
    case 'start':
      return c.startRank;
    case 'end':
      return c.endRank;
    case 'size':
      return c.size;
    case 'type':
      return c.type;
    case 'state':
      return c.state;
    case 'protect':
      return c.protect;
    case 'inDump':
      return c.inDump;
    case 'touched':
      return touched ?? new Float64Array(c.count).fill(NaN);
    case 'tid':
      return Float64Array.from(c.tid, (t) => (t < 0 ? NaN : t));
    case 'image':
      return Float64Array.from(c.image, (t) => (t < 0 ? NaN : t));
  }
}

export function isRegionColumn(id: string): id is RegionColumnId {
  return (REGION_COLUMN_IDS as readonly string[]).includes(id);
}

/**
 * Rows in the order of `sort` (ties by address); `rows` must be in address order (filterRegions' output), which
 * is kept as is when there is no sort. Returns a new array; never sorts `rows` in place.
 */
export function sortRegions(
  p: PreparedRegions,
  rows: Uint32Array,
  sort: SortSpec | undefined,
  touched?: Float64Array,
): Uint32Array {
  if (sort === undefined || !isRegionColumn(sort.column) || (sort.column === 'start' && !sort.desc)) return rows;
  const keys = sortKeys(p.cols, sort.column, touched);
  const rank = p.cols.startRank;
  const dir = sort.desc ? -1 : 1;
  const present: number[] = [];
  const missing: number[] = [];
  for (const i of rows) (Number.isNaN(keys[i] ?? NaN) ? missing : present).push(i);
  present.sort((a, b) => ((keys[a] ?? 0) - (keys[b] ?? 0)) * dir || (rank[a] ?? 0) - (rank[b] ?? 0));
  const out = new Uint32Array(rows.length);
  out.set(present);
  out.set(missing, present.length);
  return out;
}
