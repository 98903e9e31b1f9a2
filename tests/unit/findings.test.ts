/**
 * The findings (src/core/model/findings/) over analyses built region by region: each rule's arithmetic checked
 * against numbers worked out here by hand (788 × 8 MiB, 4 × 300 KiB rounded up to 256 KiB = 0x140000), the advice
 * per runtime, the environment's settings quoted and .NET's hexadecimal reading spelled out, and the text of
 * `--findings`.
 */
import { describe, expect, it } from 'vitest';
import { computeFindings, readHexSetting, suggestedStackSize } from '../../src/core/model/findings';
import { findingsText } from '../../src/core/format/findings-text';
import { imageTotals, kindTotals } from '../../src/core/model/totals';
import {
  RegisterSet,
  type Analysis,
  type Finding,
  type Frame,
  type ProcessEnvironment,
  type Region,
  type RuntimeInfo,
  type Syscall,
  type Thread,
  type ThreadStack,
} from '../../src/core/types';
import { region } from '../helpers/regions-fixture';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

interface Shape {
  readonly regions: Region[];
  readonly runtime?: RuntimeInfo;
  readonly producer?: string;
  readonly pid?: number;
  readonly bits?: 32 | 64;
}

/** An Analysis as the header pass leaves it: regions sorted, threads found from the Stack regions' tids. */
function analysis(shape: Shape): Analysis {
  const regions = [...shape.regions].sort((a, b) => (a.start < b.start ? -1 : 1));
  const threads: Thread[] = [];
  regions.forEach((r, i) => {
    if (r.kind !== 'Stack' || r.tid === undefined) return;
    threads.push({
      tid: r.tid,
      signal: 0,
      crashed: false,
      registers: RegisterSet.EMPTY,
      sp: r.end - 256n,
      stackRegion: i,
      stackStart: r.start,
      stackEnd: r.end,
      stackSize: r.size,
      stackUsed: 256,
    });
  });
  return {
    dump: {
      size: 1 << 20,
      arch: 'x86_64',
      machine: 62,
      bits: shape.bits ?? 64,
      endian: 'little',
      os: 'Linux',
      pageSize: 4096,
      producer: { name: shape.producer ?? 'kernel', evidence: 'test' },
      programHeaders: regions.length + 1,
      loadSegments: regions.length,
      notes: [],
      warnings: [],
      bytesRead: 0,
    },
    process: { pid: shape.pid, name: 'svc', ...(shape.runtime === undefined ? {} : { runtime: shape.runtime }) },
    regions,
    totals: kindTotals(regions),
    imageTotals: imageTotals(regions),
    threads,
    modules: [],
    files: [],
    auxv: [],
  };
}

const STACKS_BASE = 0x7f0000000000n;
const STACK_RESERVATION = 8 * MiB;

/** `n` glibc thread stacks of 8 MiB: a 4 KiB no-access guard, then the stack, for tids first, first + 1, … */
function threadStacks(n: number, first: number): Region[] {
  const out: Region[] = [];
  for (let k = 0; k < n; k++) {
    const base = STACKS_BASE + BigInt(k * STACK_RESERVATION);
    out.push(
      region(base, 4 * KiB, {
        kind: 'StackGuard',
        state: 'MEM_RESERVE',
        protect: 'PAGE_NOACCESS',
        perms: '---',
        inDump: 0,
        tid: first + k,
      }),
      region(base + 4096n, STACK_RESERVATION - 4 * KiB, { kind: 'Stack', tid: first + k }),
    );
  }
  return out;
}

const CORECLR = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so';
const GC_BASE = 0x7e0000000000n;

/** The GC's reservation: 256 GiB no-access with two committed pieces of 64 MiB at its start. */
function gcReservation(): Region[] {
  const piece = 64 * MiB;
  const rest = 256 * GiB - 2 * piece;
  const heuristic = { name: 'dotnet-gc-reservation', evidence: 'inside a 256 GiB no-access reservation' };
  return [
    region(GC_BASE, piece, { kind: 'GCHeap', heuristic }),
    region(GC_BASE + BigInt(piece), piece, { kind: 'GCHeap', heuristic }),
    region(GC_BASE + BigInt(2 * piece), rest, {
      kind: '[RESERVED]',
      state: 'MEM_RESERVE',
      protect: 'PAGE_NOACCESS',
      perms: '---',
      inDump: 0,
    }),
  ];
}

