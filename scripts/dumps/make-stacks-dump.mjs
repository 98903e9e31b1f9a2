#!/usr/bin/env node
/**
 * Makes a REAL core dump of scripts/dumps/stacks.c (groups of threads blocked in known call chains), for checking
 * a stack walk against eu-stack and gdb.
 *
 *   node scripts/dumps/make-stacks-dump.mjs --variant O2-nofp|O0-fp --producer kernel|gcore --out DIR
 *                                           [--threads N] [--timeout SECONDS]
 *
 * Prints one JSON object: { dir, core, exe, pid, tids: [{ tid, group, syscall }], producer, variant, ms }, where
 * syscall is the system call number each thread slept in just before the dump (for the kernel's dump the main
 * thread then ran its signal handler). Writes DIR/core,
 * DIR/stacks (the executable, run from there, so the core's NT_FILE names a file that stays beside the core) and
 * DIR/meta.json (the same object).
 *
 * Variants: O2-nofp is `-O2 -fomit-frame-pointer` (only CFI can walk it), O0-fp is `-O0 -fno-omit-frame-pointer`
 * (frame pointers work in the program's own functions). Both have a GNU build-id and DWARF (-g) for file and line;
 * every chain function is noinline, so DWARF adds no inlined frames that would make gdb's count differ.
 *
 * - kernel: the program runs under `ulimit -c unlimited` with cwd = DIR; once every thread sleeps in its system
 *   call we send SIGUSR1 and its handler abort()s, so the crashing (main) thread's stack crosses a signal frame.
 *   core_pattern must put the core in the cwd (checkCorePattern says what to do otherwise).
 * - gcore: `gcore -o DIR/core PID` while every thread sleeps; then we end the program with SIGTERM.
 *
 * Importable: `import { makeStacksDump } from './make-stacks-dump.mjs'` (types in make-stacks-dump.d.mts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MakeDumpError, describeExit, findNewCore, prepareDump, run, startChild, withOutput } from './make-dump.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'stacks.c');
const READY_FILE = '.stacks-ready';

/** The two builds: what each walk strategy can do differs between them. */
export const STACKS_VARIANTS = {
  'O2-nofp': ['-O2', '-fomit-frame-pointer'],
  'O0-fp': ['-O0', '-fno-omit-frame-pointer'],
};

/**
 * The named functions on each group's stacks and how many frames each has (recursion: see stacks.c). The kernel
 * dump's main thread has on_request (the signal handler that aborts) on top of these.
 */
export const STACKS_CHAINS = {
  main: { main: 1, join_all: 1 },
  conn: { thread_start: 1, conn_thread: 1, read_loop: 1, wait_message: 4 },
  pool: { thread_start: 1, pool_worker: 1, take_job: 2 },
  timer: { thread_start: 1, timer_thread: 1, tick: 1 },
  poll: { thread_start: 1, poll_thread: 1, poll_events: 3 },
};

export { MakeDumpError };

/** Builds one variant of stacks.c into a content-addressed cache dir under the system temp dir; returns its path. */
export async function buildStacks({ variant, cc = 'gcc' }) {
  const optimisation = STACKS_VARIANTS[variant];
  if (optimisation === undefined) {
    throw new MakeDumpError(`--variant must be one of ${Object.keys(STACKS_VARIANTS).join(', ')} (got ${variant})`);
  }
  const source = await readFile(SOURCE);
  const flags = [...optimisation, '-g', '-pthread', '-Wall', '-Wextra', '-Wl,--build-id'];
  const hash = createHash('sha256').update(source).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `coreview-stacks-${variant}-${hash}`);
  const exe = join(dir, 'stacks');
  if (existsSync(exe)) return exe;
  await mkdir(dir, { recursive: true });
  const partial = `${exe}.${process.pid}.tmp`;
  const result = await run(cc, [...flags, '-o', partial, SOURCE], { timeoutMs: 60_000 });
  if (result.error?.code === 'ENOENT') throw new MakeDumpError(`${cc} not found: install gcc to build ${SOURCE}`);
  if (result.code !== 0) {
    throw new MakeDumpError(`${cc} failed to build ${SOURCE} (exit ${result.code}):\n${result.stderr.trim()}`);
  }
  await rename(partial, exe); // atomic: a concurrent build of the same source just replaces it with the same bytes
  return exe;
}

