import { describe, expect, it } from 'vitest';
import type { ThreadRow } from '../../../workers/engine-protocol';
import { filterThreads, sortThreads, stackDistribution, usedPercent } from './thread-model';

const t = (tid: number, over: Partial<ThreadRow> = {}): ThreadRow => ({
  tid,
  signal: 0,
  signalName: '',
  crashed: false,
  registerCount: 0,
  ...over,
});
const MiB = 1024 * 1024;
const THREADS: ThreadRow[] = [
  t(100, {
    signal: 11,
    signalName: 'SIGSEGV',
    crashed: true,
    stackSize: 132 * 1024,
    stackUsed: 8 * 1024,
    pcSymbol: 'app+0x10',
    pc: '0x401010',
    sp: '0x7ffc0000f000',
  }),
  ...Array.from({ length: 788 }, (_, i) =>
    t(200 + i, {
      stackSize: 8 * MiB,
      stackUsed: 5000,
      pcSymbol: 'libc.so.6+0x10a974',
      sp: `0x7f00${(i + 0x1000).toString(16)}000`,
    }),
  ),
  t(1000, { stackSize: 1536 * 1024, stackUsed: 1536 * 1024 }),
  t(1001),
];

describe('threads', () => {
  it('groups stacks by size, the largest share first: 788 × 8 MiB leads', () => {
    const d = stackDistribution(THREADS);
    expect(d[0]).toEqual({ size: 8 * MiB, count: 788, total: 788 * 8 * MiB });
    expect(d.map((b) => b.size)).toEqual([8 * MiB, 1536 * 1024, 132 * 1024, undefined]);
  });
  it('filters by tid, signal and symbol; by pc and sp only for 0x text', () => {
    expect(filterThreads(THREADS, 'SIGSEGV')).toEqual([0]);
    expect(filterThreads(THREADS, '1000')).toEqual([789]);
    expect(filterThreads(THREADS, 'app+')).toEqual([0]);
    expect(filterThreads(THREADS, '0x40101')).toEqual([0]);
    expect(filterThreads(THREADS, '').length).toBe(THREADS.length);
  });
  it('sorts PC by address, not by its module+offset text', () => {
    const pcs = [
      t(1, { pc: '0x7f37fc86eae7', pcSymbol: 'libc.so.6+0x10aae7' }),
      t(2, { pc: '0x7f37fc7e9f16', pcSymbol: 'libc.so.6+0x85f16' }),
      t(3, { pc: '0x401010', pcSymbol: 'app+0x10' }),
      t(4),
    ];
    expect(sortThreads(pcs, [0, 1, 2, 3], { column: 'pc', desc: false })).toEqual([2, 1, 0, 3]);
    expect(sortThreads(pcs, [0, 1, 2, 3], { column: 'pc', desc: true })).toEqual([0, 1, 2, 3]);
  });
  it('sorts with missing values last and ties in dump order', () => {
    const rows = THREADS.map((_, i) => i);
    const bySize = sortThreads(THREADS, rows, { column: 'stackSize', desc: true });
    expect(bySize.slice(0, 2)).toEqual([1, 2]);
    expect(bySize.at(-1)).toBe(790);
    expect(sortThreads(THREADS, rows, { column: 'stackSize', desc: false }).at(-1)).toBe(790);
    expect(sortThreads(THREADS, rows, { column: 'usedPercent', desc: true })[0]).toBe(789);
    expect(sortThreads(THREADS, rows, { column: 'signal', desc: false })[0]).toBe(0);
    expect(sortThreads(THREADS, rows, { column: 'tid', desc: true })[0]).toBe(790);
  });
  it('computes the used share of the stack', () => {
    expect(usedPercent(THREADS[789] ?? t(0))).toBe(100);
    expect(usedPercent(t(1))).toBeUndefined();
  });
});
