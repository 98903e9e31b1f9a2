/**
 * Output formats: the JSON document's version-1 contract (src/core/format/json-document.ts) and the maddress-style
 * text tables users paste into tickets, printed from that document (report-text.ts, size.ts).
 */
import { describe, expect, it } from 'vitest';
import { jsonDocumentText, toJsonDocument } from '../../src/core/format/json-document';
import { reportText, type ReportView } from '../../src/core/format/report-text';
import { groupedBytes, humanSize, maddressSize, percent } from '../../src/core/format/size';
import type { Analysis } from '../../src/core/types';
import { coreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

/** One view of the analysis's report, without its final newline. */
function text(a: Analysis, view: ReportView): string {
  return reportText(toJsonDocument(a, 'x'), { view }).trimEnd();
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('sizes as maddress prints them', () => {
  it.each([
    [Math.round(6.28 * GiB), '6.28gb'],
    [788 * 8 * MiB, '6.16gb'],
    [8 * MiB, '8.00mb'],
    [348 * KiB, '348.00kb'],
    [1024, '1.00kb'],
    [1023, '1023b'],
    [0, '0b'],
    [1.5 * 1024 * GiB, '1.50tb'],
  ])('%i bytes → %s', (bytes, text) => {
    expect(maddressSize(bytes)).toBe(text);
  });

  it('groups byte counts with commas and prints percentages with two decimals', () => {
    expect(groupedBytes(6743097344)).toBe('6,743,097,344');
    expect(groupedBytes(999)).toBe('999');
    expect(percent(85.5555)).toBe('85.56%');
    expect(humanSize(8 * MiB)).toBe('8.00 MiB');
    expect(humanSize(512)).toBe('512 B');
  });
});

describe('text tables', () => {
  it('prints the region table with maddress columns, padded addresses and EndAddr-1', async () => {
    const a = await analyzeBytes(sampleCore());
    const lines = text(a, 'regions').split('\n');
    expect(lines[1]).toMatch(
      /^\| Memory Kind +\| +StartAddr \| +EndAddr-1 \| +Size \| Type +\| State +\| Protect +\| In Dump \| +Tid \| Image$/,
    );
    expect(lines).toHaveLength(a.regions.length + 4);
    const heap = lines.find((l) => l.includes('000000405000'));
    expect(heap?.split('|').map((c) => c.trim())).toEqual([
      '',
      'Heap?',
      '000000405000',
      '00000040cfff',
      '32.00kb',
      'MEM_PRIVATE',
      'MEM_COMMIT',
      'PAGE_READWRITE',
      '32.00kb',
      '',
      '',
    ]);
    const guard = lines.find((l) => l.includes('7f0000100000'));
    expect(guard?.split('|').map((c) => c.trim())).toEqual([
      '',
      'StackGuard',
      '7f0000100000',
      '7f0000100fff',
      '4.00kb',
      'MEM_PRIVATE',
      'MEM_RESERVE',
      'PAGE_NOACCESS',
      '0b',
      String(SAMPLE.otherTid),
      '',
    ]);
    expect(lines.find((l) => l.includes('000000400000'))).toMatch(/\| \/usr\/bin\/app$/);
  });

  it('pads 32-bit addresses to 8 digits', async () => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32 }).load({ vaddr: 0x8048000n, size: 0x1000, flags: 'r-x' }).build(),
    );
    expect(text(a, 'regions')).toContain('|  08048000 |  08048fff | 4.00kb |');
  });

  it('prints the per-kind summary with a [TOTAL] row', async () => {
    const a = await analyzeBytes(sampleCore());
    const lines = text(a, 'totals').split('\n');
    expect(lines[1]).toMatch(/^\| Memory Type +\| Count \| +Size \| Size \(bytes\) \| % of Total \| +In Dump$/);
    const cells = (prefix: string) =>
      lines
        .find((l) => l.startsWith(`| ${prefix} `))
        ?.split('|')
        .map((c) => c.trim());
    expect(cells('Stack')).toEqual(['', 'Stack', '2', '96.00kb', '98,304', '53.33%', '96.00kb']);
    expect(cells('Heap?')).toEqual(['', 'Heap?', '1', '32.00kb', '32,768', '17.78%', '32.00kb']);
    expect(cells('[TOTAL]')).toEqual(['', '[TOTAL]', '10', '180.00kb', '184,320', '100.00%', '156.00kb']);
  });

  it('prints threads with the crashed one marked, stack size and depth, and pc as module+offset', async () => {
    const a = await analyzeBytes(sampleCore());
    const lines = text(a, 'threads').split('\n');
    expect(lines[3]?.split('|').map((c) => c.trim())).toEqual([
      '',
      String(SAMPLE.crashedTid),
      '11 (crashed)',
      '0x7ffc0000f000',
      '64.00kb',
      '4.00kb',
      '0x401234 app+0x1234',
    ]);
    expect(lines[4]?.split('|').map((c) => c.trim())).toEqual([
      '',
      String(SAMPLE.otherTid),
      '11',
      '0x7f0000108000',
      '32.00kb',
      '4.00kb',
      '0x7f0000000100 libc.so.6+0x100',
    ]);
  });

  it('prints an overview of the process and the dump', async () => {
    const a = await analyzeBytes(sampleCore());
    const lines = text(a, 'table').split('\n');
    expect(lines[0]).toBe('Process:  app (pid 4242)  /usr/bin/app --serve');
    expect(lines[1]).toBe('Signal:   SIGSEGV at 0xdeadbeef');
    expect(lines[2]).toMatch(/^Dump: {5}x86_64, 64-bit little-endian Linux, [\d,]+ bytes, written by kernel \(/);
    expect(lines[3]).toBe('Contents: 10 regions, 2 threads, 3 modules');
  });
});

