/**
 * What a census learned about where a dump's data is: for each region whose census is complete, the byte ranges
 * (offsets from the region's start) of its touched pages. Every other dumped byte of such a region is zero.
 *
 * Later passes over the same dump use it to read only those ranges: a search for a pattern that cannot match zeros
 * reads the few MB that hold data instead of the many GB of zero-filled stacks and reservations around them.
 *
 * Encoding: per region, one Float64Array of [from0, to0, from1, to1, …], sorted and merged (no two ranges touch).
 * A region without an entry is unknown (its census did not run or did not finish): read it whole.
 */
import type { ByteRange, CensusItem } from '../scan/census';

export class TouchedMap {
  private readonly pending = new Map<number, number[]>();
  private readonly done = new Map<number, Float64Array>();

  /** An item's touched ranges (relative to the item's bytes), as a census job reported them. */
  add(item: Pick<CensusItem, 'regionIndex' | 'regionOffset'>, ranges: readonly ByteRange[]): void {
    let list = this.pending.get(item.regionIndex);
    if (list === undefined) {
      list = [];
      this.pending.set(item.regionIndex, list);
    }
    for (const [from, to] of ranges) list.push(item.regionOffset + from, item.regionOffset + to);
  }

  /** Every item of the region is in: its ranges become known. */
  complete(regionIndex: number): void {
    const flat = this.pending.get(regionIndex) ?? [];
    this.pending.delete(regionIndex);
    this.done.set(regionIndex, mergeRanges(flat));
  }

  /** The region's census failed: what was gathered for it is not the whole truth. */
  drop(regionIndex: number): void {
    this.pending.delete(regionIndex);
  }

  /** The region's touched ranges, or undefined when its census is not complete. */
  rangesOf(regionIndex: number): readonly ByteRange[] | undefined {
    const flat = this.done.get(regionIndex);
    if (flat === undefined) return undefined;
    const out: ByteRange[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
    return out;
  }

  /** Regions whose ranges are known. */
  get knownRegions(): number {
    return this.done.size;
  }
}

/** Sorts [from, to) pairs by start and merges the ones that overlap or touch. */
function mergeRanges(flat: readonly number[]): Float64Array {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) {
    const last = out.length - 1;
    if (last > 0 && from <= (out[last] ?? 0)) out[last] = Math.max(out[last] ?? 0, to);
    else out.push(from, to);
  }
  return Float64Array.from(out);
}
