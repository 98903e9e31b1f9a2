/**
 * How a system call's arguments read in the Threads view: `recvmsg(fd 127, 0x7f…, 0)`, `futex(0x7f…,
 * FUTEX_WAIT_PRIVATE, 2, NULL)`, `epoll_wait(fd 5, 0x7f…, 64, timeout -1)`. The calls a blocked thread sits in
 * (waits, sleeps, socket and pipe I/O) have their arguments typed here, as the kernel declares them; any other
 * call shows all six registers in hex, since its arity is not known here.
 *
 * C `int` arguments (fds, counts, timeouts in ms, clock ids) are read from the low 32 bits: the kernel ignores the
 * upper half of the register for them, and libc may leave it zero when passing -1 (`mov $-1, %r10d`).
 */

/**
 *   fd        `fd N`
 *   dirfd     `fd N`, or AT_FDCWD
 *   ptr       hex, NULL for 0
 *   int       signed 32-bit decimal
 *   size      unsigned decimal of the whole register
 *   flags     hex, 0 for 0
 *   ms        `timeout N` (an int in milliseconds, -1 for none)
 *   clock     CLOCK_… name
 *   abstime   TIMER_ABSTIME or 0
 */
export type ArgumentKind = 'fd' | 'dirfd' | 'ptr' | 'int' | 'size' | 'flags' | 'ms' | 'clock' | 'abstime';

const IO: readonly ArgumentKind[] = ['fd', 'ptr', 'size'];
const POSITIONED_IO: readonly ArgumentKind[] = ['fd', 'ptr', 'size', 'int'];
const MSG: readonly ArgumentKind[] = ['fd', 'ptr', 'flags'];
const MMSG: readonly ArgumentKind[] = ['fd', 'ptr', 'int', 'flags', 'ptr'];
const EPOLL: readonly ArgumentKind[] = ['fd', 'ptr', 'int', 'ms'];
const EPOLL_P: readonly ArgumentKind[] = ['fd', 'ptr', 'int', 'ms', 'ptr', 'size'];
const EPOLL_P2: readonly ArgumentKind[] = ['fd', 'ptr', 'int', 'ptr', 'ptr', 'size'];
const PPOLL: readonly ArgumentKind[] = ['ptr', 'int', 'ptr', 'ptr', 'size'];
const SELECT: readonly ArgumentKind[] = ['int', 'ptr', 'ptr', 'ptr', 'ptr'];
const PSELECT: readonly ArgumentKind[] = ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'];
const CLOCK_SLEEP: readonly ArgumentKind[] = ['clock', 'abstime', 'ptr', 'ptr'];
const SIGTIMEDWAIT: readonly ArgumentKind[] = ['ptr', 'ptr', 'ptr', 'size'];
const GETEVENTS: readonly ArgumentKind[] = ['flags', 'int', 'int', 'ptr', 'ptr'];
const SEMTIMEDOP: readonly ArgumentKind[] = ['int', 'ptr', 'size', 'ptr'];

