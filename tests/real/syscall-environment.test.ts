/**
 * The system call each thread is blocked in (model/syscall.ts) and argv/environment (model/process-environment.ts),
 * on real dumps made here, by the kernel and by gdb's gcore:
 *
 * - scripts/dumps/threads.c through makeDump: workers blocked in recv() (recvfrom), the main thread in sigwait()
 *   (gcore) or in the tgkill() that raised abort()'s signal (kernel), with a marker variable in the environment
 *   the program inherits.
 * - a small program of this test's own (BLOCKED_C), started with an exact argv and environment (`env -i`), whose
 *   threads block in raw futex, nanosleep, epoll_wait, read and poll calls; its kernel core is written by a worker
 *   thread's abort(), so the main thread is not the first the core lists.
 *
 * Every thread's decoded number and "interrupted" flag are checked against gdb's `info registers orig_rax rax` on
 * the same core; argv and the environment against what the test passed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDump, type MadeDump } from '../../scripts/dumps/make-dump.mjs';
import { analyzeCore } from '../../src/core/analyze';
import { NodeFileSource } from '../../src/cli/node-file-source';
import { MemoryReader } from '../../src/core/memory/memory-reader';
import { readProcessEnvironment } from '../../src/core/model/process-environment';
import { decodeSyscall } from '../../src/core/model/syscall';
import type { Analysis, ProcessEnvironment, Syscall } from '../../src/core/types';
import { hasCommand, producerSkipReason } from './dump-tools';

const MARK_NAME = 'COREVIEW_ENV_MARK';
const MARK_VALUE = 'syscall-environment test value = 42';
const X86_64 = process.arch === 'x64';

function skipReason(producer: 'kernel' | 'gcore'): string | undefined {
  if (!X86_64) return 'the expected system call numbers are x86_64 ones';
  if (!hasCommand('gcc')) return 'gcc is not installed';
  if (!hasCommand('gdb')) return 'gdb is not installed (the oracle for orig_rax)';
  return producerSkipReason(producer);
}

interface GdbThread {
  readonly origRax: bigint;
  readonly rax: bigint;
}

/** orig_rax and rax of every thread, by tid, as gdb reads them from the core. */
function gdbRegisters(exe: string, core: string): Map<number, GdbThread> {
  const out = spawnSync('gdb', ['-nx', '-batch', '-ex', 'thread apply all info registers orig_rax rax', exe, core], {
    encoding: 'utf8',
    env: { ...process.env, DEBUGINFOD_URLS: '', TERM: 'dumb' },
    timeout: 60_000,
  });
  const threads = new Map<number, GdbThread>();
  let tid: number | undefined;
  let origRax: bigint | undefined;
  for (const line of out.stdout.split('\n')) {
    const thread = /^Thread \d+ .*\(LWP (\d+)\)\)?:/.exec(line);
    if (thread !== null) {
      tid = Number(thread[1]);
      origRax = undefined;
      continue;
    }
    const reg = /^(orig_rax|rax)\s+(0x[0-9a-f]+)/.exec(line);
    if (reg === null || tid === undefined) continue;
    if (reg[1] === 'orig_rax') origRax = BigInt(reg[2] ?? '');
    else if (origRax !== undefined) threads.set(tid, { origRax, rax: BigInt(reg[2] ?? '') });
  }
  return threads;
}

interface Decoded {
  readonly analysis: Analysis;
  readonly syscalls: Map<number, Syscall | undefined>;
  readonly environment: ProcessEnvironment | undefined;
}

async function decode(core: string): Promise<Decoded> {
  const source = await NodeFileSource.open(core);
  try {
    const analysis = await analyzeCore(source);
    const reader = new MemoryReader(source, analysis.regions);
    const syscalls = new Map<number, Syscall | undefined>();
    for (const t of analysis.threads) {
      syscalls.set(t.tid, await decodeSyscall(analysis.dump.arch, t.registers, (a, n) => reader.readAvailable(a, n)));
    }
    const environment = await readProcessEnvironment(reader, analysis);
    return { analysis, syscalls, environment };
  } finally {
    await source.close();
  }
}