function image(start: bigint, size: number, path: string, over: Partial<Region> = {}): Region {
  return region(start, size, {
    kind: 'Image',
    type: 'MEM_IMAGE',
    protect: 'PAGE_EXECUTE_READ',
    perms: 'r-x',
    image: path,
    ...over,
  });
}

function env(vars: Record<string, string>): ProcessEnvironment {
  return {
    argv: ['/usr/bin/svc'],
    env: Object.entries(vars).map(([name, value], i) => ({ name, value, address: 0x7ffc00000000n + BigInt(i * 64) })),
    warnings: [],
  };
}

/** The census's per-thread high-water marks: `deep` for the thread at `index`, 16 KiB for the others. */
function depths(a: Analysis, marks: Record<number, number>): Float64Array {
  const d = new Float64Array(a.threads.length).fill(16 * KiB);
  for (const [tid, depth] of Object.entries(marks)) {
    const i = a.threads.findIndex((t) => t.tid === Number(tid));
    d[i] = depth;
  }
  return d;
}

function only(findings: readonly Finding[], id: string): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching).toHaveLength(1);
  const f = matching[0];
  if (f === undefined) throw new Error(`no finding ${id}`);
  return f;
}

const NET8: RuntimeInfo = { name: '.NET', version: '8.0.11', versionFrom: 'path', evidence: `maps ${CORECLR}` };

/** The incident: a .NET 8 service, 788 threads of 8 MiB stacks (tid 1000 is the main thread), the GC's range. */
function incident(runtime: RuntimeInfo | 'none' = NET8): Analysis {
  return analysis({
    regions: [...threadStacks(788, 1000), ...gcReservation(), image(0x7f8000000000n, 8 * MiB, CORECLR)],
    pid: 1000,
    ...(runtime === 'none' ? {} : { runtime }),
  });
}

describe('suggestedStackSize: 4 × the high-water mark, rounded up to 256 KiB, at least 256 KiB', () => {
  it('gives 1280 KiB (0x140000) for a 300 KiB mark: 4 × 300 = 1200 KiB, rounded up', () => {
    expect(suggestedStackSize(300 * KiB)).toBe(1280 * KiB);
    expect((1280 * KiB).toString(16)).toBe('140000');
  });
  it('keeps whole steps and the floor', () => {
    expect(suggestedStackSize(0)).toBe(256 * KiB);
    expect(suggestedStackSize(64 * KiB)).toBe(256 * KiB);
    expect(suggestedStackSize(64 * KiB + 1)).toBe(512 * KiB);
    expect(suggestedStackSize(NaN)).toBe(256 * KiB);
  });
});

describe('readHexSetting: how .NET reads DOTNET_DefaultStackSize and the GC sizes', () => {
  const v = (value: string) => ({ name: 'DOTNET_DefaultStackSize', value, address: 0n });
  it('reads decimal-looking digits as hex, and says what to write for the decimal number', () => {
    expect(readHexSetting(v('180000'))).toMatchObject({
      bytes: 0x180000,
      text: 'DOTNET_DefaultStackSize=180000 is read as hexadecimal: 0x180000 = 1,572,864 bytes = 1.50 MiB; if 180,000 bytes was meant, write 2BF20',
    });
    expect((180000).toString(16)).toBe('2bf20');
  });
  it('reads hex digits and a 0x prefix without the decimal remark', () => {
    expect(readHexSetting(v('2BF20')).text).toBe(
      'DOTNET_DefaultStackSize=2BF20 is read as hexadecimal: 0x2BF20 = 180,000 bytes = 175.78 KiB',
    );
    expect(readHexSetting(v('0x100000'))).toMatchObject({
      bytes: MiB,
      text: 'DOTNET_DefaultStackSize=0x100000 is read as hexadecimal: 0x100000 = 1,048,576 bytes = 1.00 MiB',
    });
  });
  it('says when the value is no hexadecimal number', () => {
    expect(readHexSetting(v('1.5M'))).toEqual({
      reading: 'is not a hexadecimal number, which the runtime expects: it is not read as a size',
      text: 'DOTNET_DefaultStackSize=1.5M is not a hexadecimal number, which the runtime expects: it is not read as a size',
    });
  });
});

