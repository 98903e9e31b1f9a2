import { describe, expect, it } from 'vitest';
import { mergeStacks } from '../../core/model/stack-groups';
import { stackSummary, visibleRows } from './stack-tree-model';
import { MAIN_FRAMES, stackGroups, WAIT_FRAMES } from './stacks-fixtures';

describe('the merged tree as rows', () => {
  const roots = mergeStacks(stackGroups());

  it('walks depth first with levels, parents and sibling positions', () => {
    const rows = visibleRows(roots, new Set());
    expect(rows).toHaveLength(17);
    expect(rows.slice(0, 3).map((r) => [r.id, r.level, r.parent, r.position, r.siblings])).toEqual([
      ['0', 1, undefined, 1, 2],
      ['0.0', 2, '0', 1, 1],
      ['0.0.0', 3, '0.0', 1, 2],
    ]);
    const finalizer = rows.find((r) => r.node.frame.symbol === 'FinalizerThreadWorker');
    expect([finalizer?.id, finalizer?.position, finalizer?.node.count]).toEqual(['0.0.1', 2, 10]);
    expect(rows[12]?.id).toBe('1');
  });

  it('leaves out what a collapsed node holds', () => {
    const rows = visibleRows(roots, new Set(['0.0']));
    expect(rows.map((r) => r.id)).toEqual(['0', '0.0', '1', '1.0', '1.0.0', '1.0.0.0', '1.0.0.0.0']);
    expect(rows[1]?.expanded).toBe(false);
  });

  it("walks a stack deeper than the unwinder's default limit of 512 frames", () => {
    const deep = Array.from({ length: 2_000 }, (_, i) => ({ pc: BigInt(0x1000 + i), trust: 'cfi' as const }));
    const rows = visibleRows(mergeStacks([{ threads: [1], frames: deep }]), new Set());
    expect(rows).toHaveLength(2_000);
    expect(rows.at(-1)?.level).toBe(2_000);
  });
});

describe('a stack on one line', () => {
  it('shows the three innermost frames, "…" and the outermost', () => {
    expect(stackSummary(WAIT_FRAMES)).toBe(
      'libc.so.6!__futex_abstimed_wait_common64+0x117 ← libc.so.6!___pthread_cond_wait+0x221 ← ' +
        'libcoreclr.so!CorUnix::CPalSynchronizationManager::ThreadNativeWait+0xfa … ← libc.so.6!clone3+0x2c',
    );
  });
  it('shows a short stack whole', () => {
    expect(stackSummary(MAIN_FRAMES.slice(0, 4))).toBe(
      'libc.so.6!epoll_wait+0x1a ← server!main+0x4f ← libc.so.6!__libc_start_call_main+0x80 ← libc.so.6!__libc_start_main+0x80',
    );
    expect(stackSummary([])).toBe('');
  });
});