/**
 * Makes one dump. Resolves to what it wrote; rejects with MakeDumpError for expected failures.
 * @param {{ variant: 'O2-nofp' | 'O0-fp', producer: 'kernel' | 'gcore', outDir: string, threads?: number,
 *           timeoutMs?: number, log?: (line: string) => void }} options
 */
export async function makeStacksDump({ variant, producer, outDir, threads = 3, timeoutMs = 60_000, log = () => {} }) {
  const { started, deadline, dir } = await prepareDump({
    threads,
    minThreads: 1,
    maxThreads: 256,
    producer,
    outDir,
    timeoutMs,
  });

  const built = await buildStacks({ variant });
  const exe = join(dir, 'stacks');
  await copyFile(built, exe); // keeps the mode: it stays executable
  const buildMs = Date.now() - started;
  const corePath = join(dir, 'core');
  const readyPath = join(dir, READY_FILE);
  await rm(corePath, { force: true });
  await rm(readyPath, { force: true });
  const before = new Set(await readdir(dir));

  const limits = producer === 'kernel' ? 'ulimit -c unlimited || { echo "cannot set ulimit -c" >&2; exit 97; }; ' : '';
  const args = [String(threads), '--ready-file', readyPath, '--max-wait', String(Math.ceil(timeoutMs / 1000) + 5)];
  if (producer === 'kernel') args.push('--abort');
  const child = startChild('bash', ['-c', `${limits}exec "$0" "$@"`, exe, ...args], { cwd: dir });
  try {
    const ready = await waitForReady(child, readyPath, deadline);
    if (ready.pid !== child.pid) {
      throw new MakeDumpError(`ready file names pid ${ready.pid}, but the child is ${child.pid}`);
    }
    const syscalls = await waitUntilAsleep(ready.pid, ready.tids, deadline);
    const tids = ready.tids.map((t, i) => ({ ...t, syscall: syscalls[i] }));
    const readyMs = Date.now() - started - buildMs;

    if (producer === 'kernel') {
      process.kill(ready.pid, 'SIGUSR1');
      const exit = await child.exited(deadline);
      if (exit.signal !== 'SIGABRT') {
        throw new MakeDumpError(
          withOutput(`expected the program to abort, but it ended with ${describeExit(exit)}`, child.stderr()),
        );
      }
      const found = await findNewCore(dir, before, ready.pid);
      if (found === undefined) {
        throw new MakeDumpError(`the kernel wrote no core in ${dir} (check 'ulimit -c' hard limit and suid_dumpable)`);
      }
      await rename(join(dir, found), corePath);
    } else {
      const prefix = join(dir, 'core');
      const result = await run('gcore', ['-o', prefix, String(ready.pid)], {
        timeoutMs: Math.max(1000, deadline - Date.now()),
        env: { ...process.env, DEBUGINFOD_URLS: '', TERM: 'dumb' },
      });
      if (result.timedOut) throw new MakeDumpError(`gcore did not finish within ${timeoutMs} ms`);
      const written = `${prefix}.${ready.pid}`;
      if (result.code !== 0 || !existsSync(written)) {
        throw new MakeDumpError(
          withOutput(`gcore failed (exit ${result.code})`, (result.stderr + result.stdout).trim()),
        );
      }
      await rename(written, corePath);
      process.kill(ready.pid, 'SIGTERM');
      const exit = await child.exited(Date.now() + 10_000);
      if (exit.code !== 0) throw new MakeDumpError(`the program ended with ${describeExit(exit)} after gcore`);
    }
    const dumpMs = Date.now() - started - buildMs - readyMs;
    const made = {
      dir,
      core: corePath,
      exe,
      pid: ready.pid,
      tids,
      producer,
      variant,
      ms: { build: buildMs, ready: readyMs, dump: dumpMs },
    };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(made, null, 2) + '\n');
    log(`${producer} core of stacks (${variant}, pid ${ready.pid}, ${tids.length} threads): ${corePath}`);
    return made;
  } finally {
    child.kill();
    await rm(readyPath, { force: true });
  }
}