describe('thread-stacks-reserve', () => {
  const reserved = 788 * STACK_RESERVATION; // 6,610,223,104 bytes
  it('counts the incident: 788 threads × 8 MiB = 6.16 GiB, its share of the address space, the deepest mark', () => {
    const a = incident();
    const whole = a.regions.reduce((sum, r) => sum + r.size, 0);
    expect(reserved / GiB).toBeCloseTo(6.156, 3);
    const f = only(
      computeFindings({
        analysis: a,
        census: {
          touched: new Float64Array(a.regions.length).fill(NaN),
          threadDepth: depths(a, { 1000: 2 * MiB, 1377: 300 * KiB }),
        },
      }),
      'thread-stacks-reserve',
    );
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('788 thread stacks reserve 6.16 GiB');
    expect(f.detail).toContain(
      `788 threads × 8.00 MiB (stack and guard page, the most common reservation): the Stack and StackGuard regions reserve 6.16 GiB, ${((reserved / whole) * 100).toFixed(1)} % of the process's ${(whole / GiB).toFixed(2)} GiB address space.`,
    );
    // The main thread (tid = pid) is deeper, but the setting sizes the threads the process creates.
    expect(f.detail).toContain(
      'The deepest high-water mark of a thread other than the main one is 300.00 KiB (tid 1377)',
    );
    expect(f.advice).toContain('Set DOTNET_DefaultStackSize=140000 (.NET 8.0.11)');
    expect(f.advice).toContain('The value is read as HEXADECIMAL: 140000 = 0x140000 = 1,310,720 bytes = 1.25 MiB.');
    expect(f.advice).toContain('1.25 MiB is 4 × the deepest high-water mark (300.00 KiB), rounded up to 256 KiB.');
    expect(f.advice).not.toContain('COMPlus_');
    expect(f.fix).toBe('DOTNET_DefaultStackSize=140000');
    expect(f.evidence[0]).toMatchObject({ kind: 'threads', text: '788 threads with a stack region' });
    expect(f.evidence[0]?.kind === 'threads' ? f.evidence[0].tids.length : 0).toBe(788);
    expect(f.evidence[1]).toMatchObject({ kind: 'regions', text: '1,576 Stack or StackGuard regions, 6.16 GiB' });
    expect(f.evidence[2]).toEqual({ kind: 'threads', tids: [1377], text: 'deepest stack: 300.00 KiB touched' });
  });

  it('names COMPlus_ before .NET 6, and both prefixes when the version is unknown', () => {
    const census = (a: Analysis) => ({
      touched: new Float64Array(a.regions.length),
      threadDepth: depths(a, { 1001: 300 * KiB }),
    });
    const old = incident({ name: '.NET', version: '3.1.32', versionFrom: 'path', evidence: 'test' });
    const before6 = only(computeFindings({ analysis: old, census: census(old) }), 'thread-stacks-reserve');
    expect(before6.advice).toContain(
      'Set COMPlus_DefaultStackSize=140000 (.NET 3.1.32: before .NET 6 the prefix is COMPlus_)',
    );
    expect(before6.advice).not.toContain('DOTNET_DefaultStackSize');
    expect(before6.fix).toBe('COMPlus_DefaultStackSize=140000');
    const unknown = incident({ name: '.NET', evidence: 'test' });
    const both = only(computeFindings({ analysis: unknown, census: census(unknown) }), 'thread-stacks-reserve');
    expect(both.advice).toContain(
      "Set DOTNET_DefaultStackSize=140000 (.NET 6 and later) or COMPlus_DefaultStackSize=140000 (before .NET 6; the runtime's version is unknown, and setting both is harmless)",
    );
    expect(both.fix).toBe('DOTNET_DefaultStackSize=140000 COMPlus_DefaultStackSize=140000');
  });

  it('says a runtime older than .NET Core 2.1 reads no DefaultStackSize, and advises ulimit -s for it', () => {
    const census = (a: Analysis) => ({
      touched: new Float64Array(a.regions.length),
      threadDepth: depths(a, { 1001: 300 * KiB }),
    });
    const old = incident({ name: '.NET', version: '2.0.0', versionFrom: 'path', evidence: 'test' });
    const f = only(computeFindings({ analysis: old, census: census(old) }), 'thread-stacks-reserve');
    expect(f.advice).toContain(
      'This runtime (.NET Core 2.0.0) does not read DefaultStackSize (.NET Core 2.1 added it)',
    );
    expect(f.advice).toContain('After an upgrade, set COMPlus_DefaultStackSize=140000');
    expect(f.fix).toBe('ulimit -s 1280');
  });

  it('without the census says the depth is unknown and what would measure it, and still spells the hex out', () => {
    const f = only(computeFindings({ analysis: incident() }), 'thread-stacks-reserve');
    expect(f.detail).toContain(
      "How deep the stacks go is not known without the census (touched pages): it measures each thread's high-water mark.",
    );
    expect(f.advice).toContain('Set DOTNET_DefaultStackSize=<hex digits> (.NET 8.0.11)');
    expect(f.advice).toContain(
      'The value is read as HEXADECIMAL: 180000 means 0x180000 = 1,572,864 bytes = 1.50 MiB, not 180,000 bytes.',
    );
    expect(f.advice).toContain(
      'the census (touched pages; --scan in the CLI, run by the page after loading) measures that mark',
    );
  });

  it('quotes DOTNET_DefaultStackSize from the environment and how the runtime reads its decimal-looking value', () => {
    const f = only(
      computeFindings({
        analysis: incident(),
        environment: env({ PATH: '/usr/bin', DOTNET_DefaultStackSize: '180000' }),
      }),
      'thread-stacks-reserve',
    );
    expect(f.detail).toContain(
      'The process started with DOTNET_DefaultStackSize=180000, which is read as hexadecimal: 0x180000 = 1,572,864 bytes = 1.50 MiB; if 180,000 bytes was meant, write 2BF20.',
    );
    // 8 MiB stacks despite a 1.5 MiB setting: said, with the likely reasons.
    expect(f.detail).toContain('Most threads reserve 8.00 MiB, not that');
    expect(f.detail).toContain('The environment is the one the process started with (its initial stack)');
    expect(f.evidence).toContainEqual({
      kind: 'environment',
      name: 'DOTNET_DefaultStackSize',
      value: '180000',
      text: 'DOTNET_DefaultStackSize=180000: in the environment the process started with',
    });
  });

  it('writes the advice for Java, Node.js, Python, Go and C programs', () => {
    const with300 = (runtime: RuntimeInfo | 'none', stacks?: ThreadStack[], vars?: Record<string, string>) => {
      const a = incident(runtime);
      return only(
        computeFindings({
          analysis: a,
          census: { touched: new Float64Array(a.regions.length), threadDepth: depths(a, { 1001: 300 * KiB }) },
          ...(stacks === undefined ? {} : { stacks }),
          ...(vars === undefined ? {} : { environment: env(vars) }),
        }),
        'thread-stacks-reserve',
      );
    };
    const java = with300({ name: 'Java (HotSpot)', version: '17', evidence: 'test' }, undefined, {
      JAVA_TOOL_OPTIONS: '-Xmx2g',
    });
    expect(java.advice).toContain(
      'Start the JVM with -Xss1280k (on its command line, or JAVA_TOOL_OPTIONS="-Xss1280k"',
    );
    expect(java.detail).toContain('The process started with JAVA_TOOL_OPTIONS=-Xmx2g.');
    const javaArgs = incident({ name: 'Java (HotSpot)', version: '17', evidence: 'test' });
    const withXss = only(
      computeFindings({
        analysis: javaArgs,
        environment: { argv: ['java', '-Xss8m', '-jar', 'svc.jar'], env: [], warnings: [] },
      }),
      'thread-stacks-reserve',
    );
    expect(withXss.detail).toContain('The command line has -Xss8m.');
    expect(withXss.advice).toContain('Start the JVM with -Xss<size>');
    const node = with300({ name: 'Node.js', version: '20.11.1', evidence: 'test' });
    expect(node.advice).toContain(
      "Node.js's --stack-size (in NODE_OPTIONS or on the command line) is V8's limit on JavaScript recursion, not a thread's reservation",
    );
    expect(node.advice).toContain('UV_THREADPOOL_SIZE');
    expect(node.advice).toContain('ulimit -s 1280');
    const python = with300({ name: 'Python', version: '3.11', evidence: 'test' });
    expect(python.advice).toContain('Call threading.stack_size(1310720) before the threads start');
    const c = with300('none');
    expect(c.advice).toContain(
      "Start the process with ulimit -s 1280 (KiB): it sets the main thread's stack limit and glibc's default size for new threads",
    );
    expect(c.advice).toContain('pthread_attr_setstacksize(&attr, 1310720)');
    const goFrames: Frame[] = [
      { pc: 0x46e0a3n, trust: 'context', module: '/usr/bin/svc', symbol: 'runtime.futex', symbolOffset: 0x23 },
      { pc: 0x43a1c5n, trust: 'cfi', module: '/usr/bin/svc', symbol: 'runtime.mstart', symbolOffset: 0x15 },
    ];
    const go = with300('none', [{ tid: 1001, frames: goFrames, stop: 'outermost' }], { GOMAXPROCS: '4' });
    expect(go.advice).toContain('These are OS threads, not goroutines');
    expect(go.advice).toContain('GOMAXPROCS bounds the threads running Go code, not the blocked ones');
    expect(go.detail).toContain('The process started with GOMAXPROCS=4.');
    expect(go.detail).toContain(
      "The program is taken for Go's (heuristic: its runtime's functions on the threads' stacks).",
    );
  });

  it('fires at 1 GiB, or at 25 % of the address space from 256 MiB, and not below', () => {
    const small = (n: number, extra: number) =>
      computeFindings({ analysis: analysis({ regions: [...threadStacks(n, 1), region(0x10000000n, extra)] }) }).filter(
        (f) => f.id === 'thread-stacks-reserve',
      );
    expect(small(40, 600 * MiB)).toHaveLength(1); // 320 MiB, 34.8 %
    expect(small(40, 2 * GiB)).toHaveLength(0); // 320 MiB, 13.5 %
    expect(small(20, 10 * MiB)).toHaveLength(0); // 160 MiB: a large share, but of little
    expect(small(128, 200 * GiB)).toHaveLength(1); // 1 GiB, 0.5 %
  });
});

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const APP = '/usr/bin/blocked';

