/**
 * Threads that do the same thing, found by their frames. A service with 788 threads blocked in one receive loop
 * shows 788 identical stacks: grouped, that is one line ("788 threads") and one stack to read, and the merged tree
 * (as `dotnet-dump analyze`'s `pstacks` draws it) shows where the few different ones branch off.
 *
 * Two frames are the same when they name the same symbol in the same module (the offset inside the function
 * differs between threads stopped at different lines of it, which is the same activity); a frame without a
 * symbol is compared by its pc.
 */
import type { Frame, StackGroup, ThreadStack } from '../types';

/** Identity of a frame for grouping: module and symbol where a symbol is known, else the pc. */
export function frameKey(frame: Frame): string {
  if (frame.symbol !== undefined && frame.symbol !== '') return `${frame.module ?? ''}!${frame.symbol}`;
  return `@${frame.pc.toString(16)}`;
}

/**
 * Threads grouped by their frame sequence (frameKey of each frame, innermost first). Largest group first, ties by
 * the lowest tid; tids ascending inside a group; the group's frames are its lowest tid's.
 */
export function groupStacks(stacks: readonly ThreadStack[]): StackGroup[] {
  const byKey = new Map<string, { frames: readonly Frame[]; first: number; threads: number[] }>();
  for (const s of stacks) {
    const key = s.frames.map(frameKey).join('\n');
    const group = byKey.get(key);
    if (group === undefined) {
      byKey.set(key, { frames: s.frames, first: s.tid, threads: [s.tid] });
      continue;
    }
    group.threads.push(s.tid);
    // The representative is the lowest tid's stack, whatever order the walks came in.
    if (s.tid < group.first) {
      group.first = s.tid;
      group.frames = s.frames;
    }
  }
  const groups = [...byKey.values()].map((g) => ({ frames: g.frames, threads: [...g.threads].sort((a, b) => a - b) }));
  return groups.sort((a, b) => b.threads.length - a.threads.length || (a.threads[0] ?? 0) - (b.threads[0] ?? 0));
}

/** One node of the merged tree: a frame shared by `tids` (all the threads whose stacks pass through it). */
export interface StackTreeNode {
  /** The first group's frame at this place (the others name the same function). */
  readonly frame: Frame;
  readonly count: number;
  /** Ascending. */
  readonly tids: readonly number[];
  /** The frames called from here, most threads first; threads whose innermost frame this is end here. */
  readonly children: readonly StackTreeNode[];
}

interface MutableNode {
  readonly frame: Frame;
  readonly tids: number[];
  readonly children: Map<string, MutableNode>;
}

/**
 * The groups merged into one tree, outermost frame at the root (thread start, main): shared outer frames appear
 * once, and the tree branches where stacks diverge. Each node counts every thread that passes through it. Roots
 * and children are ordered most threads first, ties by lowest tid.
 */
export function mergeStacks(groups: readonly StackGroup[]): StackTreeNode[] {
  const roots = new Map<string, MutableNode>();
  for (const g of groups) {
    let level = roots;
    for (let i = g.frames.length - 1; i >= 0; i--) {
      const frame = g.frames[i];
      if (frame === undefined) continue;
      const key = frameKey(frame);
      let node = level.get(key);
      if (node === undefined) {
        node = { frame, tids: [], children: new Map() };
        level.set(key, node);
      }
      for (const tid of g.threads) node.tids.push(tid);
      level = node.children;
    }
  }
  return freeze(roots);
}

function freeze(level: ReadonlyMap<string, MutableNode>): StackTreeNode[] {
  return [...level.values()]
    .map((n) => {
      const tids = [...n.tids].sort((a, b) => a - b);
      return { frame: n.frame, count: tids.length, tids, children: freeze(n.children) };
    })
    .sort((a, b) => b.count - a.count || (a.tids[0] ?? 0) - (b.tids[0] ?? 0));
}

/**
 * Functions a blocked thread sits in that say only *how* it waits, not *what for*: the C library's system call
 * and wait wrappers, and the runtimes' wait layers. topFrame skips them to reach the frame that says what the
 * thread is doing. Names are matched without glibc's internal `__GI_` prefix, a symbol version (`@@GLIBC_2.2.5`)
 * or a C++ parameter list.
 */