const INTERRUPTED = new Set([-4n, -512n, -513n, -514n, -516n]);

/** Every thread's decoding agrees with gdb's registers: the number when orig_rax >= 0, interrupted from rax. */
function expectAgreesWithGdb(decoded: Decoded, gdb: Map<number, GdbThread>): void {
  expect([...gdb.keys()].sort()).toEqual(decoded.analysis.threads.map((t) => t.tid).sort());
  for (const [tid, regs] of gdb) {
    const syscall = decoded.syscalls.get(tid);
    const nr = BigInt.asIntN(64, regs.origRax);
    if (nr < 0n) {
      expect(syscall, `thread ${tid}`).toBeUndefined();
      continue;
    }
    expect(syscall?.nr, `thread ${tid}`).toBe(Number(nr));
    expect(syscall?.evidence.startsWith(`orig_rax = ${nr}`), `thread ${tid}`).toBe(true);
    expect(syscall?.interrupted, `thread ${tid}`).toBe(INTERRUPTED.has(BigInt.asIntN(64, regs.rax)));
  }
}

for (const producer of ['kernel', 'gcore'] as const) {
  const reason = skipReason(producer);
  describe(`system calls and environment in a real ${producer} core of threads.c`, () => {
    if (reason !== undefined) {
      it.skip(`skipped: ${reason}`, () => {});
      return;
    }
    const WORKERS = 3;
    const TIMEOUT_MS = 30_000;
    let dir = '';
    let dump: MadeDump;
    let decoded: Decoded;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `coreview-syscall-${producer}-`));
      // makeDump's child inherits this process's environment: the marker reaches the program that way.
      const before = process.env[MARK_NAME];
      process.env[MARK_NAME] = MARK_VALUE;
      try {
        dump = await makeDump({ threads: WORKERS, producer, outDir: dir, timeoutMs: TIMEOUT_MS });
      } finally {
        if (before === undefined) Reflect.deleteProperty(process.env, MARK_NAME);
        else process.env[MARK_NAME] = before;
      }
      decoded = await decode(dump.core);
    });

    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('decodes what gdb reads: orig_rax as the number, rax as the interruption', () => {
      expectAgreesWithGdb(decoded, gdbRegisters(dump.meta.exe, dump.core));
    });

    it('finds the workers in recvfrom (recv) on their socket, the main thread where it waited', () => {
      const main = decoded.syscalls.get(dump.meta.pid);
      const workers = [...decoded.syscalls].filter(([tid]) => tid !== dump.meta.pid).map(([, s]) => s);
      expect(workers).toHaveLength(WORKERS);
      for (const s of workers) {
        expect(s?.name).toBe('recvfrom');
        expect(s?.interrupted).toBe(true);
        expect(s?.text).toMatch(/^recvfrom\(fd \d+, 0x[0-9a-f]+, 512, 0, NULL, NULL\)$/);
      }
      if (producer === 'gcore') {
        expect(main?.name).toBe('rt_sigtimedwait');
        expect(main?.interrupted).toBe(true);
      } else {
        // abort() raised SIGABRT with tgkill, which returned 0 before the signal was taken.
        expect(main?.name).toBe('tgkill');
        expect(main?.interrupted).toBe(false);
        expect(main?.text).toBe(`tgkill(${dump.meta.pid}, ${dump.meta.pid}, 6)`);
      }
    });

    it('reads argv as makeDump passed it and the inherited marker variable', () => {
      const env = decoded.environment;
      expect(env?.warnings).toEqual([]);
      const args = [dump.meta.exe, String(WORKERS), '--ready-file', join(dump.dir, '.threads-ready')];
      args.push('--max-wait', String(Math.ceil(TIMEOUT_MS / 1000) + 5));
      if (producer === 'kernel') args.push('--abort');
      expect(env?.argv).toEqual(args);
      expect(env?.env.find((v) => v.name === MARK_NAME)?.value).toBe(MARK_VALUE);
      expect(env?.env.find((v) => v.name === 'PATH')?.value).toBe(process.env.PATH);
      expect(env?.address).toBeDefined();
    });
  });
}