function receiveLoop(tid: number, offset: number): ThreadStack {
  return {
    tid,
    stop: 'outermost',
    frames: [
      { pc: 0x7f8000010aae7n, trust: 'context', module: LIBC, offset: 0x10aae7, symbol: '__recv', symbolOffset: 0x24 },
      {
        pc: 0x401240n + BigInt(offset),
        trust: 'cfi',
        module: APP,
        offset: 0x1240,
        symbol: 'conn_thread',
        symbolOffset: 0x40 + offset,
      },
      { pc: 0x7f800009ca94n, trust: 'cfi', module: LIBC, offset: 0x9ca94, symbol: 'start_thread', symbolOffset: 0x2d4 },
      { pc: 0x7f8000129c3cn, trust: 'cfi', module: LIBC, offset: 0x129c3c, symbol: '__clone3', symbolOffset: 0x2c },
    ],
  };
}

function idle(tid: number): ThreadStack {
  return {
    tid,
    stop: 'outermost',
    frames: [
      {
        pc: 0x7f8000091117n,
        trust: 'context',
        module: LIBC,
        symbol: '__futex_abstimed_wait_common',
        symbolOffset: 0x117,
      },
      { pc: 0x7f8000093a41n, trust: 'cfi', module: LIBC, symbol: 'pthread_cond_wait', symbolOffset: 0x231 },
      { pc: 0x401500n, trust: 'cfi', module: APP, symbol: 'worker', symbolOffset: 0x30 },
    ],
  };
}

