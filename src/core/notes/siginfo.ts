import { BinaryView } from '../elf/binary-view';
import { EM } from '../elf/constants';

export interface Siginfo {
  readonly signo: number;
  readonly code: number;
  readonly errno: number;
  /** si_addr, for the signals that carry a fault address. */
  readonly faultAddress?: bigint;
}

/** Signals whose siginfo carries si_addr (the faulting address): SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV. */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);
/** MIPS, SPARC, Alpha and PA-RISC keep the older numbering: SIGBUS is 10 there (7 is SIGEMT). */
const FAULT_SIGNALS_OLD_NUMBERING = new Set([4, 5, 8, 10, 11]);

function oldSignalNumbering(machine: number): boolean {
  return (
    machine === EM.MIPS ||
    machine === EM.SPARCV9 ||
    machine === EM.SPARC ||
    machine === EM.ALPHA ||
    machine === EM.PARISC
  );
}
/** si_code of a signal the kernel sends on its own behalf (include/uapi/asm-generic/siginfo.h). */
const SI_KERNEL = 0x80;

/**
 * NT_SIGINFO holds a kernel siginfo_t (not the 3-int elf_siginfo of NT_PRSTATUS). Generic order is signo, errno,
 * code; MIPS swaps code and errno. The union starts after a preamble of 3 ints (32-bit) or 4 ints (64-bit, for
 * alignment); si_addr is its first member for fault signals.
 */
export function parseSiginfo(desc: Uint8Array, v: BinaryView, machine: number): Siginfo | undefined {
  const preamble = v.bits === 64 ? 16 : 12;
  if (desc.length < preamble) return undefined;
  const view = new BinaryView(desc, v.endian, v.bits);
  const signo = view.i32(0);
  const mips = machine === EM.MIPS;
  const errno = view.i32(mips ? 8 : 4);
  const code = view.i32(mips ? 4 : 8);
  // si_code > 0 means the kernel raised it (a real fault); <= 0 is kill()/tgkill()/queue, where si_addr is not set.
  // SI_KERNEL (0x80, e.g. the SIGTRAP of int3 under x86, or a GP fault's SIGSEGV) is laid out as a kill, not a fault:
  // kernel/signal.c siginfo_layout() takes the fault layout only for SI_USER < si_code < SI_KERNEL.
  const faultSignals = oldSignalNumbering(machine) ? FAULT_SIGNALS_OLD_NUMBERING : FAULT_SIGNALS;
  const hasAddress = faultSignals.has(signo) && code > 0 && code < SI_KERNEL && desc.length >= preamble + view.wordSize;
  return { signo, code, errno, ...(hasAddress ? { faultAddress: view.word(preamble) } : {}) };
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  16: 'SIGSTKFLT',
  17: 'SIGCHLD',
  18: 'SIGCONT',
  19: 'SIGSTOP',
  20: 'SIGTSTP',
  21: 'SIGTTIN',
  22: 'SIGTTOU',
  23: 'SIGURG',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  26: 'SIGVTALRM',
  27: 'SIGPROF',
  28: 'SIGWINCH',
  29: 'SIGIO',
  30: 'SIGPWR',
  31: 'SIGSYS',
};

/** Linux's generic numbering; on MIPS, SPARC, Alpha and PA-RISC only the signals they number alike are named. */
export function signalName(signo: number, machine: number): string | undefined {
  if (signo === 0) return undefined;
  if (!oldSignalNumbering(machine)) return SIGNAL_NAMES[signo] ?? `signal ${signo}`;
  if (signo === 10) return 'SIGBUS';
  if (signo <= 6 || signo === 8 || signo === 9 || signo === 11 || signo === 13 || signo === 14 || signo === 15)
    return SIGNAL_NAMES[signo];
  return `signal ${signo}`;
}