/**
 * Threads blocked in known raw calls. The ready file gets the pid, &futex_word, the pipe's read end and the epoll
 * fd. SIGUSR1: a new thread calls abort() (the kernel writes it first, the main thread later); SIGTERM: exit.
 */
const BLOCKED_C = String.raw`
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int futex_word, pipe_fds[2], epoll_fd, started;

static void ready(void) { __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST); }
static void *futex_thread(void *a) { (void)a; ready(); syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0); return NULL; }
static void *nanosleep_thread(void *a) { struct timespec t = {100000, 0}; (void)a; ready(); syscall(SYS_nanosleep, &t, NULL); return NULL; }
static void *epoll_thread(void *a) { struct epoll_event ev[4]; (void)a; ready(); syscall(SYS_epoll_wait, epoll_fd, ev, 4, -1); return NULL; }
static void *read_thread(void *a) { char buf[16]; (void)a; ready(); syscall(SYS_read, pipe_fds[0], buf, sizeof buf); return NULL; }
static void *poll_thread(void *a) { struct pollfd p = {pipe_fds[0], POLLIN, 0}; (void)a; ready(); syscall(SYS_poll, &p, 1, -1); return NULL; }
static void *abort_thread(void *a) { (void)a; abort(); }

int main(int argc, char **argv) {
    void *(*fns[])(void *) = {futex_thread, nanosleep_thread, epoll_thread, read_thread, poll_thread};
    pthread_t t[6];
    sigset_t all, waited;
    int sig = 0;
    if (argc < 2) return 2;
    sigfillset(&all);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    if (pipe(pipe_fds) != 0) return 4;
    epoll_fd = epoll_create1(0);
    for (int i = 0; i < 5; i++) pthread_create(&t[i], NULL, fns[i], NULL);
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < 5) usleep(1000);
    usleep(300000); /* the calls are entered */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) return 4;
    fprintf(f, "%d %p %d %d\n", (int)getpid(), (void *)&futex_word, pipe_fds[0], epoll_fd);
    fclose(f);
    rename(tmp, argv[1]);
    sigemptyset(&waited);
    sigaddset(&waited, SIGUSR1);
    sigaddset(&waited, SIGTERM);
    alarm(120);
    sigaddset(&waited, SIGALRM);
    sigwait(&waited, &sig);
    if (sig != SIGUSR1) return 0;
    pthread_create(&t[5], NULL, abort_thread, NULL);
    pthread_join(t[5], NULL);
    return 0;
}
`;

const OWN_ENV = ['ALPHA=1', 'EMPTY=', 'SPACES=a b  c', `${MARK_NAME}=${MARK_VALUE}`, 'NO_EQUALS_IS_FINE=x=y'];