function recvmsg(fd: number): Syscall {
  return {
    nr: 47,
    name: 'recvmsg',
    args: [BigInt(fd), 0n, 0n, 0n, 0n, 0n],
    interrupted: false,
    text: `recvmsg(fd ${fd}, …)`,
    evidence: 'orig_rax',
  };
}

describe('same-stack', () => {
  it('reports the 788 threads in one receive loop, with the system call they share and what it means', () => {
    const a = analysis({ regions: threadStacks(792, 1000), pid: 1000 });
    const stacks = [
      ...Array.from({ length: 788 }, (_, k) => receiveLoop(1004 + k, k % 3)),
      ...[1000, 1001, 1002, 1003].map(idle),
    ];
    const syscalls = new Map(stacks.slice(0, 788).map((s) => [s.tid, recvmsg(s.tid - 990)]));
    const found = computeFindings({ analysis: a, stacks, syscalls }).filter((f) => f.id === 'same-stack');
    expect(found).toHaveLength(1); // the 4 idle workers are 0.5 % of 792: no finding
    const f = found[0];
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('788 threads in blocked!conn_thread+0x40');
    expect(f?.detail).toBe(
      '788 threads of 792 (99.5 %) have the same stack (heuristic: frames compared by module and symbol, by address where no symbol is known): #0 libc.so.6!__recv+0x24, #1 blocked!conn_thread+0x40, #2 libc.so.6!start_thread+0x2d4, #3 libc.so.6!__clone3+0x2c. All are in the system call recvmsg (orig_rax). The pattern: blocked receiving or reading: usually a thread per connection (or per pipe) waiting for data, so the thread count follows the connection count; an asynchronous receive (a few event-loop threads for all connections) would not hold a thread each.',
    );
    expect(f?.advice).toContain('asynchronous receives (epoll, async sockets, NIO) serve them from a few threads');
    expect(f?.evidence[0]).toEqual({ kind: 'stack-group', group: 0, text: '788 threads with this stack' });
    expect(f?.evidence[1]).toMatchObject({
      kind: 'threads',
      text: 'the 788 threads of stack group 1',
    });
  });

  it('reports a group of 25 % of 8 threads as information, read from its frames without a system call', () => {
    const a = analysis({ regions: threadStacks(8, 1) });
    const stacks = [idle(1), idle(2), ...[3, 4, 5, 6, 7, 8].map((t) => receiveLoop(t, 0))];
    stacks[2] = { tid: 3, stop: 'outermost', frames: [] }; // not walked: never a pattern
    const found = computeFindings({ analysis: a, stacks }).filter((f) => f.id === 'same-stack');
    expect(found.map((f) => [f.severity, f.title])).toEqual([
      ['warning', '5 threads in blocked!conn_thread+0x40'],
      ['info', '2 threads in blocked!worker+0x30'],
    ]);
    expect(found[1]?.detail).toContain('The pattern: waiting on a condition variable, semaphore or futex');
  });
});

