import { describe, expect, it } from 'vitest';
import { regionColumns as regionColumnsOf } from '../../../workers/analysis-view';
import { COLS, region, REGIONS } from '../../../tests/helpers/regions-fixture';
import { filterRegions, interpretText, prepareRegions, regionAt, sortRegions } from './region-model';

const p = prepareRegions(COLS);
const starts = (rows: Uint32Array) => Array.from(rows, (i) => REGIONS[i]?.start);
const all = { text: '' };

describe('region columns (worker side)', () => {
  it('encodes strings as sorted dictionary codes and ranks addresses', () => {
    expect(COLS.kinds).toEqual([...COLS.kinds].sort());
    expect(COLS.kinds[COLS.kind[0] ?? -1]).toBe('Stack');
    expect(COLS.image[0]).toBe(-1);
    expect(COLS.images[COLS.image[1] ?? -1]).toBe('/usr/bin/app');
    expect(Array.from(COLS.startRank)).toEqual([3, 0, 2, 4, 1, 5]);
    expect(COLS.heuristics[COLS.heuristic[4] ?? -1]?.name).toBe('brk-heap-after-executable');
    expect(COLS.heuristic[0]).toBe(-1);
    expect(COLS.addressDigits).toBe(16);
    expect(COLS.permsTable[COLS.perms[2] ?? 0]).toBe('---');
  });
});

describe('filterRegions', () => {
  it('keeps every row, in address order, without filters', () => {
    expect(starts(filterRegions(p, all))).toEqual([
      0x400000n,
      0x600000n,
      0x7f0000000000n,
      0x7f0000002000n,
      0x7f1000000000n,
      0xffffffffff600000n,
    ]);
  });
  it('filters by kind, type, state and protection together', () => {
    expect(starts(filterRegions(p, { text: '', kind: 'Image' }))).toEqual([0x400000n, 0x7f1000000000n]);
    expect(starts(filterRegions(p, { text: '', kind: 'Image', protect: 'PAGE_READONLY' }))).toEqual([0x7f1000000000n]);
    expect(starts(filterRegions(p, { text: '', state: 'MEM_RESERVE' }))).toEqual([0x7f0000000000n]);
    expect(starts(filterRegions(p, { text: '', type: 'MEM_IMAGE', kind: 'Stack' }))).toEqual([]);
    expect(filterRegions(p, { text: '', kind: 'NoSuchKind' }).length).toBe(0);
  });
  it('matches text against image paths and kinds, case-insensitively', () => {
    expect(starts(filterRegions(p, { text: 'LIBC' }))).toEqual([0x7f1000000000n]);
    expect(starts(filterRegions(p, { text: 'stack' }))).toEqual([0x7f0000000000n, 0x7f0000002000n]);
  });
  it('does not filter on an address some region holds: it selects that region', () => {
    expect(filterRegions(p, { text: '0x7f0000002010' }).length).toBe(REGIONS.length);
    expect(interpretText(p, '0x7f0000002010')).toEqual({ mode: 'address', address: 0x7f0000002010n, region: 0 });
    expect(interpretText(p, '00007f00`00002010')).toMatchObject({ mode: 'address', region: 0 });
  });
  it('treats an address no region holds as text (and says so)', () => {
    expect(interpretText(p, '0x1234')).toEqual({ mode: 'text', text: '0x1234', address: 0x1234n });
    expect(filterRegions(p, { text: '0x1234' }).length).toBe(0);
    expect(interpretText(p, '  ')).toEqual({ mode: 'none' });
  });
});

describe('regionAt', () => {
  it('finds the region holding an address, exclusive of its end', () => {
    expect(regionAt(p, 0x400000n)).toBe(1);
    expect(regionAt(p, 0x400fffn)).toBe(1);
    expect(regionAt(p, 0x401000n)).toBeUndefined();
    expect(regionAt(p, 0x3fffffn)).toBeUndefined();
    expect(regionAt(p, 0xffffffffff600123n)).toBe(5);
    expect(regionAt(p, 0n)).toBeUndefined();
  });
});

describe('sortRegions', () => {
  const rows = filterRegions(p, all);
  it('keeps address order without a sort, and never sorts in place', () => {
    expect(sortRegions(p, rows, undefined)).toBe(rows);
    const copy = Array.from(rows);
    sortRegions(p, rows, { column: 'size', desc: true });
    expect(Array.from(rows)).toEqual(copy);
  });
  it('sorts numbers, with ties in address order', () => {
    expect(starts(sortRegions(p, rows, { column: 'size', desc: true }))).toEqual([
      0x7f0000002000n,
      0x7f1000000000n,
      0x600000n,
      0x400000n,
      0x7f0000000000n,
      0xffffffffff600000n,
    ]);
    expect(starts(sortRegions(p, rows, { column: 'size', desc: false })).slice(0, 3)).toEqual([
      0x400000n,
      0x7f0000000000n,
      0xffffffffff600000n,
    ]);
  });
  it('sorts string columns by their codes, which follow the strings', () => {
    const kinds = Array.from(sortRegions(p, rows, { column: 'kind', desc: false }), (i) => REGIONS[i]?.kind);
    expect(kinds).toEqual(['Heap', 'Image', 'Image', 'PAGE_EXECUTE_READ', 'Stack', 'StackGuard']);
  });
  it('sorts addresses beyond 2^53 exactly, descending too', () => {
    expect(starts(sortRegions(p, rows, { column: 'end', desc: true }))[0]).toBe(0xffffffffff600000n);
    expect(starts(sortRegions(p, rows, { column: 'start', desc: true }))[5]).toBe(0x400000n);
  });
  it('puts rows without a value last in both directions', () => {
    for (const desc of [true, false]) {
      const sorted = Array.from(sortRegions(p, rows, { column: 'tid', desc }), (i) => REGIONS[i]?.tid);
      expect(sorted.slice(2)).toEqual([undefined, undefined, undefined, undefined]);
      const images = Array.from(sortRegions(p, rows, { column: 'image', desc }), (i) => REGIONS[i]?.image);
      expect(images.slice(2).every((x) => x === undefined)).toBe(true);
    }
  });
  it('sorts 100,000 rows in well under a second', () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      region(BigInt(i) * 0x10000n, 0x1000, { kind: i % 3 === 0 ? 'Stack' : 'Image', size: (i * 7919) % 100_000 }),
    );
    const big = prepareRegions(regionColumnsOf(many));
    const t0 = performance.now();
    const sorted = sortRegions(big, filterRegions(big, all), { column: 'size', desc: true });
    const ms = performance.now() - t0;
    expect(sorted.length).toBe(100_000);
    expect(ms).toBeLessThan(500);
  });
});
