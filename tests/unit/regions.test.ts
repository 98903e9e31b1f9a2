/**
 * PT_LOAD → regions (src/core/model/regions.ts, memory/memory-reader.ts): sorting, p_filesz variants, truncated files,
 * segments past EOF, overlaps, and NT_FILE splitting a merged segment.
 */
import { describe, expect, it } from 'vitest';
import { coreBuilder, elfImage, truncate } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';

const TRUNCATED =
  /^the dump is truncated: (\d+) segment\(s\) end past the end of the (\d+)-byte file; their missing bytes are shown as not in the dump$/;

describe('PT_LOAD order', () => {
  for (const order of ['as-added', 'reversed'] as const) {
    it(`sorts regions by address when the table is ${order}`, async () => {
      const a = await analyzeBytes(
        coreBuilder({ order })
          .load({ vaddr: 0x7000n, size: 0x1000 })
          .load({ vaddr: 0x1000n, size: 0x1000, flags: 'r--' })
          .load({ vaddr: 0x4000n, size: 0x2000, flags: 'r-x' })
          .build(),
      );
      expect(a.regions.map((r) => r.start)).toEqual([0x1000n, 0x4000n, 0x7000n]);
      expect(a.regions.map((r) => r.perms)).toEqual(['r--', 'r-x', 'rw-']);
      // `segment` still names the program header each region came from (notes are absent: loads are 0..2).
      const expected = order === 'as-added' ? [1, 2, 0] : [1, 0, 2];
      expect(a.regions.map((r) => r.segment)).toEqual(expected);
      expect(a.dump.warnings.filter((w) => /overlap|truncated/.test(w))).toEqual([]);
    });
  }
});

describe('p_filesz', () => {
  it('p_filesz 0: the whole region is not in the dump (not zeros), and not truncated', async () => {
    const a = await analyzeBytes(
      coreBuilder().load({ vaddr: 0x10000n, size: 0x3000, filesz: 0, flags: 'r--' }).build(),
    );
    expect(a.regions[0]).toMatchObject({
      size: 0x3000,
      inDump: 0,
      truncated: false,
      state: 'MEM_COMMIT',
      protect: 'PAGE_READONLY',
    });
  });

  it('p_filesz of one page (the kernel dumps an ELF header page): only that page is in the dump', async () => {
    const a = await analyzeBytes(
      coreBuilder().load({ vaddr: 0x10000n, size: 0x5000, filesz: 0x1000, flags: 'r-x' }).build(),
    );
    expect(a.regions[0]).toMatchObject({
      size: 0x5000,
      inDump: 0x1000,
      truncated: false,
      protect: 'PAGE_EXECUTE_READ',
    });
  });

  it('p_filesz < p_memsz in general; and p_filesz > p_memsz is capped at the region size', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .load({ vaddr: 0x10000n, size: 0x3000, filesz: 0x1800 })
        .load({ vaddr: 0x20000n, size: 0x1000, filesz: 0x1800 })
        .build(),
    );
    expect(a.regions.map((r) => r.inDump)).toEqual([0x1800, 0x1000]);
    expect(a.regions.every((r) => !r.truncated)).toBe(true);
  });

  it('skips PT_LOADs of p_memsz 0', async () => {
    const a = await analyzeBytes(
      coreBuilder().load({ vaddr: 0x10000n, size: 0 }).load({ vaddr: 0x20000n, size: 0x10 }).build(),
    );
    expect(a.dump.loadSegments).toBe(2);
    expect(a.regions.map((r) => r.start)).toEqual([0x20000n]);
  });

  it('maps protections to maddress states and constants', async () => {
    const flags = ['---', 'r--', 'rw-', 'r-x', 'rwx', '-w-', '--x'];
    const b = coreBuilder();
    flags.forEach((f, i) => b.load({ vaddr: BigInt(0x10000 * (i + 1)), size: 0x1000, filesz: 0, flags: f }));
    const a = await analyzeBytes(b.build());
    expect(a.regions.map((r) => [r.perms, r.state, r.protect])).toEqual([
      ['---', 'MEM_RESERVE', 'PAGE_NOACCESS'],
      ['r--', 'MEM_COMMIT', 'PAGE_READONLY'],
      ['rw-', 'MEM_COMMIT', 'PAGE_READWRITE'],
      ['r-x', 'MEM_COMMIT', 'PAGE_EXECUTE_READ'],
      ['rwx', 'MEM_COMMIT', 'PAGE_EXECUTE_READWRITE'],
      ['-w-', 'MEM_COMMIT', 'PAGE_READWRITE'],
      ['--x', 'MEM_COMMIT', 'PAGE_EXECUTE'],
    ]);
  });
});