/** Argument kinds by call name (the names of every table: the 64-bit and the 32-bit ABIs' variants). */
export const ARGUMENTS: Readonly<Record<string, readonly ArgumentKind[]>> = {
  read: IO,
  write: IO,
  readv: ['fd', 'ptr', 'int'],
  writev: ['fd', 'ptr', 'int'],
  pread64: POSITIONED_IO,
  pwrite64: POSITIONED_IO,
  preadv: ['fd', 'ptr', 'int', 'int'],
  pwritev: ['fd', 'ptr', 'int', 'int'],
  recv: ['fd', 'ptr', 'size', 'flags'],
  send: ['fd', 'ptr', 'size', 'flags'],
  recvfrom: ['fd', 'ptr', 'size', 'flags', 'ptr', 'ptr'],
  sendto: ['fd', 'ptr', 'size', 'flags', 'ptr', 'int'],
  recvmsg: MSG,
  sendmsg: MSG,
  recvmmsg: MMSG,
  recvmmsg_time64: MMSG,
  sendmmsg: ['fd', 'ptr', 'int', 'flags'],
  accept: ['fd', 'ptr', 'ptr'],
  accept4: ['fd', 'ptr', 'ptr', 'flags'],
  connect: ['fd', 'ptr', 'int'],
  close: ['fd'],
  fsync: ['fd'],
  fdatasync: ['fd'],
  flock: ['fd', 'flags'],
  fcntl: ['fd', 'int', 'flags'],
  fcntl64: ['fd', 'int', 'flags'],
  ioctl: ['fd', 'flags', 'ptr'],
  openat: ['dirfd', 'ptr', 'flags', 'flags'],
  sendfile: ['fd', 'fd', 'ptr', 'size'],
  sendfile64: ['fd', 'fd', 'ptr', 'size'],
  splice: ['fd', 'ptr', 'fd', 'ptr', 'size', 'flags'],
  tee: ['fd', 'fd', 'size', 'flags'],
  epoll_wait: EPOLL,
  epoll_pwait: EPOLL_P,
  epoll_pwait2: EPOLL_P2,
  poll: ['ptr', 'int', 'ms'],
  ppoll: PPOLL,
  ppoll_time64: PPOLL,
  select: SELECT,
  _newselect: SELECT,
  pselect6: PSELECT,
  pselect6_time64: PSELECT,
  nanosleep: ['ptr', 'ptr'],
  clock_nanosleep: CLOCK_SLEEP,
  clock_nanosleep_time64: CLOCK_SLEEP,
  pause: [],
  sched_yield: [],
  rt_sigsuspend: ['ptr', 'size'],
  rt_sigtimedwait: SIGTIMEDWAIT,
  rt_sigtimedwait_time64: SIGTIMEDWAIT,
  wait4: ['int', 'ptr', 'flags', 'ptr'],
  waitpid: ['int', 'ptr', 'flags'],
  waitid: ['int', 'int', 'ptr', 'flags', 'ptr'],
  io_uring_enter: ['fd', 'int', 'int', 'flags', 'ptr', 'size'],
  io_getevents: GETEVENTS,
  io_pgetevents: [...GETEVENTS, 'ptr'],
  io_pgetevents_time64: [...GETEVENTS, 'ptr'],
  futex_waitv: ['ptr', 'int', 'flags', 'ptr', 'clock'],
  semop: ['int', 'ptr', 'size'],
  semtimedop: SEMTIMEDOP,
  semtimedop_time64: SEMTIMEDOP,
  msgrcv: ['int', 'ptr', 'size', 'int', 'flags'],
  msgsnd: ['int', 'ptr', 'size', 'flags'],
  mq_timedreceive: ['fd', 'ptr', 'size', 'ptr', 'ptr'],
  getrandom: ['ptr', 'size', 'flags'],
  exit: ['int'],
  exit_group: ['int'],
  kill: ['int', 'int'],
  tkill: ['int', 'int'],
  tgkill: ['int', 'int', 'int'],
  rt_sigreturn: [],
};

const CLOCKS: Readonly<Record<number, string>> = {
  0: 'CLOCK_REALTIME',
  1: 'CLOCK_MONOTONIC',
  2: 'CLOCK_PROCESS_CPUTIME_ID',
  3: 'CLOCK_THREAD_CPUTIME_ID',
  4: 'CLOCK_MONOTONIC_RAW',
  5: 'CLOCK_REALTIME_COARSE',
  6: 'CLOCK_MONOTONIC_COARSE',
  7: 'CLOCK_BOOTTIME',
  8: 'CLOCK_REALTIME_ALARM',
  9: 'CLOCK_BOOTTIME_ALARM',
  11: 'CLOCK_TAI',
};

