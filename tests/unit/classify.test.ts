/**
 * Memory Kind tagging (src/core/model/classify.ts): what rests on a fact is plain, what rests on a guess carries
 * a named heuristic with its evidence.
 */
import { describe, expect, it } from 'vitest';
import { AT_ENTRY, AT_EXECFN, AT_SYSINFO_EHDR, coreBuilder, elfImage } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

const MiB = 1024 * 1024;
const CORECLR = '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so';

describe('file mappings', () => {
  it('tells images (an ELF header in the dump, or a .so name) from other mapped files', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x10000n, end: 0x11000n, path: '/opt/app/bin/server' },
          { start: 0x20000n, end: 0x21000n, path: '/var/lib/app/data.db' },
          { start: 0x30000n, end: 0x31000n, path: '/usr/lib/libssl.so.3' },
          { start: 0x40000n, end: 0x41000n, path: '/tmp/libgone.so (deleted)' },
          { start: 0x50000n, end: 0x51000n, path: '/usr/share/locale/locale-archive' },
          { start: 0x60000n, end: 0x61000n, path: '/lib64/ld-linux-x86-64.so.2' },
        ])
        .load({ vaddr: 0x10000n, size: 0x1000, flags: 'r-x', data: elfImage({ buildId: '01' }) })
        .load({ vaddr: 0x20000n, size: 0x1000, flags: 'r--', data: 'SQLite format 3\0' })
        .load({ vaddr: 0x30000n, size: 0x1000, flags: 'r-x', filesz: 0 })
        .load({ vaddr: 0x40000n, size: 0x1000, flags: 'r-x', filesz: 0 })
        .load({ vaddr: 0x50000n, size: 0x1000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x60000n, size: 0x1000, flags: 'r-x', filesz: 0 })
        .build(),
    );
    expect(a.regions.map((r) => [r.image, r.kind, r.type])).toEqual([
      ['/opt/app/bin/server', 'Image', 'MEM_IMAGE'],
      ['/var/lib/app/data.db', 'MappedFile', 'MEM_MAPPED'],
      ['/usr/lib/libssl.so.3', 'Image', 'MEM_IMAGE'],
      ['/tmp/libgone.so (deleted)', 'Image', 'MEM_IMAGE'],
      ['/usr/share/locale/locale-archive', 'MappedFile', 'MEM_MAPPED'],
      ['/lib64/ld-linux-x86-64.so.2', 'Image', 'MEM_IMAGE'],
    ]);
    expect(a.modules.map((m) => [m.path, m.headerInDump, m.buildId])).toEqual([
      ['/opt/app/bin/server', true, '01'],
      ['/usr/lib/libssl.so.3', false, undefined],
      ['/tmp/libgone.so (deleted)', false, undefined],
      ['/lib64/ld-linux-x86-64.so.2', false, undefined],
    ]);
  });

  it('tags /memfd:doublemapper mappings as CLRCode (a named .NET heuristic)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([{ start: 0x7f1000000000n, end: 0x7f1000010000n, path: '/memfd:doublemapper (deleted)' }])
        .load({ vaddr: 0x7f1000000000n, size: 0x10000, flags: 'r-x', filesz: 0 })
        .build(),
    );
    expect(a.regions[0]).toMatchObject({
      kind: 'CLRCode',
      type: 'MEM_MAPPED',
      heuristic: { name: 'dotnet-doublemapper-memfd' },
    });
    expect(a.totals.find((t) => t.kind === 'CLRCode')?.heuristic).toBe(true);
  });
});