describe('glibc-arenas', () => {
  const heuristic = (arena: bigint) => ({
    name: 'glibc-arena-heap-info',
    evidence: `inside the 64 MiB reservation at 0x…, which starts with a glibc heap_info: arena 0x${arena.toString(16)}, 132.00 KiB in use`,
  });
  /** `n` arena heaps of one arena each: 132 KiB read-write, the rest of the 64 MiB no-access. */
  function heaps(n: number): Region[] {
    const out: Region[] = [];
    for (let k = 0; k < n; k++) {
      const base = 0x7e0000000000n + BigInt(k) * BigInt(64 * MiB);
      out.push(
        region(base, 132 * KiB, { kind: 'Heap', heuristic: heuristic(base + 0x20n) }),
        region(base + BigInt(132 * KiB), 64 * MiB - 132 * KiB, {
          kind: 'Heap',
          state: 'MEM_RESERVE',
          protect: 'PAGE_NOACCESS',
          perms: '---',
          inDump: 0,
          heuristic: heuristic(base + 0x20n),
        }),
      );
    }
    return out;
  }

  it('counts 20 heaps × 64 MiB = 1.25 GiB, quotes MALLOC_ARENA_MAX and advises a cap', () => {
    const a = analysis({ regions: heaps(20) });
    const touched = new Float64Array(a.regions.length).fill(0);
    touched[0] = 100 * KiB;
    const f = only(
      computeFindings({
        analysis: a,
        environment: env({ MALLOC_ARENA_MAX: '32' }),
        census: { touched, threadDepth: new Float64Array() },
      }),
      'glibc-arenas',
    );
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('20 malloc arena heaps reserve 1.25 GiB');
    expect(f.detail).toContain(
      '20 glibc malloc arena heaps (of 20 arenas) × 64.00 MiB reserved = 1.25 GiB (100.0 % of the address space), of which 2.58 MiB read-write and 100.00 KiB touched.',
    );
    expect(f.detail).toContain('The process started with MALLOC_ARENA_MAX=32.');
    expect(f.advice).toContain(
      "MALLOC_ARENA_MAX=4 in the process's environment caps the arenas at 4, main arena included",
    );
    expect(f.fix).toBe('MALLOC_ARENA_MAX=4');
    expect(f.evidence).toContainEqual({
      kind: 'environment',
      name: 'MALLOC_ARENA_MAX',
      value: '32',
      text: 'MALLOC_ARENA_MAX=32: caps the number of arenas',
    });
  });

  it('stays quiet below 8 heaps', () => {
    expect(computeFindings({ analysis: analysis({ regions: heaps(7) }) }).map((f) => f.id)).not.toContain(
      'glibc-arenas',
    );
  });
});

