import type { Region } from './types';

/**
 * Index of the range holding `address` in ranges sorted by start and not overlapping, or -1. Used for regions,
 * for the dump's PT_LOADs, anything with a start and an exclusive end.
 */
export function rangeIndexAt(ranges: readonly { readonly start: bigint; readonly end: bigint }[], address: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (r === undefined) return -1;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the first range whose end is above `address` (ranges sorted by start, not overlapping). */
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

/** Index of the region holding `address` in regions sorted by start, or -1. */
export function regionIndexAt(regions: readonly Region[], address: bigint): number {
  return rangeIndexAt(regions, address);
}

/** Sort comparator: by start address. */
export function byStart(a: { readonly start: bigint }, b: { readonly start: bigint }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}