describe('JSON document (version 1 contract)', () => {
  it('holds the contract fields with addresses as lower-case hex strings', async () => {
    const a = await analyzeBytes(sampleCore());
    const doc = JSON.parse(jsonDocumentText(a, 'core.4242'));
    expect(doc).toMatchObject({ format: 'coreview', version: 1 });
    expect(Object.keys(doc)).toEqual([
      'format',
      'version',
      'dump',
      'process',
      'regions',
      'totals',
      'imageTotals',
      'threads',
      'modules',
      'auxv',
    ]);
    expect(doc.dump).toMatchObject({
      name: 'core.4242',
      size: a.dump.size,
      arch: 'x86_64',
      machine: 62,
      bits: 64,
      endian: 'little',
      os: 'Linux',
      producer: 'kernel',
      pageSize: 4096,
      programHeaders: 11,
      loadSegments: 10,
      headerBytesRead: a.dump.bytesRead,
      warnings: [],
    });
    expect(typeof doc.dump.producerEvidence).toBe('string');
    expect(doc.dump.notes[0]).toEqual({
      name: 'CORE',
      type: 1,
      typeName: 'NT_PRSTATUS',
      size: 336,
      offset: a.dump.notes[0]?.offset,
    });
    expect(doc.process).toMatchObject({
      pid: 4242,
      ppid: 1,
      uid: 1000,
      gid: 1000,
      name: 'app',
      args: '/usr/bin/app --serve',
      executable: '/usr/bin/app',
      signal: 11,
      signalName: 'SIGSEGV',
      signalCode: 1,
      faultAddress: '0xdeadbeef',
    });
    expect(doc.regions[0]).toEqual({
      kind: 'Image',
      start: '0x400000',
      end: '0x402000',
      size: 0x2000,
      type: 'MEM_IMAGE',
      state: 'MEM_COMMIT',
      protect: 'PAGE_EXECUTE_READ',
      perms: 'r-x',
      image: '/usr/bin/app',
      fileOffset: 0,
      inDump: 0x2000,
      dumpOffset: a.regions[0]?.dumpOffset,
    });
    expect(doc.regions.find((r: { start: string }) => r.start === '0x405000')).toMatchObject({
      kind: 'Heap',
      heuristic: { name: 'brk-heap-after-executable' },
    });
    expect(doc.regions.find((r: { start: string }) => r.start === '0x7f0000100000')).toMatchObject({
      kind: 'StackGuard',
      tid: SAMPLE.otherTid,
    });
    expect(doc.totals[0]).toEqual({
      kind: 'Stack',
      count: 2,
      size: 0x18000,
      inDump: 0x18000,
      percent: 53.33,
      heuristic: false,
    });
    expect(doc.imageTotals[0]).toEqual({ image: SAMPLE.exe, count: 2, size: 0x3000, inDump: 0x3000 });
    expect(doc.threads[0]).toMatchObject({
      tid: SAMPLE.crashedTid,
      signal: 11,
      crashed: true,
      pc: '0x401234',
      sp: '0x7ffc0000f000',
      pcSymbol: 'app+0x1234', // from the module's lowest mapped address (0x400000), as WinDbg prints it
      stackStart: '0x7ffc00000000',
      stackEnd: '0x7ffc00010000',
      stackSize: 0x10000,
      stackUsed: 0x1000,
    });
    // Registers become JSON as the text is written (RegisterSet.toJSON): read them back from the text.
    const written = JSON.parse(jsonDocumentText(a, 'core', { registers: true }));
    expect(written.threads[0].registers.rip).toBe('0x401234');
    expect(written.threads[0].registers.rsp).toBe('0x7ffc0000f000');
    expect(doc.modules[0]).toMatchObject({
      path: SAMPLE.exe,
      start: '0x400000',
      end: '0x403000',
      base: '0x0',
      buildId: SAMPLE.exeBuildId,
      headerInDump: true,
    });
    expect(doc.auxv).toEqual([
      { type: 6, name: 'AT_PAGESZ', value: '0x1000' },
      { type: 33, name: 'AT_SYSINFO_EHDR', value: '0x7ffd00000000' },
      { type: 31, name: 'AT_EXECFN', value: '0x7ffc0000ff00' },
    ]);
  });

  it('writes null for unknown pid/name/pc and marks truncated regions', async () => {
    const core = coreBuilder().thread({ tid: 3 }).load({ vaddr: 0x1000n, size: 0x1000, fill: 1 }).build();
    const a = await analyzeBytes(core.slice(0, core.length - 10));
    const doc = toJsonDocument(a, 'x');
    expect(doc.process).toMatchObject({ pid: 3, name: null, args: null, signal: 0 });
    expect(doc.threads[0]).toMatchObject({ tid: 3, pc: '0x0', sp: '0x0' });
    expect(doc.regions[0]).toMatchObject({ truncated: true, inDump: 0x1000 - 10 });
    const generic = await analyzeBytes(coreBuilder({ machine: 999 }).thread({ tid: 4 }).build());
    expect(JSON.parse(jsonDocumentText(generic, 'y', { registers: true })).threads[0]).toMatchObject({
      tid: 4,
      pc: null,
      sp: null,
      registers: {},
    });
  });

  it('merges a page census when one is given', async () => {
    const a = await analyzeBytes(sampleCore());
    const touched = a.regions.map((r) => (r.kind === 'Stack' ? 0x1000 : undefined));
    const doc = toJsonDocument(a, 'x', { census: { regionTouched: touched, complete: false } });
    expect(doc.dump.census).toBe('incomplete');
    expect(doc.totals.find((t) => t.kind === 'Stack')?.touched).toBe(0x2000);
    expect(doc.threads.map((t) => t.stackTouched)).toEqual([0x1000, 0x1000]);
  });
});

