/**
 * The `coreview` command end to end: spawn `node bin/coreview.cjs` on synthetic cores written to a temp dir.
 * Contract: exit 0 (warnings on stderr) for anything that parses; exit 2 with ONE line `coreview: error: <why>`
 * for input that is not a readable core or a bad command line; never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ET_EXEC, ascii, coreBuilder, elfImage, truncate } from '../helpers/core-builder';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

const BIN = join(import.meta.dirname, '../../bin/coreview.cjs');
let dir = '';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function coreview(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, COREVIEW_DEBUG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Exactly one stderr line, `coreview: error: …`, nothing on stdout, exit 2 — and no stack trace. */
function expectOneLineError(r: Run, message: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^coreview: error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coreview-cli-'));
  // The first run (re)builds the bundle when the sources are newer; do it once, outside the timed tests.
  const warm = coreview('--version');
  expect(warm.status).toBe(0);
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('readable cores: exit 0', () => {
  it('prints the overview, the region table and the totals', () => {
    const r = coreview(file('sample.core', sampleCore()));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Process:  app (pid 4242)  /usr/bin/app --serve');
    expect(r.stdout).toContain('Signal:   SIGSEGV at 0xdeadbeef');
    expect(r.stdout).toMatch(/\| Memory Kind +\| +StartAddr \| +EndAddr-1 \|/);
    expect(r.stdout).toMatch(/\| Heap\? +\| 000000405000 \| 00000040cfff \| 32\.00kb \|/);
    expect(r.stdout).toMatch(/\| \[TOTAL\] +\| +10 \| 180\.00kb \| +184,320 \| +100\.00% \|/);
  });

  it('--json prints one document holding the contract fields', () => {
    const r = coreview(file('core.4242', sampleCore()), '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: 'coreview', version: 1 });
    expect(doc.dump).toMatchObject({
      name: 'core.4242',
      arch: 'x86_64',
      bits: 64,
      endian: 'little',
      os: 'Linux',
      producer: 'kernel',
      loadSegments: 10,
      warnings: [],
    });
    expect(doc.process).toMatchObject({
      pid: SAMPLE.pid,
      name: 'app',
      signal: 11,
      signalName: 'SIGSEGV',
      faultAddress: '0xdeadbeef',
      executable: SAMPLE.exe,
    });
    expect(doc.regions).toHaveLength(10);
    expect(doc.regions[0]).toMatchObject({
      kind: 'Image',
      start: '0x400000',
      end: '0x402000',
      size: 8192,
      type: 'MEM_IMAGE',
    });
    expect(doc.threads.map((t: { tid: number; crashed: boolean }) => [t.tid, t.crashed])).toEqual([
      [SAMPLE.crashedTid, true],
      [SAMPLE.otherTid, false],
    ]);
    expect(doc.modules.map((m: { buildId?: string }) => m.buildId)).toEqual([
      SAMPLE.exeBuildId,
      SAMPLE.libcBuildId,
      'f00d',
    ]);
    expect(doc.totals.reduce((n: number, t: { size: number }) => n + t.size, 0)).toBe(0x2d000);
    expect(doc.threads[0].registers).toBeUndefined();
  });

  it("--json --registers adds each thread's registers by name", () => {
    const r = coreview(file('core.4242', sampleCore()), '--json', '--registers');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.threads[0].registers)).toHaveLength(27);
    expect(doc.threads[0].registers).toMatchObject({ rip: '0x401234', rsp: doc.threads[0].sp });
    expect(coreview(file('core.4242', sampleCore()), '--registers').stderr.split('\n')[0]).toBe(
      'coreview: error: --registers goes with --json',
    );
  });

  it('--summary prints only the per-kind totals', () => {
    const r = coreview(file('sample.core', sampleCore()), '--summary');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\+-+\+\n\| Memory Type +\| Count \|/);
    expect(r.stdout).toMatch(/\| Stack +\| +2 \| +96\.00kb \| +98,304 \| +53\.33% \|/);
    expect(r.stdout).not.toContain('StartAddr');
    expect(r.stdout).not.toContain('Process:');
  });

  it('--images adds the per-image totals, with --scan and --summary too', () => {
    const core = file('sample.core', sampleCore());
    const images = coreview(core, '--images').stdout;
    const block = images.slice(images.lastIndexOf('\n\n') + 2);
    expect(block).toMatch(/^\+-+\+\n\| Count \| +Size \|/);
    for (const args of [
      ['--summary', '--images'],
      ['--scan', '--images'],
      ['--scan', '--summary', '--images'],
    ]) {
      const r = coreview(core, ...args);
      expect(r.status).toBe(0);
      expect(r.stdout.endsWith(`\n\n${block}`)).toBe(true);
    }
  });

  it('--threads prints one line per thread', () => {
    const r = coreview(file('sample.core', sampleCore()), '--threads');
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\| +\d+ \|/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^\| 4242 \| 11 \(crashed\) \| 0x7ffc0000f000 \| +64\.00kb \| 4\.00kb \| 0x401234 app\+0x1234$/,
    );
  });

  it('a truncated core is a partial result: exit 0, warnings on stderr', () => {
    const core = sampleCore();
    const r = coreview(file('cut.core', truncate(core, core.length - 0x9000)), '--summary');
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^coreview: warning: /);
    expect(lines).toContainEqual(
      expect.stringMatching(/^coreview: warning: the dump is truncated: \d+ segment\(s\) end past the end/),
    );
    expect(r.stdout).toContain('[TOTAL]');
  });
});