describe('vDSO', () => {
  it('tags the region at AT_SYSINFO_EHDR (a fact), the vvar pages below it (a guess), and probes its build-id', async () => {
    const a = await analyzeBytes(sampleCore());
    const vdso = a.regions.find((r) => r.start === SAMPLE.vdso);
    const vvar = a.regions.find((r) => r.start === SAMPLE.vvarStart);
    expect(vdso?.kind).toBe('Vdso');
    expect(vdso?.heuristic).toBeUndefined();
    expect(vvar).toMatchObject({ kind: 'Vdso', heuristic: { name: 'vvar-below-vdso' } });
    expect(a.modules.find((m) => m.path === '[vdso]')).toMatchObject({
      start: SAMPLE.vdso,
      buildId: 'f00d',
      headerInDump: true,
    });
  });

  it('tags the x86_64 vsyscall page by its fixed address', async () => {
    const a = await analyzeBytes(
      coreBuilder().load({ vaddr: 0xffffffffff600000n, size: 0x1000, flags: '--x', filesz: 0 }).build(),
    );
    expect(a.regions[0]?.kind).toBe('Vdso');
  });

  it('does not take a writable or large region below the vDSO for vvar', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_SYSINFO_EHDR, 0x7ffd00000000n]])
        .load({ vaddr: 0x7ffcfff00000n, size: 0x100000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x7ffd00000000n, size: 0x1000, flags: 'r-x' })
        .build(),
    );
    expect(a.regions.map((r) => r.kind)).toEqual(['PAGE_READONLY', 'Vdso']);
    expect(a.modules).toEqual([]); // no ELF header in the vDSO's page: nothing to probe
  });
});

describe('heap', () => {
  it("takes the anonymous rw region after the executable's bss as the brk heap", async () => {
    const a = await analyzeBytes(sampleCore());
    const bss = a.regions.find((r) => r.start === SAMPLE.bssStart);
    const heap = a.regions.find((r) => r.start === SAMPLE.heapStart);
    expect(bss?.kind).toBe('PAGE_READWRITE');
    expect(heap).toMatchObject({ kind: 'Heap', heuristic: { name: 'brk-heap-after-executable' } });
    expect(heap?.heuristic?.evidence).toBe(
      `first anonymous read-write region after ${SAMPLE.exe} (which ends at 0x403000): where brk() places the heap`,
    );
  });

  it('takes a lone rw region flush against the executable as the heap (bss and heap in one)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .file([{ start: 0x400000n, end: 0x401000n, path: '/bin/app' }])
        .load({
          vaddr: 0x400000n,
          size: 0x1000,
          flags: 'r-x',
          data: elfImage({ vaddr: 0x400000n, type: 2, size: 0x1000 }),
        })
        .load({ vaddr: 0x401000n, size: 0x3000 })
        .build(),
    );
    expect(a.regions[1]?.kind).toBe('Heap');
  });

  it('without a name to match, takes the image holding AT_ENTRY for the executable (not the lowest one)', async () => {
    // A library mapped below the executable, and a process name that matches neither file.
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 9, fname: 'renamed', psargs: 'renamed' })
        .auxv([[AT_ENTRY, 0x40000100n]])
        .file([
          { start: 0x10000000n, end: 0x10001000n, path: '/lib/libfirst.so' },
          { start: 0x40000000n, end: 0x40001000n, path: '/opt/app/server' },
        ])
        .load({ vaddr: 0x10000000n, size: 0x1000, flags: 'r-x', data: elfImage({ size: 0x1000 }) })
        .load({ vaddr: 0x10001000n, size: 0x1000 })
        .load({ vaddr: 0x40000000n, size: 0x1000, flags: 'r-x', data: elfImage({ size: 0x1000 }) })
        .load({ vaddr: 0x40001000n, size: 0x1000 })
        .build(),
    );
    expect(a.process.executable).toBe('/opt/app/server');
    expect(a.regions.map((r) => r.kind)).toEqual(['Image', 'PAGE_READWRITE', 'Image', 'Heap']);
  });

  it('finds no heap more than 1 GiB past the executable or past the next file mapping', async () => {
    const far = await analyzeBytes(
      coreBuilder()
        .file([{ start: 0x400000n, end: 0x401000n, path: '/bin/app' }])
        .load({
          vaddr: 0x400000n,
          size: 0x1000,
          flags: 'r-x',
          data: elfImage({ vaddr: 0x400000n, type: 2, size: 0x1000 }),
        })
        .load({ vaddr: 0x400000n + (2n << 30n), size: 0x1000 })
        .build(),
    );
    expect(far.regions.map((r) => r.kind)).toEqual(['Image', 'PAGE_READWRITE']);
    const blocked = await analyzeBytes(
      coreBuilder()
        .file([
          { start: 0x400000n, end: 0x401000n, path: '/bin/app' },
          { start: 0x500000n, end: 0x501000n, path: '/data/x' },
        ])
        .load({
          vaddr: 0x400000n,
          size: 0x1000,
          flags: 'r-x',
          data: elfImage({ vaddr: 0x400000n, type: 2, size: 0x1000 }),
        })
        .load({ vaddr: 0x500000n, size: 0x1000, flags: 'r--' })
        .load({ vaddr: 0x600000n, size: 0x1000 })
        .build(),
    );
    expect(blocked.regions.map((r) => r.kind)).toEqual(['Image', 'MappedFile', 'PAGE_READWRITE']);
  });
});

