/**
 * A stacks state for the views' tests, shaped like a .NET service's dump: 800 threads in 3 groups — 788 blocked
 * in a socket receive through JIT-compiled code, 10 runtime threads waiting on a condition variable (one of them
 * interrupted by a signal), and the main thread with one helper in epoll_wait. Threads are tids 1000…1799 in
 * index order.
 */
import type { ThreadRow } from '../../../workers/engine-protocol';
import type { Frame, StackGroup, Syscall, ThreadStack } from '../../core/types';
import type { StacksState } from '../../state/stacks-data';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const CORECLR = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.8/libcoreclr.so';
const NATIVE = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.8/libSystem.Native.so';
const APP = '/srv/app/server';

export const JIT_PC = 0x7f3a1c2b4e10n;

function fn(module: string, symbol: string, pc: bigint, trust: Frame['trust'], symbolOffset = 0): Frame {
  return { pc, trust, module, offset: Number(pc & 0xfffffn), symbol, symbolOffset, symbolSource: 'dump' };
}

const CLONE = fn(LIBC, 'clone3', 0x7f0000129c3cn, 'cfi', 0x2c);
const START = fn(LIBC, 'start_thread', 0x7f0000094ac3n, 'cfi', 0x2e3);

/** Innermost first. */
export const RECEIVE_FRAMES: readonly Frame[] = [
  fn(LIBC, '__recv', 0x7f000011e9a4n, 'context', 0x24),
  fn(NATIVE, 'SystemNative_ReceiveMessage', 0x7f10000152bdn, 'cfi', 0x5d),
  {
    pc: 0x7f3a1c2b5002n,
    trust: 'fp',
    symbol: 'System.Net.Sockets.Socket.Receive(…)',
    symbolOffset: 0x12,
    symbolSource: 'perfmap',
    jit: true,
  },
  { pc: JIT_PC, trust: 'scan', jit: true },
  fn(CORECLR, 'CallDescrWorkerInternal', 0x7f2000483c4bn, 'cfi', 0x7b),
  fn(CORECLR, 'ThreadNative::KickOffThread', 0x7f20002e1a40n, 'cfi', 0x120),
  START,
  CLONE,
];

export const WAIT_FRAMES: readonly Frame[] = [
  fn(LIBC, '__futex_abstimed_wait_common64', 0x7f0000091117n, 'context', 0x117),
  fn(LIBC, '___pthread_cond_wait', 0x7f0000093a41n, 'cfi', 0x221),
  fn(CORECLR, 'CorUnix::CPalSynchronizationManager::ThreadNativeWait', 0x7f20005d5e6an, 'cfi', 0xfa),
  fn(CORECLR, 'FinalizerThreadWorker', 0x7f200031be2an, 'cfi', 0x8a),
  START,
  CLONE,
];

export const MAIN_FRAMES: readonly Frame[] = [
  fn(LIBC, 'epoll_wait', 0x7f0000128dean, 'context', 0x1a),
  { ...fn(APP, 'main', 0x55550000129fn, 'cfi', 0x4f), file: '/srv/app/src/main.c', line: 42 },
  fn(LIBC, '__libc_start_call_main', 0x7f0000029d90n, 'cfi', 0x80),
  fn(LIBC, '__libc_start_main', 0x7f0000029e40n, 'cfi', 0x80),
  fn(APP, '_start', 0x555500001085n, 'fp', 0x25),
];

export const THREAD_COUNT = 800;
export const MAIN_TIDS: readonly number[] = [1000, 1001];
export const WAIT_TIDS: readonly number[] = Array.from({ length: 10 }, (_, i) => 1002 + i);
export const RECEIVE_TIDS: readonly number[] = Array.from({ length: 788 }, (_, i) => 1012 + i);
/** The waiting thread a signal interrupted. */
export const INTERRUPTED_TID = 1005;

export function threadRows(): ThreadRow[] {
  return Array.from({ length: THREAD_COUNT }, (_, i) => ({
    tid: 1000 + i,
    signal: 0,
    signalName: '',
    crashed: false,
    registerCount: 0,
    stackSize: i === 0 ? 132 * 1024 : 1536 * 1024,
    stackUsed: 4096 + i,
  }));
}

function framesOf(tid: number): readonly Frame[] {
  return MAIN_TIDS.includes(tid) ? MAIN_FRAMES : WAIT_TIDS.includes(tid) ? WAIT_FRAMES : RECEIVE_FRAMES;
}

function syscallOf(tid: number): Syscall {
  if (MAIN_TIDS.includes(tid))
    return {
      nr: 232,
      name: 'epoll_wait',
      args: [3n, 0x7ffd1000n, 128n, 0xffffffffn, 0n, 0n],
      interrupted: false,
      text: 'epoll_wait(fd 3, 0x7ffd1000, 128, -1)',
      evidence: 'orig_rax',
    };
  if (WAIT_TIDS.includes(tid))
    return {
      nr: 202,
      name: 'futex',
      args: [0x7f3a00001000n + BigInt(tid), 0x189n, 0n, 0n, 0n, 0xffffffffn],
      interrupted: tid === INTERRUPTED_TID,
      text: `futex(0x${(0x7f3a00001000 + tid).toString(16)}, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL)`,
      evidence: 'orig_rax',
    };
  return {
    nr: 47,
    name: 'recvmsg',
    args: [BigInt(tid - 900), 0x7f3b00000000n, 0n, 0n, 0n, 0n],
    interrupted: false,
    text: `recvmsg(fd ${tid - 900}, 0x7f3b00000000, 0)`,
    evidence: 'orig_rax',
  };
}

export function stackGroups(): StackGroup[] {
  return [
    { threads: RECEIVE_TIDS, frames: RECEIVE_FRAMES },
    { threads: WAIT_TIDS, frames: WAIT_FRAMES },
    { threads: MAIN_TIDS, frames: MAIN_FRAMES },
  ];
}

/** The finished stacks pass over the 800 threads; `patch` overrides fields. */
export function stacksState(patch: Partial<StacksState> = {}): StacksState {
  const stacks: ThreadStack[] = Array.from({ length: THREAD_COUNT }, (_, i) => {
    const tid = 1000 + i;
    return tid === 1000
      ? { tid, frames: framesOf(tid), stop: 'outermost' }
      : {
          tid,
          frames: framesOf(tid),
          stop: 'unreadable',
          stopDetail: 'the return address at 0x7ffd0000fff8 is not in the dump',
        };
  });
  return {
    status: 'done',
    stacks,
    syscalls: stacks.map((s) => syscallOf(s.tid)),
    groups: stackGroups(),
    findings: [],
    modules: [],
    done: THREAD_COUNT,
    total: THREAD_COUNT,
    warnings: [],
    ...patch,
  };
}