describe('dotnet-gc-reserve', () => {
  it('sets reserved against committed and touched, and reads GCHeapHardLimit as hex', () => {
    const a = analysis({ regions: [...gcReservation(), image(0x7f8000000000n, 8 * MiB, CORECLR)], runtime: NET8 });
    const touched = new Float64Array(a.regions.length).fill(NaN);
    touched[0] = 10 * MiB;
    touched[1] = 6 * MiB;
    const f = only(
      computeFindings({
        analysis: a,
        environment: env({ DOTNET_GCHeapHardLimit: '20000000', DOTNET_gcServer: '1' }),
        census: { touched, threadDepth: new Float64Array() },
      }),
      'dotnet-gc-reserve',
    );
    expect(f.severity).toBe('info');
    expect(f.title).toBe('.NET GC: 256.00 GiB reserved, 128.00 MiB committed');
    expect(f.detail).toContain(
      ".NET GC's 1 reservation span 256.00 GiB (100.0 % of the address space); 128.00 MiB of it is committed (read-write, 2 GCHeap regions) and 16.00 MiB touched",
    );
    expect(f.detail).toContain(
      'DOTNET_GCHeapHardLimit=20000000 is read as hexadecimal: 0x20000000 = 536,870,912 bytes = 512.00 MiB; if 20,000,000 bytes was meant, write 1312D00.',
    );
    expect(f.detail).toContain('The process started with DOTNET_gcServer=1.');
    expect((20000000).toString(16)).toBe('1312d00');
  });
  it('says touched needs the census without one', () => {
    const a = analysis({ regions: gcReservation(), runtime: NET8 });
    expect(only(computeFindings({ analysis: a }), 'dotnet-gc-reserve').detail).toContain(
      'and how much is touched needs the census',
    );
  });
});

describe('incomplete-dump', () => {
  it('reports a truncated dump as a problem, with the threads whose stacks it cut', () => {
    const regions = threadStacks(2, 7);
    const cut = regions[3];
    if (cut === undefined) throw new Error('no region');
    regions[3] = { ...cut, inDump: 1 * MiB, truncated: true };
    const f = only(computeFindings({ analysis: analysis({ regions }) }), 'incomplete-dump');
    expect(f.severity).toBe('problem');
    expect(f.title).toBe(
      `The dump is truncated: ${((STACK_RESERVATION - 4 * KiB - MiB) / MiB).toFixed(2)} MiB missing`,
    );
    expect(f.detail).toContain('1 thread has part of the stack missing: their frames may stop early.');
    expect(f.evidence).toContainEqual({
      kind: 'threads',
      tids: [8],
      text: '1 thread with a stack not wholly in the dump',
    });
  });
  it("names the kernel's coredump_filter for anonymous memory left out, and counts file pages without firing on them alone", () => {
    const libc = image(0x7f1000000000n, 2 * MiB, LIBC, { inDump: 4096 });
    expect(computeFindings({ analysis: analysis({ regions: [libc] }) })).toEqual([]);
    const f = only(
      computeFindings({ analysis: analysis({ regions: [libc, region(0x7f2000000000n, 16 * MiB, { inDump: 0 })] }) }),
      'incomplete-dump',
    );
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('16.00 MiB of anonymous memory not in the dump');
    expect(f.detail).toContain(
      "1 accessible anonymous region (16.00 MiB) is not in the dump: the kernel left it out, as the process's coredump_filter or an madvise(MADV_DONTDUMP) asked.",
    );
    expect(f.detail).toContain('(1 file-backed region, 2.00 MiB, are not in the dump either');
  });
});

