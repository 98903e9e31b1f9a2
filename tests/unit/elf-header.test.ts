/**
 * The ELF header pass (src/core/elf/header.ts, program-headers.ts): every way a file can fail to be a readable
 * core gets its own one-line DumpError, and the PN_XNUM escape is read wherever section header 0 was written.
 */
import { describe, expect, it } from 'vitest';
import { ET_DYN, ET_EXEC, ET_REL, ascii, concatBytes, coreBuilder, truncate } from '../helpers/core-builder';
import { analyzeBytes, rejection } from '../helpers/run-engine';

/** A minimal valid core: one thread, one PT_LOAD. */
function minimal(bits: 32 | 64 = 64) {
  return coreBuilder({ bits }).thread({ tid: 7, sp: 0x1000n }).load({ vaddr: 0x1000n, size: 0x100 });
}

describe('files that are not ELF cores', () => {
  const cases: { name: string; bytes: Uint8Array; code: string; message: RegExp }[] = [
    { name: 'an empty file', bytes: new Uint8Array(0), code: 'empty', message: /^the file is empty \(0 bytes\)$/ },
    {
      name: 'a 3-byte file',
      bytes: Uint8Array.of(1, 2, 3),
      code: 'too-small',
      message: /^the file is 3 bytes: too short to be an ELF core$/,
    },
    {
      name: 'a gzip file',
      bytes: Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0),
      code: 'gzip',
      message: /gzip-compressed file: decompress it first \(gunzip\)/,
    },
    {
      name: 'a minidump',
      bytes: concatBytes([ascii('MDMP'), new Uint8Array(60)]),
      code: 'minidump',
      message: /minidump \(MDMP\), not an ELF core/,
    },
    {
      name: 'a zstd file',
      bytes: Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 0),
      code: 'not-elf',
      message: /zstd-compressed file .*`zstd -d`/,
    },
    {
      name: 'an xz file',
      bytes: Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0),
      code: 'not-elf',
      message: /xz-compressed file: decompress it first \(unxz\)/,
    },
    {
      name: 'random bytes',
      bytes: Uint8Array.from({ length: 200 }, (_, i) => (i * 73 + 11) & 0xff),
      code: 'not-elf',
      message: /not an ELF file \(no \\x7fELF magic\)/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with a one-line "${c.code}" error`, async () => {
      const e = await rejection(c.bytes);
      expect(e.code).toBe(c.code);
      expect(e.message).toMatch(c.message);
    });
  }

  it.each([
    [ET_EXEC, /^this is an ELF executable, not a core dump \(ELF type CORE\)/],
    [ET_DYN, /^this is an ELF shared object or position-independent executable, not a core dump/],
    [ET_REL, /^this is an ELF relocatable object \(\.o\), not a core dump/],
    [0xfe00, /^this is an ELF file of type 65024, not a core dump/],
  ])('rejects e_type %i as not-core', async (type, message) => {
    const e = await rejection(coreBuilder({ type }).thread({ tid: 1 }).load({ vaddr: 0x1000n, size: 0x10 }).build());
    expect(e.code).toBe('not-core');
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/open the core file the crash produced$/);
  });

  it.each([
    [{ class: 3 }, 'ELF header has an invalid class (3) or data encoding (1)'],
    [{ class: 0 }, 'ELF header has an invalid class (0) or data encoding (1)'],
    [{ data: 0 }, 'ELF header has an invalid class (2) or data encoding (0)'],
    [{ data: 7 }, 'ELF header has an invalid class (2) or data encoding (7)'],
  ])('rejects bad e_ident bytes %o', async (header, message) => {
    const e = await rejection(coreBuilder({ header }).thread({ tid: 1 }).build());
    expect(e.code).toBe('bad-header');
    expect(e.message).toBe(message);
  });

  it.each([
    [64, 32, 'e_phentsize is 32; an ELF64 program header is 56 bytes'],
    [64, 0, 'e_phentsize is 0; an ELF64 program header is 56 bytes'],
    [32, 56, 'e_phentsize is 56; an ELF32 program header is 32 bytes'],
  ] as const)('rejects a wrong e_phentsize (ELF%i, %i)', async (bits, phentsize, message) => {
    const e = await rejection(coreBuilder({ bits, header: { phentsize } }).thread({ tid: 1 }).build());
    expect(e.code).toBe('bad-header');
    expect(e.message).toBe(message);
  });

  it('accepts any e_phentsize when there are no program headers', async () => {
    const a = await analyzeBytes(coreBuilder({ header: { phentsize: 3 } }).build());
    expect(a.dump.programHeaders).toBe(0);
    expect(a.regions).toEqual([]);
  });

  it.each([
    [64, 40, 'the file is 40 bytes: too short for an ELF64 header (64 bytes)'],
    [64, 63, 'the file is 63 bytes: too short for an ELF64 header (64 bytes)'],
    [32, 51, 'the file is 51 bytes: too short for an ELF32 header (52 bytes)'],
  ] as const)('rejects an ELF%i header cut at %i bytes', async (bits, at, message) => {
    const e = await rejection(truncate(minimal(bits).build(), at));
    expect(e.code).toBe('too-small');
    expect(e.message).toBe(message);
  });

  it.each([4, 5, 6, 15])('rejects a file of %i bytes that starts with the ELF magic as too small', async (at) => {
    const e = await rejection(truncate(minimal().build(), at));
    expect(e.code).toBe('too-small');
    expect(e.message).toBe(`the file is ${at} bytes: too short for an ELF header (at least 52 bytes)`);
  });

  it('gives every kind of bad input its own message', async () => {
    const inputs = [
      new Uint8Array(0),
      Uint8Array.of(1, 2),
      Uint8Array.of(0x1f, 0x8b, 8),
      ascii('MDMP----'),
      Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd),
      Uint8Array.of(0xfd, 0x37, 0x7a, 0x58),
      ascii('#!/bin/sh\necho hi\n'),
      coreBuilder({ type: ET_EXEC }).build(),
      coreBuilder({ type: ET_DYN }).build(),
      coreBuilder({ type: ET_REL }).build(),
      coreBuilder({ header: { class: 9 } }).build(),
      coreBuilder({ header: { phentsize: 12 } })
        .thread({ tid: 1 })
        .build(),
      truncate(minimal().build(), 30),
      truncate(minimal().build(), 5),
    ];
    const messages = new Set<string>();
    for (const bytes of inputs) messages.add((await rejection(bytes)).message);
    expect(messages.size).toBe(inputs.length);
  });
});

describe('PN_XNUM (e_phnum 0xffff, the count in section header 0)', () => {
  for (const where of ['start', 'end'] as const) {
    it(`reads the real count from section header 0 at the ${where} of the file`, async () => {
      const core = minimal().load({ vaddr: 0x8000n, size: 0x10 }).build();
      const xnum = coreBuilder({ xnum: where })
        .thread({ tid: 7, sp: 0x1000n })
        .load({ vaddr: 0x1000n, size: 0x100 })
        .load({ vaddr: 0x8000n, size: 0x10 })
        .build();
      const view = new DataView(xnum.buffer);
      expect(view.getUint16(56, true)).toBe(0xffff);
      const shoff = Number(view.getBigUint64(40, true));
      // createdump puts it right after the 64-byte ELF header, the kernel in the file's last 64 bytes.
      expect(shoff).toBe(where === 'start' ? 64 : xnum.length - 64);
      const [plain, extended] = [await analyzeBytes(core), await analyzeBytes(xnum)];
      expect(extended.dump.programHeaders).toBe(3);
      expect(extended.dump.loadSegments).toBe(2);
      expect(extended.regions.map((r) => [r.start, r.size])).toEqual(plain.regions.map((r) => [r.start, r.size]));
      expect(extended.threads.map((t) => t.tid)).toEqual([7]);
      expect(extended.dump.warnings).toEqual(plain.dump.warnings);
    });
  }

  it('works in a 32-bit big-endian core too', async () => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32, endian: 'big', machine: 20, xnum: 'end' })
        .load({ vaddr: 0x10000n, size: 0x1000 })
        .build(),
    );
    expect(a.dump.programHeaders).toBe(1);
    expect(a.regions[0]?.start).toBe(0x10000n);
    expect(a.dump.endian).toBe('big');
  });

  it('rejects PN_XNUM when section header 0 lies past the end of the file', async () => {
    const e = await rejection(
      coreBuilder({ xnum: 'end', header: { shoff: 0x100000 } })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    expect(e.code).toBe('bad-header');
    expect(e.message).toBe('e_phnum is 0xffff (PN_XNUM) but section header 0 at offset 1048576 is not in the file');
  });

  it('rejects PN_XNUM when e_shoff is 0 (no section header table)', async () => {
    const e = await rejection(
      coreBuilder({ xnum: 'start', header: { shoff: 0 } })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    expect(e.message).toBe('e_phnum is 0xffff (PN_XNUM) but section header 0 at offset 0 is not in the file');
  });

  it('rejects PN_XNUM when section header 0 is cut by the end of the file', async () => {
    const core = coreBuilder({ xnum: 'end' }).load({ vaddr: 0x1000n, size: 0x10 }).build();
    const e = await rejection(truncate(core, core.length - 1));
    expect(e.code).toBe('bad-header');
  });

  it('clamps an absurd sh_info count to the program headers the file can hold', async () => {
    const a = await analyzeBytes(
      coreBuilder({ xnum: 'start', section0: { info: 0xffffffff } })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    expect(
      a.dump.warnings.some((w) => /^the file is truncated: it holds \d+ of 4294967295 program headers$/.test(w)),
    ).toBe(true);
    expect(a.regions.some((r) => r.start === 0x1000n)).toBe(true);
  });

  it('takes the section count from sh_size when e_shnum is 0 (and ignores absurd ones)', async () => {
    const withSections = await analyzeBytes(
      coreBuilder({ xnum: 'start', section0: { size: 5 }, header: { shnum: 0 } })
        .thread({ tid: 1 })
        .build(),
    );
    expect(withSections.dump.producer).toEqual({
      name: 'gdb gcore',
      evidence: '5 section headers: BFD writes them, the kernel does not',
    });
    const absurd = await analyzeBytes(
      coreBuilder({ xnum: 'start', section0: { size: 0x1000000 }, header: { shnum: 0 } })
        .thread({ tid: 1 })
        .build(),
    );
    expect(absurd.dump.producer.name).not.toBe('gdb gcore');
  });

  it('treats e_shnum 1 with PN_XNUM as the kernel layout, not as BFD section headers', async () => {
    const a = await analyzeBytes(
      coreBuilder({ xnum: 'end' }).thread({ tid: 1, signal: 6 }).prpsinfo({ pid: 1 }).build(),
    );
    expect(a.dump.producer.name).toBe('kernel');
  });
});

describe('program header table', () => {
  it('rejects a table that starts past the end of the file', async () => {
    const core = minimal().build();
    const e = await rejection(
      coreBuilder({ header: { phoff: core.length + 10 } })
        .thread({ tid: 1 })
        .load({ vaddr: 0n, size: 1 })
        .build(),
    );
    expect(e.code).toBe('bad-header');
    expect(e.message).toMatch(/^program headers start at offset \d+, past the end of the \d+-byte file$/);
  });

  it('rejects an e_phoff above 2^53', async () => {
    const e = await rejection(
      coreBuilder({ header: { phoff: 1n << 60n } })
        .thread({ tid: 1 })
        .build(),
    );
    expect(e.message).toMatch(/^program headers start at offset Infinity, past the end/);
  });

  it('keeps the program headers that fit when e_phnum claims more than the file holds', async () => {
    const a = await analyzeBytes(minimal().build({ truncateAt: 64 + 56 + 20 }));
    expect(a.dump.programHeaders).toBe(1);
    expect(a.dump.warnings).toContain('the file is truncated: it holds 1 of 2 program headers');
  });

  it('accepts a core with no program headers at all, with warnings', async () => {
    const a = await analyzeBytes(coreBuilder().build());
    expect(a.dump.programHeaders).toBe(0);
    expect(a.dump.warnings).toEqual([
      'the core holds no memory segments (no PT_LOAD): only process facts and threads can be shown',
    ]);
  });

  it('reads ELF32 and big-endian headers', async () => {
    const a = await analyzeBytes(
      coreBuilder({ bits: 32, endian: 'big', machine: 8 })
        .load({ vaddr: 0x7fff0000n, size: 0x2000, flags: 'rw-' })
        .build(),
    );
    expect(a.dump).toMatchObject({
      bits: 32,
      endian: 'big',
      arch: 'mips',
      machine: 8,
      programHeaders: 1,
      loadSegments: 1,
    });
    expect(a.regions[0]).toMatchObject({ start: 0x7fff0000n, end: 0x7fff2000n, inDump: 0x2000, perms: 'rw-' });
  });
});
