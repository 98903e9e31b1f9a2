/**
 * What to set so that thread stacks reserve less, written for the runtime the process hosts, with the size to
 * set computed from the census: 4 × the deepest stack high-water mark of the process's threads, rounded up to
 * 256 KiB, and at least 256 KiB. Four times the deepest stack seen leaves room for the deeper paths the dump did
 * not catch; 256 KiB steps keep the number readable (and are a whole number of pages everywhere).
 */
import type { RuntimeInfo } from '../../types';
import { grouped, hexDigits, humanSize, KiB } from './finding-text';
import { dotnetPrefixes, dotnetReadsDefaultStackSize, type RuntimeKind } from './runtime-kind';

export const STACK_SIZE_STEP = 256 * KiB;
export const STACK_SIZE_FACTOR = 4;

/** 4 × highWater rounded up to 256 KiB, at least 256 KiB: 300 KiB → 1200 KiB → 1280 KiB (0x140000). */
export function suggestedStackSize(highWater: number): number {
  const mark = Number.isFinite(highWater) ? Math.max(0, highWater) : 0;
  const steps = Math.ceil((STACK_SIZE_FACTOR * mark) / STACK_SIZE_STEP);
  return Math.max(1, steps) * STACK_SIZE_STEP;
}

export interface StackAdviceContext {
  readonly kind: RuntimeKind;
  readonly runtime?: RuntimeInfo;
  /** The size to set (suggestedStackSize), when the census measured the high-water mark. */
  readonly size?: number;
  readonly highWater?: number;
  /** The threads' present reservation, the most common one. */
  readonly current: number;
}

const WITHOUT_CENSUS =
  'The size to set is 4 × the deepest stack high-water mark, rounded up to 256 KiB: the census (touched pages; --scan in the CLI, run by the page after loading) measures that mark.';

export function stackSizeAdvice(c: StackAdviceContext): string {
  const why =
    c.size === undefined || c.highWater === undefined
      ? WITHOUT_CENSUS
      : `${humanSize(c.size)} is 4 × the deepest high-water mark (${humanSize(c.highWater)}), rounded up to 256 KiB.`;
  switch (c.kind) {
    case 'dotnet':
      return `${dotnetAdvice(c)} ${why}`;
    case 'java':
      return `${javaAdvice(c)} ${why}`;
    case 'node':
      return `${nodeAdvice(c)} ${why}`;
    case 'go':
      return goAdvice(c);
    case 'python':
      return `${pythonAdvice(c)} ${why}`;
    case 'native':
      return `${nativeAdvice(c)} ${why}`;
  }
}

/**
 * The setting alone, to copy: for the runtimes whose stack size is one setting, once the census has given a size.
 * (Node.js and Go have no such setting: their advice explains what applies.)
 */
export function stackSizeFix(c: StackAdviceContext): string | undefined {
  if (c.size === undefined) return undefined;
  switch (c.kind) {
    case 'dotnet':
      if (dotnetReadsDefaultStackSize(c.runtime?.version) === false) return ulimit(c.size);
      return dotnetPrefixes(c.runtime?.version)
        .map((prefix) => `${prefix}DefaultStackSize=${hexDigits(c.size ?? 0)}`)
        .join(' ');
    case 'java':
      return `-Xss${Math.ceil(c.size / KiB)}k`;
    case 'python':
      return `threading.stack_size(${c.size})`;
    case 'native':
      return ulimit(c.size);
    case 'node':
    case 'go':
      return undefined;
  }
}

/** "ulimit -s 1280" (KiB), or a placeholder without a size. */
function ulimit(size: number | undefined): string {
  return `ulimit -s ${size === undefined ? '<KiB>' : String(Math.ceil(size / KiB))}`;
}

