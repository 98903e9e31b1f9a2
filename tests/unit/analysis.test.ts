/** Totals, modules, producer, architecture and OS (src/core/model/{totals,modules,producer}.ts, analyze.ts). */
import { describe, expect, it } from 'vitest';
import { AT_SYSINFO_EHDR, ET_EXEC, coreBuilder, elfImage } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

describe('totals', () => {
  it('sum to the regions (each region in exactly one kind) and the percentages to 100', async () => {
    const a = await analyzeBytes(sampleCore());
    const size = a.regions.reduce((n, r) => n + r.size, 0);
    expect(a.totals.reduce((n, t) => n + t.count, 0)).toBe(a.regions.length);
    expect(a.totals.reduce((n, t) => n + t.size, 0)).toBe(size);
    expect(a.totals.reduce((n, t) => n + t.inDump, 0)).toBe(a.regions.reduce((n, r) => n + r.inDump, 0));
    expect(a.totals.reduce((n, t) => n + t.percent, 0)).toBeCloseTo(100, 10);
    expect(new Set(a.totals.map((t) => t.kind)).size).toBe(a.totals.length);
    for (const t of a.totals)
      expect(t.size).toBe(a.regions.filter((r) => r.kind === t.kind).reduce((n, r) => n + r.size, 0));
  });

  it('are sorted by size, largest first, and say which kinds rest on a heuristic', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.totals.map((t) => [t.kind, t.count, t.size, t.heuristic])).toEqual([
      ['Stack', 2, 0x18000, false],
      ['Heap', 1, 0x8000, true],
      ['Vdso', 2, 0x6000, true],
      ['Image', 3, 0x5000, false],
      ['PAGE_READWRITE', 1, 0x1000, false],
      ['StackGuard', 1, 0x1000, false],
    ]);
    expect(a.totals[0]?.percent).toBeCloseTo((0x18000 / 0x2d000) * 100, 10);
  });

  it('group file-backed regions per image', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.imageTotals).toEqual([
      { image: SAMPLE.exe, count: 2, size: 0x3000, inDump: 0x3000 },
      { image: SAMPLE.libc, count: 1, size: 0x2000, inDump: 0x1000 },
    ]);
  });

  it('are empty (not NaN) for a core without memory', async () => {
    const a = await analyzeBytes(coreBuilder().thread({ tid: 1 }).build());
    expect(a.totals).toEqual([]);
    expect(a.imageTotals).toEqual([]);
  });
});

describe('modules', () => {
  it("reads each image's build-id from the dumped memory, with base and extent", async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.modules.map((m) => [m.path, m.start, m.end, m.base, m.buildId, m.headerInDump])).toEqual([
      [SAMPLE.exe, SAMPLE.exeStart, SAMPLE.bssStart, 0n, SAMPLE.exeBuildId, true],
      [SAMPLE.libc, SAMPLE.libcStart, SAMPLE.libcStart + 0x2000n, SAMPLE.libcStart, SAMPLE.libcBuildId, true],
      ['[vdso]', SAMPLE.vdso, SAMPLE.vdso + 0x2000n, SAMPLE.vdso, 'f00d', true],
    ]);
  });

  it('reads 32-bit big-endian images', async () => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32, endian: 'big', machine: 20 })
        .file([{ start: 0x10000000n, end: 0x10002000n, path: '/usr/lib/libc.so.6' }])
        .load({
          vaddr: 0x10000000n,
          size: 0x2000,
          flags: 'r-x',
          data: elfImage({ bits: 32, endian: 'big', machine: 20, buildId: 'c0ffee' }),
        })
        .build(),
    );
    expect(a.modules).toMatchObject([
      {
        path: '/usr/lib/libc.so.6',
        start: 0x10000000n,
        end: 0x10002000n,
        base: 0x10000000n,
        headerInDump: true,
        buildId: 'c0ffee',
      },
    ]);
  });

  it('ignores a note that is not GNU/3, and images that are not ET_DYN/ET_EXEC', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x10000n, end: 0x12000n, path: '/lib/a.so' },
          { start: 0x20000n, end: 0x22000n, path: '/opt/tool' },
        ])
        .load({ vaddr: 0x10000n, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: 'abcd', noteName: 'GNX' }) })
        .load({ vaddr: 0x20000n, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: 'abcd', type: 1 }) })
        .build(),
    );
    expect(a.modules.map((m) => [m.path, m.headerInDump, m.buildId])).toEqual([['/lib/a.so', true, undefined]]);
    expect(a.regions.map((r) => r.kind)).toEqual(['Image', 'MappedFile']);
  });

  it("probes the vDSO even when another module's mappings straddle it (ld.so around the vDSO)", async () => {
    const ld = '/lib/x86_64-linux-gnu/ld-2.15.so';
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_SYSINFO_EHDR, 0x7ffff7ffa000n]])
        .file([
          { start: 0x7ffff7dda000n, end: 0x7ffff7dfc000n, path: ld },
          { start: 0x7ffff7ffc000n, end: 0x7ffff7ffd000n, offset: 0x22000, path: ld },
        ])
        .load({ vaddr: 0x7ffff7dda000n, size: 0x22000, flags: 'r-x', filesz: 0 })
        .load({ vaddr: 0x7ffff7ffa000n, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: '2749a576' }) })
        .load({ vaddr: 0x7ffff7ffc000n, size: 0x1000, flags: 'r--' })
        .build(),
    );
    expect(a.modules.map((m) => [m.path, m.buildId])).toEqual([
      [ld, undefined],
      ['[vdso]', '2749a576'],
    ]);
    expect(a.regions.find((r) => r.start === 0x7ffff7ffa000n)?.kind).toBe('Vdso');
  });

  it('uses the ET_EXEC link address (load bias 0) and the lowest mapping at file offset 0', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x401000n, end: 0x402000n, offset: 0x1000, path: '/bin/app' },
          { start: 0x400000n, end: 0x401000n, offset: 0, path: '/bin/app' },
        ])
        .load({
          vaddr: 0x400000n,
          size: 0x2000,
          flags: 'r-x',
          data: elfImage({ type: ET_EXEC, vaddr: 0x400000n, buildId: '99' }),
        })
        .build(),
    );
    expect(a.modules).toMatchObject([
      { path: '/bin/app', start: 0x400000n, end: 0x402000n, base: 0n, headerInDump: true, buildId: '99' },
    ]);
    expect(a.process.executable).toBe('/bin/app');
  });
});