// prettier-ignore
export const WAIT_FUNCTIONS: ReadonlySet<string> = new Set([
  // glibc: socket, file and descriptor waits (blocked I/O).
  'recv', '__recv', '__libc_recv', 'recvfrom', '__recvfrom', '__libc_recvfrom', 'recvmsg', '__recvmsg',
  '__libc_recvmsg', 'recvmmsg', 'read', '__read', '__libc_read', '__read_nocancel', 'readv', '__readv', 'pread64',
  '__pread64', '__libc_pread64', 'accept', '__accept', '__libc_accept', 'accept4', '__libc_accept4', 'connect',
  '__connect', '__libc_connect', 'send', '__send', '__libc_send', 'sendto', '__sendto', 'sendmsg', '__sendmsg',
  'write', '__write', '__libc_write', 'writev', '__writev',
  // glibc: readiness waits (event loops).
  'poll', '__poll', 'ppoll', '__ppoll', 'select', '__select', 'pselect', '__pselect', 'pselect64', 'epoll_wait',
  'epoll_pwait', 'epoll_pwait2',
  // glibc: sleeps, signal and child waits.
  'nanosleep', '__nanosleep', 'clock_nanosleep', '__clock_nanosleep', '__clock_nanosleep_time64', 'usleep', 'sleep',
  'pause', '__pause', 'sigsuspend', '__sigsuspend', 'sigwait', '__sigwait', 'sigwaitinfo', 'sigtimedwait',
  '__sigtimedwait', 'wait', 'waitpid', '__waitpid', 'wait4', '__wait4', 'waitid',
  // glibc: futex-based locks, condition variables, semaphores, joins.
  'futex_wait', '__futex_abstimed_wait_common', '__futex_abstimed_wait_common64',
  '__futex_abstimed_wait_cancelable64', '__futex_lock_pi64', '__lll_lock_wait', '__lll_lock_wait_private',
  '__lll_timedlock_wait', 'pthread_mutex_lock', '__pthread_mutex_lock', '___pthread_mutex_lock',
  '__pthread_mutex_lock_full', 'pthread_mutex_timedlock', 'pthread_cond_wait', '__pthread_cond_wait',
  '___pthread_cond_wait', '__pthread_cond_wait_common', 'pthread_cond_timedwait', '__pthread_cond_timedwait',
  '___pthread_cond_timedwait', '__pthread_cond_timedwait64', 'pthread_cond_clockwait', '__pthread_cond_clockwait',
  '__pthread_cond_clockwait64', 'pthread_rwlock_rdlock', 'pthread_rwlock_wrlock', '__pthread_rwlock_rdlock',
  '__pthread_rwlock_wrlock', '__pthread_rwlock_rdlock_full64', '__pthread_rwlock_wrlock_full64', 'sem_wait',
  '__new_sem_wait', '__new_sem_wait_slow', '__new_sem_wait_slow64', 'do_futex_wait', 'sem_timedwait',
  'sem_clockwait', 'pthread_join', '__pthread_join', '__pthread_clockjoin_ex', '__pthread_timedjoin_ex',
  // glibc: the generic and cancellable system call entries (glibc 2.41 routes blocking calls through these).
  'syscall', '__syscall_cancel_arch', '__syscall_cancel', '__internal_syscall_cancel', '__syscall_cancel_arch_end',
  // .NET: the PAL's waits (libcoreclr), the runtime's events, System.Native's system call shims.
  'WaitForSingleObject', 'WaitForSingleObjectEx', 'WaitForMultipleObjects', 'WaitForMultipleObjectsEx', 'SleepEx',
  'Sleep', 'SwitchToThread', 'CLREventBase::WaitEx', 'CLREventWaitHelper', 'CLREventWaitHelper2',
  'Thread::DoAppropriateWaitWorker', 'Thread::DoAppropriateWait', 'Thread::Block', 'SystemNative_Receive',
  'SystemNative_ReceiveMessage', 'SystemNative_Read', 'SystemNative_Accept', 'SystemNative_Poll',
  'SystemNative_WaitForSocketEvents', 'SystemNative_LowLevelMonitor_Wait', 'SystemNative_LowLevelMonitor_TimedWait',
  // libuv (Node.js) and V8's platform threads.
  'uv__io_poll', 'uv_cond_wait', 'uv_cond_timedwait', 'uv_sem_wait', 'uv_mutex_lock',
  'v8::base::ConditionVariable::Wait', 'v8::base::ConditionVariable::WaitFor', 'v8::base::Semaphore::Wait',
  // HotSpot's parking.
  'os::PlatformEvent::park', 'os::PlatformMonitor::wait', 'os::PlatformParker::park', 'Parker::park',
  // Go's runtime, on its OS threads.
  'runtime.futex', 'runtime.futexsleep', 'runtime.notesleep', 'runtime.notetsleep_internal', 'runtime.notetsleepg',
  'runtime.usleep', 'runtime.epollwait', 'runtime.netpoll',
]);

