/**
 * Runs of adjacent anonymous regions (no file, each starting where the previous ends), as index ranges into the
 * sorted regions: one reservation that mprotect() or the dump's writer split into pieces — the .NET GC's heap
 * reservation is one (classify.ts tags it; findings/dotnet-gc-reserve.ts weighs it).
 */
import type { Region } from '../types';

export function anonymousRuns(regions: readonly Region[]): { readonly first: number; readonly last: number }[] {
  const runs: { first: number; last: number }[] = [];
  let first = 0;
  for (let i = 1; i <= regions.length; i++) {
    const r = regions[i];
    const prev = regions[i - 1];
    const continues =
      r !== undefined &&
      prev !== undefined &&
      prev.end === r.start &&
      r.image === undefined &&
      prev.image === undefined;
    if (continues) continue;
    if (regions.length > 0) runs.push({ first, last: i - 1 });
    first = i;
  }
  return runs;
}
