/**
 * Which dumps and threads were signalled. The kernel writes a core because a signal killed the process, and
 * repeats that signal as pr_cursig in every thread; gdb's gcore of a live process stops it to read it, so every
 * pr_cursig is 0 and its NT_SIGINFO, when written, carries only the SIGSTOP of gdb's attach.
 */
import { signalName } from '../notes/siginfo';
import type { Thread } from '../types';

/** A gcore snapshot: written by gdb's gcore, no thread carries a signal, and NT_SIGINFO says none or SIGSTOP. */
export function isGcoreSnapshot(
  producer: string,
  threadSignals: readonly number[],
  siginfoSigno: number | undefined,
  machine: number,
): boolean {
  if (producer !== 'gdb gcore') return false;
  if (threadSignals.some((s) => s !== 0)) return false;
  return siginfoSigno === undefined || siginfoSigno === 0 || signalName(siginfoSigno, machine) === 'SIGSTOP';
}

/**
 * Sets each thread's `signalled`: the thread the signal was delivered to. Where every thread repeats one signal
 * (the kernel's way), that is only the crashed thread; where each thread records its own (gdb), every thread with
 * a signal; in a snapshot, none.
 */
export function markSignalled(threads: readonly Thread[], producer: string, snapshot: boolean): void {
  const first = threads[0]?.signal ?? 0;
  const repeated = producer === 'kernel' || (threads.length > 1 && threads.every((t) => t.signal === first));
  for (const t of threads) t.signalled = !snapshot && t.signal !== 0 && (t.crashed || !repeated);
}