describe('a compressed core', () => {
  it('decodes to its whole size when it ends in zeros (the zero tail is a hole, the size still set)', () => {
    const plain = new Uint8Array([...sampleCore(), ...new Uint8Array(300 * 1024)]);
    const gz = file('zero-tail.core.gz', gzipSync(plain));
    const r = coreview(gz, '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { dump: { size: number; compression: string; warnings: string[] } };
    expect(doc.dump.compression).toBe('gzip');
    expect(doc.dump.size).toBe(plain.length);
    const fromPlain = JSON.parse(coreview(file('zero-tail.core', plain), '--json').stdout) as typeof doc;
    expect(doc.dump.warnings).toEqual(fromPlain.dump.warnings);
  });
});

describe('input that is not a readable core: exit 2, one line', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /the file is empty \(0 bytes\)$/],
    ['three bytes', () => Uint8Array.of(1, 2, 3), /the file is 3 bytes: too short to be an ELF core$/],
    // Compressed cores are decoded first (tests/real/compressed-cli.test.ts): bad compressed data says where.
    [
      'gzip cut short',
      () => gzipSync(sampleCore()).subarray(0, 300),
      /the \.gz data ends early, after 300 compressed bytes/,
    ],
    ['minidump', () => ascii('MDMP\x93\xa7\0\0'), /minidump \(MDMP\), not an ELF core/],
    ['zstd', () => Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0), /the \.zst data (is corrupt|ends early)/],
    ['xz', () => Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 0), /the \.xz data (is corrupt|ends early)/],
    [
      'random',
      () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff),
      /this is not an ELF file \(no \\x7fELF magic\)/,
    ],
    [
      'executable',
      () => coreBuilder({ type: ET_EXEC }).load({ vaddr: 0x400000n, size: 0x10 }).build(),
      /this is an ELF executable, not a core dump/,
    ],
    [
      'bad-class',
      () => coreBuilder({ header: { class: 3 } }).build(),
      /ELF header has an invalid class \(3\) or data encoding \(1\)$/,
    ],
    [
      'cut-header',
      () => truncate(sampleCore(), 40),
      /the file is 40 bytes: too short for an ELF64 header \(64 bytes\)$/,
    ],
    [
      'pn-xnum-missing',
      () => coreBuilder({ xnum: 'end', header: { shoff: 1 << 20 } }).build(),
      /section header 0 at offset 1048576 is not in the file$/,
    ],
  ];

  for (const [name, bytes, message] of cases) {
    it(name, () => {
      const path = file(`${name}.bin`, bytes());
      const r = coreview(path);
      expectOneLineError(r, message);
      expect(r.stderr.startsWith(`coreview: error: ${path}: `)).toBe(true);
    });
  }

  it('the same one line with --json (no partial document on stdout)', () => {
    const cut = gzipSync(sampleCore()).subarray(0, 300);
    expectOneLineError(coreview(file('gz.json.bin', cut), '--json'), /the \.gz data ends early/);
  });

  it('a missing file', () => {
    const path = join(dir, 'no-such.core');
    expectOneLineError(coreview(path), new RegExp(`^coreview: error: cannot open ${path}: no such file$`));
  });

  it('a directory', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expectOneLineError(coreview(sub), /is a directory, not a core file$/);
  });
});

