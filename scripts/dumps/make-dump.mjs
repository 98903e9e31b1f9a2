#!/usr/bin/env node
/**
 * Makes a REAL core dump of scripts/dumps/threads.c (N threads blocked in recv() on default-size stacks), with the
 * facts a test needs to check an analysis against: /proc/PID/maps and /proc/PID/task captured just before dumping.
 *
 *   node scripts/dumps/make-dump.mjs --threads N --producer kernel|gcore --out DIR [--timeout SECONDS]
 *
 * Writes DIR/core, DIR/maps.txt, DIR/tids.txt (one tid a line, main thread first) and DIR/meta.json.
 *
 * - kernel: the program runs under `ulimit -c unlimited` with cwd = DIR, writes its ready file, waits for SIGUSR1
 *   (so we can read maps and tasks while it is alive and blocked), then abort()s; the kernel writes the core in
 *   DIR as `core` or `core.PID` (per kernel.core_pattern / core_uses_pid), which we rename to DIR/core. A
 *   core_pattern that pipes to a handler (systemd-coredump, apport) or names another directory is reported as an
 *   error up front: use --producer gcore there.
 * - gcore: the program waits; `gcore -o DIR/core PID` writes DIR/core.PID (renamed to DIR/core); then we end it.
 *
 * No tty needed (stdin is /dev/null everywhere); every step has a deadline and the child is killed on any failure.
 * Importable: `import { makeDump } from './make-dump.mjs'` (types in make-dump.d.mts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, release, arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'threads.c');
const READY_FILE = '.threads-ready';

/** An expected failure (no compiler, core_pattern pipes elsewhere, a step timed out): the message says what to do. */
export class MakeDumpError extends Error {
  name = 'MakeDumpError';
}

/**
 * Builds threads.c once per source version into a cache dir under the system temp dir (content-addressed, so
 * concurrent test workers and repeated runs share it) and returns the executable's path.
 */
export async function buildThreads({ cc = 'gcc' } = {}) {
  const source = await readFile(SOURCE);
  const flags = ['-O1', '-g', '-pthread', '-Wall', '-Wextra'];
  const hash = createHash('sha256').update(source).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `coreview-threads-${hash}`);
  const exe = join(dir, 'threads');
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
 * @param {{ threads: number, producer: 'kernel' | 'gcore', outDir: string, timeoutMs?: number,
 *           stackKb?: number, programArgs?: string[], log?: (line: string) => void }} options
 */
