/**
 * The census merge, region by region as the items come in, so the page can fill in rows while the scan runs.
 *
 * A region's partials are kept until its last item is in, then merged with mergeCensus over that region alone
 * and dropped. mergeCensus is per region (nothing crosses regions), so this gives exactly what one
 * merge of everything gives — what `coreview --scan` prints — while holding only the partials of regions in
 * progress. Regions with nothing in the dump complete at once (mergeCensus's empty result: touched 0).
 *
 * Alongside: the per-kind and per-image running sums (aligned with Analysis.totals / imageTotals) and each stack
 * thread's high-water mark. takeBatch() hands out what completed since the last call, as typed arrays.
 */
import type { Analysis } from '../types';
import { mergeCensus, type CensusItem, type CensusPartial, type RegionCensus } from '../scan/census';
import { stackHighWater } from '../scan/census-summary';
import type { CensusBatch } from './scan-events';

type CensusAnalysis = Pick<Analysis, 'regions' | 'threads' | 'totals' | 'imageTotals'>;

const PENDING = 0;
const DONE = 1;
const FAILED = 2;

export class CensusMerger {
  /** Items not yet in, per region. */
  private readonly remaining: Uint32Array;
  private readonly state: Uint8Array;
  private readonly partials = new Map<number, CensusPartial[]>();
  private readonly kindOf: Int32Array;
  private readonly imageOf: Int32Array;
  private readonly threadsOf = new Map<number, number[]>();
  readonly kindTouched: Float64Array;
  readonly kindPending: Uint32Array;
  readonly imageTouched: Float64Array;
  readonly imagePending: Uint32Array;
  /** Touched bytes of every completed region (NaN until then): what an export needs. */
  readonly touched: Float64Array;
  private doneCount = 0;
  private batchRegions: number[] = [];
  /** Stack threads whose mark completed since the last batch, in completion order (a thread completes once). */
  private readonly threadValues = new Map<
    number,
    { touched: number; depth: number; highWater: bigint; partial: boolean }
  >();

  constructor(
    private readonly a: CensusAnalysis,
    items: readonly CensusItem[],
    private readonly fileSize: number,
  ) {
    const n = a.regions.length;
    this.remaining = new Uint32Array(n);
    this.state = new Uint8Array(n);
    this.touched = new Float64Array(n).fill(NaN);
    for (const item of items) this.remaining[item.regionIndex] = (this.remaining[item.regionIndex] ?? 0) + 1;
    const kinds = new Map(a.totals.map((t, i) => [t.kind, i]));
    const images = new Map(a.imageTotals.map((t, i) => [t.image, i]));
    this.kindOf = Int32Array.from(a.regions, (r) => kinds.get(r.kind) ?? -1);
    this.imageOf = Int32Array.from(a.regions, (r) => (r.image === undefined ? -1 : (images.get(r.image) ?? -1)));
    this.kindTouched = new Float64Array(a.totals.length);
    // Every region counts in its kind's total and its image's (kindTotals / imageTotals): all pending at first.
    this.kindPending = Uint32Array.from(a.totals, (t) => t.count);
    this.imageTouched = new Float64Array(a.imageTotals.length);
    this.imagePending = Uint32Array.from(a.imageTotals, (t) => t.count);
    a.threads.forEach((t, i) => {
      if (t.stackRegion === undefined) return;
      const list = this.threadsOf.get(t.stackRegion) ?? [];
      list.push(i);
      this.threadsOf.set(t.stackRegion, list);
    });
    // Regions without items (nothing in the dump) are complete now: one merge call for all of them.
    const empty: number[] = [];
    for (let i = 0; i < n; i++) if (this.remaining[i] === 0) empty.push(i);
    const results = mergeCensus(
      empty.map((i) => this.region(i)),
      [],
      { fileSize },
    );
    results.forEach((c, k) => this.complete(empty[k] ?? 0, c));
  }

  get isComplete(): boolean {
    return this.doneCount === this.a.regions.length;
  }

  /** Folds one item's partial in; true when it was the region's last item (the region is complete). */
  add(item: CensusItem, partial: CensusPartial): boolean {
    const i = item.regionIndex;
    if (this.state[i] !== PENDING) return false;
    const list = this.partials.get(i) ?? [];
    list.push({ ...partial, regionIndex: 0 });
    const left = (this.remaining[i] ?? 1) - 1;
    this.remaining[i] = left;
    if (left > 0) {
      this.partials.set(i, list);
      return false;
    }
    this.partials.delete(i);
    const [census] = mergeCensus([this.region(i)], list, { fileSize: this.fileSize });
    if (census === undefined) throw new Error(`mergeCensus gave no result for region ${i}`);
    this.complete(i, census);
    return true;
  }

  /** An item of region `item.regionIndex` could not be scanned: the region stays without a result. */
  fail(item: CensusItem): void {
    const i = item.regionIndex;
    if (this.state[i] !== PENDING) return;
    this.state[i] = FAILED;
    this.partials.delete(i);
  }

  /** What completed since the last call, and the current sums. Transfer its buffers (batchBuffers). */
  takeBatch(): CensusBatch {
    const regions = Uint32Array.from(this.batchRegions);
    this.batchRegions = [];
    const threads = Uint32Array.from(this.threadValues.keys());
    const values = [...this.threadValues.values()];
    this.threadValues.clear();
    return {
      regions,
      touched: Float64Array.from(regions, (i) => this.touched[i] ?? NaN),
      threads,
      threadTouched: Float64Array.from(values, (v) => v.touched),
      threadDepth: Float64Array.from(values, (v) => v.depth),
      threadHighWater: BigUint64Array.from(values, (v) => v.highWater),
      threadPartial: Uint8Array.from(values, (v) => (v.partial ? 1 : 0)),
      kindTouched: this.kindTouched.slice(),
      kindPending: this.kindPending.slice(),
      imageTouched: this.imageTouched.slice(),
      imagePending: this.imagePending.slice(),
    };
  }

  private region(i: number) {
    const r = this.a.regions[i];
    if (r === undefined) throw new RangeError(`no region ${i}`);
    return r;
  }

  private complete(i: number, c: RegionCensus): void {
    this.state[i] = DONE;
    this.doneCount++;
    this.touched[i] = c.touchedBytes;
    bump(this.kindTouched, this.kindOf[i], c.touchedBytes);
    bump(this.kindPending, this.kindOf[i], -1);
    bump(this.imageTouched, this.imageOf[i], c.touchedBytes);
    bump(this.imagePending, this.imageOf[i], -1);
    this.batchRegions.push(i);
    const threads = this.threadsOf.get(i);
    if (threads === undefined) return;
    // Each of these threads' stackEnd is the region's end (annotateThreads sets it so): stackHighWater's default top.
    const mark = stackHighWater(c, this.region(i));
    const value = {
      touched: mark.touchedBytes,
      depth: mark.depth,
      highWater: mark.highWater ?? 0n,
      partial: mark.partial,
    };
    for (const t of threads) this.threadValues.set(t, value);
  }
}

function bump(arr: Float64Array | Uint32Array, index: number | undefined, by: number): void {
  if (index === undefined || index < 0) return;
  arr[index] = (arr[index] ?? 0) + by;
}
