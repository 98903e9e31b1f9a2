/**
 * Note iteration (src/core/elf/notes.ts, notes/collect-notes.ts) and the process notes: NT_PRPSINFO, NT_FILE,
 * NT_AUXV, NT_SIGINFO. PRSTATUS register layouts are covered by the arch tests; here only what the header pass
 * does with notes.
 */
import { describe, expect, it } from 'vitest';
import {
  AT_EXECFN,
  AT_PAGESZ,
  AT_RANDOM,
  NT_AUXV,
  NT_FILE,
  NT_PRPSINFO,
  NT_PRSTATUS,
  ascii,
  coreBuilder,
  truncate,
} from '../helpers/core-builder';
import { prpsinfoDesc } from '../helpers/core-notes';
import { analyzeBytes } from '../helpers/run-engine';

const OVERRUN =
  /^note at file offset \d+ \(type (\d+)\) overruns its segment: (\d+) bytes of description past the end; later notes in this segment are skipped$/;

describe('note iteration', () => {
  it('lists every note with owner, type name, size and file offset', async () => {
    const core = coreBuilder()
      .thread({ tid: 5 })
      .prpsinfo({ pid: 5 })
      .note('GNU', 3, Uint8Array.of(1, 2, 3, 4))
      .note('LINUX', 0x202, new Uint8Array(832))
      .note('ACME-corp', 0x77, new Uint8Array(10))
      .build();
    const a = await analyzeBytes(core);
    expect(a.dump.notes.map((n) => [n.name, n.type, n.typeName, n.size])).toEqual([
      ['CORE', NT_PRSTATUS, 'NT_PRSTATUS', 336],
      ['CORE', NT_PRPSINFO, 'NT_PRPSINFO', 136],
      ['GNU', 3, 'NT_GNU_BUILD_ID', 4],
      ['LINUX', 0x202, 'NT_X86_XSTATE', 832],
      ['ACME-corp', 0x77, '0x77', 10],
    ]);
    // Offsets point at each note header: namesz/descsz/type are readable there.
    for (const n of a.dump.notes) {
      const v = new DataView(core.buffer, n.offset, 12);
      expect([v.getUint32(4, true), v.getUint32(8, true)]).toEqual([n.size, n.type]);
    }
  });

  it('warns about a note that overruns its segment and skips the notes after it', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 5 })
        .note('CORE', NT_PRPSINFO, prpsinfoDesc({ pid: 9 }, 64, 'little'), { descsz: 4000 })
        .thread({ tid: 6 })
        .build(),
    );
    expect(a.threads.map((t) => t.tid)).toEqual([5]);
    expect(a.process.pid).toBe(5); // no PRPSINFO: the first thread's id stands in
    const overrun = a.dump.warnings.find((w) => OVERRUN.test(w));
    expect(overrun?.match(OVERRUN)?.slice(1)).toEqual(['3', '4000']);
  });

  it('warns when namesz alone runs past the segment', async () => {
    const a = await analyzeBytes(
      coreBuilder().thread({ tid: 5 }).note('CORE', 1, new Uint8Array(0), { namesz: 0xfffffff0 }).build(),
    );
    expect(a.threads.map((t) => t.tid)).toEqual([5]);
    expect(a.dump.warnings.some((w) => OVERRUN.test(w))).toBe(true);
  });

  it('does not require zero padding bytes (createdump writes debug tags there)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .note('ACME', 1, ascii('odd'), { pad: 0xcc }) // name "ACME\0" + 3 pad bytes; desc 3 + 1 pad byte
        .note('CORE', NT_PRPSINFO, prpsinfoDesc({ pid: 77, fname: 'svc' }, 64, 'little'), { pad: 0xee })
        .thread({ tid: 78 })
        .build(),
    );
    expect(a.dump.notes.map((n) => [n.name, n.size])).toEqual([
      ['ACME', 3],
      ['CORE', 136],
      ['CORE', 336],
    ]);
    expect(a.process).toMatchObject({ pid: 77, name: 'svc' });
    expect(a.threads.map((t) => t.tid)).toEqual([78]);
    expect(a.dump.warnings.filter((w) => /note|trailing/.test(w))).toEqual([]);
  });

  it('lists zero-size notes and keeps reading after them', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .note('', 0x1234, new Uint8Array(0))
        .note('CORE', 0x99, new Uint8Array(0))
        .thread({ tid: 3 })
        .build(),
    );
    expect(a.dump.notes.map((n) => [n.name, n.type, n.size])).toEqual([
      ['', 0x1234, 0],
      ['CORE', 0x99, 0],
      ['CORE', 1, 336],
    ]);
    expect(a.threads.map((t) => t.tid)).toEqual([3]);
  });

  it('ends quietly at zero padding after the last note, but skips an all-zero header before more notes', async () => {
    const padded = await analyzeBytes(coreBuilder().thread({ tid: 3 }).noteBytes(new Uint8Array(64)).build());
    expect(padded.dump.notes).toHaveLength(1);
    expect(padded.dump.warnings.filter((w) => /note|trailing/.test(w))).toEqual([]);

    const gap = await analyzeBytes(
      coreBuilder().thread({ tid: 3 }).noteBytes(new Uint8Array(12)).thread({ tid: 4 }).build(),
    );
    expect(gap.threads.map((t) => t.tid)).toEqual([3, 4]);
  });

  it('warns about trailing bytes too short to be a note header', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 3 })
        .noteBytes(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))
        .build(),
    );
    expect(a.dump.warnings).toContainEqual(
      expect.stringMatching(/^8 trailing bytes at file offset \d+ do not form a note$/),
    );
    expect(a.threads).toHaveLength(1);
  });

  it('reads several PT_NOTE segments, in program header order', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1 })
        .noteSegment()
        .thread({ tid: 2 })
        .noteSegment()
        .prpsinfo({ pid: 1, fname: 'x' })
        .build(),
    );
    expect(a.threads.map((t) => t.tid)).toEqual([1, 2]);
    expect(a.process.name).toBe('x');
    expect(a.dump.programHeaders).toBe(3);
  });

  it('warns about a PT_NOTE cut short by the end of the file and keeps the whole notes before the cut', async () => {
    const core = coreBuilder().thread({ tid: 1 }).thread({ tid: 2 }).build();
    const a = await analyzeBytes(truncate(core, core.length - 100));
    expect(a.threads.map((t) => t.tid)).toEqual([1]);
    expect(a.dump.warnings).toContainEqual(
      expect.stringMatching(/^PT_NOTE at file offset \d+ is cut short by the end of the file \(\d+ of 712 bytes\)$/),
    );
    expect(a.dump.warnings.some((w) => OVERRUN.test(w))).toBe(true);
  });

  it('only reads CORE-owned process notes: LINUX type 1 is not a thread, GNU type 3 is not PRPSINFO', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .note('LINUX', NT_PRSTATUS, new Uint8Array(336).fill(1))
        .note('GNU', NT_PRPSINFO, prpsinfoDesc({ pid: 99 }, 64, 'little'))
        .build(),
    );
    expect(a.threads).toEqual([]);
    expect(a.process.pid).toBeUndefined();
    expect(a.dump.notes.map((n) => n.typeName)).toEqual(['NT_PRSTATUS', 'NT_GNU_BUILD_ID']);
  });

  it('warns about an NT_PRSTATUS too short for pr_pid and keeps going', async () => {
    const a = await analyzeBytes(coreBuilder().thread({ tid: 1, descSize: 20 }).thread({ tid: 2 }).build());
    expect(a.threads.map((t) => t.tid)).toEqual([2]);
    expect(a.dump.warnings).toContainEqual(
      expect.stringMatching(/^NT_PRSTATUS at offset \d+: NT_PRSTATUS of 20 bytes is too short/),
    );
  });

  it('warns when no NT_PRSTATUS is present in a Linux core with notes', async () => {
    const a = await analyzeBytes(coreBuilder().prpsinfo({ pid: 1 }).build());
    expect(a.dump.warnings).toContain('no NT_PRSTATUS notes: the core lists no threads');
  });
});

