/**
 * Stack walks through JIT code, on real core dumps of managed runtimes (scripts/dumps/make-runtime-dump.mjs):
 *
 * 1. .NET Core 2.0, 20 threads blocked in Socket.Receive (recv-threads.cs: RequestWorker.Serve →
 *    RequestWorker.WaitForRequest → Socket.Receive), the runtime writing its perf map (COMPlus_PerfMapEnabled=1;
 *    2.0 ignores the DOTNET_ prefix), dumped by the kernel: every receiving thread must walk from libc's recvmsg
 *    through JIT frames named from the perf map (checked against the map, entry by entry) down to start_thread /
 *    clone3 and reach the outermost frame, and the threads must form one stack group.
 * 2. The same without a perf map: the same walk, the JIT frames unnamed (`[JIT code]`), never named wrongly.
 * 3. 1 dumped by gdb's gcore (which leaves unmodified file mappings out: the ReadyToRun code of
 *    System.Net.Sockets.dll the walk passes through is not in the dump).
 * 4. 800 threads with DOTNET_DefaultStackSize=180000 (and COMPlus_DefaultStackSize, the name 2.0 reads): the
 *    thread-stacks-reserve finding advises a hexadecimal DefaultStackSize, spells the value out, and quotes the
 *    setting the process started with as hexadecimal (0x180000 = 1.5 MiB). (.NET Core 2.0 itself still gives its
 *    threads 8 MiB stacks with it: the setting is quoted from the environment, not seen in the stacks' sizes.)
 * 5. Node.js with --perf-basic-prof --interpreted-frames-native-stack, its main thread waiting in Atomics.wait at the
 *    end of three named JavaScript functions: those frames are named from the perf map (`JS:~name file:line:col`
 *    in Node 20) and the walk goes on to __libc_start_main.
 *
 * What gdb 13 makes of dump 1 (`gdb -batch -ex 'thread apply all bt' dotnet core`), for every receiving thread: it
 * names frames #0-#2 (__libc_recvmsg, SystemNative_ReceiveMessage), then at the first JIT frame (the P/Invoke
 * stub, `#3 0x00007fdef3e151dc in ?? ()`) it goes on with garbage read off the stack — `#4 0x0000000000b52674`,
 * `#5 vtable for InlinedCallFrame`, stack addresses taken for pcs, the stub's address again — and ends at
 * `#14 0x0000000000000000 in ?? ()`: it never reaches the thread's own methods, libcoreclr's thread start or
 * start_thread.
 *
 * Each case skips with one line when it cannot run here (no mcs, no gdb, a piped core_pattern, no registry to
 * install the .NET runtime from). COREVIEW_KEEP_DUMPS=1 keeps each dump's folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  DOTNET_WORKER_METHODS,
  MakeDumpError,
  makeRuntimeDump,
  NODE_JS_CHAIN,
  type MadeRuntimeDump,
  type MakeRuntimeDumpOptions,
} from '../../scripts/dumps/make-runtime-dump.mjs';
import { hasCommand, producerSkipReason } from './dump-tools';
import { CLI, cliHasStacks } from './stacks-cli';

const KEEP = process.env.COREVIEW_KEEP_DUMPS === '1';
const hasStacks = cliHasStacks();

/** The parts of coreview's `--json` document these tests read. */
interface Frame {
  readonly pc: string;
  readonly trust: string;
  readonly module?: string;
  readonly symbol?: string;
  readonly symbolOffset?: number;
  readonly symbolSource?: string;
  readonly jit?: boolean;
}
interface StackThread {
  readonly tid: number;
  readonly stackUsed?: number;
  readonly frames?: readonly Frame[];
  readonly unwindStop?: string;
  readonly unwindStopDetail?: string;
  readonly syscall?: { readonly nr: number; readonly name?: string };
}
interface Finding {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  readonly advice?: string;
  readonly evidence: readonly { readonly kind: string; readonly name?: string; readonly value?: string }[];
}
interface Document {
  readonly process: { readonly pid?: number };
  readonly threads: readonly StackThread[];
  readonly stackGroups?: readonly { readonly threads: readonly number[] }[];
  readonly findings?: readonly Finding[];
}

function coreview(args: readonly string[]): string {
  const out = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
  if (out.status !== 0) throw new Error(`coreview ${args.join(' ')} exited ${out.status}: ${out.stderr.trim()}`);
  return out.stdout;
}