describe('command line', () => {
  it('an unknown option: exit 2 with the error and the usage', () => {
    const r = coreview(file('sample.core', sampleCore()), '--frobnicate');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('coreview: error: unknown option --frobnicate');
    expect(lines[1]).toBe('usage: coreview <core> [options]');
    expect(r.stderr).toContain('--json');
  });

  it('no core given, two cores, or two modes: exit 2', () => {
    expect(coreview().stderr.split('\n')[0]).toBe('coreview: error: no core file given');
    const two = coreview('a.core', 'b.core');
    expect([two.status, two.stderr.split('\n')[0]]).toEqual([
      2,
      'coreview: error: one core at a time (got a.core and b.core)',
    ]);
    const modes = coreview('a.core', '--json', '--summary');
    expect([modes.status, modes.stderr.split('\n')[0]]).toEqual([
      2,
      'coreview: error: --summary cannot be combined with --json',
    ]);
  });

  it('--help and --version exit 0 on stdout', () => {
    const help = coreview('--help');
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^usage: coreview <core> \[options\]/);
    const version = coreview('--version');
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^coreview \d+\.\d+\.\d+\n$/);
  });

  it('--help lists the exit codes and a few examples', () => {
    const help = coreview('--help').stdout;
    expect(help).toMatch(/^exit status:\n {2}0 +done.*\n {2}1 +internal error.*\n {2}2 +bad input or usage/m);
    const examples = help
      .slice(help.indexOf('examples:'))
      .split('\n')
      .filter((l) => l.startsWith('  coreview '));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(examples.join('\n')).toContain('--dump 0x');
  });
});

describe('issue 9: labels, warnings, widths', () => {
  /** A non-PIE executable at 0x400000 with a long path, and a stack holding a pointer into it and one into itself. */
  function labelledCore(): Uint8Array {
    const exe = '/opt/vendor/product/release-2024.11/bin/some-long-executable-name';
    const words = new Uint8Array(16);
    const view = new DataView(words.buffer);
    view.setBigUint64(0, 0x400123n, true);
    view.setBigUint64(8, 0x7ffc00000800n, true);
    return coreBuilder()
      .thread({ tid: 5, signal: 6, pc: 0x40a30cn, sp: 0x7ffc00000100n })
      .prpsinfo({ pid: 5, fname: 'some-long-execu' })
      .file([{ start: 0x400000n, end: 0x40b000n, offset: 0, path: exe }])
      .load({
        vaddr: 0x400000n,
        size: 0xb000,
        flags: 'r-x',
        data: elfImage({ buildId: 'ab', type: ET_EXEC, vaddr: 0x400000n }),
      })
      .load({ vaddr: 0x7ffc00000000n, size: 0x1000, flags: 'rw-', at: [[0x100, words]] })
      .build();
  }

  it('--dump labels pointers as the page does, after the unchanged dp text', () => {
    const r = coreview(file('labelled.core', labelledCore()), '--dump', '0x7ffc00000100', '32');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '00007ffc`00000100  00000000`00400123 00007ffc`00000800  ; some-long-executable-name+0x123 Stack',
      '00007ffc`00000110  00000000`00000000 00000000`00000000',
      '',
    ]);
    const bytes = coreview(file('labelled.core', labelledCore()), '--dump', '0x7ffc00000100', '16', '--bytes');
    expect(bytes.stdout).not.toContain(';');
  });

  it("pc is module+offset from the module's start", () => {
    expect(coreview(file('labelled.core', labelledCore()), '--threads').stdout).toContain(
      '0x40a30c some-long-executable-name+0xa30c',
    );
  });

  it('prints each warning once per run, also with --scan', () => {
    const core = sampleCore();
    const cut = file('cut.core', truncate(core, core.length - 0x9000));
    const header = coreview(cut, '--summary').stderr;
    expect(header).not.toBe('');
    for (const args of [['--scan', '--summary'], ['--scan'], ['--scan', '--json']]) {
      const lines = coreview(cut, ...args)
        .stderr.split('\n')
        .filter((l) => l.startsWith('coreview: warning: '));
      expect(new Set(lines).size).toBe(lines.length);
      for (const l of header.split('\n').filter((x) => x !== '')) expect(lines).toContain(l);
    }
  });

  it('piped, the region table keeps whole paths (only a terminal gets them shortened)', () => {
    const r = coreview(file('labelled.core', labelledCore()));
    expect(r.stdout).toMatch(/\| \/opt\/vendor\/product\/release-2024\.11\/bin\/some-long-executable-name$/m);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'on a terminal, the region table fits its width: name first, directory elided',
    () => {
      const core = file('labelled.core', labelledCore());
      const cmd = `stty cols 170; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${JSON.stringify(core)}`;
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
      const lines = r.stdout.split(/\r?\n/).filter((l) => l.startsWith('|') || l.startsWith('+'));
      expect(lines.length).toBeGreaterThan(4);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(170);
      expect(r.stdout).toMatch(/\| some-long-executable-name \(\/opt\/[^)]*…[^)]*\)\r?$/m);
    },
  );
});
