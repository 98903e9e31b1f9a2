/**
 * gcore's no-access memory (heuristic gcore-noaccess-as-readonly): gdb writes a no-access anonymous mapping as a
 * readable PT_LOAD of zeros. Before the census such a region keeps its kind with the tag; settleAfterCensus
 * (model/after-census.ts) makes an all-zero one [RESERVED] / MEM_RESERVE / PAGE_NOACCESS and recomputes the totals.
 */
import { describe, expect, it } from 'vitest';
import { settleAfterCensus } from '../../src/core/model/after-census';
import { coreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';

function core(gcore: boolean): Uint8Array {
  const b = coreBuilder()
    .prpsinfo({ pid: 1 })
    .thread({ tid: 1, sp: 0x7f0000102000n, ...(gcore ? {} : { signal: 6 }) })
    .load({ vaddr: 0x7f0000100000n, size: 0x1000, flags: 'r--' }) // below the stack: its guard
    .load({ vaddr: 0x7f0000101000n, size: 0x2000 })
    .load({ vaddr: 0x7f1000000000n, size: 0x10000, flags: 'r--' }) // a reservation, all zero
    .load({ vaddr: 0x7f2000000000n, size: 0x1000, flags: 'r--', fill: 7 }); // really read-only, with data
  return (gcore ? b.note('GDB', 1, new Uint8Array(8)) : b).build();
}

describe('gcore-noaccess-as-readonly', () => {
  it('tags anonymous read-only memory of a gcore, keeping its kind, and not the stack guard again', async () => {
    const a = await analyzeBytes(core(true));
    expect(a.regions.map((r) => [r.kind, r.heuristic?.name])).toEqual([
      ['StackGuard', 'gcore-guard-below-stack'],
      ['Stack', undefined],
      ['PAGE_READONLY', 'gcore-noaccess-as-readonly'],
      ['PAGE_READONLY', 'gcore-noaccess-as-readonly'],
    ]);
    expect(a.regions[2]?.heuristic?.evidence).toBe(
      'gcore writes no-access memory readable; the census will tell (no-access memory is all zero)',
    );
    expect(a.totals.find((t) => t.kind === 'PAGE_READONLY')?.heuristic).toBe(true);
  });

  it('does not tag it in a kernel core', async () => {
    const a = await analyzeBytes(core(false));
    expect(a.regions.filter((r) => r.heuristic !== undefined)).toEqual([]);
  });

  it('after the census: all zero → [RESERVED] (a stack guard: no-access), with the totals recomputed; data → stays', async () => {
    const a = await analyzeBytes(core(true));
    const settled = settleAfterCensus(a, [0, 0x1000, 0, 0x1000]);
    expect(settled).not.toBe(a);
    expect(a.regions[2]?.kind).toBe('PAGE_READONLY'); // pure: the input is left as it was
    expect(settled.regions.map((r) => [r.kind, r.state, r.protect])).toEqual([
      ['StackGuard', 'MEM_RESERVE', 'PAGE_NOACCESS'],
      ['Stack', 'MEM_COMMIT', 'PAGE_READWRITE'],
      ['[RESERVED]', 'MEM_RESERVE', 'PAGE_NOACCESS'],
      ['PAGE_READONLY', 'MEM_COMMIT', 'PAGE_READONLY'],
    ]);
    expect(settled.regions[3]?.heuristic?.evidence).toMatch(
      /the census found 4096 bytes in use here: read-only memory, as written$/,
    );
    expect(settled.totals.find((t) => t.kind === '[RESERVED]')).toMatchObject({
      count: 1,
      size: 0x10000,
      heuristic: true,
    });
    expect(settled.totals.find((t) => t.kind === 'PAGE_READONLY')).toMatchObject({ count: 1, size: 0x1000 });
    // Twice is once; without the census's value for a region, that region stays.
    expect(settleAfterCensus(settled, [0, 0x1000, 0, 0x1000])).toBe(settled);
    expect(settleAfterCensus(a, [0, 0x1000, undefined, NaN]).regions.map((r) => r.kind)).toEqual([
      'StackGuard',
      'Stack',
      'PAGE_READONLY',
      'PAGE_READONLY',
    ]);
  });

  it('changes nothing in a kernel core', async () => {
    const a = await analyzeBytes(core(false));
    expect(settleAfterCensus(a, [0, 0, 0, 0])).toBe(a);
  });
});