const coreviewJson = (args: readonly string[]): Document => JSON.parse(coreview([...args, '--json'])) as Document;

/** One line of a Linux perf map: `START SIZE name`, both numbers hex without 0x. */
interface PerfEntry {
  readonly start: bigint;
  readonly end: bigint;
  readonly name: string;
}

function parsePerfMap(path: string): PerfEntry[] {
  const entries: PerfEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([0-9a-fA-F]+) ([0-9a-fA-F]+) (.+)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) continue;
    const start = BigInt(`0x${m[1]}`);
    entries.push({ start, end: start + BigInt(`0x${m[2]}`), name: m[3] });
  }
  return entries;
}

/** The entry a frame's pc falls in (a return address is looked up one byte back); a later entry wins, as in perf. */
function perfEntryOf(entries: readonly PerfEntry[], frame: Frame, index: number): PerfEntry | undefined {
  const at = BigInt(frame.pc) - (index === 0 ? 0n : 1n);
  let found: PerfEntry | undefined;
  for (const e of entries) if (e.start <= at && at < e.end) found = e;
  return found;
}

/** A thread's walk as a failure message shows it: every frame, then why the walk stopped. */
function describeWalk(t: StackThread): string {
  const frames = (t.frames ?? []).map(
    (f, i) =>
      `  #${i} ${f.pc} [${f.trust}]${f.jit === true ? ' jit' : ''} ${f.symbol ?? '?'}${f.symbolSource === undefined ? '' : ` (${f.symbolSource})`}${f.module === undefined ? '' : ` in ${f.module.split('/').pop() ?? ''}`}`,
  );
  return [`tid ${t.tid}: unwindStop ${t.unwindStop ?? '?'} (${t.unwindStopDetail ?? ''})`, ...frames].join('\n');
}

const isThreadStart = (f: Frame): boolean =>
  /^(start_thread|__clone3|__GI___clone3|clone3|__clone|clone)$/.test(f.symbol ?? '');
const RECEIVE_SYSCALLS = /^(recvfrom|recvmsg|recv|read)$/;
const receivingThreads = (doc: Document): StackThread[] =>
  doc.threads.filter((t) => RECEIVE_SYSCALLS.test(t.syscall?.name ?? ''));

/**
 * What is wrong with a receiving thread's walk, or undefined: it must start in libc's receive, pass JIT frames
 * (named from the perf map when `named`, else unnamed) with the program's own two methods among them, reach
 * start_thread or clone3 after them and stop at the outermost frame.
 */
function receiveWalkProblem(t: StackThread, named: boolean): string | undefined {
  const frames = t.frames ?? [];
  const top = frames[0];
  if (top === undefined || !/recv/.test(top.symbol ?? '') || !/libc[.-]/.test(top.module ?? ''))
    return 'frame #0 is not libc’s receive';
  const jit = frames.map((f, i) => ({ f, i })).filter(({ f }) => f.jit === true);
  if (jit.length === 0) return 'no jit frame';
  const lastJit = jit[jit.length - 1]?.i ?? 0;
  if (!frames.slice(lastJit + 1).some(isThreadStart)) return 'no start_thread/clone3 after the JIT frames';
  if (t.unwindStop !== 'outermost') return `the walk stopped (${t.unwindStop ?? '?'}) before the outermost frame`;
  if (named) {
    const at = DOTNET_WORKER_METHODS.map((m) =>
      frames.findIndex((f) => f.jit === true && f.symbolSource === 'perfmap' && (f.symbol ?? '').includes(m)),
    );
    if (at.some((i) => i < 0))
      return `not every one of ${DOTNET_WORKER_METHODS.join(', ')} is a perf-map-named JIT frame`;
    // Callee first: WaitForRequest is called by Serve.
    if (!((at[1] ?? -1) < (at[0] ?? -1))) return `${DOTNET_WORKER_METHODS.join(' and ')} are not in call order`;
  } else {
    // The P/Invoke stub and the two methods at least: each of them is JIT code.
    if (jit.length < 3) return `${jit.length} jit frame(s), fewer than the stub and the program's two methods`;
  }
  return undefined;
}

