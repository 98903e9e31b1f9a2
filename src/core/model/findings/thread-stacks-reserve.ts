/**
 * Rule `thread-stacks-reserve`: the threads' stacks reserve a large part of the address space. Each thread gets
 * its whole stack reserved when it starts (8 MiB by default with glibc), however little of it the thread uses:
 * 788 threads blocked in one receive loop reserve 6.16 GiB. It fires when the stacks (Stack and StackGuard
 * regions) reserve at least 1 GiB, or at least 25 % of the address space and 256 MiB (a small program's one
 * 8 MiB stack is a large share of little and no finding). With the census it sizes the advice from the deepest
 * stack any thread other than the main one touched (the setting sizes the threads the process creates).
 */
import type { EnvironmentVariable, Finding, FindingEvidence, Region, Thread } from '../../types';
import { envEvidence, envVariables, readHexSetting, STARTED_WITH } from './environment';
import type { FindingsInput } from './finding-input';
import { count, GiB, grouped, humanSize, MiB, share } from './finding-text';
import { dotnetReadsDefaultStackSize, runtimeKind, type RuntimeKind } from './runtime-kind';
import { stackSizeAdvice, stackSizeFix, suggestedStackSize } from './stack-size-advice';

export const THREAD_STACKS_RESERVE = 'thread-stacks-reserve';
export const STACKS_MIN_RESERVED = GiB;
export const STACKS_MIN_SHARE = 25;
export const STACKS_MIN_FOR_SHARE = 256 * MiB;

/** Settings that bear on thread stacks, per runtime. */
const STACK_SETTINGS: Record<RuntimeKind, readonly string[]> = {
  dotnet: ['DOTNET_DefaultStackSize', 'COMPlus_DefaultStackSize'],
  java: ['JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS'],
  node: ['NODE_OPTIONS', 'UV_THREADPOOL_SIZE'],
  go: ['GOMAXPROCS', 'GODEBUG'],
  python: [],
  native: [],
};

export function threadStacksReserve(input: FindingsInput): Finding | undefined {
  const { analysis } = input;
  const { regions, threads } = analysis;
  let reserved = 0;
  const starts: bigint[] = [];
  const heuristics = new Set<string>();
  for (const r of regions) {
    if (r.kind !== 'Stack' && r.kind !== 'StackGuard') continue;
    reserved += r.size;
    starts.push(r.start);
    if (r.heuristic !== undefined) heuristics.add(r.heuristic.name);
  }
  const whole = analysis.totals.reduce((sum, t) => sum + t.size, 0);
  const pct = whole === 0 ? 0 : (reserved / whole) * 100;
  if (reserved < STACKS_MIN_RESERVED && !(pct >= STACKS_MIN_SHARE && reserved >= STACKS_MIN_FOR_SHARE))
    return undefined;

  const stacked = threads.filter((t) => t.stackRegion !== undefined);
  if (stacked.length === 0) return undefined;
  const sizes = stacked.map((t) => reservation(t, regions));
  const common = mostCommon(sizes);
  const kind = runtimeKind(analysis, input.stacks);
  const deepest = deepestMark(input, threads, analysis.process.pid);
  const size = deepest === undefined ? undefined : suggestedStackSize(deepest.depth);

  const others = sizes.filter((s) => s !== common.value).length;
  const parts = [
    `${count(stacked.length, 'thread')} × ${humanSize(common.value)} (stack and guard page, the most common reservation${others > 0 ? `; ${grouped(others)} ${others === 1 ? 'other differs' : 'others differ'}` : ''}): the Stack and StackGuard regions reserve ${humanSize(reserved)}, ${share(reserved, whole)} of the process's ${humanSize(whole)} address space. A stack is reserved whole when its thread starts, whatever the thread uses of it; it costs address space (and counts against ulimit -v and overcommit), and memory only where touched.`,
    deepest === undefined
      ? "How deep the stacks go is not known without the census (touched pages): it measures each thread's high-water mark."
      : `The deepest high-water mark of ${deepest.main ? 'any thread' : 'a thread other than the main one'} is ${humanSize(deepest.depth)} (tid ${deepest.tid}), ${share(deepest.depth, reservation(deepest.thread, regions))} of its stack (heuristic: the census's deepest non-zero page below the stack top; a page written and later zeroed is not seen).`,
  ];
  if (heuristics.size > 0) {
    parts.push(`Some of these regions are tagged by heuristic: ${[...heuristics].sort().join(', ')}.`);
  }
  if (kind === 'go') {
    parts.push("The program is taken for Go's (heuristic: its runtime's functions on the threads' stacks).");
  }
  const vars = envVariables(input.environment, STACK_SETTINGS[kind]);
  const evidence: FindingEvidence[] = [
    {
      kind: 'threads',
      tids: stacked.map((t) => t.tid),
      text: `${count(stacked.length, 'thread')} with a stack region`,
    },
    { kind: 'regions', starts, text: `${count(starts.length, 'Stack or StackGuard region')}, ${humanSize(reserved)}` },
  ];
  if (deepest !== undefined) {
    evidence.push({ kind: 'threads', tids: [deepest.tid], text: `deepest stack: ${humanSize(deepest.depth)} touched` });
  }
  const group = input.groups?.[0];
  if (group !== undefined && group.threads.length >= 8) {
    evidence.push({
      kind: 'stack-group',
      group: 0,
      text: `${count(group.threads.length, 'thread')} share one stack (finding same-stack)`,
    });
  }
  const javaFlags =
    kind === 'java' ? (input.environment?.argv ?? []).filter((a) => /^-Xss|^-XX:ThreadStackSize=/.test(a)) : [];
  if (javaFlags.length > 0) {
    parts.push(`The command line has ${javaFlags.join(' ')}.`);
    evidence.push({ kind: 'fact', text: `the command line (argv) has ${javaFlags.join(' ')}` });
  }
  if (vars.length > 0) {
    parts.push(settingsText(vars, kind, common.value, analysis.process.runtime?.version));
    for (const v of vars) evidence.push(envEvidence(v, 'in the environment the process started with'));
  }
  const context = {
    kind,
    runtime: analysis.process.runtime,
    current: common.value,
    ...(size === undefined || deepest === undefined ? {} : { size, highWater: deepest.depth }),
  };
  const advice = stackSizeAdvice(context);
  const fix = stackSizeFix(context);
  return {
    id: THREAD_STACKS_RESERVE,
    severity: 'warning',
    title: `${count(stacked.length, 'thread stack')} reserve ${humanSize(reserved)}`,
    detail: parts.join(' '),
    advice,
    ...(fix !== undefined ? { fix } : {}),
    evidence,
  };
}

