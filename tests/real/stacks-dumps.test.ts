/**
 * Stack walks of real core dumps of our own program (scripts/dumps/stacks.c: four groups of threads blocked in
 * known call chains, plus the main thread), each made by the kernel and by gdb's gcore, of two builds: -O2 without
 * frame pointers (only CFI walks it) and -O0 with them. Per dump:
 *
 * 1. eu-stack and gdb must agree pc by pc on every thread: that is what makes them oracles, and both must see each
 *    group's chain to its depth. Left to their defaults they differ in three ways, all handled in stack-oracles.ts:
 *    gdb stops at main (eu-stack goes on to __libc_start_call_main, __libc_start_main, _start), gdb prints no pc
 *    for the `<signal handler called>` frame (eu-stack prints __restore_rt's address; gdb's $pc there is the same),
 *    and with libc's separate debug info installed gdb adds inlined frames eu-stack does not show. So set up, they
 *    agree on every pc of every thread of all four dumps, including frame 0 and the outermost frame (__clone3 for
 *    threads, _start for main).
 * 2. coreview's `--stacks --json` must give every thread the same pcs as eu-stack (frame 0 the thread's pc, callers
 *    return addresses), name each group's functions from the executable (found through the core's NT_FILE path and
 *    build-id), and group identical stacks. These turn on by themselves once the CLI's --help lists --stacks.
 *
 * The parsers are checked first on output these tools printed on this machine, so a parsing slip is told apart
 * from a disagreement between tools. COREVIEW_KEEP_DUMPS=1 keeps each dump's folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STACKS_CHAINS,
  makeStacksDump,
  type MadeStacksDump,
  type StacksGroup,
  type StacksVariant,
} from '../../scripts/dumps/make-stacks-dump.mjs';
import { hasCommand, producerSkipReason } from './dump-tools';
import { cliHasStacks, runStacksJson, stacksDocument, type StacksRun } from './stacks-cli';
import { euStackRun, gdbRun, parseEuStack, parseGdbBacktrace, type OracleFrame, type OracleRun } from './stack-oracles';

const KEEP = process.env.COREVIEW_KEEP_DUMPS === '1';
const PER_GROUP = 3;
const PRODUCERS = ['kernel', 'gcore'] as const;
const VARIANTS: readonly StacksVariant[] = ['O2-nofp', 'O0-fp'];
const hasStacks = cliHasStacks();

/** x86_64 numbers of the system calls stacks.c's groups sleep in (the names a syscall table gives them). */
const X86_64_SYSCALLS: Record<number, string> = {
  45: 'recvfrom',
  202: 'futex',
  230: 'clock_nanosleep',
  232: 'epoll_wait',
};

