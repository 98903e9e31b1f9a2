import { describe, expect, it } from 'vitest';
import type { ThreadRow } from '../../../workers/engine-protocol';
import { stacksState, threadRows, WAIT_TIDS } from './stacks-fixtures';
import { filterThreads, sortThreads, stackDistribution, stackTexts, syscallCounts, usedPercent } from './thread-model';

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

describe('threads with stacks', () => {
  const rows = threadRows();
  const state = stacksState();
  const texts = stackTexts(rows.length, state.stacks, state.syscalls);
  const all = rows.map((_, i) => i);

  it('takes the top frame past the wait wrappers and marks an interrupted system call', () => {
    expect(texts.topFrame[0]).toBe('server!main+0x4f');
    expect(texts.topFrame[2]).toBe('libcoreclr.so!FinalizerThreadWorker+0x8a');
    expect(texts.topFrame[799]).toBe('[JIT] System.Net.Sockets.Socket.Receive(…)+0x12');
    expect(texts.blockedIn[5]).toMatch(/^futex\(.*\) \(interrupted\)$/);
    expect(texts.blockedIn[4]).not.toMatch(/interrupted/);
    expect(texts.syscall[799]).toBe('recvmsg');
  });

  it('has no texts for threads not walked yet', () => {
    const partial = stackTexts(rows.length, state.stacks.slice(0, 10), state.syscalls.slice(0, 10));
    expect(partial.topFrame[9]).toBeDefined();
    expect(partial.topFrame[10]).toBeUndefined();
    expect(partial.blockedIn[10]).toBeUndefined();
  });

  it('counts threads per system call, most first', () => {
    expect(syscallCounts(texts)).toEqual([
      { name: 'recvmsg', count: 788 },
      { name: 'futex', count: 10 },
      { name: 'epoll_wait', count: 2 },
    ]);
  });

  it('filters by tids and system call name on top of the text', () => {
    expect(filterThreads(rows, '', texts, { tids: [1003, 1500, 4242] })).toEqual([3, 500]);
    expect(filterThreads(rows, '', texts, { syscall: 'futex' })).toEqual(WAIT_TIDS.map((t) => t - 1000));
    expect(filterThreads(rows, 'interrupted', texts)).toEqual([5]);
    expect(filterThreads(rows, 'Finalizer', texts, { tids: [1002, 1500] })).toEqual([2]);
    // Without the texts (no stacks pass) the filters that need them match nothing rather than everything.
    expect(filterThreads(rows, '', undefined, { syscall: 'futex' })).toEqual([]);
  });

  it('sorting by top frame or system call puts equal values together, unknown last', () => {
    const partial = stackTexts(rows.length, state.stacks.slice(0, 20), state.syscalls.slice(0, 20));
    const byTop = sortThreads(rows, all, { column: 'topFrame', desc: false }, undefined, partial);
    expect(byTop.slice(0, 8)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(byTop.slice(8, 18)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(byTop.slice(18, 20)).toEqual([0, 1]);
    expect(byTop.at(-1)).toBe(799);
    const byCall = sortThreads(rows, all, { column: 'blockedIn', desc: true }, undefined, texts);
    expect(new Set(byCall.slice(0, 788).map((i) => texts.syscall[i]))).toEqual(new Set(['recvmsg']));
    expect(new Set(byCall.slice(788, 798).map((i) => texts.syscall[i]))).toEqual(new Set(['futex']));
  });
});