describe('producer', () => {
  it('recognises the kernel by its note order', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(a.dump.producer.name).toBe('kernel');
    expect(a.dump.producer.evidence).toContain('pr_cursig 11');
  });

  it('recognises gdb by a GDB-owned note or one NT_SIGINFO per thread', async () => {
    const tdesc = await analyzeBytes(
      coreBuilder().thread({ tid: 1, signal: 11 }).prpsinfo({ pid: 1 }).note('GDB', 1, new Uint8Array(4)).build(),
    );
    expect(tdesc.dump.producer).toEqual({ name: 'gdb gcore', evidence: 'a GDB-owned note (NT_GDB_TDESC)' });
    const perThread = await analyzeBytes(
      coreBuilder().thread({ tid: 1 }).siginfo({ signo: 0 }).thread({ tid: 2 }).siginfo({ signo: 0 }).build(),
    );
    expect(perThread.dump.producer.evidence).toBe(
      'one NT_SIGINFO per thread (2): gdb writes one per thread, the kernel one',
    );
  });

  it('recognises a vmcore, and says "unknown" without evidence', async () => {
    expect(
      (await analyzeBytes(coreBuilder().note('VMCOREINFO', 0, new Uint8Array(8)).build())).dump.producer.name,
    ).toBe('kernel crash dump (vmcore)');
    expect((await analyzeBytes(coreBuilder().thread({ tid: 1 }).build())).dump.producer).toEqual({
      name: 'unknown',
      evidence: 'no writer-specific trace found',
    });
  });
});

describe('architecture and OS', () => {
  it.each([
    [62, 64, 'x86_64'],
    [62, 32, 'x32'],
    [3, 32, 'i386'],
    [8, 64, 'mips64'],
    [8, 32, 'mips'],
    [243, 64, 'riscv64'],
    [243, 32, 'riscv32'],
    [258, 64, 'loongarch64'],
    [22, 64, 's390x'],
    [22, 32, 's390'],
    [183, 64, 'aarch64'],
    [999, 64, 'machine 999'],
  ] as const)('e_machine %i in an ELF%i core is %s', async (machine, bits, arch) => {
    const a = await analyzeBytes(coreBuilder({ machine, bits }).build());
    expect(a.dump.arch).toBe(arch);
    expect(a.dump.machine).toBe(machine);
  });

  it('recognises NetBSD and OpenBSD cores by their note owners and says support is partial', async () => {
    const netbsd = await analyzeBytes(
      coreBuilder({ osabi: 2 }).note('NetBSD-CORE', 1, new Uint8Array(32)).load({ vaddr: 0x1000n, size: 0x10 }).build(),
    );
    expect(netbsd.dump.os).toBe('NetBSD');
    expect(netbsd.dump.producer).toEqual({ name: 'NetBSD kernel', evidence: 'NetBSD core notes' });
    expect(netbsd.dump.warnings).toContain(
      'NetBSD cores are partially supported: regions are complete; threads, registers and process facts may be missing',
    );
    const openbsd = await analyzeBytes(coreBuilder().note('OpenBSD', 10, new Uint8Array(32)).build());
    expect(openbsd.dump.os).toBe('OpenBSD');
  });

  it('counts the bytes the header pass read, far fewer than the dump holds', async () => {
    const big = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1 })
        .load({ vaddr: 0x10000n, size: 16 * 1024 * 1024, fill: 7 })
        .build(),
    );
    expect(big.dump.size).toBeGreaterThan(16 * 1024 * 1024);
    expect(big.dump.bytesRead).toBeGreaterThan(64);
    expect(big.dump.bytesRead).toBeLessThan(64 * 1024);
  });
});