describe('truncated files', () => {
  it('marks the cut segment truncated, clamps inDump to the file, and warns once', async () => {
    const full = coreBuilder()
      .load({ vaddr: 0x10000n, size: 0x1000, fill: 1 })
      .load({ vaddr: 0x20000n, size: 0x1000, fill: 2 })
      .load({ vaddr: 0x30000n, size: 0x1000, fill: 3 })
      .build();
    const cut = truncate(full, full.length - 0x1000 - 0x800); // half of the second segment, none of the third
    const a = await analyzeBytes(cut);
    expect(a.regions.map((r) => [r.inDump, r.truncated])).toEqual([
      [0x1000, false],
      [0x800, true],
      [0, true],
    ]);
    const warning = a.dump.warnings.find((w) => TRUNCATED.test(w));
    expect(warning?.match(TRUNCATED)?.slice(1)).toEqual(['2', String(cut.length)]);
    expect(a.totals.reduce((n, t) => n + t.inDump, 0)).toBe(0x1800);
  });

  it('treats a segment whose p_offset is past the end of the file as not in the dump', async () => {
    const a = await analyzeBytes(coreBuilder().load({ vaddr: 0x10000n, size: 0x2000, offset: 0x7fffffff }).build());
    expect(a.regions[0]).toMatchObject({ inDump: 0, truncated: true, size: 0x2000 });
    expect(a.dump.warnings.some((w) => TRUNCATED.test(w))).toBe(true);
  });

  it('does not call a p_filesz-0 segment past EOF truncated (nothing was meant to be there)', async () => {
    const a = await analyzeBytes(
      coreBuilder().load({ vaddr: 0x10000n, size: 0x2000, filesz: 0, offset: 0x7fffffff }).build(),
    );
    expect(a.regions[0]).toMatchObject({ inDump: 0, truncated: false });
    expect(a.dump.warnings.some((w) => TRUNCATED.test(w))).toBe(false);
  });
});

describe('overlapping PT_LOADs', () => {
  it('counts overlapping bytes once and warns', async () => {
    const a = await analyzeBytes(
      coreBuilder({ order: 'as-added' })
        .load({ vaddr: 0x10000n, size: 0x3000, fill: 1 })
        .load({ vaddr: 0x12000n, size: 0x3000, fill: 2 }) // overlaps the last page of the first
        .load({ vaddr: 0x10800n, size: 0x800, fill: 3 }) // entirely inside the first: dropped
        .build(),
    );
    expect(a.regions.map((r) => [r.start, r.end, r.size])).toEqual([
      [0x10000n, 0x13000n, 0x3000],
      [0x13000n, 0x15000n, 0x2000],
    ]);
    expect(a.totals.reduce((n, t) => n + t.size, 0)).toBe(0x5000);
    expect(a.dump.warnings).toContain(
      '2 PT_LOAD segment(s) overlap earlier ones; the overlapping bytes are counted once',
    );
    // The clipped region's bytes start one page into its segment's data.
    const second = a.regions[1];
    const first = a.regions[0];
    expect(second !== undefined && first !== undefined && second.dumpOffset - first.dumpOffset).toBe(0x3000 + 0x1000);
    expect(second?.inDump).toBe(0x2000);
  });

  it('clips a segment that runs past the top of the 64-bit address space', async () => {
    const a = await analyzeBytes(coreBuilder().load({ vaddr: 0xfffffffffffff000n, size: 0x2000n, filesz: 0 }).build());
    expect(a.regions[0]).toMatchObject({ start: 0xfffffffffffff000n, end: 1n << 64n, size: 0x1000 });
    expect(a.dump.warnings).toContain(
      'PT_LOAD #0 at 0xfffffffffffff000 claims 8192 bytes, past the top of the address space; clipped',
    );
  });
});

