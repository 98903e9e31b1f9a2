/**
 * `coreview core --stacks` (src/core/format/stacks-text.ts) and the one-line frame text it and every view use
 * (src/core/model/frame-text.ts), written out in full.
 */
import { describe, expect, it } from 'vitest';
import { stacksText } from '../../src/core/format/stacks-text';
import { frameText } from '../../src/core/model/frame-text';
import { groupStacks } from '../../src/core/model/stack-groups';
import {
  RegisterSet,
  type Analysis,
  type Frame,
  type Syscall,
  type Thread,
  type ThreadStack,
} from '../../src/core/types';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const APP = '/srv/app/blocked';

describe('frameText', () => {
  it('writes module!symbol+offset, without +0x0', () => {
    expect(
      frameText({
        pc: 0x7f00000a0024n,
        trust: 'context',
        module: LIBC,
        offset: 0xa0024,
        symbol: '__recv',
        symbolOffset: 0x24,
      }),
    ).toBe('libc.so.6!__recv+0x24');
    expect(frameText({ pc: 0x401240n, trust: 'cfi', module: APP, symbol: 'conn_thread', symbolOffset: 0x40 })).toBe(
      'blocked!conn_thread+0x40',
    );
    expect(frameText({ pc: 0x401200n, trust: 'cfi', module: APP, symbol: 'conn_thread', symbolOffset: 0 })).toBe(
      'blocked!conn_thread',
    );
  });
  it('writes module+offset without a symbol, and marks JIT code', () => {
    expect(frameText({ pc: 0x7f000010aae7n, trust: 'scan', module: LIBC, offset: 0x10aae7 })).toBe(
      'libc.so.6+0x10aae7',
    );
    expect(frameText({ pc: 0x7f3a1c2b4e10n, trust: 'fp', jit: true })).toBe('[JIT code] 0x7f3a1c2b4e10');
    expect(
      frameText({
        pc: 0x7f3a1c2b4e10n,
        trust: 'fp',
        jit: true,
        symbol: 'System.Net.Sockets.Socket.Receive(System.Span`1<Byte>)',
        symbolOffset: 0x12,
        symbolSource: 'perfmap',
      }),
    ).toBe('[JIT] System.Net.Sockets.Socket.Receive(System.Span`1<Byte>)+0x12');
    expect(frameText({ pc: 0x1234n, trust: 'scan' })).toBe('0x1234');
  });
});

function thread(tid: number, crashed = false): Thread {
  return { tid, signal: crashed ? 11 : 0, crashed, registers: RegisterSet.EMPTY };
}

function analysis(threads: Thread[], pid: number): Analysis {
  return {
    dump: {
      size: 0,
      arch: 'x86_64',
      machine: 62,
      bits: 64,
      endian: 'little',
      os: 'Linux',
      pageSize: 4096,
      producer: { name: 'kernel', evidence: 'test' },
      programHeaders: 0,
      loadSegments: 0,
      notes: [],
      warnings: [],
      bytesRead: 0,
    },
    process: { pid },
    regions: [],
    totals: [],
    imageTotals: [],
    threads,
    modules: [],
    files: [],
    auxv: [],
  };
}

const RECV: Frame = {
  pc: 0x7f00000a0024n,
  trust: 'context',
  module: LIBC,
  offset: 0xa0024,
  symbol: '__recv',
  symbolOffset: 0x24,
};
const CONN: Frame = {
  pc: 0x401240n,
  trust: 'cfi',
  module: APP,
  offset: 0x1240,
  symbol: 'conn_thread',
  symbolOffset: 0x40,
  file: 'conn.c',
  line: 88,
};
const START: Frame = { pc: 0x7f000009ca94n, trust: 'cfi', module: LIBC, symbol: 'start_thread', symbolOffset: 0x2d4 };

