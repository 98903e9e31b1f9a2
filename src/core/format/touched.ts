import type { Region } from '../types';

/**
 * Census bytes summed per Memory Kind — the Touched column of the totals in the CLI, the page's exports and the
 * JSON. `touched[i]` belongs to `regions[i]`; undefined means that region's census is not in (cancelled, a worker
 * lost). `pending` names the kinds with such a region: the text tables print "?" for them, the JSON keeps the
 * partial sum and says the census is incomplete.
 */
export function touchedByKind(
  regions: readonly Pick<Region, 'kind'>[],
  touched: readonly (number | undefined)[],
): { readonly sums: Map<string, number>; readonly pending: Set<string> } {
  const sums = new Map<string, number>();
  const pending = new Set<string>();
  regions.forEach((r, i) => {
    const t = touched[i];
    if (t === undefined) pending.add(r.kind);
    sums.set(r.kind, (sums.get(r.kind) ?? 0) + (t ?? 0));
  });
  return { sums, pending };
}

/** The sums of the kinds whose every region is in: what the text tables show (others print "?"). */
export function completeKindSums(
  regions: readonly Pick<Region, 'kind'>[],
  touched: readonly (number | undefined)[],
): Map<string, number> {
  const { sums, pending } = touchedByKind(regions, touched);
  for (const kind of pending) sums.delete(kind);
  return sums;
}