/** Frames named from the perf map whose name or offset is not the map's entry for their pc. */
function misnamedPerfFrames(doc: Document, entries: readonly PerfEntry[]): string[] {
  const wrong: string[] = [];
  for (const t of doc.threads) {
    (t.frames ?? []).forEach((f, i) => {
      if (f.symbolSource !== 'perfmap') return;
      const entry = perfEntryOf(entries, f, i);
      const offset = entry === undefined ? undefined : Number(BigInt(f.pc) - entry.start);
      if (entry?.name !== f.symbol || offset !== f.symbolOffset)
        wrong.push(
          `tid ${t.tid} #${i} ${f.pc}: ${f.symbol ?? '?'}+${f.symbolOffset ?? '?'}, the map: ${entry === undefined ? 'no entry' : `${entry.name}+${offset ?? '?'}`}`,
        );
    });
  }
  return wrong;
}

/** Why a .NET or Node dump cannot be made here, known before trying; undefined when it can be tried. */
function staticSkipReason(runtime: 'dotnet' | 'node', producer: 'kernel' | 'gcore'): string | undefined {
  if (platform() !== 'linux') return `not Linux (${platform()})`;
  if (!hasStacks) return 'the built CLI has no --stacks';
  if (runtime === 'dotnet') {
    if (arch() !== 'x64' && process.env.COREVIEW_DOTNET_ROOT === undefined)
      return `the .NET Core 2.0 package is linux-x64 only (this is ${arch()})`;
    if (!hasCommand('mcs'))
      return 'mcs is not installed (Debian: apt-get install mono-mcs), needed to build scripts/dumps/recv-threads.cs';
  }
  return producerSkipReason(producer);
}

/**
 * One dump per describe: made in beforeAll (`analyze` runs coreview on it there, then the core is deleted: gcore's
 * core of .NET is 3.4 GB); a dump that cannot be made skips the tests with the reason.
 */
function withDump<T>(
  options: Omit<MakeRuntimeDumpOptions, 'outDir'>,
  analyze: (dump: MadeRuntimeDump) => T,
): { readonly need: (ctx: TestContext) => { dump: MadeRuntimeDump; result: T } } {
  let dir = '';
  let reason: string | undefined;
  let made: { dump: MadeRuntimeDump; result: T } | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `coreview-runtime-stacks-${options.runtime}-${options.producer}-`));
    let dump: MadeRuntimeDump;
    try {
      dump = await makeRuntimeDump({ ...options, outDir: dir, timeoutMs: 90_000 });
    } catch (error) {
      if (!(error instanceof MakeDumpError)) throw error;
      reason = error.message.split('\n')[0];
      console.warn(`skipped: ${options.runtime} ${options.producer} dump: ${reason}`);
      return;
    }
    try {
      made = { dump, result: analyze(dump) };
    } finally {
      if (KEEP) console.warn(`kept: ${dir}`);
      else rmSync(dump.core, { force: true });
    }
  }, 300_000);
  afterAll(() => {
    if (dir !== '' && !KEEP) rmSync(dir, { recursive: true, force: true });
  });
  return {
    need(ctx) {
      if (reason !== undefined) ctx.skip(reason);
      if (made === undefined) throw new Error('the dump was not analyzed (see beforeAll)');
      return made;
    },
  };
}