describe('what the dump does not record, and snapshots', () => {
  /** A library gcore left out (an NT_FILE mapping without a PT_LOAD), written by gdb of a live process. */
  async function gcoreSnapshot() {
    return analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 9, fname: 'app' })
        .thread({ tid: 9 })
        .siginfo({ signo: 19, code: 128 })
        .file([
          { start: 0x10000n, end: 0x11000n, offset: 0, path: '/usr/lib/libz.so.1' },
          { start: 0x11000n, end: 0x13000n, offset: 0x1000, path: '/usr/lib/libz.so.1' },
        ])
        .load({ vaddr: 0x10000n, size: 0x1000, flags: 'r--' })
        .note('GDB', 1, new Uint8Array(8))
        .build(),
    );
  }

  it('prints ? for the state and protection of a mapping left out of the dump; JSON says "unknown"', async () => {
    const a = await gcoreSnapshot();
    const row = text(a, 'regions')
      .split('\n')
      .find((l) => l.includes('000000011000'));
    expect(row?.split('|').map((c) => c.trim())).toEqual([
      '',
      'Image',
      '000000011000',
      '000000012fff',
      '8.00kb',
      'MEM_IMAGE',
      '?',
      '?',
      '0b',
      '',
      '/usr/lib/libz.so.1',
    ]);
    const doc = JSON.parse(jsonDocumentText(a, 'x')) as { regions: Record<string, unknown>[] };
    expect(doc.regions[1]).toMatchObject({
      kind: 'Image',
      state: 'unknown',
      protect: 'unknown',
      perms: '???',
      inDump: 0,
    });
    expect(Object.keys(doc.regions[1] ?? {})).toEqual(Object.keys(doc.regions[0] ?? {}));
  });

  it('says a gcore snapshot was not signalled, and JSON adds process.snapshot beside the signal fields', async () => {
    const a = await gcoreSnapshot();
    expect(text(a, 'table').split('\n')[1]).toBe('Signal:   snapshot (gcore), not signalled');
    const doc = JSON.parse(jsonDocumentText(a, 'x')) as { process: Record<string, unknown> };
    expect(doc.process).toMatchObject({ signal: 19, signalName: 'SIGSTOP', signalCode: 128, snapshot: true });
    const kernel = JSON.parse(jsonDocumentText(await analyzeBytes(sampleCore()), 'x')) as {
      process: Record<string, unknown>;
    };
    expect(kernel.process).not.toHaveProperty('snapshot');
  });
});