function recvmsg(fd: number): Syscall {
  return {
    nr: 47,
    name: 'recvmsg',
    args: [BigInt(fd), 0n, 0n, 0n, 0n, 0n],
    interrupted: false,
    text: `recvmsg(fd ${fd}, …)`,
    evidence: 'orig_rax',
  };
}

describe('stacksText', () => {
  const stacks: ThreadStack[] = [
    {
      tid: 100,
      frames: [{ pc: 0x401100n, trust: 'context', module: APP, symbol: 'main', symbolOffset: 0x1c }],
      stop: 'no-unwind-info',
      stopDetail: 'no CFI covers 0x401100',
    },
    ...[101, 102, 103].map((tid) => ({ tid, frames: [RECV, CONN, START], stop: 'outermost' as const })),
  ];
  const a = analysis([thread(100, true), thread(101), thread(102), thread(103), thread(104)], 100);
  const syscalls = new Map([101, 102, 103].map((tid) => [tid, recvmsg(tid - 90)]));

  it('prints the groups, then every thread: its frames and why its walk ended, or the group it shares them with', () => {
    expect(stacksText(groupStacks(stacks), stacks, syscalls, a)).toBe(
      [
        '2 stack groups among 5 threads (frames compared by module and symbol, by address without a symbol); shared by more than one thread: 1',
        '',
        'Group 1, 3 threads: tid 101–103 (blocked in recvmsg(…))',
        '  #0 libc.so.6!__recv+0x24 [context]',
        '  #1 blocked!conn_thread+0x40 [cfi] at conn.c:88',
        '  #2 libc.so.6!start_thread+0x2d4 [cfi]',
        '',
        'Threads',
        '',
        'tid 100: crashed, main, 1 frame',
        '  #0 blocked!main+0x1c [context]',
        '  walk ended: no unwind information for the last frame, and no other way found to its caller (no CFI covers 0x401100)',
        '',
        'tid 101: 3 frames, blocked in recvmsg(fd 11, …), the frames of group 1',
        'tid 102: 3 frames, blocked in recvmsg(fd 12, …), the frames of group 1',
        'tid 103: 3 frames, blocked in recvmsg(fd 13, …), the frames of group 1',
        '',
        'tid 104: not walked',
        '',
      ].join('\n'),
    );
  });

  it('shortens tid lists and long lines to the width, and names a call every thread makes alike', () => {
    // Every other tid: no run of consecutive tids to write as a range.
    const many = Array.from({ length: 788 }, (_, k) => ({
      tid: 1000 + 2 * k,
      frames: [RECV, CONN, START],
      stop: 'outermost' as const,
    }));
    const same = new Map(many.map((s) => [s.tid, recvmsg(7)]));
    const text = stacksText(groupStacks(many), many, same, analysis([thread(1000)], 1000), { width: 60 });
    const lines = text.split('\n');
    expect(lines[2]).toBe('Group 1, 788 threads: tid 1000, … and 787 more (blocked in recvmsg(fd 7, …))');
    const consecutive = many.map((s, k) => ({ ...s, tid: 5000 + k }));
    const byTid = new Map(consecutive.map((s) => [s.tid, recvmsg(7)]));
    const ranged = stacksText(groupStacks(consecutive), consecutive, byTid, analysis([thread(5000)], 5000));
    expect(ranged.split('\n')[2]).toBe('Group 1, 788 threads: tid 5000–5787 (blocked in recvmsg(fd 7, …))');
    expect(lines[2]?.length).toBeGreaterThan(60); // the call is never cut; the tids make room
    expect(lines[0]).toBe(
      '1 stack group among 1 thread (frames compared by module and symbol, by address without a symbol); shared by more than one thread: 1',
    );
    // Frame lines are cut to the width; the prose and the group's call stay whole.
    expect(lines.filter((l) => l.startsWith('  #')).every((l) => l.length <= 60)).toBe(true);
    expect(lines).toContain('  #1 blocked!conn_thread+0x40 [cfi] at conn.c:88');
  });
});