describe('NT_PRPSINFO', () => {
  it('reads the 64-bit layout (136 bytes: pid at 24, fname at 40, psargs at 56)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({
          pid: 1234,
          ppid: 1,
          uid: 1000,
          gid: 100,
          fname: 'dotnet',
          psargs: 'dotnet app.dll --urls http://*:80 ',
          sname: 'S',
        })
        .build(),
    );
    expect(a.process).toMatchObject({
      pid: 1234,
      ppid: 1,
      uid: 1000,
      gid: 100,
      name: 'dotnet',
      args: 'dotnet app.dll --urls http://*:80',
      state: 'S',
    });
  });

  it.each([
    [2, 124],
    [4, 128],
  ] as const)('reads the 32-bit layout with %i-byte ids (%i bytes)', async (idBytes, size) => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32 })
        .prpsinfo({ pid: 321, ppid: 2, uid: 500, gid: 501, fname: 'svc', psargs: 'svc -d', idBytes })
        .build(),
    );
    expect(a.dump.notes[0]?.size).toBe(size);
    expect(a.process).toMatchObject({ pid: 321, ppid: 2, uid: 500, gid: 501, name: 'svc', args: 'svc -d' });
  });

  it('reads a 16-byte fname without a terminator and big-endian fields', async () => {
    const a = await analyzeBytes(
      coreBuilder({ endian: 'big', machine: 21 }).prpsinfo({ pid: 0x01020304, fname: 'abcdefghijklmnop' }).build(),
    );
    expect(a.process).toMatchObject({ pid: 0x01020304, name: 'abcdefghijklmnop' });
  });

  it('warns about a size with no known layout', async () => {
    const a = await analyzeBytes(coreBuilder().note('CORE', NT_PRPSINFO, new Uint8Array(100)).build());
    expect(a.process.pid).toBeUndefined();
    expect(a.dump.warnings).toContain(
      'NT_PRPSINFO of 100 bytes has no known layout; process facts come from other notes',
    );
  });
});