/** Cases 1 and 3: the walk with the perf map the process wrote, passed as --perf-map. */
function namedWalkTests(producer: 'kernel' | 'gcore'): void {
  describe(`a ${producer} dump of .NET threads in Socket.Receive, with the runtime's perf map`, () => {
    const known = staticSkipReason('dotnet', producer);
    if (known !== undefined) {
      it.skip(`skipped: ${known}`, () => {});
      return;
    }
    const dump = withDump({ runtime: 'dotnet', producer, threads: 20, env: { DOTNET_PerfMapEnabled: '1' } }, (d) => {
      if (d.perfMap === undefined) throw new Error(`the runtime wrote no /tmp/perf-${d.meta.pid}.map`);
      return { doc: coreviewJson([d.core, '--stacks', '--perf-map', d.perfMap]), map: parsePerfMap(d.perfMap) };
    });

    it('walks every receiving thread from recv through perf-map-named JIT frames to start_thread/clone3', (ctx) => {
      const { dump: d, result } = dump.need(ctx);
      const receiving = receivingThreads(result.doc);
      expect(receiving.length, 'threads in a receive').toBe(d.meta.workerThreads);
      const bad = receiving.flatMap((t) => {
        const problem = receiveWalkProblem(t, true);
        return problem === undefined ? [] : [`${problem}\n${describeWalk(t)}`];
      });
      expect(bad.slice(0, 2), `${bad.length} of ${receiving.length} receiving threads`).toEqual([]);
    });

    it('names JIT frames exactly as the perf map does (name and offset)', (ctx) => {
      const { result } = dump.need(ctx);
      const named = result.doc.threads.flatMap((t) => (t.frames ?? []).filter((f) => f.symbolSource === 'perfmap'));
      expect(named.length, 'frames named from the perf map').toBeGreaterThan(0);
      expect(misnamedPerfFrames(result.doc, result.map).slice(0, 5)).toEqual([]);
    });

    it('groups the receiving threads into one stack group', (ctx) => {
      const { dump: d, result } = dump.need(ctx);
      const group = new Set(result.doc.stackGroups?.[0]?.threads ?? []);
      expect(group.size, 'stackGroups[0].threads').toBeGreaterThanOrEqual(d.meta.workerThreads);
      const outside = receivingThreads(result.doc).filter((t) => !group.has(t.tid));
      expect(
        outside.map((t) => t.tid),
        'receiving threads outside stackGroups[0]',
      ).toEqual([]);
    });
  });
}

namedWalkTests('kernel');

describe('a kernel dump of .NET threads in Socket.Receive, without a perf map', () => {
  const known = staticSkipReason('dotnet', 'kernel');
  if (known !== undefined) {
    it.skip(`skipped: ${known}`, () => {});
    return;
  }
  const dump = withDump({ runtime: 'dotnet', producer: 'kernel', threads: 20 }, (d) => {
    // coreview reads /tmp/perf-PID.map by itself: one left by an earlier process with this pid would name frames.
    const stale = join(tmpdir(), `perf-${d.meta.pid}.map`);
    return { doc: coreviewJson([d.core, '--stacks']), stale: existsSync(stale) ? stale : undefined };
  });

  it('walks every receiving thread through unnamed JIT frames to start_thread/clone3', (ctx) => {
    const { dump: d, result } = dump.need(ctx);
    const receiving = receivingThreads(result.doc);
    expect(receiving.length, 'threads in a receive').toBe(d.meta.workerThreads);
    const bad = receiving.flatMap((t) => {
      const problem = receiveWalkProblem(t, false);
      return problem === undefined ? [] : [`${problem}\n${describeWalk(t)}`];
    });
    expect(bad.slice(0, 2), `${bad.length} of ${receiving.length} receiving threads`).toEqual([]);
  });

  it('names no JIT frame (the process wrote no perf map)', (ctx) => {
    const { result } = dump.need(ctx);
    if (result.stale !== undefined) ctx.skip(`${result.stale} is left from an earlier process with this pid`);
    const named = result.doc.threads.flatMap((t) =>
      (t.frames ?? [])
        .filter((f) => (f.jit === true && f.symbol !== undefined) || f.symbolSource === 'perfmap')
        .map((f) => `tid ${t.tid} ${f.pc}: ${f.symbol ?? '?'} (${f.symbolSource ?? '?'})`),
    );
    expect(named.slice(0, 5)).toEqual([]);
  });
});

namedWalkTests('gcore');

