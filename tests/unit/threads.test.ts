/**
 * Threads (src/core/model/threads.ts, signalled.ts): crashed and signalled flags, gcore snapshots, stack region,
 * guard, depth, pc as module+offset.
 */
import { describe, expect, it } from 'vitest';
import { EM_AARCH64, ET_EXEC, coreBuilder, elfImage } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

describe('threads', () => {
  it('reads tid, signal, pc and sp from x86_64 NT_PRSTATUS, in file order', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.threads.map((t) => [t.tid, t.signal, t.pc, t.sp])).toEqual([
      [SAMPLE.crashedTid, 11, 0x401234n, SAMPLE.mainSp],
      [SAMPLE.otherTid, 11, 0x7f0000000100n, SAMPLE.threadSp],
    ]);
    expect(a.threads[0]?.registers.list().find((r) => r.name === 'rip')).toEqual({
      name: 'rip',
      hex: '0x401234',
      size: 8,
    });
    expect(a.threads[0]?.registers.count).toBe(27);
  });

  it('reads i386 and aarch64 layouts', async () => {
    const i386 = await analyzeBytes(
      coreBuilder({ bits: 32 }).thread({ tid: 9, pc: 0x8048000n, sp: 0xbffff000n }).build(),
    );
    expect(i386.threads.map((t) => [t.tid, t.pc, t.sp])).toEqual([[9, 0x8048000n, 0xbffff000n]]);
    expect(i386.dump.arch).toBe('i386');
    const arm = await analyzeBytes(
      coreBuilder({ machine: EM_AARCH64 }).thread({ tid: 10, pc: 0xaaaa0000n, sp: 0xffffc000n }).build(),
    );
    expect(arm.threads.map((t) => [t.tid, t.pc, t.sp])).toEqual([[10, 0xaaaa0000n, 0xffffc000n]]);
    expect(arm.dump.arch).toBe('aarch64');
  });

  it('flags the first thread as crashed when its signal is the process signal (kernel order)', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.threads.map((t) => t.crashed)).toEqual([true, false]);
  });

  it('flags no thread when every pr_cursig is 0 (gdb gcore)', async () => {
    const a = await analyzeBytes(coreBuilder().prpsinfo({ pid: 1 }).thread({ tid: 1 }).thread({ tid: 2 }).build());
    expect(a.threads.map((t) => t.crashed)).toEqual([false, false]);
    expect(a.process.signal).toBeUndefined();
    expect(a.dump.producer).toEqual({
      name: 'gdb gcore',
      evidence: 'NT_PRPSINFO before the threads and pr_cursig 0 in every thread, as gdb writes them',
    });
  });

  it('does not flag the first thread when NT_SIGINFO names another signal', async () => {
    const a = await analyzeBytes(coreBuilder().thread({ tid: 1, signal: 6 }).siginfo({ signo: 11, code: 1 }).build());
    expect(a.threads[0]?.crashed).toBe(false);
    expect(a.process.signal).toBe(11);
  });

  it('flags only the first thread even when the kernel repeats cursig in all of them', async () => {
    const a = await analyzeBytes(
      coreBuilder().thread({ tid: 1, signal: 6 }).thread({ tid: 2, signal: 6 }).thread({ tid: 3, signal: 6 }).build(),
    );
    expect(a.threads.map((t) => t.crashed)).toEqual([true, false, false]);
  });

  it("tags the region holding sp as that thread's Stack, the no-access page below as its StackGuard, and measures depth", async () => {
    const a = await analyzeBytes(sampleCore());
    const stack = a.regions.find((r) => r.start === SAMPLE.threadStackStart);
    const guard = a.regions.find((r) => r.start === SAMPLE.guardStart);
    expect(stack).toMatchObject({ kind: 'Stack', tid: SAMPLE.otherTid });
    expect(stack?.heuristic).toBeUndefined();
    expect(guard).toMatchObject({ kind: 'StackGuard', tid: SAMPLE.otherTid, state: 'MEM_RESERVE' });
    const t = a.threads[1];
    const end = SAMPLE.threadStackStart + BigInt(SAMPLE.threadStackSize);
    expect(t).toMatchObject({
      stackStart: SAMPLE.threadStackStart,
      stackEnd: end,
      stackSize: SAMPLE.threadStackSize,
      stackUsed: Number(end - SAMPLE.threadSp),
    });
    expect(t?.stackRegion).toBe(a.regions.findIndex((r) => r.start === SAMPLE.threadStackStart));
    expect(a.regions.find((r) => r.start === SAMPLE.mainStackStart)).toMatchObject({
      kind: 'Stack',
      tid: SAMPLE.crashedTid,
    });
    expect(a.threads[0]?.stackUsed).toBe(SAMPLE.mainStackSize - 0xf000);
  });

  it('leaves stack fields unset when sp is outside every region, and does not call a file mapping a stack', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, sp: 0x99999000n })
        .thread({ tid: 2, sp: 0x10000800n })
        .file([{ start: 0x10000000n, end: 0x10001000n, path: '/data/blob' }])
        .load({ vaddr: 0x10000000n, size: 0x1000, flags: 'rw-' })
        .build(),
    );
    expect(a.threads.map((t) => t.stackSize)).toEqual([undefined, undefined]);
    expect(a.regions[0]).toMatchObject({ kind: 'MappedFile', image: '/data/blob' });
    expect(a.regions[0]?.tid).toBeUndefined();
  });

  it("gives a stack shared by two threads' sp the first thread's id", async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, sp: 0x10000100n })
        .thread({ tid: 2, sp: 0x10000f00n })
        .load({ vaddr: 0x10000000n, size: 0x1000 })
        .build(),
    );
    expect(a.regions[0]).toMatchObject({ kind: 'Stack', tid: 1 });
    expect(a.threads.map((t) => t.stackUsed)).toEqual([0xf00, 0x100]);
  });

  it('does not tag a guard that is readable, or that is not directly below', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, sp: 0x10002000n })
        .thread({ tid: 2, sp: 0x20002000n })
        .load({ vaddr: 0x10000000n, size: 0x1000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x10001000n, size: 0x2000 })
        .load({ vaddr: 0x20000000n, size: 0x800, flags: '---', filesz: 0 })
        .load({ vaddr: 0x20001000n, size: 0x2000 })
        .build(),
    );
    expect(a.regions.map((r) => r.kind)).toEqual(['PAGE_READONLY', 'Stack', '[RESERVED]', 'Stack']);
  });

  it("names the pc as module+offset from the module's start", async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, pc: 0x7f0000001234n })
        .file([{ start: 0x7f0000000000n, end: 0x7f0000002000n, path: '/lib/libfoo.so.1' }])
        .load({ vaddr: 0x7f0000000000n, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: 'aa' }) })
        .build(),
    );
    expect(a.threads[0]?.pcSymbol).toBe('libfoo.so.1+0x1234');
  });

  it("counts module+offset from the module's lowest mapped address, as WinDbg does: a non-PIE executable at 0x400000", async () => {
    const exe = '/usr/share/dotnet/dotnet';
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, pc: 0x40a30cn })
        .file([
          { start: 0x400000n, end: 0x401000n, offset: 0, path: exe },
          { start: 0x401000n, end: 0x40b000n, offset: 0x1000, path: exe },
        ])
        .load({
          vaddr: 0x400000n,
          size: 0x1000,
          flags: 'r--',
          data: elfImage({ buildId: 'bb', type: ET_EXEC, vaddr: 0x400000n }),
        })
        .load({ vaddr: 0x401000n, size: 0xa000, flags: 'r-x' })
        .build(),
    );
    expect(a.modules.find((m) => m.path === exe)).toMatchObject({ start: 0x400000n, base: 0n });
    expect(a.threads[0]?.pcSymbol).toBe('dotnet+0xa30c');
  });
});