describe('.NET GC heap', () => {
  function gcCore(o: { coreclr: boolean; reservation: number }) {
    const files = o.coreclr ? [{ start: 0x7f0000000000n, end: 0x7f0000001000n, path: CORECLR }] : [];
    return coreBuilder()
      .file(files)
      .load({ vaddr: 0x7e0000000000n, size: 0x10000 })
      .load({ vaddr: 0x7e0000010000n, size: o.reservation, flags: '---', filesz: 0 })
      .load({ vaddr: 0x7e0000010000n + BigInt(o.reservation), size: 0x2000 })
      .load({ vaddr: 0x7f0000000000n, size: 0x1000, flags: 'r-x', filesz: 0 })
      .build();
  }

  it('tags rw pieces of a >= 256 MiB no-access reservation as GCHeap when libcoreclr.so is mapped', async () => {
    const a = await analyzeBytes(gcCore({ coreclr: true, reservation: 256 * MiB }));
    expect(a.regions.map((r) => r.kind)).toEqual(['GCHeap', '[RESERVED]', 'GCHeap', 'Image']);
    expect(a.regions[0]?.heuristic).toEqual({
      name: 'dotnet-gc-reservation',
      evidence:
        'read-write anonymous memory inside a 256 MiB no-access reservation starting at 0x7e0000000000, in a process that maps libcoreclr.so',
    });
    expect(a.process.runtime).toEqual({
      name: '.NET',
      version: '8.0.11',
      versionFrom: 'path',
      evidence: `maps ${CORECLR}`,
    });
  });

  it('does not without libcoreclr.so, nor for a smaller reservation', async () => {
    const native = await analyzeBytes(gcCore({ coreclr: false, reservation: 256 * MiB }));
    expect(native.regions.map((r) => r.kind)).toEqual([
      'PAGE_READWRITE',
      '[RESERVED]',
      'PAGE_READWRITE',
      'PAGE_EXECUTE_READ',
    ]);
    const small = await analyzeBytes(gcCore({ coreclr: true, reservation: 255 * MiB }));
    expect(small.regions.map((r) => r.kind)).toEqual(['PAGE_READWRITE', '[RESERVED]', 'PAGE_READWRITE', 'Image']);
  });
});