describe('a kernel dump of 800 .NET threads started with DOTNET_DefaultStackSize=180000', () => {
  const known = staticSkipReason('dotnet', 'kernel');
  if (known !== undefined) {
    it.skip(`skipped: ${known}`, () => {});
    return;
  }
  const env = { DOTNET_DefaultStackSize: '180000', COMPlus_DefaultStackSize: '180000' };
  const dump = withDump({ runtime: 'dotnet', producer: 'kernel', threads: 800, env }, (d) => ({
    doc: coreviewJson([d.core, '--scan']),
    text: coreview([d.core, '--scan', '--findings']),
  }));
  const stacksFinding = (doc: Document): Finding | undefined =>
    doc.findings?.find((f) => f.id === 'thread-stacks-reserve');

  it('advises a DefaultStackSize in hexadecimal, spelled out, above what the threads use', (ctx) => {
    const { dump: d, result } = dump.need(ctx);
    const finding = stacksFinding(result.doc);
    expect(finding, `findings: ${(result.doc.findings ?? []).map((f) => f.id).join(', ')}`).toBeDefined();
    expect(finding?.title).toContain(`${d.meta.threads} thread`);
    const advice = finding?.advice ?? '';
    const m = /\b(?:DOTNET|COMPlus)_DefaultStackSize=([0-9A-Fa-f]+)\b/.exec(advice);
    expect(m, `advice: ${advice}`).not.toBeNull();
    const hexValue = m?.[1] ?? '';
    const bytes = Number.parseInt(hexValue, 16);
    expect(advice.toLowerCase(), 'the value spelled out as 0x…').toContain(`0x${hexValue.toLowerCase()}`);
    expect(advice, 'the value in bytes').toContain(bytes.toLocaleString('en'));
    const used = Math.max(...result.doc.threads.filter((t) => t.tid !== d.meta.pid).map((t) => t.stackUsed ?? 0));
    expect(bytes, `advised ${bytes} bytes; a thread uses ${used} below its stack top`).toBeGreaterThan(used);
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
    expect(result.text, '--scan --findings prints the advice').toContain(m?.[0] ?? '?');
  });

  it('quotes the setting the process started with and reads it as hexadecimal (0x180000 = 1.5 MiB)', (ctx) => {
    const { result } = dump.need(ctx);
    const finding = stacksFinding(result.doc);
    const detail = finding?.detail ?? '';
    for (const name of Object.keys(env)) {
      expect(detail, name).toContain(`${name}=180000`);
      expect(finding?.evidence.some((e) => e.kind === 'environment' && e.name === name && e.value === '180000')).toBe(
        true,
      );
    }
    expect(detail).toMatch(/hexadecimal/i);
    expect(detail).toContain('0x180000');
    expect(detail).toMatch(/1,572,864 bytes|1\.50 MiB/);
    expect(result.text).toContain('0x180000');
  });
});

describe('a kernel dump of Node.js run with --perf-basic-prof --interpreted-frames-native-stack', () => {
  const known = staticSkipReason('node', 'kernel');
  if (known !== undefined) {
    it.skip(`skipped: ${known}`, () => {});
    return;
  }
  const nodeArgs = ['--perf-basic-prof', '--interpreted-frames-native-stack'];
  const dump = withDump({ runtime: 'node', producer: 'kernel', nodeArgs, blockInJs: true }, (d) => {
    if (d.perfMap === undefined) throw new Error(`node wrote no /tmp/perf-${d.meta.pid}.map`);
    return { doc: coreviewJson([d.core, '--stacks', '--perf-map', d.perfMap]), map: parsePerfMap(d.perfMap) };
  });

  it('names the JavaScript functions on the main thread from the perf map and walks on to __libc_start_main', (ctx) => {
    const { dump: d, result } = dump.need(ctx);
    const main = result.doc.threads.find((t) => t.tid === d.meta.pid);
    expect(main, 'the main thread').toBeDefined();
    const frames = main?.frames ?? [];
    const walk = main === undefined ? '' : describeWalk(main);
    // Callee first: coreviewWaitForReply, then coreviewHandleRequest, then coreviewServeRequests.
    const at = [...NODE_JS_CHAIN]
      .reverse()
      .map((fn) =>
        frames.findIndex(
          (f) => f.jit === true && f.symbolSource === 'perfmap' && new RegExp(`\\b${fn}\\b`).test(f.symbol ?? ''),
        ),
      );
    expect(
      at.every((i) => i >= 0),
      `each of ${NODE_JS_CHAIN.join(', ')} named from the perf map\n${walk}`,
    ).toBe(true);
    expect(
      [...at].sort((a, b) => a - b),
      `in call order\n${walk}`,
    ).toEqual(at);
    const start = frames.findIndex((f) => /^(__libc_start_main|main)\b/.test(f.symbol ?? ''));
    expect(start, `__libc_start_main or main after the JavaScript frames\n${walk}`).toBeGreaterThan(Math.max(...at));
    expect(main?.unwindStop, walk).toBe('outermost');
  });

  it('names JavaScript frames exactly as the perf map does (name and offset)', (ctx) => {
    const { result } = dump.need(ctx);
    expect(misnamedPerfFrames(result.doc, result.map).slice(0, 5)).toEqual([]);
  });
});