export async function makeDump({
  threads,
  producer,
  outDir,
  timeoutMs = 60_000,
  stackKb = 8192,
  programArgs = [],
  log = () => {},
}) {
  const { started, deadline, dir } = await prepareDump({
    threads,
    minThreads: 0,
    maxThreads: 4096,
    producer,
    outDir,
    timeoutMs,
  });

  const exe = await buildThreads();
  const built = Date.now();
  const corePath = join(dir, 'core');
  const readyPath = join(dir, READY_FILE);
  await rm(corePath, { force: true });
  await rm(readyPath, { force: true });
  const before = new Set(await readdir(dir));

  // bash sets the limits, then execs the program (same pid). `ulimit -s` fixes the default thread stack size
  // (glibc uses it), 8 MiB unless asked otherwise, whatever the caller's shell has.
  const limits = [`ulimit -s ${stackKb}`, ...(producer === 'kernel' ? ['ulimit -c unlimited'] : [])];
  const script = `${limits.map((l) => `${l} || { echo "cannot set ${l}" >&2; exit 97; }`).join('; ')}; exec "$0" "$@"`;
  const args = [
    String(threads),
    ...programArgs,
    '--ready-file',
    readyPath,
    '--max-wait',
    String(Math.ceil(timeoutMs / 1000) + 5),
  ];
  if (producer === 'kernel') args.push('--abort');
  const child = startChild('bash', ['-c', script, exe, ...args], { cwd: dir });
  try {
    const ready = await waitForReady(child, readyPath, deadline);
    const pid = ready[0];
    if (pid !== child.pid) throw new MakeDumpError(`ready file names pid ${pid}, but the child is ${child.pid}`);
    const readyTids = ready.slice(1);

    // The facts to check the dump against, read while every thread is asleep in recv().
    const maps = await readFile(`/proc/${pid}/maps`, 'utf8');
    const tasks = (await readdir(`/proc/${pid}/task`)).map(Number);
    const tids = [pid, ...tasks.filter((t) => t !== pid).sort((a, b) => a - b)];
    const expected = [...readyTids].sort((a, b) => a - b).join(',');
    if ([...tids].sort((a, b) => a - b).join(',') !== expected) {
      throw new MakeDumpError(
        `/proc/${pid}/task (${tids.join(' ')}) differs from the ready file (${readyTids.join(' ')})`,
      );
    }
    const captured = Date.now();

    if (producer === 'kernel') {
      process.kill(pid, 'SIGUSR1');
      const exit = await child.exited(deadline);
      if (exit.signal !== 'SIGABRT') {
        throw new MakeDumpError(
          withOutput(`expected the program to abort, but it ended with ${describeExit(exit)}`, child.stderr()),
        );
      }
      // The core is complete before the exit is reported: the kernel dumps before the process becomes a zombie.
      const found = await findNewCore(dir, before, pid);
      if (found === undefined) {
        throw new MakeDumpError(
          `the kernel wrote no core in ${dir} (kernel.core_pattern is '${await readCorePattern()}'; ` +
            `check 'ulimit -c' hard limit, /proc/sys/fs/suid_dumpable, and that ${dir} is writable)`,
        );
      }
      await rename(join(dir, found), corePath);
    } else {
      const prefix = join(dir, 'core');
      const result = await run('gcore', ['-o', prefix, String(pid)], {
        timeoutMs: Math.max(1000, deadline - Date.now()),
        // No network symbol lookups, no pager, no init files (gcore already passes -nx --batch).
        env: { ...process.env, DEBUGINFOD_URLS: '', TERM: 'dumb' },
      });
      if (result.timedOut) throw new MakeDumpError(`gcore did not finish within ${timeoutMs} ms`);
      const written = `${prefix}.${pid}`;
      if (result.code !== 0 || !existsSync(written)) {
        throw new MakeDumpError(
          withOutput(`gcore failed (exit ${result.code})`, (result.stderr + result.stdout).trim()),
        );
      }
      await rename(written, corePath);
      process.kill(pid, 'SIGTERM');
      const exit = await child.exited(Date.now() + 10_000);
      if (exit.code !== 0) throw new MakeDumpError(`the program ended with ${describeExit(exit)} after gcore`);
    }
    const dumped = Date.now();

    const coreSize = (await stat(corePath)).size;
    const meta = {
      pid,
      producer,
      threads: tids.length,
      workerThreads: threads,
      exe,
      stackKb,
      coreSize,
      kernel: release(),
      arch: arch(),
      createdAt: new Date(started).toISOString(),
      ms: { build: built - started, start: captured - built, dump: dumped - captured },
    };
    await writeFile(join(dir, 'maps.txt'), maps);
    await writeFile(join(dir, 'tids.txt'), tids.join('\n') + '\n');
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
    log(
      `${producer} core of pid ${pid} (${tids.length} threads): ${corePath}, ${coreSize} bytes, ${dumped - captured} ms`,
    );
    return { dir, core: corePath, maps: join(dir, 'maps.txt'), tids: join(dir, 'tids.txt'), meta };
  } finally {
    child.kill();
    await rm(readyPath, { force: true });
  }
}

async function readCorePattern() {
  return (await readFile('/proc/sys/kernel/core_pattern', 'utf8')).trim();
}

export async function checkCorePattern() {
  const pattern = await readCorePattern();
  if (pattern.startsWith('|')) {
    throw new MakeDumpError(
      `kernel.core_pattern pipes cores to '${pattern.slice(1)}' (systemd-coredump or apport), so no core lands in ` +
        `the output dir: set it to 'core' (sysctl kernel.core_pattern=core) or use --producer gcore`,
    );
  }
  if (pattern.includes('/')) {
    throw new MakeDumpError(
      `kernel.core_pattern is '${pattern}' (a path, not the crashing process's cwd): ` +
        `set it to 'core' (sysctl kernel.core_pattern=core) or use --producer gcore`,
    );
  }
}

/**
 * What every dump script checks before it builds and runs anything: the thread count in its range, the producer,
 * the out dir (made), and that the producer can write a core here (core_pattern for the kernel, gcore installed).
 * @param {{ threads: number, minThreads: number, maxThreads: number, producer: string, outDir: string,
 *           timeoutMs: number }} options
 * @returns {Promise<{ started: number, deadline: number, dir: string }>}
 */
export async function prepareDump({ threads, minThreads, maxThreads, producer, outDir, timeoutMs }) {
  if (!Number.isInteger(threads) || threads < minThreads || threads > maxThreads) {
    throw new MakeDumpError(`--threads must be an integer from ${minThreads} to ${maxThreads} (got ${threads})`);
  }
  if (producer !== 'kernel' && producer !== 'gcore') {
    throw new MakeDumpError(`--producer must be kernel or gcore (got ${producer})`);
  }
  const started = Date.now();
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  if (producer === 'kernel') await checkCorePattern();
  else await checkGcore();
  return { started, deadline: started + timeoutMs, dir };
}

