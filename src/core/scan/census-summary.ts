/**
 * What the census means for threads and totals: stack high-water marks, and touched bytes per kind and per image.
 */
import type { Region } from '../types';
import type { RegionCensus } from './census';
import { assert } from './scan-common';

export interface StackHighWater {
  /** Dumped bytes of the stack region's touched pages (pages anywhere in the region, not only below the top). */
  readonly touchedBytes: number;
  readonly touchedPages: number;
  /**
   * Start address of the deepest (lowest-address) touched page below the stack top: how far the stack has ever
   * grown, as far as non-zero pages show. Undefined when no page below the top is touched.
   */
  readonly highWater?: bigint;
  /** top − highWater (0 when nothing is touched): the stack's peak depth at page granularity. */
  readonly depth: number;
  /**
   * Part of the region is not in the dump (inDump < size, or the file is truncated): pages there are unknown, so
   * the mark is what the dumped pages show, not a proof that the rest is untouched.
   */
  readonly partial: boolean;
}

/**
 * The stack grows down from `top` (default: the region's end; pass the thread's stackEnd when it differs).
 * `census` must be the census of `region`.
 */
export function stackHighWater(
  census: RegionCensus,
  region: Pick<Region, 'start' | 'end' | 'size'>,
  top: bigint = region.end,
): StackHighWater {
  assert(top >= region.start && top <= region.end, 'stack top outside its region');
  const low = census.lowestTouched;
  const highWater = low !== undefined && low < top ? low : undefined;
  return {
    touchedBytes: census.touchedBytes,
    touchedPages: census.touchedPages,
    highWater,
    depth: highWater === undefined ? 0 : Number(top - highWater),
    partial: census.notInDumpBytes > 0,
  };
}

export interface TouchedTotal {
  /** The kind, or the image path. */
  readonly key: string;
  readonly count: number;
  readonly size: number;
  readonly dumpedBytes: number;
  readonly notInDumpBytes: number;
  readonly touchedPages: number;
  readonly touchedBytes: number;
}

export interface TouchedTotals {
  /** Sorted by touched bytes, largest first (then by key). */
  readonly byKind: TouchedTotal[];
  /** Regions with an image only; sorted like byKind. */
  readonly byImage: TouchedTotal[];
  readonly total: TouchedTotal;
}

/** Sums the census per Memory Kind and per image. `census[i]` must be the census of `regions[i]`. */
export function touchedTotals(
  regions: readonly Pick<Region, 'size' | 'kind' | 'image'>[],
  census: readonly RegionCensus[],
): TouchedTotals {
  assert(regions.length === census.length, 'one census result per region');
  const byKind = new Map<string, MutableTotal>();
  const byImage = new Map<string, MutableTotal>();
  const total = emptyTotal('[TOTAL]');
  regions.forEach((region, i) => {
    const c = census[i];
    assert(c !== undefined, 'census result missing');
    add(total, region.size, c);
    add(getOrCreate(byKind, region.kind), region.size, c);
    if (region.image !== undefined) add(getOrCreate(byImage, region.image), region.size, c);
  });
  return { byKind: sorted(byKind), byImage: sorted(byImage), total };
}

type MutableTotal = { -readonly [K in keyof TouchedTotal]: TouchedTotal[K] };

function emptyTotal(key: string): MutableTotal {
  return { key, count: 0, size: 0, dumpedBytes: 0, notInDumpBytes: 0, touchedPages: 0, touchedBytes: 0 };
}

function getOrCreate(map: Map<string, MutableTotal>, key: string): MutableTotal {
  let t = map.get(key);
  if (t === undefined) {
    t = emptyTotal(key);
    map.set(key, t);
  }
  return t;
}

function add(t: MutableTotal, size: number, c: RegionCensus): void {
  t.count += 1;
  t.size += size;
  t.dumpedBytes += c.dumpedBytes;
  t.notInDumpBytes += c.notInDumpBytes;
  t.touchedPages += c.touchedPages;
  t.touchedBytes += c.touchedBytes;
}

function sorted(map: Map<string, MutableTotal>): TouchedTotal[] {
  return [...map.values()].sort(
    (a, b) => b.touchedBytes - a.touchedBytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