describe('signalled threads and gcore snapshots', () => {
  const GDB_NOTE = new Uint8Array(8);

  it('a kernel core repeats the fatal signal in every thread: only the crashed one was signalled', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.threads.map((t) => [t.signal, t.crashed, t.signalled])).toEqual([
      [11, true, true],
      [11, false, false],
    ]);
    expect(a.process.snapshot).toBeUndefined();
  });

  it("a gcore of a live process (cursig 0, NT_SIGINFO SIGSTOP from gdb's attach) is a snapshot: no thread signalled", async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 7 })
        .thread({ tid: 7 })
        .siginfo({ signo: 19, code: 128 })
        .thread({ tid: 8 })
        .note('GDB', 1, GDB_NOTE)
        .build(),
    );
    expect(a.dump.producer.name).toBe('gdb gcore');
    expect(a.process).toMatchObject({ snapshot: true, signal: 19, signalName: 'SIGSTOP', signalCode: 128 });
    expect(a.threads.map((t) => t.signalled)).toEqual([false, false]);
  });

  it('a gcore whose thread holds a real signal (a process stopped in gdb by SIGSEGV) is no snapshot', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 7 })
        .thread({ tid: 7 })
        .thread({ tid: 8, signal: 11 })
        .siginfo({ signo: 11, code: 1 })
        .note('GDB', 1, GDB_NOTE)
        .build(),
    );
    expect(a.process.snapshot).toBeUndefined();
    expect(a.process.signalName).toBe('SIGSEGV');
    expect(a.threads.map((t) => t.signalled)).toEqual([false, true]);
  });

  it('a kernel core with SIGSTOP is not a snapshot (only gcore writes those)', async () => {
    const a = await analyzeBytes(
      coreBuilder().thread({ tid: 1, signal: 19 }).prpsinfo({ pid: 1 }).siginfo({ signo: 19, code: 0 }).build(),
    );
    expect(a.dump.producer.name).toBe('kernel');
    expect(a.process.snapshot).toBeUndefined();
    expect(a.threads[0]?.signalled).toBe(true);
  });
});
