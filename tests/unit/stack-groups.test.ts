/**
 * Threads grouped by their frames (src/core/model/stack-groups.ts): the grouping key (symbol where known, pc
 * otherwise), the order (largest first, ties by lowest tid), the merged tree as `pstacks` draws it, and topFrame
 * past the wait and system call wrappers.
 */
import { describe, expect, it } from 'vitest';
import { groupStacks, mergeStacks, topFrame, type StackTreeNode } from '../../src/core/model/stack-groups';
import { frameText } from '../../src/core/model/frame-text';
import type { Frame, ThreadStack } from '../../src/core/types';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const APP = '/srv/app/blocked';
const CORECLR = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so';

function fn(module: string, symbol: string, pc: bigint, symbolOffset = 0x10): Frame {
  return { pc, trust: 'cfi', module, symbol, symbolOffset };
}

const RECV = fn(LIBC, '__recv', 0x7f00000a0024n, 0x24);
const CONN = fn(APP, 'conn_thread', 0x401240n, 0x40);
const ACCEPT = fn(APP, 'accept_loop', 0x401340n);
const MAIN = fn(APP, 'main', 0x401100n);
const START = fn(LIBC, 'start_thread', 0x7f000009ca94n, 0x2d4);
const CLONE = fn(LIBC, '__clone3', 0x7f0000129c3cn, 0x2c);

function stack(tid: number, frames: Frame[]): ThreadStack {
  return { tid, frames, stop: 'outermost' };
}

describe('groupStacks', () => {
  it('groups by module and symbol, not by the offset inside a function', () => {
    const elsewhere = { ...CONN, pc: CONN.pc + 0x20n, symbolOffset: 0x60 };
    const groups = groupStacks([stack(12, [RECV, CONN, START, CLONE]), stack(11, [RECV, elsewhere, START, CLONE])]);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.threads).toEqual([11, 12]);
    // The lowest tid's frames stand for the group.
    expect(groups[0]?.frames[1]).toBe(elsewhere);
  });

  it('compares frames without a symbol by pc', () => {
    const a: Frame = { pc: 0x7f3a00001000n, trust: 'scan', jit: true };
    const b: Frame = { pc: 0x7f3a00002000n, trust: 'scan', jit: true };
    const groups = groupStacks([stack(1, [a, START]), stack(2, [b, START]), stack(3, [a, START])]);
    expect(groups.map((g) => g.threads)).toEqual([[1, 3], [2]]);
  });

  it('puts the largest group first, ties by lowest tid, tids ascending', () => {
    const recv = [RECV, CONN, START, CLONE];
    const groups = groupStacks([
      stack(1, [MAIN]),
      stack(40, [ACCEPT, START, CLONE]),
      stack(9, recv),
      stack(7, recv),
      stack(8, recv),
      stack(30, [ACCEPT, MAIN]),
      stack(5, []),
    ]);
    expect(groups.map((g) => g.threads)).toEqual([[7, 8, 9], [1], [5], [30], [40]]);
  });
});

