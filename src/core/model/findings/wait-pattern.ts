/**
 * What a group of threads is waiting for, read from the system call they share (from their registers) or else
 * from the wait functions on their stacks (stack-groups.ts WAIT_FUNCTIONS), and what that pattern usually means
 * when many threads show it.
 */
import type { Frame, Syscall } from '../../types';
import { isWaitFrame, waitName } from '../stack-groups';

export type WaitPattern =
  'receive' | 'accept' | 'lock' | 'condition' | 'event-loop' | 'sleep' | 'managed-wait' | 'other';

const BY_SYSCALL: Readonly<Record<string, WaitPattern>> = {
  read: 'receive',
  readv: 'receive',
  pread64: 'receive',
  recvfrom: 'receive',
  recvmsg: 'receive',
  recvmmsg: 'receive',
  accept: 'accept',
  accept4: 'accept',
  futex: 'condition',
  epoll_wait: 'event-loop',
  epoll_pwait: 'event-loop',
  epoll_pwait2: 'event-loop',
  poll: 'event-loop',
  ppoll: 'event-loop',
  select: 'event-loop',
  pselect6: 'event-loop',
  nanosleep: 'sleep',
  clock_nanosleep: 'sleep',
};

const RECEIVE =
  /^(?:__libc_|__)?(?:recv|recvfrom|recvmsg|recvmmsg|read|readv|pread64|read_nocancel)$|^SystemNative_(?:Receive|ReceiveMessage|Read)$/;
const ACCEPT = /^(?:__libc_|__)?accept4?$|^SystemNative_Accept$/;
const LOCK =
  /lll_lock_wait|lll_timedlock_wait|mutex_lock|mutex_timedlock|rwlock_(?:rd|wr)lock|futex_lock_pi|uv_mutex_lock/;
const CONDITION =
  /cond_(?:wait|timedwait|clockwait)|futex_abstimed_wait|sem_wait|sem_timedwait|do_futex_wait|uv_sem_wait|ConditionVariable|Semaphore|PlatformEvent|Parker|PlatformMonitor|runtime\.(?:futex|notesleep|notetsleep)/;
const EVENT_LOOP =
  /^(?:__)?(?:poll|ppoll|select|pselect|pselect64|epoll_wait|epoll_pwait2?)$|uv__io_poll|SystemNative_(?:Poll|WaitForSocketEvents)|runtime\.(?:epollwait|netpoll)/;
const SLEEP = /^(?:__)?(?:clock_)?nanosleep|^usleep$|^sleep$|^SleepEx$|^Sleep$|runtime\.usleep/;
const MANAGED_WAIT =
  /^CorUnix::|^WaitFor(?:Single|Multiple)Object|CLREvent|DoAppropriateWait|^Thread::Block$|LowLevelMonitor/;

/** The pattern of a group: its shared system call's, else its wait frames'. */
export function waitPattern(frames: readonly Frame[], syscall?: Syscall): WaitPattern {
  if (syscall !== undefined) {
    const p = BY_SYSCALL[syscall.name];
    // futex says "waiting" only; the frames tell a lock from a condition.
    if (p !== undefined && p !== 'condition') return p;
  }
  // The wait frames on top of the stack, up to the first frame that is not one: the outermost of them says most of
  // what is awaited (pthread_mutex_lock over the futex call it makes, the PAL's wait over pthread_cond_wait).
  let found: WaitPattern | undefined;
  for (const f of frames) {
    if (!isWaitFrame(f) || f.symbol === undefined) break;
    const p = patternOf(waitName(f.symbol));
    if (p !== 'other') found = p;
  }
  if (found !== undefined) return found;
  return syscall?.name === 'futex' ? 'condition' : 'other';
}

function patternOf(name: string): WaitPattern {
  if (RECEIVE.test(name)) return 'receive';
  if (ACCEPT.test(name)) return 'accept';
  if (LOCK.test(name)) return 'lock';
  if (MANAGED_WAIT.test(name)) return 'managed-wait';
  if (CONDITION.test(name)) return 'condition';
  if (EVENT_LOOP.test(name)) return 'event-loop';
  if (SLEEP.test(name)) return 'sleep';
  return 'other';
}

/** What many threads in this pattern usually mean. */
export const PATTERN_MEANING: Readonly<Record<WaitPattern, string>> = {
  receive:
    'blocked receiving or reading: usually a thread per connection (or per pipe) waiting for data, so the thread count follows the connection count; an asynchronous receive (a few event-loop threads for all connections) would not hold a thread each',
  accept: 'waiting for connections: listener threads; many of them means many listeners or a pool of acceptors',
  lock: 'waiting for a lock: many threads queued on locks is a pool starved on one lock (see which one in the frames below the wait)',
  condition:
    'waiting on a condition variable, semaphore or futex: usually idle pool workers waiting for work; when the work queue is not empty, a pool starved waiting for one event or lock',
  'event-loop':
    'waiting in poll/epoll/select: event loops, normally a few; many of them means many loops (a loop per connection or per client object)',
  sleep:
    'sleeping: idle timers or loops that poll with a sleep; many of them is a thread per timer or per polling task',
  'managed-wait':
    "waiting in the .NET runtime's wait functions (a managed lock, event, or Task wait): many of them is often thread-pool starvation, threads blocking synchronously on work that needs a thread-pool thread to finish",
  other: 'the same code path: threads created for the same task and doing it in step',
};

/** What to look at next, for the patterns where one thing usually helps. */
export const PATTERN_ADVICE: Readonly<Partial<Record<WaitPattern, string>>> = {
  receive:
    'If the thread count follows the connections, asynchronous receives (epoll, async sockets, NIO) serve them from a few threads; until then every connection costs a thread and its stack reservation (see thread-stacks-reserve).',
  lock: 'Find the thread holding the lock (it is not in this group) and what it is waiting for.',
  'managed-wait':
    'Look below the wait for synchronous waits on asynchronous work (.Result, .Wait(), GetAwaiter().GetResult()): the thread pool adds threads slowly while they block.',
};