async function checkGcore() {
  const result = await run('gcore', ['--version'], { timeoutMs: 20_000 });
  if (result.error?.code === 'ENOENT') throw new MakeDumpError('gcore not found: install gdb (it ships gcore)');
}

/** The one new file in `dir` that is an ELF core: `core`, `core.PID`, or whatever a relative core_pattern names. */
export async function findNewCore(dir, before, pid) {
  const candidates = (await readdir(dir)).filter((name) => !before.has(name));
  candidates.sort((a, b) => Number(b === 'core' || b === `core.${pid}`) - Number(a === 'core' || a === `core.${pid}`));
  for (const name of candidates) {
    const handle = await open(join(dir, name), 'r').catch(() => undefined);
    if (handle === undefined) continue;
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(18), 0, 18, 0);
      // ELF magic and e_type ET_CORE (4), in either byte order.
      const isElf = bytesRead === 18 && buffer.readUInt32BE(0) === 0x7f454c46;
      const type = buffer[5] === 2 ? buffer.readUInt16BE(16) : buffer.readUInt16LE(16);
      if (isElf && type === 4) return name;
    } finally {
      await handle.close();
    }
  }
  return undefined;
}

/** The ready file: the pid, then the thread ids (main first). Fails early if the child dies or the deadline passes. */
async function waitForReady(child, path, deadline) {
  for (;;) {
    const exit = child.exit();
    if (exit !== undefined) {
      throw new MakeDumpError(
        withOutput(`the program ended before it was ready (${describeExit(exit)})`, child.stderr()),
      );
    }
    if (existsSync(path)) {
      const numbers = (await readFile(path, 'utf8')).split('\n').filter(Boolean).map(Number);
      if (numbers.length < 2 || numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
        throw new MakeDumpError(`malformed ready file ${path}`);
      }
      return numbers;
    }
    if (Date.now() > deadline) {
      throw new MakeDumpError(
        withOutput('the program was not ready before the deadline (--timeout); killed it', child.stderr()),
      );
    }
    await sleep(10);
  }
}

export function startChild(command, args, options) {
  const proc = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exit;
  const waiters = [];
  proc.stdout.resume();
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const settle = (value) => {
    exit ??= value;
    for (const w of waiters.splice(0)) w(exit);
  };
  proc.on('exit', (code, signal) => settle({ code, signal }));
  proc.on('error', (error) => settle({ code: null, signal: null, error }));
  return {
    pid: proc.pid,
    stderr: () => stderr.trim(),
    exit: () => exit,
    exited(deadline) {
      if (exit !== undefined) return Promise.resolve(exit);
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () => {
            proc.kill('SIGKILL');
            reject(new MakeDumpError(`pid ${proc.pid} did not exit in time`));
          },
          Math.max(0, deadline - Date.now()),
        );
        waiters.push((value) => {
          clearTimeout(timer);
          resolvePromise(value);
        });
      });
    },
    kill() {
      if (exit === undefined) proc.kill('SIGKILL');
    },
  };
}

/**
 * Runs a command to completion (stdin /dev/null), killing it at the timeout. It gets its own process group, and
 * the whole group is killed: gcore is a shell script whose gdb child would otherwise outlive it, still attached.
 */
export function run(command, args, { timeoutMs, env } = {}) {
  return new Promise((resolvePromise) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch (error) {
        if (error.code !== 'ESRCH') throw error; // already gone
      }
    }, timeoutMs);
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    proc.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: null, stdout, stderr, timedOut, error });
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

export function withOutput(message, output) {
  return output === '' ? message : `${message}:\n${output}`;
}

export function describeExit({ code, signal, error }) {
  if (error) return `spawn error: ${error.message}`;
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function parseArgs(argv) {
  const options = { threads: 6, producer: 'kernel', outDir: undefined, timeoutMs: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--threads':
        options.threads = Number(value);
        i++;
        break;
      case '--producer':
        options.producer = value;
        i++;
        break;
      case '--out':
        options.outDir = value;
        i++;
        break;
      case '--timeout':
        options.timeoutMs = Number(value) * 1000;
        i++;
        break;
      case '--stack-kb':
        options.stackKb = Number(value);
        i++;
        break;
      default:
        throw new MakeDumpError(
          `unknown argument ${argv[i]}\nusage: make-dump.mjs --threads N --producer kernel|gcore --out DIR [--timeout S] [--stack-kb KB]`,
        );
    }
  }
  if (options.outDir === undefined) throw new MakeDumpError('--out DIR is required');
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const result = await makeDump({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(line) });
    console.log(JSON.stringify(result.meta, null, 2));
  } catch (error) {
    if (!(error instanceof MakeDumpError)) throw error;
    console.error(`make-dump: ${error.message}`);
    process.exitCode = 1;
  }
}
