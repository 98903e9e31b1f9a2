/**
 * The view in the URL hash, so a link opens the same view, filters, sort and selection on the same dump:
 *   #v=regions&kind=Stack&type=MEM_PRIVATE&state=MEM_COMMIT&prot=PAGE_READWRITE&q=libc&sort=size.desc&sel=0x7f…
 *   #v=threads&tq=recv&tsort=stackSize.desc&tid=1234
 *   #v=memory&at=0x7f42d2d6dfa0&hx=bytes&hl=6       (the hex view: address, db view, 6 bytes marked)
 *   #v=compare&cmp=today.core                       (compared with another dump or report, by its file name)
 * Defaults are left out. Regions are named by start address and threads by tid (not by row index), so the link
 * survives a different row order. Pure functions: tested in hash-state.test.ts.
 */
export const VIEWS = ['overview', 'regions', 'totals', 'threads', 'search', 'memory', 'compare'] as const;
export type ViewName = (typeof VIEWS)[number];

/** The hex view's form: WinDbg's `dp` (pointer-sized words) or `db` (bytes and ASCII). */
export type HexMode = 'pointers' | 'bytes';

export interface SortSpec {
  readonly column: string;
  readonly desc: boolean;
}

export interface RegionFilter {
  readonly kind?: string;
  readonly type?: string;
  readonly state?: string;
  readonly protect?: string;
  /** Path text, or an address (which selects the region holding it). */
  readonly text: string;
}

export interface ViewState {
  readonly view: ViewName;
  readonly regionFilter: RegionFilter;
  readonly regionSort?: SortSpec;
  /** Start address of the selected region, `0x…`. */
  readonly region?: string;
  readonly threadText: string;
  readonly threadSort?: SortSpec;
  readonly thread?: number;
  /** The hex view's address, `0x…`. */
  readonly memoryAt?: string;
  readonly hexMode?: HexMode;
  /** Bytes marked from memoryAt (a search match). */
  readonly highlight?: number;
  /** The file name of the dump or report compared with the one on screen (a page reload cannot reopen it). */
  readonly compareWith?: string;
}

export const DEFAULT_VIEW_STATE: ViewState = { view: 'overview', regionFilter: { text: '' }, threadText: '' };

function parseSort(value: string | null): SortSpec | undefined {
  if (value === null) return undefined;
  const m = /^([A-Za-z]+)\.(asc|desc)$/.exec(value);
  return m?.[1] === undefined ? undefined : { column: m[1], desc: m[2] === 'desc' };
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

export function parseHash(hash: string): ViewState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const v = p.get('v');
  const view = (VIEWS as readonly string[]).includes(v ?? '') ? (v as ViewName) : 'overview';
  const tid = Number(p.get('tid') ?? '');
  const region = nonEmpty(p.get('sel'));
  const at = nonEmpty(p.get('at'));
  const hl = Number(p.get('hl') ?? '');
  return {
    view,
    regionFilter: {
      kind: nonEmpty(p.get('kind')),
      type: nonEmpty(p.get('type')),
      state: nonEmpty(p.get('state')),
      protect: nonEmpty(p.get('prot')),
      text: p.get('q') ?? '',
    },
    regionSort: parseSort(p.get('sort')),
    region: region !== undefined && /^0x[0-9a-f]{1,16}$/i.test(region) ? region.toLowerCase() : undefined,
    threadText: p.get('tq') ?? '',
    threadSort: parseSort(p.get('tsort')),
    thread: p.get('tid') !== null && Number.isSafeInteger(tid) ? tid : undefined,
    memoryAt: at !== undefined && /^0x[0-9a-f]{1,16}$/i.test(at) ? at.toLowerCase() : undefined,
    hexMode: p.get('hx') === 'bytes' ? 'bytes' : undefined,
    highlight: p.get('hl') !== null && Number.isInteger(hl) && hl > 0 && hl <= 65536 ? hl : undefined,
    compareWith: nonEmpty(p.get('cmp')),
  };
}

export function formatHash(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.view !== 'overview') p.set('v', s.view);
  const f = s.regionFilter;
  if (f.kind !== undefined) p.set('kind', f.kind);
  if (f.type !== undefined) p.set('type', f.type);
  if (f.state !== undefined) p.set('state', f.state);
  if (f.protect !== undefined) p.set('prot', f.protect);
  if (f.text !== '') p.set('q', f.text);
  if (s.regionSort !== undefined) p.set('sort', `${s.regionSort.column}.${s.regionSort.desc ? 'desc' : 'asc'}`);
  if (s.region !== undefined) p.set('sel', s.region);
  if (s.threadText !== '') p.set('tq', s.threadText);
  if (s.threadSort !== undefined) p.set('tsort', `${s.threadSort.column}.${s.threadSort.desc ? 'desc' : 'asc'}`);
  if (s.thread !== undefined) p.set('tid', String(s.thread));
  if (s.memoryAt !== undefined) p.set('at', s.memoryAt);
  if (s.hexMode === 'bytes') p.set('hx', 'bytes');
  if (s.highlight !== undefined) p.set('hl', String(s.highlight));
  if (s.compareWith !== undefined) p.set('cmp', s.compareWith);
  const text = p.toString();
  return text === '' ? '' : `#${text}`;
}

/** Clicking a column header: first click sorts (numbers largest first), the next flips, like most tools. */
export function nextSort(current: SortSpec | undefined, column: string, numeric: boolean): SortSpec {
  if (current?.column === column) return { column, desc: !current.desc };
  return { column, desc: numeric };
}