describe('NT_FILE', () => {
  const entries = [
    { start: 0x400000n, end: 0x401000n, offset: 0, path: '/usr/bin/app' },
    { start: 0x401000n, end: 0x403000n, offset: 0x1000, path: '/usr/bin/app' },
    { start: 0x7f0000000000n, end: 0x7f0000001000n, offset: 0x5000, path: '/data/file (deleted)' },
  ];

  it('reads start, end, offset (pages → bytes) and names', async () => {
    const a = await analyzeBytes(coreBuilder().file(entries).build());
    expect(a.files).toEqual(
      entries.map((e) => ({ start: e.start, end: e.end, fileOffset: BigInt(e.offset), path: e.path })),
    );
    expect(a.dump.pageSize).toBe(4096);
  });

  it("uses the note's page size (64 KiB pages on arm64/ppc64)", async () => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32 })
        .file([{ start: 0x10000n, end: 0x30000n, offset: 0x20000, path: '/lib/x.so' }], { pageSize: 0x10000 })
        .build(),
    );
    expect(a.files[0]?.fileOffset).toBe(0x20000n);
    expect(a.dump.pageSize).toBe(0x10000);
  });

  it('ignores a note whose count cannot fit (with a warning) instead of allocating for it', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file(entries, { count: 1n << 40n })
        .load({ vaddr: 0x400000n, size: 0x1000 })
        .build(),
    );
    expect(a.files).toEqual([]);
    expect(a.dump.warnings).toContain(`NT_FILE claims ${2 ** 40} mappings but holds room for at most 4; ignored`);
    expect(a.dump.warnings).toContainEqual(
      expect.stringMatching(/^no usable NT_FILE note: file-backed mappings cannot be told/),
    );
  });

  it('keeps the mappings whose names are present when the names run out', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file(entries, { rawNames: ascii('/usr/bin/app\0/usr/bin/app') })
        .build(),
    );
    expect(a.files.map((f) => f.path)).toEqual(['/usr/bin/app', '/usr/bin/app']);
    expect(a.dump.warnings).toContain('NT_FILE names end after 2 of 3 mappings');
  });

  it('warns about a note too short for its two header words', async () => {
    const a = await analyzeBytes(coreBuilder().note('CORE', NT_FILE, new Uint8Array(12)).build());
    expect(a.files).toEqual([]);
    expect(a.dump.warnings).toContain('NT_FILE note of 12 bytes is too short');
  });

  it('survives an absurd page size', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file(entries.slice(0, 1), { pageSize: 1n << 63n })
        .build(),
    );
    expect(a.files.map((f) => [f.path, f.fileOffset])).toEqual([['/usr/bin/app', 0n]]);
    expect(a.dump.pageSize).toBe(4096);
    expect(a.dump.warnings).toContain(
      `NT_FILE page size ${1n << 63n} is implausible; its file offsets are not meaningful`,
    );
  });
});