/** A tree as lines: "count frame", children indented. */
function draw(nodes: readonly StackTreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${n.count} ${frameText(n.frame)} [${n.tids.join(',')}]`,
    ...draw(n.children, depth + 1),
  ]);
}

describe('mergeStacks', () => {
  it('roots the tree at the outermost frame, shares the outer frames and branches where stacks diverge', () => {
    const groups = groupStacks([
      stack(3, [RECV, CONN, START, CLONE]),
      stack(4, [RECV, CONN, START, CLONE]),
      stack(5, [RECV, CONN, START, CLONE]),
      stack(6, [ACCEPT, START, CLONE]),
      stack(2, [fn(LIBC, '__futex_abstimed_wait_common', 0x7f0000091117n), START, CLONE]),
      stack(1, [fn(LIBC, '__GI___poll', 0x7f000010aae7n), MAIN]),
    ]);
    expect(draw(mergeStacks(groups))).toEqual([
      '5 libc.so.6!__clone3+0x2c [2,3,4,5,6]',
      '  5 libc.so.6!start_thread+0x2d4 [2,3,4,5,6]',
      '    3 blocked!conn_thread+0x40 [3,4,5]',
      '      3 libc.so.6!__recv+0x24 [3,4,5]',
      '    1 libc.so.6!__futex_abstimed_wait_common+0x10 [2]',
      '    1 blocked!accept_loop+0x10 [6]',
      '1 blocked!main+0x10 [1]',
      '  1 libc.so.6!__GI___poll+0x10 [1]',
    ]);
  });

  it('counts threads that end at an inner node of another stack', () => {
    const tree = mergeStacks(groupStacks([stack(1, [CONN, START]), stack(2, [RECV, CONN, START])]));
    expect(draw(tree)).toEqual([
      '2 libc.so.6!start_thread+0x2d4 [1,2]',
      '  2 blocked!conn_thread+0x40 [1,2]',
      '    1 libc.so.6!__recv+0x24 [2]',
    ]);
  });
});

describe('topFrame', () => {
  it('skips glibc wait and system call wrappers, whatever their internal prefix or version', () => {
    expect(topFrame([RECV, CONN, START])).toBe(CONN);
    const cond = [
      fn(LIBC, '__futex_abstimed_wait_common', 1n),
      fn(LIBC, '__GI___futex_abstimed_wait_cancelable64', 2n),
      fn(LIBC, 'pthread_cond_wait@@GLIBC_2.3.2', 3n),
      fn(APP, 'queue_pop', 4n),
    ];
    expect(topFrame(cond)?.symbol).toBe('queue_pop');
    expect(topFrame([fn(LIBC, '__GI___poll', 1n), fn(LIBC, '__lll_lock_wait', 2n), MAIN])).toBe(MAIN);
    expect(topFrame([fn(LIBC, 'epoll_wait', 1n), fn(LIBC, '__GI___clock_nanosleep', 2n), MAIN])).toBe(MAIN);
  });

  it('skips the .NET PAL, System.Native, libuv and nameless libc frames', () => {
    const managed: Frame = {
      pc: 0x7f3a00001234n,
      trust: 'fp',
      jit: true,
      symbol: 'System.Net.Sockets.Socket.Receive',
      symbolSource: 'perfmap',
    };
    expect(
      topFrame([
        { pc: 0x7f00000a0024n, trust: 'context', module: LIBC, offset: 0xa0024 },
        fn('/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libSystem.Native.so', 'SystemNative_Receive', 2n),
        managed,
      ]),
    ).toBe(managed);
    expect(
      topFrame([
        fn(LIBC, '__pthread_cond_wait', 1n),
        fn(
          CORECLR,
          'CorUnix::CPalSynchronizationManager::ThreadNativeWait(CorUnix::_ThreadNativeWaitData*, unsigned int, CorUnix::ThreadWakeupReason*, unsigned int*)',
          2n,
        ),
        fn(
          CORECLR,
          'CorUnix::InternalWaitForMultipleObjectsEx(CorUnix::CPalThread*, unsigned int, void* const*, int, unsigned int, int, int)',
          3n,
        ),
        fn(CORECLR, 'WaitForSingleObjectEx', 4n),
        fn(CORECLR, 'CLREventBase::WaitEx(unsigned int, WaitMode, PendingSync*)', 5n),
        fn(CORECLR, 'ThreadpoolMgr::WorkerThreadStart(void*)', 6n),
      ])?.symbol,
    ).toBe('ThreadpoolMgr::WorkerThreadStart(void*)');
    expect(topFrame([fn('/usr/bin/node', 'uv__io_poll', 1n), fn('/usr/bin/node', 'uv_run', 2n)])?.symbol).toBe(
      'uv_run',
    );
  });

  it('keeps a nameless frame outside libc, and gives nothing when every frame is a wrapper', () => {
    const anon: Frame = { pc: 0x7f3a00001000n, trust: 'context' };
    expect(topFrame([anon, MAIN])).toBe(anon);
    expect(topFrame([RECV, fn(LIBC, 'nanosleep', 1n)])).toBeUndefined();
    expect(topFrame([])).toBeUndefined();
  });

  it('skips .NET interop stubs and framework code to the program’s own method (a real .NET 2.0 receive stack)', () => {
    const native = '/tmp/dotnet/shared/Microsoft.NETCore.App/2.0.0/System.Native.so';
    const sockets = '/tmp/dotnet/shared/Microsoft.NETCore.App/2.0.0/System.Net.Sockets.dll';
    const jit = (symbol: string, pc: bigint): Frame => ({
      pc,
      trust: 'fp',
      jit: true,
      symbol,
      symbolSource: 'perfmap',
    });
    const frames: Frame[] = [
      fn(LIBC, 'recvmsg', 1n),
      fn(native, 'SystemNative_ReceiveMessage', 2n),
      jit('valuetype Interop/Error [System.Net.Sockets] dynamicClass::IL_STUB_PInvoke(native int)', 3n),
      { pc: 4n, trust: 'fp', module: sockets, offset: 0x8157c },
      jit('instance int32 [recv-threads] RequestWorker::WaitForRequest(uint8[])', 5n),
    ];
    expect(topFrame(frames)?.symbol).toBe('instance int32 [recv-threads] RequestWorker::WaitForRequest(uint8[])');
  });
});