/** Every function of these C++ namespaces is a wait layer (the .NET PAL's synchronization manager). */
const WAIT_NAMESPACES: readonly string[] = ['CorUnix::'];

/** Modules whose nameless frames at the top of a stack are taken for system call wrappers: the C library's. */
const LIBC_MODULE = /^(?:libc|libpthread|ld-linux[-\w.]*|ld|ld-musl-[\w]+)(?:[-.\d]*)\.so(?:\.\d+)*$|^libc\.musl/;

/** The symbol as matched against WAIT_FUNCTIONS: no `__GI_` prefix, symbol version or parameter list. */
export function waitName(symbol: string): string {
  let name = symbol.startsWith('__GI_') ? symbol.slice(5) : symbol;
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  const paren = name.indexOf('(');
  if (paren > 0) name = name.slice(0, paren);
  return name.trim();
}

/** The frame is a wait or system call wrapper (WAIT_FUNCTIONS), by its symbol. */
export function isWaitFrame(frame: Frame): boolean {
  if (frame.symbol === undefined || frame.symbol === '') return false;
  const name = waitName(frame.symbol);
  return WAIT_FUNCTIONS.has(name) || WAIT_NAMESPACES.some((ns) => name.startsWith(ns));
}

function isLibcModule(frame: Frame): boolean {
  if (frame.module === undefined) return false;
  const slash = frame.module.lastIndexOf('/');
  return LIBC_MODULE.test(frame.module.slice(slash + 1));
}

/**
 * .NET's layers between a program's code and the system call: the marshalling stubs the JIT makes for a P/Invoke
 * (perf maps name them `…IL_STUB_PInvoke…`) and the framework's own precompiled code (`System.*.dll`, nameless
 * without a perf map of its ReadyToRun code): Socket.Receive is not what a thread "does", its caller is.
 */
const DOTNET_LAYER_SYMBOL = /IL_STUB/;
const DOTNET_FRAMEWORK_FILE = /\/System(?:\.[\w]+)*\.dll$/;

function isRuntimeLayer(frame: Frame): boolean {
  if (frame.symbol !== undefined && DOTNET_LAYER_SYMBOL.test(frame.symbol)) return true;
  return frame.module !== undefined && DOTNET_FRAMEWORK_FILE.test(frame.module);
}

/**
 * The first frame, innermost first, that says what the thread is doing: past the wait and system call wrappers
 * (WAIT_FUNCTIONS), past nameless frames of the C library (without its symbols, a libc frame on top of a blocked
 * thread is its system call wrapper) and past .NET's interop stubs and framework code. Undefined when there are no
 * frames or every frame is such a layer.
 */
export function topFrame(frames: readonly Frame[]): Frame | undefined {
  for (const f of frames) {
    const nameless = f.symbol === undefined || f.symbol === '';
    if (isWaitFrame(f) || (nameless && isLibcModule(f)) || isRuntimeLayer(f)) continue;
    return f;
  }
  return undefined;
}
