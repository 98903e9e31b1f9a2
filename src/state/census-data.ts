/**
 * The census as the page holds it while it streams in: typed arrays per region and per thread (NaN until a
 * value arrives), and the running sums per kind and per image, aligned with AnalysisView.totals / imageTotals.
 * applyBatch writes a batch in place (O(batch), never O(regions)); views re-render from `version`.
 */
import type { RuntimeInfo } from '../core/types';
import type {
  AnalysisView,
  CensusBatch,
  CensusExport,
  DumpId,
  OsView,
  ScanProgress,
} from '../../workers/engine-protocol';

export interface CensusData {
  /** Touched bytes per region; NaN = not in (yet). */
  readonly touched: Float64Array;
  readonly threadTouched: Float64Array;
  readonly threadDepth: Float64Array;
  readonly threadHighWater: BigUint64Array;
  readonly threadPartial: Uint8Array;
  kindTouched: Float64Array;
  kindPending: Uint32Array;
  imageTouched: Float64Array;
  imagePending: Uint32Array;
  regionsDone: number;
}

/** running → done (every region in, and shown) | cancelled | failed (a worker or a read failed: incomplete). */
export type CensusStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface CensusState {
  readonly dumpId: DumpId;
  readonly status: CensusStatus;
  readonly data: CensusData;
  /** Bumped by every batch: what memoized views depend on (the arrays change in place). */
  readonly version: number;
  readonly progress?: ScanProgress;
  readonly os?: OsView;
  /** The runtime with a version the census read from memory. */
  readonly runtime?: RuntimeInfo;
  readonly failures: readonly string[];
}

export function createCensusData(
  view: Pick<AnalysisView, 'regions' | 'threads' | 'totals' | 'imageTotals'>,
): CensusData {
  const threads = view.threads.length;
  return {
    touched: new Float64Array(view.regions.count).fill(NaN),
    threadTouched: new Float64Array(threads).fill(NaN),
    threadDepth: new Float64Array(threads).fill(NaN),
    threadHighWater: new BigUint64Array(threads),
    threadPartial: new Uint8Array(threads),
    kindTouched: new Float64Array(view.totals.length),
    kindPending: Uint32Array.from(view.totals, (t) => t.count),
    imageTouched: new Float64Array(view.imageTotals.length),
    imagePending: Uint32Array.from(view.imageTotals, (t) => t.count),
    regionsDone: 0,
  };
}

export function applyBatch(data: CensusData, batch: CensusBatch): void {
  batch.regions.forEach((region, k) => {
    if (Number.isNaN(data.touched[region] ?? 0)) data.regionsDone++;
    data.touched[region] = batch.touched[k] ?? NaN;
  });
  batch.threads.forEach((thread, k) => {
    data.threadTouched[thread] = batch.threadTouched[k] ?? NaN;
    data.threadDepth[thread] = batch.threadDepth[k] ?? NaN;
    data.threadHighWater[thread] = batch.threadHighWater[k] ?? 0n;
    data.threadPartial[thread] = batch.threadPartial[k] ?? 0;
  });
  if (batch.kindTouched.length === data.kindTouched.length) {
    data.kindTouched = batch.kindTouched;
    data.kindPending = batch.kindPending;
  }
  if (batch.imageTouched.length === data.imageTouched.length) {
    data.imageTouched = batch.imageTouched;
    data.imagePending = batch.imagePending;
  }
}

/**
 * After a census settled some regions' kinds (SettledView), the per-kind sums for the new totals, from the touched
 * bytes already held: O(regions), once. Image sums stay (settling touches anonymous memory only).
 */
export function realignKinds(data: CensusData, view: Pick<AnalysisView, 'regions' | 'totals'>): void {
  const index = new Map(view.totals.map((t, i) => [t.kind, i]));
  const cols = view.regions;
  const kindTouched = new Float64Array(view.totals.length);
  const kindPending = new Uint32Array(view.totals.length);
  for (let i = 0; i < cols.count; i++) {
    const k = index.get(cols.kinds[cols.kind[i] ?? 0] ?? '');
    if (k === undefined) continue;
    const t = data.touched[i] ?? NaN;
    if (Number.isNaN(t)) kindPending[k] = (kindPending[k] ?? 0) + 1;
    else kindTouched[k] = (kindTouched[k] ?? 0) + t;
  }
  data.kindTouched = kindTouched;
  data.kindPending = kindPending;
}

/**
 * The census a saved report holds, as the page holds a census it ran: complete ('done') or as far as it got
 * ('cancelled'); per kind and per image, the sums of the regions' touched bytes. Undefined without one.
 */
export function censusFromReport(view: AnalysisView): CensusState | undefined {
  const saved = view.report?.census;
  if (saved === undefined) return undefined;
  const data = createCensusData(view);
  const cols = view.regions;
  data.touched.set(saved.touched.subarray(0, data.touched.length));
  data.threadTouched.set(saved.threadTouched.subarray(0, data.threadTouched.length));
  data.threadDepth.set(saved.threadDepth.subarray(0, data.threadDepth.length));
  const imageIndex = new Map(view.imageTotals.map((t, i) => [t.image, i]));
  const imageTouched = new Float64Array(view.imageTotals.length);
  const imagePending = new Uint32Array(view.imageTotals.length);
  for (let i = 0; i < cols.count; i++) {
    const t = data.touched[i] ?? NaN;
    if (!Number.isNaN(t)) data.regionsDone++;
    const image = cols.image[i] ?? -1;
    const k = image < 0 ? undefined : imageIndex.get(cols.images[image] ?? '');
    if (k === undefined) continue;
    if (Number.isNaN(t)) imagePending[k] = (imagePending[k] ?? 0) + 1;
    else imageTouched[k] = (imageTouched[k] ?? 0) + t;
  }
  data.imageTouched = imageTouched;
  data.imagePending = imagePending;
  realignKinds(data, view);
  return {
    dumpId: view.id,
    status: saved.complete ? 'done' : 'cancelled',
    data,
    version: 1,
    failures: [],
    ...(saved.os !== undefined ? { os: saved.os } : {}),
    ...(saved.runtime !== undefined ? { runtime: saved.runtime } : {}),
  };
}

/** Regions without a census result, in index order (after a cancel or a failure: the missing ones). */
export function missingRegions(data: CensusData, limit = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.touched.length && out.length < limit; i++)
    if (Number.isNaN(data.touched[i] ?? NaN)) out.push(i);
  return out;
}

/** What an export takes: nothing before the census ran (the JSON is `--json`), else what is in and whether all is. */
export function censusExport(state: CensusState | undefined): CensusExport | undefined {
  if (state === undefined) return undefined;
  const complete = state.status === 'done';
  return {
    touched: state.data.touched,
    threadDepth: state.data.threadDepth,
    complete,
    ...(complete && state.os !== undefined ? { os: state.os } : {}),
    ...(complete && state.runtime !== undefined ? { runtime: state.runtime } : {}),
  };
}

/** A kind's (or image's) touched bytes so far, and whether every one of its regions is in. */
export function kindSoFar(
  data: CensusData | undefined,
  kind: number,
): { readonly bytes: number; readonly complete: boolean } | undefined {
  if (data === undefined) return undefined;
  return { bytes: data.kindTouched[kind] ?? 0, complete: (data.kindPending[kind] ?? 1) === 0 };
}

/** Per-kind value for a kind index: undefined while some of its regions are not in. */
export function kindValue(data: CensusData | undefined, kind: number): number | undefined {
  if (data === undefined || (data.kindPending[kind] ?? 1) > 0) return undefined;
  return data.kindTouched[kind];
}
