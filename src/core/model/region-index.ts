import type { Region } from './types';

/** Index of the region holding `address` in regions sorted by start, or -1. */
export function regionIndexAt(regions: readonly Region[], address: bigint): number {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid];
    if (r === undefined) return -1;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}