describe('NT_AUXV', () => {
  it('names the entries and stops at AT_NULL', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([
          [AT_PAGESZ, 16384n],
          [AT_RANDOM, 0x7ffc0000fe00n],
          [99, 5n],
        ])
        .build(),
    );
    expect(a.auxv).toEqual([
      { type: AT_PAGESZ, name: 'AT_PAGESZ', value: 16384n },
      { type: AT_RANDOM, name: 'AT_RANDOM', value: 0x7ffc0000fe00n },
      { type: 99, name: 'AT_99', value: 5n },
    ]);
    expect(a.dump.pageSize).toBe(16384); // no NT_FILE: the page size comes from AT_PAGESZ
  });

  it('reads 32-bit big-endian pairs and ignores a trailing half pair', async () => {
    const desc = Uint8Array.of(0, 0, 0, 6, 0, 0, 0x10, 0, 0, 0, 0, 9);
    const a = await analyzeBytes(
      coreBuilder({ bits: 32, endian: 'big', machine: 20 }).note('CORE', NT_AUXV, desc).build(),
    );
    expect(a.auxv).toEqual([{ type: 6, name: 'AT_PAGESZ', value: 4096n }]);
  });

  it('reads the AT_EXECFN string from the dumped stack as the executable', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_EXECFN, 0x7ffc00001ff0n]])
        .load({ vaddr: 0x7ffc00000000n, size: 0x2000, at: [[0x1ff0, './bin/server\0']] })
        .build(),
    );
    expect(a.process.executable).toBe('./bin/server');
  });

  it('leaves the executable unknown when AT_EXECFN points outside the dump or at an unterminated string', async () => {
    const outside = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_EXECFN, 0x1234n]])
        .load({ vaddr: 0x7ffc00000000n, size: 0x1000 })
        .build(),
    );
    expect(outside.process.executable).toBeUndefined();
    const unterminated = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_EXECFN, 0x7ffc00000ffcn]])
        .load({ vaddr: 0x7ffc00000000n, size: 0x1000, at: [[0xffc, 'abcd']] })
        .build(),
    );
    expect(unterminated.process.executable).toBeUndefined();
  });

  it('prefers the NT_FILE path whose name matches AT_EXECFN', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_EXECFN, 0x7ffc00000100n]])
        .file([
          { start: 0x400000n, end: 0x401000n, path: '/usr/lib/helper.so' },
          { start: 0x500000n, end: 0x501000n, path: '/opt/app/bin/server' },
        ])
        .load({ vaddr: 0x7ffc00000000n, size: 0x1000, at: [[0x100, './bin/server\0']] })
        .build(),
    );
    expect(a.process.executable).toBe('/opt/app/bin/server');
  });
});

describe('NT_SIGINFO', () => {
  it('reads signo, errno, code and the fault address of a SIGSEGV', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, signal: 11 })
        .siginfo({ signo: 11, errno: 0, code: 2, addr: 0x7f00deadbeefn })
        .build(),
    );
    expect(a.process).toMatchObject({
      signal: 11,
      signalName: 'SIGSEGV',
      signalCode: 2,
      signalErrno: 0,
      faultAddress: 0x7f00deadbeefn,
    });
  });

  it('reads si_addr at offset 12 in a 32-bit core', async () => {
    const a = await analyzeBytes(coreBuilder({ bits: 32 }).siginfo({ signo: 7, code: 2, addr: 0x8049000n }).build());
    expect(a.process).toMatchObject({ signal: 7, signalName: 'SIGBUS', faultAddress: 0x8049000n });
  });

  it('has no fault address for a signal sent by kill() (si_code <= 0) or one that carries none', async () => {
    const killed = await analyzeBytes(coreBuilder().siginfo({ signo: 11, code: 0, addr: 0x1234n }).build());
    expect(killed.process).toMatchObject({ signal: 11, signalCode: 0 });
    expect(killed.process.faultAddress).toBeUndefined();
    const tkill = await analyzeBytes(coreBuilder().siginfo({ signo: 11, code: -6, addr: 0x1234n }).build());
    expect(tkill.process.faultAddress).toBeUndefined();
    const abort = await analyzeBytes(coreBuilder().siginfo({ signo: 6, code: 1, addr: 0x1234n }).build());
    expect(abort.process).toMatchObject({ signal: 6, signalName: 'SIGABRT' });
    expect(abort.process.faultAddress).toBeUndefined();
  });

  it("falls back to the first thread's pr_cursig when there is no NT_SIGINFO, and ignores a too-short one", async () => {
    const a = await analyzeBytes(
      coreBuilder().thread({ tid: 1, signal: 6 }).siginfo({ signo: 11, descSize: 8 }).build(),
    );
    expect(a.process).toMatchObject({ signal: 6, signalName: 'SIGABRT' });
    expect(a.process.signalCode).toBeUndefined();
  });
});

describe('page size', () => {
  it("takes gdb's NT_FILE page size of 1 as the offset unit (bytes), not as the MMU page size", async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_PAGESZ, 16384n]])
        .file([{ start: 0x400000n, end: 0x401000n, offset: 0x1234, path: '/usr/bin/app' }], { pageSize: 1 })
        .build(),
    );
    expect(a.files[0]?.fileOffset).toBe(0x1234n);
    expect(a.dump.pageSize).toBe(16384);
  });

  it('falls back to 4096 when neither NT_FILE nor AT_PAGESZ gives a plausible page size', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_PAGESZ, 12345n]])
        .file([], { pageSize: 0 })
        .build(),
    );
    expect(a.dump.pageSize).toBe(4096);
  });
});