async function waitFor(path: string, deadline: number): Promise<void> {
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const producer of ['kernel', 'gcore'] as const) {
  const reason = skipReason(producer);
  describe(`system calls and environment in a real ${producer} core of a program blocked in known calls`, () => {
    if (reason !== undefined) {
      it.skip(`skipped: ${reason}`, () => {});
      return;
    }
    let dir = '';
    let exe = '';
    let core = '';
    let readyPath = '';
    let facts = { pid: 0, futex: 0n, pipe: 0, epoll: 0 };
    let decoded: Decoded;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `coreview-blocked-${producer}-`));
      writeFileSync(join(dir, 'blocked.c'), BLOCKED_C);
      exe = join(dir, 'blocked');
      const cc = spawnSync('gcc', ['-O1', '-g', '-pthread', '-o', exe, join(dir, 'blocked.c')], { encoding: 'utf8' });
      if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
      readyPath = join(dir, 'ready');
      const { spawn } = await import('node:child_process');
      // `env -i`: the program gets exactly OWN_ENV; bash only sets the core size limit first.
      const script = 'ulimit -c unlimited; exec env -i "$@"';
      const child = spawn('bash', ['-c', script, 'bash', ...OWN_ENV, exe, readyPath, 'alpha', 'two words', ''], {
        cwd: dir,
        stdio: 'ignore',
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        await waitFor(readyPath, Date.now() + 20_000);
        const [pid, futex, pipe, epoll] = readFileSync(readyPath, 'utf8').trim().split(' ');
        facts = { pid: Number(pid), futex: BigInt(futex ?? ''), pipe: Number(pipe), epoll: Number(epoll) };
        if (producer === 'gcore') {
          const g = spawnSync('gcore', ['-o', join(dir, 'core'), String(facts.pid)], {
            encoding: 'utf8',
            timeout: 60_000,
            env: { ...process.env, DEBUGINFOD_URLS: '' },
          });
          if (g.status !== 0) throw new Error(`gcore failed: ${g.stderr}`);
          core = join(dir, `core.${facts.pid}`);
          process.kill(facts.pid, 'SIGTERM');
        } else {
          process.kill(facts.pid, 'SIGUSR1');
        }
        const exit = await exited;
        if (producer === 'kernel') {
          expect(exit.signal).toBe('SIGABRT');
          const name = readdirSync(dir).find((n) => n === 'core' || n === `core.${facts.pid}`);
          if (name === undefined) throw new Error(`no core in ${dir}`);
          core = join(dir, name);
        }
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      decoded = await decode(core);
    });

    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('decodes what gdb reads: orig_rax as the number, rax as the interruption', () => {
      expectAgreesWithGdb(decoded, gdbRegisters(exe, core));
    });

    it('names each call and its arguments', () => {
      const texts = [...decoded.syscalls.values()].map((s) => s?.text ?? '');
      const futex = `0x${facts.futex.toString(16)}`;
      expect(texts).toEqual(
        expect.arrayContaining([
          `futex(${futex}, FUTEX_WAIT_PRIVATE, 0, NULL)`,
          expect.stringMatching(/^nanosleep\(0x[0-9a-f]+, NULL\)$/),
          expect.stringMatching(new RegExp(`^epoll_wait\\(fd ${facts.epoll}, 0x[0-9a-f]+, 4, timeout -1\\)$`)),
          expect.stringMatching(new RegExp(`^read\\(fd ${facts.pipe}, 0x[0-9a-f]+, 16\\)$`)),
          expect.stringMatching(/^poll\(0x[0-9a-f]+, 1, timeout -1\)$/),
        ]),
      );
      const byName = new Map([...decoded.syscalls.values()].map((s) => [s?.name, s]));
      const ownFutex = [...decoded.syscalls.values()].find((s) => s?.text.startsWith(`futex(${futex},`));
      expect(ownFutex?.evidence).toBe('orig_rax = 202, rax = -512 (-ERESTARTSYS)');
      expect(byName.get('nanosleep')?.evidence).toBe('orig_rax = 35, rax = -516 (-ERESTART_RESTARTBLOCK)');
      expect(byName.get('epoll_wait')?.evidence).toBe('orig_rax = 232, rax = -4 (-EINTR)');
    });

    it('reads argv and the environment exactly as the program was started', () => {
      const env = decoded.environment;
      expect(env?.warnings).toEqual([]);
      expect(env?.argv).toEqual([exe, readyPath, 'alpha', 'two words', '']);
      expect(env?.env.map((v) => `${v.name}=${v.value}`)).toEqual(OWN_ENV);
      if (producer === 'kernel') {
        // The abort()ing worker is the first thread the kernel writes: the main thread is not.
        expect(decoded.analysis.threads[0]?.tid).not.toBe(facts.pid);
      }
    });
  });
}