function skipReason(): string | undefined {
  if (!hasCommand('gcc')) return 'gcc is not installed (needed to build scripts/dumps/stacks.c)';
  if (!hasCommand('gdb')) return 'gdb is not installed';
  if (!hasCommand('eu-stack')) return 'eu-stack is not installed (elfutils)';
  return producerSkipReason('kernel') ?? producerSkipReason('gcore');
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Whether a symbol is `fn` or one of the compiler's split parts of it (`on_request.cold`). */
function isFunction(symbol: string | undefined, fn: string): boolean {
  return symbol !== undefined && (symbol === fn || symbol.startsWith(`${fn}.`));
}

/** Each named function of the group's chain with how many frames carry its name. */
function chainCounts(names: readonly (string | undefined)[], chain: Readonly<Record<string, number>>) {
  return Object.fromEntries(Object.keys(chain).map((fn) => [fn, names.filter((n) => isFunction(n, fn)).length]));
}

function expectedChain(group: StacksGroup, producer: string): Readonly<Record<string, number>> {
  // The kernel's dump is taken when the main thread's SIGUSR1 handler aborts; gcore's while it waits in join_all.
  return group === 'main' && producer === 'kernel' ? { ...STACKS_CHAINS.main, on_request: 1 } : STACKS_CHAINS[group];
}

describe('eu-stack and gdb output parsers (output saved from this machine)', () => {
  it('parses eu-stack: TID lines, frames with and without names, " - 1" from -a', () => {
    const text = [
      'PID 16183 - core',
      'TID 16183:',
      '#0  0x00007f15932c6eec',
      '#1  0x00007f1593277fb2 raise',
      '#2  0x00007f1593262472 abort',
      '#3  0x0000557b1d6df285 on_request.cold',
      '#4  0x00007f1593278050',
      '#10 0x00007f1593263305 __libc_start_main',
      'TID 16184:',
      '#0  0x00007f1593346974 recv',
      '#1  0x0000557b1d6dfc1a - 1 wait_message',
      'eu-stack: dwfl_thread_getframes tid 16184 at 0x557b1d6dfc19 in stacks: Callback returned failure',
    ].join('\n');
    expect(() => parseEuStack(text)).toThrow(/#10 out of order/);
    const fixed = parseEuStack(text.replace('#10 ', '#5  '));
    expect([...fixed.keys()]).toEqual([16183, 16184]);
    expect(fixed.get(16183)).toEqual([
      { pc: 0x7f15932c6eecn },
      { pc: 0x7f1593277fb2n, name: 'raise' },
      { pc: 0x7f1593262472n, name: 'abort' },
      { pc: 0x557b1d6df285n, name: 'on_request.cold' },
      { pc: 0x7f1593278050n },
      { pc: 0x7f1593263305n, name: '__libc_start_main' },
    ]);
    expect(fixed.get(16184)).toEqual([
      { pc: 0x7f1593346974n, name: 'recv' },
      { pc: 0x557b1d6dfc1an, name: 'wait_message' },
    ]);
  });

  it('parses gdb: LWP from both thread header forms, $pc lines, the signal frame, frames without an address', () => {
    const text = [
      '[New LWP 16183]',
      "warning: Section `.reg-xstate/16183' in core file too small.",
      '#0  0x00007f15932c6eec in ?? () from /lib/x86_64-linux-gnu/libc.so.6',
      '[Current thread is 1 (Thread 0x7f1593239740 (LWP 16183))]',
      '',
      'Thread 2 (Thread 0x7f15932386c0 (LWP 16184)):',
      '#0  0x00007f1593346974 in recv () from /lib/x86_64-linux-gnu/libc.so.6',
      '$1 = 0x7f1593346974',
      '#1  0x0000557b1d6dfc1a in wait_message (fd=<optimized out>, depth=depth@entry=0) at stacks.c:81',
      '$2 = 0x557b1d6dfc1a',
      '',
      'Thread 1 (Thread 0x7f1593239740 (LWP 16183)):',
      '#0  0x00007f15932c6eec in ?? () from /lib/x86_64-linux-gnu/libc.so.6',
      '$3 = 0x7f15932c6eec',
      '#3  0x0000557b1d6df285 in on_request (sig=<optimized out>) at stacks.c:235',
      '#4  <signal handler called>',
      '$5 = 0x7f1593278050',
      '#11 0x0000557b1d6df901 in _start ()',
      '',
      'Thread 1 (LWP 12044):',
      '#0  main () at /tmp/x.c:3',
      '$6 = 0x401126',
      'Backtrace stopped: previous frame inner to this frame (corrupt stack?)',
    ].join('\n');
    expect(() => parseGdbBacktrace(text)).toThrow(/#3 out of order/);
    const fixed = parseGdbBacktrace(text.replace('#3  ', '#1  ').replace('#4  ', '#2  ').replace('#11 ', '#3  '));
    expect([...fixed.keys()]).toEqual([16184, 16183, 12044]);
    expect(fixed.get(16184)).toEqual([
      { pc: 0x7f1593346974n, name: 'recv' },
      { pc: 0x557b1d6dfc1an, name: 'wait_message' },
    ]);
    expect(fixed.get(16183)).toEqual([
      { pc: 0x7f15932c6eecn },
      { pc: 0x557b1d6df285n, name: 'on_request' },
      { pc: 0x7f1593278050n, name: '<signal handler called>' },
      { pc: 0x557b1d6df901n, name: '_start' },
    ]);
    expect(fixed.get(12044)).toEqual([{ pc: 0x401126n, name: 'main' }]);
    // A frame gdb gave no pc for at all is an error, not a silent gap.
    expect(() => parseGdbBacktrace('Thread 1 (LWP 5):\n#0  <signal handler called>\n')).toThrow(/no pc/);
  });
});

const reason = skipReason();
const title = `stack walks of real dumps of stacks.c (${PER_GROUP} threads per group)`;
describe.skipIf(reason !== undefined)(reason === undefined ? title : `${title} — skipped: ${reason}`, () => {
  for (const producer of PRODUCERS) {
    for (const variant of VARIANTS) {
      describe(`a ${producer} core, built ${variant}`, () => {
        let made: MadeStacksDump;
        let eu: OracleRun;
        let gdb: OracleRun;
        let dir: string | undefined;
        let cli: StacksRun = { error: 'coreview did not run', ms: 0 };
        const timings: Record<string, number> = {};

        beforeAll(async () => {
          dir = mkdtempSync(join(tmpdir(), `coreview-stacks-${producer}-${variant}-`));
          let t = Date.now();
          made = await makeStacksDump({ variant, producer, outDir: dir, threads: PER_GROUP });
          timings.dump = Date.now() - t;
          t = Date.now();
          [eu, gdb] = await Promise.all([euStackRun(made.core, made.exe), gdbRun(made.core, made.exe)]);
          timings.oracles = Date.now() - t;
          if (hasStacks) {
            cli = runStacksJson(made.core);
            timings.cli = cli.ms;
          }
        });
        afterAll(() => {
          console.log(`${producer} ${variant}: ${JSON.stringify(timings)} ms`);
          if (!KEEP && dir !== undefined) rmSync(dir, { recursive: true, force: true });
        });

        it('eu-stack and gdb walk every thread to the same pcs', () => {
          expect(eu.status, eu.stderr).toBe(0);
          const tids = made.tids.map((t) => t.tid).sort((a, b) => a - b);
          expect([...eu.threads.keys()].sort((a, b) => a - b)).toEqual(tids);
          expect([...gdb.threads.keys()].sort((a, b) => a - b)).toEqual(tids);
          for (const { tid } of made.tids) {
            const euPcs = (eu.threads.get(tid) ?? []).map((f) => hex(f.pc));
            const gdbPcs = (gdb.threads.get(tid) ?? []).map((f) => hex(f.pc));
            expect(gdbPcs, `LWP ${tid}`).toEqual(euPcs);
          }
        });

        it("both oracles see each group's chain, each function as many frames deep as stacks.c recurses", () => {
          for (const { tid, group } of made.tids) {
            const chain = expectedChain(group, producer);
            for (const [tool, run] of [
              ['eu-stack', eu],
              ['gdb', gdb],
            ] as const) {
              const names = (run.threads.get(tid) ?? []).map((f: OracleFrame) => f.name);
              expect(chainCounts(names, chain), `${tool}, ${group} thread ${tid}`).toEqual(chain);
            }
          }
          // The kernel's dump crosses the signal frame of the handler that aborted; gdb marks it.
          const main = gdb.threads.get(made.pid) ?? [];
          expect(main.some((f) => f.name === '<signal handler called>')).toBe(producer === 'kernel');
        });

        it.skipIf(!hasStacks)("coreview walks every thread to eu-stack's (and gdb's) pcs", () => {
          const doc = stacksDocument(cli);
          for (const { tid } of made.tids) {
            const thread = doc.threads.find((t) => t.tid === tid);
            expect(thread, `thread ${tid} in --stacks --json`).toBeDefined();
            const frames = thread?.frames ?? [];
            const pcs = frames.map((f) => BigInt(f.pc)).map(hex);
            expect(pcs, `LWP ${tid}`).toEqual((eu.threads.get(tid) ?? []).map((f) => hex(f.pc)));
            expect(pcs, `LWP ${tid}`).toEqual((gdb.threads.get(tid) ?? []).map((f) => hex(f.pc)));
            expect(frames[0]?.trust).toBe('context');
            if (thread?.pc !== undefined) expect(frames[0] && BigInt(frames[0].pc)).toBe(BigInt(thread.pc));
            // Everything here has CFI (and the -O0 build frame pointers): no frame should need a stack scan.
            expect(
              frames.filter((f) => f.trust === 'scan').map((f) => f.pc),
              `LWP ${tid}`,
            ).toEqual([]);
            expect(thread?.unwindStop, `LWP ${tid}`).toBe('outermost');
          }
        });

        it.skipIf(!hasStacks)("coreview names each group's chain from the executable found by build-id", () => {
          const doc = stacksDocument(cli);
          for (const { tid, group } of made.tids) {
            const frames = doc.threads.find((t) => t.tid === tid)?.frames ?? [];
            const chain = expectedChain(group, producer);
            expect(
              chainCounts(
                frames.map((f) => f.symbol),
                chain,
              ),
              `${group} thread ${tid}`,
            ).toEqual(chain);
            for (const f of frames.filter((f) => Object.keys(chain).some((fn) => isFunction(f.symbol, fn)))) {
              // The module as the dump names it: its NT_FILE path (the file beside the core), or that file's name.
              expect(f.module?.split('/').pop(), `${f.symbol} at ${f.pc}`).toBe('stacks');
            }
          }
        });

        it.skipIf(!hasStacks)('coreview reports the system call each worker sleeps in', () => {
          const doc = stacksDocument(cli);
          for (const { tid, group, syscall } of made.tids) {
            if (group === 'main') continue; // the kernel's main thread left its call for the signal handler
            const found = doc.threads.find((t) => t.tid === tid)?.syscall;
            if (found === undefined) continue; // optional in the document
            expect(found.nr, `${group} thread ${tid}`).toBe(syscall);
            const name = X86_64_SYSCALLS[syscall];
            if (arch() === 'x64' && name !== undefined) expect(found.name).toBe(name);
          }
        });

        it.skipIf(!hasStacks)("coreview groups each group's identical stacks together", () => {
          const doc = stacksDocument(cli);
          const groups = doc.stackGroups ?? [];
          for (const group of ['conn', 'pool', 'timer', 'poll'] as const) {
            const tids = made.tids.filter((t) => t.group === group).map((t) => t.tid);
            const holder = groups.find((g) => g.threads.includes(tids[0] ?? -1));
            expect(holder, `a stack group holding ${group} thread ${tids[0]}`).toBeDefined();
            expect([...(holder?.threads ?? [])].sort((a, b) => a - b)).toEqual(tids.sort((a, b) => a - b));
            expect(holder?.frames.map((f) => hex(BigInt(f.pc)))).toEqual(
              (eu.threads.get(tids[0] ?? -1) ?? []).map((f) => hex(f.pc)),
            );
          }
        });
      });
    }
  }
});