/** The stack region's size plus the guard directly below it. */
function reservation(t: Thread, regions: readonly Region[]): number {
  const i = t.stackRegion ?? -1;
  const stack = regions[i];
  if (stack === undefined) return t.stackSize ?? 0;
  const below = regions[i - 1];
  const guard = below !== undefined && below.kind === 'StackGuard' && below.end === stack.start ? below.size : 0;
  return stack.size + guard;
}

function mostCommon(values: readonly number[]): { value: number; count: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: 0, count: 0 };
  for (const [value, n] of counts)
    if (n > best.count || (n === best.count && value > best.value)) best = { value, count: n };
  return best;
}

/**
 * The deepest census high-water mark among the threads the process created (tid ≠ pid): the stack-size settings
 * size those; the main thread's only when it is the only one measured.
 */
function deepestMark(
  input: FindingsInput,
  threads: readonly Thread[],
  pid: number | undefined,
): { depth: number; tid: number; thread: Thread; main: boolean } | undefined {
  const depths = input.census?.threadDepth;
  if (depths === undefined) return undefined;
  let best: { depth: number; tid: number; thread: Thread; main: boolean } | undefined;
  let main: typeof best;
  threads.forEach((t, i) => {
    const d = depths[i];
    if (d === undefined || Number.isNaN(d) || t.stackRegion === undefined) return;
    const candidate = { depth: d, tid: t.tid, thread: t, main: false };
    if (t.tid === pid) main = { ...candidate, main: true };
    else if (best === undefined || d > best.depth) best = candidate;
  });
  return best ?? main;
}

/** What the environment's settings say, quoted, with .NET's hexadecimal reading spelled out. */
function settingsText(
  vars: readonly EnvironmentVariable[],
  kind: RuntimeKind,
  current: number,
  version: string | undefined,
): string {
  const lines = vars.map((v) => {
    if (kind !== 'dotnet') return `The process started with ${v.name}=${v.value}.`;
    const read = readHexSetting(v);
    if (dotnetReadsDefaultStackSize(version) === false && /DefaultStackSize$/.test(v.name))
      return `The process started with ${v.name}=${v.value}, which ${read.reading}, by a runtime that reads it (.NET Core 2.1 and later); this one (.NET Core ${version ?? '?'}) does not read it, and its threads reserve ${humanSize(current)}.`;
    const got =
      read.bytes !== undefined && Math.abs(read.bytes - current) > 64 * 1024
        ? ` Most threads reserve ${humanSize(current)}, not that: threads native code creates keep glibc's default${v.name.startsWith('DOTNET_') ? ', and a runtime older than .NET 6 reads COMPlus_DefaultStackSize only' : ''}.`
        : '';
    return `The process started with ${v.name}=${v.value}, which ${read.reading}.${got}`;
  });
  return `${lines.join(' ')} ${STARTED_WITH}`;
}
