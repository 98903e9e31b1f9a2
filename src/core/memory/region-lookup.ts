/**
 * The one lookup of an address among regions: a binary search over ranges sorted by start and not overlapping
 * (the regions buildRegions and addUnsegmentedFiles make, file mappings sorted by start, PT_LOADs once sorted).
 */

interface Range {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
}

/** Index of the range holding `address`, or -1. */
export function regionIndexAt(ranges: readonly Range[], address: bigint): number {
  const i = firstEndingAfter(ranges, address);
  const r = ranges[i];
  return r !== undefined && r.start <= address ? i : -1;
}

/**
 * Index of the first range whose end is above `address` (ranges.length when none): the range holding `address`
 * when one does, else the next one above it.
 */
export function firstEndingAfter(ranges: readonly { readonly end: bigint }[], address: bigint): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (r !== undefined && r.end <= address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sort comparator: by start address. */
export function byStart(a: { readonly start: bigint }, b: { readonly start: bigint }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}