function dotnetAdvice(c: StackAdviceContext): string {
  const value = c.size === undefined ? '<hex digits>' : hexDigits(c.size);
  const prefixes = dotnetPrefixes(c.runtime?.version);
  const version = c.runtime?.version;
  const settings =
    prefixes.length === 1
      ? `${prefixes[0] ?? 'DOTNET_'}DefaultStackSize=${value} (.NET ${version ?? '?'}${prefixes[0] === 'COMPlus_' ? ': before .NET 6 the prefix is COMPlus_' : ''})`
      : `DOTNET_DefaultStackSize=${value} (.NET 6 and later) or COMPlus_DefaultStackSize=${value} (before .NET 6; the runtime's version is unknown, and setting both is harmless)`;
  const hexNote =
    c.size === undefined
      ? 'The value is read as HEXADECIMAL: 180000 means 0x180000 = 1,572,864 bytes = 1.50 MiB, not 180,000 bytes.'
      : `The value is read as HEXADECIMAL: ${value} = 0x${value} = ${grouped(c.size)} bytes = ${humanSize(c.size)}.`;
  if (dotnetReadsDefaultStackSize(version) === false) {
    // A runtime that predates the setting: its threads take glibc's default, which ulimit -s sets.
    return `This runtime (.NET Core ${version ?? '?'}) does not read DefaultStackSize (.NET Core 2.1 added it): its threads take glibc's default stack size, which is the process's stack limit. Start the process with ${ulimit(c.size)} (KiB), in place of the ${humanSize(c.current)} the threads reserve now. After an upgrade, set ${settings} to size the runtime's threads alone. ${hexNote}`;
  }
  return `Set ${settings} in the process's environment, in place of the ${humanSize(c.current)} the threads reserve now. ${hexNote} It sizes the threads the runtime creates (managed threads, the thread pool's); the main thread keeps ulimit -s, and threads native libraries create keep glibc's default.`;
}

function javaAdvice(c: StackAdviceContext): string {
  const xss = c.size === undefined ? '-Xss<size>' : `-Xss${Math.ceil(c.size / KiB)}k`;
  return `Start the JVM with ${xss} (on its command line, or JAVA_TOOL_OPTIONS="${xss}" where the command line is out of reach), in place of the ${humanSize(c.current)} the threads reserve now. It sizes Java threads' stacks (the main method's too: the launcher runs it on a thread of its own); threads that native code creates keep glibc's default (ulimit -s). A stack too small throws StackOverflowError on deep recursion.`;
}

function nodeAdvice(c: StackAdviceContext): string {
  return `Node.js's --stack-size (in NODE_OPTIONS or on the command line) is V8's limit on JavaScript recursion, not a thread's reservation: it does not shrink these stacks, and set past the real stack it crashes the process instead of throwing RangeError. The reservations are the main thread's (${ulimit(c.size)}), libuv's thread pool's (UV_THREADPOOL_SIZE threads, 4 by default, 8 MiB each as libuv creates them), V8's platform workers' and worker_threads' (resourceLimits.stackSizeMb). If the pool is what grew, lower UV_THREADPOOL_SIZE; else start the process with ${ulimit(c.size)} (KiB).`;
}

function goAdvice(c: StackAdviceContext): string {
  return `These are OS threads, not goroutines: goroutine stacks live in Go's heap and grow as needed. Go starts an OS thread for each goroutine blocked in a system call or a cgo call, so many threads means many such calls blocked at once: GOMAXPROCS bounds the threads running Go code, not the blocked ones. Find what blocks (the stacks below); runtime/debug.SetMaxThreads caps the count. With cgo the runtime creates its threads with pthread_create, so ${ulimit(c.size)} (KiB) sizes them, in place of the ${humanSize(c.current)} they reserve now.`;
}

function pythonAdvice(c: StackAdviceContext): string {
  const size = c.size === undefined ? '<bytes>' : String(c.size);
  return `Call threading.stack_size(${size}) before the threads start: it sizes the threads Python creates, in place of the ${humanSize(c.current)} they reserve now. ${ulimit(c.size)} (KiB) sets the main thread's stack and glibc's default for threads that native extensions create.`;
}

function nativeAdvice(c: StackAdviceContext): string {
  const size = c.size === undefined ? '<bytes>' : String(c.size);
  return `Start the process with ${ulimit(c.size)} (KiB): it sets the main thread's stack limit and glibc's default size for new threads that do not choose one, in place of the ${humanSize(c.current)} they reserve now. Or give the threads created in numbers their own size: pthread_attr_setstacksize(&attr, ${size}) before pthread_create.`;
}
