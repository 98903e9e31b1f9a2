/**
 * The two independent stack walkers a core's stacks are checked against: elfutils' `eu-stack` and gdb. Runs each on
 * a core (with the executable beside it) and parses what it prints into frames per thread id.
 *
 * Both are set up to print the same numbers:
 * - Separate debug info is off (eu-stack `--debuginfo-path=/nonexistent`, gdb `set debug-file-directory
 *   /nonexistent`): with the distribution's libc debug info installed, gdb adds inlined frames (a second frame at
 *   the same call site, e.g. __pthread_kill_internal inside __pthread_kill_implementation) that eu-stack without
 *   `-i` does not show. debuginfod is off too (no network).
 * - Addresses: eu-stack without `-a` prints each frame's pc as unwound, i.e. the return address for callers (`-a`
 *   only appends " - 1" to say its symbol lookup used pc − 1, the number stays the same), and the interrupted pc
 *   for the frame above a signal frame. gdb's `bt` prints the same values.
 * - gdb stops at main by default; `set backtrace past-main on` (and past-entry) makes it go on to
 *   __libc_start_call_main, __libc_start_main and _start as eu-stack does.
 * - gdb omits the address of frame 0 when the pc is at the start of a line-table entry, and never prints one for
 *   a `<signal handler called>` frame; so every frame also gets `p/x $pc` (`thread apply all frame apply all`),
 *   whose `$N = 0x…` line follows the frame's line and gives the pc in every case.
 */
import { execFile } from 'node:child_process';

export interface OracleFrame {
  readonly pc: bigint;
  /** The symbol the tool printed (undefined for `??` or no name). gdb's signal frame is `<signal handler called>`. */
  readonly name?: string;
}

export interface OracleRun {
  readonly threads: Map<number, OracleFrame[]>;
  /** The tool's exit status (eu-stack exits 1 when some thread's walk ended on an error) and its stderr. */
  readonly status: number | null;
  readonly stderr: string;
}

const TIMEOUT_MS = 30_000;
const QUIET_ENV = { ...process.env, DEBUGINFOD_URLS: '', TERM: 'dumb', LC_ALL: 'C' };

export async function euStackRun(core: string, exe?: string): Promise<OracleRun> {
  const args = ['--debuginfo-path=/nonexistent', `--core=${core}`, ...(exe === undefined ? [] : ['-e', exe])];
  const result = await runTool('eu-stack', args);
  return { threads: parseEuStack(result.stdout), status: result.status, stderr: result.stderr };
}

export async function gdbRun(core: string, exe: string): Promise<OracleRun> {
  const result = await runTool('gdb', [
    '-batch',
    '-nx',
    '-iex',
    'set debug-file-directory /nonexistent',
    '-iex',
    'set debuginfod enabled off',
    '-iex',
    'set backtrace past-main on',
    '-iex',
    'set backtrace past-entry on',
    '-ex',
    'set print frame-info location-and-address',
    '-ex',
    'thread apply all frame apply all p/x $pc',
    exe,
    core,
  ]);
  return { threads: parseGdbBacktrace(result.stdout), status: result.status, stderr: result.stderr };
}

/**
 * eu-stack's output: `TID 123:` starts a thread, `#N  0x00007f… name` is a frame (the name is missing when no
 * symbol covers the pc). Other lines (the `PID … - core` header) are skipped.
 */
export function parseEuStack(text: string): Map<number, OracleFrame[]> {
  const threads = new Map<number, OracleFrame[]>();
  let frames: OracleFrame[] | undefined;
  for (const line of text.split('\n')) {
    const thread = /^TID (\d+):$/.exec(line);
    if (thread?.[1] !== undefined) {
      frames = [];
      threads.set(Number(thread[1]), frames);
      continue;
    }
    const frame = /^#(\d+)\s+(0x[0-9a-fA-F]+)(?:\s+-\s+1)?(?:\s+(\S.*))?$/.exec(line);
    if (frame?.[2] === undefined || frames === undefined) continue;
    expectFrameNumber(frames, Number(frame[1]), line);
    const name = frame[3]?.trim();
    frames.push({ pc: BigInt(frame[2]), ...(name ? { name } : {}) });
  }
  return threads;
}

/**
 * gdb's `thread apply all bt` output, optionally with `frame apply all p/x $pc` lines: `Thread N (Thread 0x… (LWP
 * tid)):` or `Thread N (LWP tid):` starts a thread; `#N  0x… in name (args) …`, `#N  name (args) …` (no address)
 * or `#N  <signal handler called>` is a frame; a `$K = 0x…` line gives the pc of the frame above it. Warnings and
 * `Backtrace stopped:` lines are skipped.
 */
export function parseGdbBacktrace(text: string): Map<number, OracleFrame[]> {
  const threads = new Map<number, OracleFrame[]>();
  let frames: { pc?: bigint; name?: string }[] | undefined;
  let tid: number | undefined;
  const flush = () => {
    if (tid === undefined || frames === undefined) return;
    threads.set(
      tid,
      frames.map((f, i) => {
        if (f.pc === undefined) throw new Error(`gdb printed no pc for frame #${i} of LWP ${tid}`);
        return { pc: f.pc, ...(f.name === undefined ? {} : { name: f.name }) };
      }),
    );
  };
  for (const line of text.split('\n')) {
    const thread = /^Thread \d+ \((?:.*\()?LWP (\d+)\)\)?:\s*$/.exec(line);
    if (thread?.[1] !== undefined) {
      flush();
      tid = Number(thread[1]);
      frames = [];
      continue;
    }
    if (frames === undefined) continue;
    const frame = /^#(\d+)\s+(?:(0x[0-9a-fA-F]+) in )?(.*)$/.exec(line);
    if (frame?.[3] !== undefined) {
      expectFrameNumber(frames, Number(frame[1]), line);
      const rest = frame[3];
      const name = rest.startsWith('<signal handler called>')
        ? '<signal handler called>'
        : /^([^\s(]+) \(/.exec(rest)?.[1];
      frames.push({
        ...(frame[2] === undefined ? {} : { pc: BigInt(frame[2]) }),
        ...(name === undefined || name === '??' ? {} : { name }),
      });
      continue;
    }
    const value = /^\$\d+ = (0x[0-9a-fA-F]+)$/.exec(line);
    const last = frames[frames.length - 1];
    if (value?.[1] !== undefined && last !== undefined) {
      const pc = BigInt(value[1]);
      if (last.pc !== undefined && last.pc !== pc) {
        throw new Error(`gdb printed two pcs for one frame (0x${last.pc.toString(16)}, ${value[1]}): ${line}`);
      }
      last.pc = pc;
    }
  }
  flush();
  return threads;
}

function expectFrameNumber(frames: readonly unknown[], n: number, line: string): void {
  if (n !== frames.length) throw new Error(`frame #${n} out of order (expected #${frames.length}): ${line}`);
}

function runTool(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: QUIET_ENV, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        // A non-zero exit is an answer (eu-stack exits 1 when a walk ended on an error); no exit (not found,
        // killed at the timeout) is not.
        const code = error === null ? 0 : error.code;
        if (error !== null && typeof code !== 'number') {
          reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr, status: typeof code === 'number' ? code : null });
      },
    );
  });
}