describe('computeFindings', () => {
  it('orders problems, then warnings, then information', () => {
    const regions = [...threadStacks(788, 1000), ...gcReservation()];
    const last = regions.length - 1;
    const r = regions[last];
    if (r === undefined) throw new Error('no region');
    regions[last] = { ...r, truncated: true, state: 'MEM_COMMIT', perms: 'rw-', inDump: 0 };
    const ids = computeFindings({ analysis: analysis({ regions, runtime: NET8, pid: 1000 }) }).map((f) => [
      f.severity,
      f.id,
    ]);
    expect(ids).toEqual([
      ['problem', 'incomplete-dump'],
      ['warning', 'thread-stacks-reserve'],
      ['info', 'dotnet-gc-reserve'],
    ]);
  });
});

describe('findingsText', () => {
  const finding: Finding = {
    id: 'glibc-arenas',
    severity: 'warning',
    title: '20 malloc arena heaps reserve 1.25 GiB',
    detail: 'Twenty heaps of 64 MiB each.',
    advice: 'MALLOC_ARENA_MAX=4 in the environment.',
    evidence: [
      { kind: 'regions', starts: [0x7e0000000000n, 0x7e0004000000n], text: '2 regions' },
      { kind: 'threads', tids: [1, 2, 3, 4, 5, 6, 7, 8], text: '8 threads' },
      { kind: 'stack-group', group: 0, text: '788 threads share one stack' },
      { kind: 'environment', name: 'MALLOC_ARENA_MAX', value: '32', text: 'MALLOC_ARENA_MAX=32: caps the arenas' },
      { kind: 'module', path: '/usr/lib/libc.so.6', text: 'no symbols' },
      { kind: 'fact', text: 'glibc 2.36' },
    ],
  };
  it('prints severity, title, id, detail, advice and one line per piece of evidence', () => {
    expect(findingsText([finding, { id: 'x', severity: 'info', title: 'T', detail: 'D', evidence: [] }])).toBe(
      [
        '[warning] 20 malloc arena heaps reserve 1.25 GiB (glibc-arenas)',
        '  Twenty heaps of 64 MiB each.',
        '  Advice: MALLOC_ARENA_MAX=4 in the environment.',
        '  Evidence:',
        '    regions: 2 regions (0x7e0000000000, 0x7e0004000000)',
        '    threads: 8 threads (tid 1, 2, 3, 4, 5, 6 and 2 more)',
        '    stack group #1: 788 threads share one stack',
        '    environment: MALLOC_ARENA_MAX=32: caps the arenas',
        '    module: /usr/lib/libc.so.6: no symbols',
        '    fact: glibc 2.36',
        '',
        '[info] T (x)',
        '  D',
        '',
      ].join('\n'),
    );
    expect(findingsText([])).toBe('No findings.\n');
  });
  it('wraps prose at word boundaries to the width', () => {
    const text = findingsText(
      [
        {
          ...finding,
          evidence: [],
          advice: undefined,
          detail: 'one two three four five six seven eight nine ten eleven',
        },
      ],
      { width: 30 },
    );
    expect(text).toBe(
      [
        '[warning] 20 malloc arena',
        'heaps reserve 1.25 GiB',
        '(glibc-arenas)',
        '  one two three four five six',
        '  seven eight nine ten eleven',
        '',
      ].join('\n'),
    );
  });
});
