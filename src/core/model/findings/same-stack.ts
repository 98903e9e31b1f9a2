/**
 * Rule `same-stack`: many threads stopped in the same code path (one stack group, stack-groups.ts). It fires for a
 * group of at least 8 threads, or of at least 25 % of the threads when there are 8 or more (and at least 2): a
 * pool or a thread-per-task design at work. The first five such groups are reported, largest first. A warning at
 * 32 threads or half of all, information below. Groups whose threads have no frames (the stacks pass could not
 * walk them) are not a pattern and are left out.
 */
import type { Finding, StackGroup, Syscall } from '../../types';
import { frameText } from '../frame-text';
import { topFrame } from '../stack-groups';
import type { FindingsInput } from './finding-input';
import { count, share } from './finding-text';
import { PATTERN_ADVICE, PATTERN_MEANING, waitPattern } from './wait-pattern';

export const SAME_STACK = 'same-stack';
export const SAME_STACK_MIN = 8;
export const SAME_STACK_MIN_SHARE = 25;
const MAX_GROUPS = 5;
const FRAMES_SHOWN = 6;

export function sameStack(input: FindingsInput, groups: readonly StackGroup[]): Finding[] {
  const total = input.analysis.threads.length;
  const out: Finding[] = [];
  groups.forEach((g, index) => {
    if (out.length >= MAX_GROUPS || g.frames.length === 0) return;
    const n = g.threads.length;
    const byShare = total >= SAME_STACK_MIN && n >= 2 && (n / total) * 100 >= SAME_STACK_MIN_SHARE;
    if (n < SAME_STACK_MIN && !byShare) return;
    out.push(groupFinding(g, index, total, input.syscalls));
  });
  return out;
}

/** The system call every thread of the group is in, when they share one (by name): the first thread's. */
export function sharedSyscall(g: StackGroup, syscalls: ReadonlyMap<number, Syscall> | undefined): Syscall | undefined {
  if (syscalls === undefined) return undefined;
  let first: Syscall | undefined;
  for (const tid of g.threads) {
    const s = syscalls.get(tid);
    if (s === undefined || (first !== undefined && s.name !== first.name)) return undefined;
    first ??= s;
  }
  return first;
}

function groupFinding(
  g: StackGroup,
  index: number,
  total: number,
  syscalls: ReadonlyMap<number, Syscall> | undefined,
): Finding {
  const n = g.threads.length;
  const syscall = sharedSyscall(g, syscalls);
  const pattern = waitPattern(g.frames, syscall);
  const top = topFrame(g.frames);
  const where = top === undefined ? frameText(g.frames[0] ?? { pc: 0n, trust: 'context' }) : frameText(top);
  const frames = g.frames
    .slice(0, FRAMES_SHOWN)
    .map((f, i) => `#${i} ${frameText(f)}`)
    .join(', ');
  const more = g.frames.length > FRAMES_SHOWN ? `, … (${g.frames.length} frames)` : '';
  const inCall = syscall === undefined ? '' : ` All are in the system call ${syscall.name} (${syscall.evidence}).`;
  const advice = PATTERN_ADVICE[pattern];
  return {
    id: SAME_STACK,
    severity: n >= 32 || n * 2 >= total ? 'warning' : 'info',
    title: `${count(n, 'thread')} in ${where}`,
    detail: `${count(n, 'thread')} of ${total} (${share(n, total)}) have the same stack (heuristic: frames compared by module and symbol, by address where no symbol is known): ${frames}${more}.${inCall} The pattern: ${PATTERN_MEANING[pattern]}.`,
    ...(advice === undefined ? {} : { advice }),
    evidence: [
      { kind: 'stack-group', group: index, text: `${count(n, 'thread')} with this stack` },
      { kind: 'threads', tids: g.threads, text: `the ${count(n, 'thread')} of stack group ${index + 1}` },
    ],
  };
}