/** The ready file: the pid, then "TID GROUP" lines, main first. Fails early if the child dies or time runs out. */
async function waitForReady(child, path, deadline) {
  for (;;) {
    const exit = child.exit();
    if (exit !== undefined) {
      throw new MakeDumpError(
        withOutput(`the program ended before it was ready (${describeExit(exit)})`, child.stderr()),
      );
    }
    if (existsSync(path)) {
      const [first = '', ...rest] = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
      const pid = Number(first);
      const tids = rest.map((line) => {
        const [tid, group] = line.split(' ');
        return { tid: Number(tid), group };
      });
      const valid = (n) => Number.isInteger(n) && n > 0;
      if (!valid(pid) || tids.length < 2 || tids.some((t) => !valid(t.tid) || !(t.group in STACKS_CHAINS))) {
        throw new MakeDumpError(`malformed ready file ${path}`);
      }
      return { pid, tids };
    }
    if (Date.now() > deadline) {
      throw new MakeDumpError(withOutput('the program was not ready before the deadline; killed it', child.stderr()));
    }
    await sleep(10);
  }
}

/**
 * Waits until every thread, the main one included (it writes the ready file just before it enters
 * pthread_join), has slept in the same system call on two readings 20 ms apart, so the dump catches each one
 * where its chain says. Resolves to each thread's system call number (as /proc/PID/task/TID/syscall gives it).
 */
async function waitUntilAsleep(pid, tids, deadline) {
  const reading = () =>
    Promise.all(
      tids.map(({ tid }) =>
        readFile(`/proc/${pid}/task/${tid}/syscall`, 'utf8').then(
          (text) => text.split(' ')[0] ?? '',
          () => '',
        ),
      ),
    );
  let previous = await reading();
  for (;;) {
    await sleep(20);
    const now = await reading();
    if (now.every((nr, i) => /^\d+$/.test(nr) && nr === previous[i])) return now.map(Number);
    if (Date.now() > deadline) {
      throw new MakeDumpError(`threads of pid ${pid} did not all sleep in a system call: ${now.join(' ')}`);
    }
    previous = now;
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function parseArgs(argv) {
  const options = { variant: 'O2-nofp', producer: 'kernel', outDir: undefined, threads: 3, timeoutMs: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--variant':
        options.variant = value;
        break;
      case '--producer':
        options.producer = value;
        break;
      case '--out':
        options.outDir = value;
        break;
      case '--threads':
        options.threads = Number(value);
        break;
      case '--timeout':
        options.timeoutMs = Number(value) * 1000;
        break;
      default:
        throw new MakeDumpError(
          `unknown argument ${argv[i]}\nusage: make-stacks-dump.mjs --variant O2-nofp|O0-fp ` +
            '--producer kernel|gcore --out DIR [--threads N] [--timeout S]',
        );
    }
    i++;
  }
  options.outDir ??= join(tmpdir(), `coreview-stacks-dump-${process.pid}`);
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const made = await makeStacksDump({ ...parseArgs(process.argv.slice(2)), log: (line) => console.error(line) });
    console.log(JSON.stringify(made, null, 2));
  } catch (error) {
    if (!(error instanceof MakeDumpError)) throw error;
    console.error(`make-stacks-dump: ${error.message}`);
    process.exitCode = 1;
  }
}