describe("createdump's DIAGINFOHEADER page", () => {
  it('tags the page at 0x7ffffff10000 as DiagInfo and names createdump the producer', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, signal: 6 })
        .load({ vaddr: 0x7ffffff10000n, size: 0x1000, flags: 'r--', data: 'DIAGINFOHEADER\0\x01' })
        .build(),
    );
    expect(a.regions[0]?.kind).toBe('DiagInfo');
    expect(a.dump.producer).toEqual({
      name: 'createdump',
      evidence: 'the DIAGINFOHEADER page createdump adds at 0x7ffffff10000',
    });
  });

  it('ignores that address without the signature', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, signal: 6 })
        .load({ vaddr: 0x7ffffff10000n, size: 0x1000, flags: 'r--', data: 'DIAGINFOHEADEX' })
        .build(),
    );
    expect(a.regions[0]?.kind).toBe('PAGE_READONLY');
    expect(a.dump.producer.name).not.toBe('createdump');
  });
});

describe('other kinds', () => {
  it('names an untagged no-access region [RESERVED] and others by their protection', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .load({ vaddr: 0x10000n, size: 0x1000, flags: '---', filesz: 0 })
        .load({ vaddr: 0x20000n, size: 0x1000, flags: 'rwx' })
        .build(),
    );
    expect(a.regions.map((r) => r.kind)).toEqual(['[RESERVED]', 'PAGE_EXECUTE_READWRITE']);
  });

  it('without thread registers, takes the region holding AT_EXECFN as the main stack (a heuristic)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_EXECFN, 0x7ffc00000f00n]])
        .load({ vaddr: 0x7ffc00000000n, size: 0x1000, at: [[0xf00, '/bin/x\0']] })
        .build(),
    );
    expect(a.regions[0]).toMatchObject({ kind: 'Stack', heuristic: { name: 'auxv-execfn-on-main-stack' } });
    expect(a.regions[0]?.tid).toBeUndefined();
  });
});

describe('gdb gcore cores (every segment written readable)', () => {
  it('takes a small read-only region directly below a stack for its guard (a heuristic) and says why', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 1 })
        .thread({ tid: 1, sp: 0x7f0000102000n })
        .note('GDB', 1, new Uint8Array(8))
        .load({ vaddr: 0x7f0000100000n, size: 0x1000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x7f0000101000n, size: 0x2000 })
        .build(),
    );
    expect(a.dump.producer.name).toBe('gdb gcore');
    expect(a.regions[0]).toMatchObject({ kind: 'StackGuard', tid: 1, heuristic: { name: 'gcore-guard-below-stack' } });
    expect(a.dump.warnings).toContainEqual(
      expect.stringMatching(/^written by gdb's gcore, which marks every segment readable/),
    );
  });

  it('does not take a read-only region below a stack for a guard in a kernel core', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .thread({ tid: 1, signal: 6, sp: 0x7f0000102000n })
        .prpsinfo({ pid: 1 })
        .load({ vaddr: 0x7f0000100000n, size: 0x1000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x7f0000101000n, size: 0x2000 })
        .build(),
    );
    expect(a.dump.producer.name).toBe('kernel');
    expect(a.regions.map((r) => r.kind)).toEqual(['PAGE_READONLY', 'Stack']);
  });
});

describe('vvar pages (one mapping before Linux 6.x, then [vvar] and [vvar_vclock])', () => {
  it('tags every read-only piece directly below the vDSO within 64 KiB', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .auxv([[AT_SYSINFO_EHDR, 0x7ffd00000000n]])
        .load({ vaddr: 0x7ffcffff8000n, size: 0x2000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x7ffcffffa000n, size: 0x4000, flags: 'r--', filesz: 0 })
        .load({ vaddr: 0x7ffcffffe000n, size: 0x2000, flags: '---', filesz: 0 })
        .load({ vaddr: 0x7ffd00000000n, size: 0x2000, flags: 'r-x', data: elfImage() })
        .build(),
    );
    expect(a.regions.map((r) => [r.kind, r.heuristic?.name])).toEqual([
      ['Vdso', 'vvar-below-vdso'],
      ['Vdso', 'vvar-below-vdso'],
      ['Vdso', 'vvar-below-vdso'],
      ['Vdso', undefined],
    ]);
  });
});
