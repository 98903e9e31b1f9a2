/**
 * What the census settles. gdb's gcore writes no-access memory as readable zeros, so before the census such an
 * anonymous read-only region is only suspect (heuristic `gcore-noaccess-as-readonly`, set by classify.ts); once
 * every page of it is known to be zero it is taken for the no-access reservation a kernel core would show:
 * `[RESERVED]`, MEM_RESERVE, PAGE_NOACCESS. A read-only all-zero piece of a heap (a hole in the brk heap's run, a
 * page inside a malloc arena) or a stack guard tagged from gcore's layout is settled the same way, keeping its kind.
 * The CLI's --scan and the page's census end both call this, so their JSON agree.
 */
import { GCORE_NOACCESS } from './classify';
import { imageTotals, kindTotals } from './totals';
import type { Analysis, Region } from '../types';

/**
 * The analysis with the census's verdicts applied: `touched[i]` is region i's touched bytes (undefined or NaN when
 * its census is not in). Pure: returns `a` itself when nothing changes, else a copy with new regions and totals.
 * Applying it twice changes nothing more.
 */
export function settleAfterCensus(a: Analysis, touched: ArrayLike<number | undefined>): Analysis {
  if (a.dump.producer.name !== 'gdb gcore') return a;
  let regions: Region[] | undefined;
  for (let i = 0; i < a.regions.length; i++) {
    const r = a.regions[i];
    const t = touched[i];
    if (
      r === undefined ||
      t === undefined ||
      Number.isNaN(t) ||
      r.image !== undefined ||
      r.perms !== 'r--' ||
      r.inDump !== r.size ||
      r.truncated
    )
      continue;
    const settled = settle(r, t);
    if (settled === undefined) continue;
    regions ??= [...a.regions];
    regions[i] = settled;
  }
  if (regions === undefined) return a;
  return { ...a, regions, totals: kindTotals(regions), imageTotals: imageTotals(regions) };
}

/** The region as the census settles it, or undefined when it stays as it is. */
function settle(r: Region, touched: number): Region | undefined {
  const name = r.heuristic?.name;
  if (name === GCORE_NOACCESS) {
    if (touched === 0) {
      if (r.kind === '[RESERVED]') return undefined;
      const evidence = `every page is zero, in a gcore, which writes no-access memory readable: taken for a no-access reservation (a kernel core shows [RESERVED])`;
      return {
        ...r,
        kind: '[RESERVED]',
        state: 'MEM_RESERVE',
        protect: 'PAGE_NOACCESS',
        heuristic: { name, evidence },
      };
    }
    const evidence = `gcore writes no-access memory readable, but the census found ${touched} bytes in use here: read-only memory, as written`;
    return r.heuristic?.evidence === evidence ? undefined : { ...r, heuristic: { name, evidence } };
  }
  // A heap piece or a stack guard that gcore wrote read-only and all zero: the no-access page it stands for.
  if (
    name !== undefined &&
    (r.kind === 'Heap' || r.kind === 'StackGuard') &&
    touched === 0 &&
    r.state === 'MEM_COMMIT'
  ) {
    const evidence = `${r.heuristic?.evidence ?? ''}; every page is zero, and gcore writes no-access memory readable: taken for no-access`;
    return { ...r, state: 'MEM_RESERVE', protect: 'PAGE_NOACCESS', heuristic: { name, evidence } };
  }
  return undefined;
}