/** linux/futex.h: the command is the low 7 bits; FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256) modify it. */
const FUTEX_COMMANDS = [
  'FUTEX_WAIT',
  'FUTEX_WAKE',
  'FUTEX_FD',
  'FUTEX_REQUEUE',
  'FUTEX_CMP_REQUEUE',
  'FUTEX_WAKE_OP',
  'FUTEX_LOCK_PI',
  'FUTEX_UNLOCK_PI',
  'FUTEX_TRYLOCK_PI',
  'FUTEX_WAIT_BITSET',
  'FUTEX_WAKE_BITSET',
  'FUTEX_WAIT_REQUEUE_PI',
  'FUTEX_CMP_REQUEUE_PI',
  'FUTEX_LOCK_PI2',
] as const;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** Which of futex's six arguments each command uses, after uaddr and op (strace shows the same ones). */
const FUTEX_REST: Readonly<Record<string, readonly ArgumentKind[]>> = {
  FUTEX_WAIT: ['int', 'ptr'],
  FUTEX_WAKE: ['int'],
  FUTEX_FD: ['int'],
  FUTEX_REQUEUE: ['int', 'int', 'ptr'],
  FUTEX_CMP_REQUEUE: ['int', 'int', 'ptr', 'int'],
  FUTEX_WAKE_OP: ['int', 'int', 'ptr', 'flags'],
  FUTEX_LOCK_PI: ['int', 'ptr'],
  FUTEX_UNLOCK_PI: [],
  FUTEX_TRYLOCK_PI: [],
  FUTEX_WAIT_BITSET: ['int', 'ptr', 'ptr', 'flags'],
  FUTEX_WAKE_BITSET: ['int', 'ptr', 'ptr', 'flags'],
  FUTEX_WAIT_REQUEUE_PI: ['int', 'ptr', 'ptr'],
  FUTEX_CMP_REQUEUE_PI: ['int', 'int', 'ptr', 'int'],
  FUTEX_LOCK_PI2: ['int', 'ptr'],
};

/** "FUTEX_WAIT_PRIVATE", "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", or the number in hex. */
export function futexOperation(op: number): string {
  const command = FUTEX_COMMANDS[op & 127];
  if (command === undefined || (op & ~(127 | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) !== 0) {
    return `0x${(op >>> 0).toString(16)}`;
  }
  const name = (op & FUTEX_PRIVATE_FLAG) !== 0 ? `${command}_PRIVATE` : command;
  return (op & FUTEX_CLOCK_REALTIME) !== 0 ? `${name}|FUTEX_CLOCK_REALTIME` : name;
}

function int32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

function hexText(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function formatArgument(kind: ArgumentKind, value: bigint): string {
  switch (kind) {
    case 'fd':
      return `fd ${int32(value)}`;
    case 'dirfd':
      return int32(value) === -100 ? 'AT_FDCWD' : `fd ${int32(value)}`;
    case 'ptr':
      return value === 0n ? 'NULL' : hexText(value);
    case 'int':
      return String(int32(value));
    case 'size':
      return value.toString();
    case 'flags':
      return value === 0n ? '0' : hexText(value);
    case 'ms':
      return `timeout ${int32(value)}`;
    case 'clock':
      return CLOCKS[int32(value)] ?? String(int32(value));
    case 'abstime':
      return value === 1n ? 'TIMER_ABSTIME' : value === 0n ? '0' : hexText(value);
  }
}

/**
 * `name(arguments)` for the Threads view. `firstUnknown`: the first argument register was overwritten by the
 * call's return value (aarch64 and arm after -EINTR) and shows as `?`.
 */
export function formatCall(name: string, args: readonly bigint[], firstUnknown = false): string {
  const shown = (kinds: readonly ArgumentKind[]): string[] =>
    kinds.map((kind, i) => (i === 0 && firstUnknown ? '?' : formatArgument(kind, args[i] ?? 0n)));
  let parts: string[];
  if (name === 'futex' || name === 'futex_time64') {
    const op = futexOperation(int32(args[1] ?? 0n));
    const rest = FUTEX_REST[op.split('|')[0]?.replace(/_PRIVATE$/, '') ?? ''] ?? ['int', 'ptr', 'ptr', 'flags'];
    const [uaddr, , ...others] = shown(['ptr', 'int', ...rest]);
    parts = [uaddr ?? '?', op, ...others];
  } else {
    const kinds = ARGUMENTS[name];
    parts = kinds === undefined ? args.map((a, i) => (i === 0 && firstUnknown ? '?' : hexText(a))) : shown(kinds);
  }
  return `${name}(${parts.join(', ')})`;
}