describe('NT_FILE splits merged segments', () => {
  it('gives each file mapping inside one PT_LOAD its own region (createdump merges same-permission neighbours)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x11000n, end: 0x12000n, offset: 0x3000, path: '/data/a.bin' },
          { start: 0x12000n, end: 0x13000n, offset: 0, path: '/data/b.bin' },
        ])
        .load({ vaddr: 0x10000n, size: 0x4000, flags: 'r--' })
        .build(),
    );
    expect(a.regions.map((r) => [r.start, r.size, r.image, r.fileOffset, r.type])).toEqual([
      [0x10000n, 0x1000, undefined, undefined, 'MEM_PRIVATE'],
      [0x11000n, 0x1000, '/data/a.bin', 0x3000, 'MEM_MAPPED'],
      [0x12000n, 0x1000, '/data/b.bin', 0, 'MEM_MAPPED'],
      [0x13000n, 0x1000, undefined, undefined, 'MEM_PRIVATE'],
    ]);
    expect(a.regions.map((r) => r.segment)).toEqual([1, 1, 1, 1]);
    expect(a.regions.map((r) => r.dumpOffset - (a.regions[0]?.dumpOffset ?? 0))).toEqual([0, 0x1000, 0x2000, 0x3000]);
  });
});

describe('NT_FILE mappings without a segment (gcore leaves unmodified file mappings out)', () => {
  it('become not-in-dump regions whose state, protection and permissions are unknown, still Image, and a warning', async () => {
    const lib = '/usr/lib/libz.so.1';
    const a = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x10000n, end: 0x11000n, offset: 0, path: lib },
          { start: 0x20000n, end: 0x21000n, offset: 0x1000, path: lib },
          { start: 0x30000n, end: 0x32000n, offset: 0x5000, path: lib },
        ])
        .load({ vaddr: 0x10000n, size: 0x1000, flags: 'r-x', data: elfImage({ buildId: '5a' }) })
        .build(),
    );
    // The image's PT_LOADs say what it asked for, not what the process's mprotect left: nothing is invented.
    expect(
      a.regions.map((r) => [r.start, r.size, r.image, r.perms, r.state, r.protect, r.inDump, r.segment, r.fileOffset]),
    ).toEqual([
      [0x10000n, 0x1000, lib, 'r-x', 'MEM_COMMIT', 'PAGE_EXECUTE_READ', 0x1000, 1, 0],
      [0x20000n, 0x1000, lib, '???', 'unknown', 'unknown', 0, -1, 0x1000],
      [0x30000n, 0x2000, lib, '???', 'unknown', 'unknown', 0, -1, 0x5000],
    ]);
    expect(a.regions.slice(1).map((r) => [r.kind, r.type, r.truncated, r.heuristic])).toEqual([
      ['Image', 'MEM_IMAGE', false, undefined],
      ['Image', 'MEM_IMAGE', false, undefined],
    ]);
    expect(a.totals.find((t) => t.kind === 'Image')).toMatchObject({ count: 3, size: 0x4000, inDump: 0x1000 });
    expect(a.dump.warnings).toContain(
      '2 file mapping(s) listed in NT_FILE have no segment in the dump (not in dump; their protection is unknown)',
    );
  });

  it('fills only the gaps a PT_LOAD leaves inside a file mapping', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([{ start: 0x10000n, end: 0x14000n, path: '/data/blob' }])
        .load({ vaddr: 0x11000n, size: 0x1000, flags: 'r--' })
        .build(),
    );
    expect(a.regions.map((r) => [r.start, r.end, r.segment])).toEqual([
      [0x10000n, 0x11000n, -1],
      [0x11000n, 0x12000n, 1], // program header 1: the PT_NOTE holding NT_FILE is 0
      [0x12000n, 0x14000n, -1],
    ]);
    expect(a.regions.every((r) => r.image === '/data/blob' && r.kind === 'MappedFile')).toBe(true);
    expect(a.regions.map((r) => r.state)).toEqual(['unknown', 'MEM_COMMIT', 'unknown']);
  });
});
