/**
 * Hostile and damaged input: every run must finish quickly with bounded reads, and either resolve (with warnings)
 * or reject with a DumpError. Anything else thrown (TypeError, RangeError, …) is an engine bug.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { isDumpError } from '../../src/core/errors';
import type { ByteSource } from '../../src/core/io/byte-source';
import type { Analysis } from '../../src/core/types';
import { NT_PRPSINFO, PT_LOAD, PT_NOTE, coreBuilder, elfImage, truncate } from '../helpers/core-builder';
import { ByteWriter } from '../helpers/byte-writer';
import { outcome } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';
import { ShrinkingSource, SparseSource } from '../helpers/sparse-source';
import { prng } from './scan-layout';

/** Runs the engine with a time limit; returns the analysis, or undefined when it was rejected with a DumpError. */
async function survive(input: Uint8Array | ByteSource, limitMs = 500): Promise<Analysis | undefined> {
  const started = performance.now();
  let result: Analysis | undefined;
  if (input instanceof Uint8Array) {
    result = (await outcome(input)).analysis;
  } else {
    try {
      result = await analyzeCore(input);
    } catch (e) {
      if (!isDumpError(e)) throw e;
    }
  }
  expect(performance.now() - started).toBeLessThan(limitMs);
  // Parsers that promise never to throw (prstatus) turn an internal exception into this warning: still a bug.
  expect(result?.dump.warnings.filter((w) => w.includes('internal error')) ?? []).toEqual([]);
  return result;
}

/** The sample core's program header table and notes end here; cuts inside it exercise every parser's bounds. */
function headerEnd(core: Uint8Array): number {
  const v = new DataView(core.buffer, core.byteOffset);
  const loadOffset = Number(v.getBigUint64(64 + 56 + 8, true)); // p_offset of the first PT_LOAD (the executable)
  return loadOffset + 0x200; // and its ELF header, program headers and build-id note
}

describe('truncation of a realistic core', () => {
  const core = sampleCore();
  const end = headerEnd(core);
  const cuts = new Set<number>();
  for (let at = 0; at <= end; at++) cuts.add(at);
  for (let at = end; at < core.length; at += 61) cuts.add(at);
  cuts.add(core.length - 1);

  it(`survives a cut at every offset of the headers and notes, and every 61 bytes after (${cuts.size} cuts)`, async () => {
    let rejected = 0;
    for (const at of cuts) {
      const bytes = truncate(core, at);
      const result = await outcome(bytes);
      if (result.error !== undefined) {
        // Only a file too short for the ELF header (or with no room for a program header) is not a core.
        expect(at, `cut at ${at}: ${result.error.message}`).toBeLessThanOrEqual(64);
        rejected++;
        continue;
      }
      const a = result.analysis;
      expect(a).toBeDefined();
      if (a === undefined) continue;
      for (const r of a.regions) {
        expect(r.inDump).toBeLessThanOrEqual(r.size);
        if (r.inDump > 0) expect(r.dumpOffset + r.inDump).toBeLessThanOrEqual(at);
      }
      if (a.regions.some((r) => r.truncated))
        expect(a.dump.warnings.some((w) => w.startsWith('the dump is truncated'))).toBe(true);
      expect(a.dump.bytesRead).toBeLessThanOrEqual(64 * 1024);
    }
    expect(rejected).toBe(65);
  });

  it('keeps everything before the cut: all notes once the cut is past them', async () => {
    const a = await survive(truncate(core, headerEnd(core)));
    expect(a?.threads.map((t) => t.tid)).toEqual([SAMPLE.crashedTid, SAMPLE.otherTid]);
    expect(a?.process.pid).toBe(SAMPLE.pid);
    expect(a?.regions.filter((r) => r.truncated).length).toBeGreaterThan(5);
  });
});

describe('random bytes behind a valid header', () => {
  const core = sampleCore();

  it('survives random bytes after a valid ELF core header (300 seeds)', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const tail = Uint8Array.from({ length: Math.floor(rand() * 4096) }, () => Math.floor(rand() * 256));
      const bytes = new Uint8Array(64 + tail.length);
      bytes.set(core.subarray(0, 64));
      bytes.set(tail, 64);
      await survive(bytes);
    }
  });

  it('survives random bytes written over the program headers and notes (300 seeds)', async () => {
    const end = headerEnd(core);
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const bytes = core.slice();
      const flips = 1 + Math.floor(rand() * 32);
      for (let i = 0; i < flips; i++) bytes[64 + Math.floor(rand() * (end - 64))] = Math.floor(rand() * 256);
      await survive(bytes);
    }
  });

  it('survives random note segments, 32- and 64-bit, both endians (200 seeds)', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed);
      const bits = rand() < 0.5 ? 32 : 64;
      const endian = rand() < 0.5 ? 'little' : 'big';
      const junk = Uint8Array.from({ length: Math.floor(rand() * 2048) }, () =>
        rand() < 0.7 ? 0 : Math.floor(rand() * 256),
      );
      const b = coreBuilder({ bits, endian })
        .thread({ tid: seed })
        .noteBytes(junk)
        .load({ vaddr: 0x10000n, size: 0x1000 });
      await survive(b.build());
    }
  });
  it('survives NT_PRSTATUS of every size for every machine with a known layout', async () => {
    const machines = [2, 3, 4, 8, 15, 18, 20, 21, 22, 40, 43, 62, 183, 243, 258, 0x9026, 999];
    for (const machine of machines) {
      for (const bits of [32, 64] as const) {
        for (let size = 0; size <= 1200; size += 7) {
          const desc = Uint8Array.from({ length: size }, (_, i) => (i * 37 + size) & 0xff);
          await survive(
            coreBuilder({ bits, machine, endian: machine % 2 === 0 ? 'big' : 'little' })
              .note('CORE', 1, desc)
              .build(),
          );
        }
      }
    }
  }, 60_000);

  it('survives random NetBSD/OpenBSD notes of every type and size (300 seeds)', async () => {
    const owners = ['NetBSD-CORE', 'NetBSD-CORE@1', 'NetBSD-CORE@65535', 'OpenBSD'];
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const bits = rand() < 0.5 ? 32 : 64;
      const b = coreBuilder({
        bits,
        endian: rand() < 0.5 ? 'little' : 'big',
        machine: [62, 183, 3, 2, 43, 8][seed % 6],
      });
      for (let n = 0; n < 1 + Math.floor(rand() * 5); n++) {
        const desc = Uint8Array.from({ length: Math.floor(rand() * 600) }, () =>
          rand() < 0.6 ? 0 : Math.floor(rand() * 256),
        );
        b.note(owners[Math.floor(rand() * owners.length)] ?? 'OpenBSD', Math.floor(rand() * 40), desc);
      }
      await survive(b.load({ vaddr: 0x10000n, size: 0x1000 }).build());
    }
  });
});

describe('absurd counts and sizes', () => {
  it('e_phnum 65534 in a tiny file: keeps the headers that fit', async () => {
    const a = await survive(
      coreBuilder({ header: { phnum: 65534 } })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    expect(a?.dump.warnings.some((w) => /^the file is truncated: it holds \d+ of 65534 program headers$/.test(w))).toBe(
      true,
    );
  });

  it('e_phnum 65535 (PN_XNUM) in a tiny file without section header 0: rejected', async () => {
    expect(
      await survive(
        coreBuilder({ header: { phnum: 65535 } })
          .load({ vaddr: 0x1000n, size: 0x10 })
          .build(),
      ),
    ).toBeUndefined();
  });

  it('PN_XNUM count 2^32-1 in a huge sparse file: bounded reads, no oversized read', async () => {
    const core = coreBuilder({ xnum: 'start', section0: { info: 0xffffffff } })
      .load({ vaddr: 0x1000n, size: 0x10 })
      .build();
    const source = new SparseSource(core, 2 ** 50);
    const a = await survive(source, 3000);
    expect(a?.dump.warnings.some((w) => /program headers/.test(w))).toBe(true);
    expect(source.largestRead).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it('a program header table cut short by a shrinking file', async () => {
    const core = coreBuilder().load({ vaddr: 0x1000n, size: 0x10 }).load({ vaddr: 0x2000n, size: 0x10 }).build();
    const a = await survive(new ShrinkingSource(core, core.length, 64 + 56 + 10));
    expect(a?.dump.programHeaders).toBe(1);
  });

  it.each([
    ['p_filesz 2^63', { filesz: 1n << 63n, memsz: 0x1000n, offset: 0x100n }],
    ['p_memsz 2^63', { filesz: 0x10n, memsz: 1n << 63n, offset: 0x100n }],
    ['p_memsz 2^64-1', { filesz: 0n, memsz: (1n << 64n) - 1n, offset: 0n }],
    ['p_offset 2^63', { filesz: 0x1000n, memsz: 0x1000n, offset: 1n << 63n }],
    ['p_offset 2^53-1', { filesz: 0x1000n, memsz: 0x1000n, offset: 2n ** 53n - 1n }],
  ])('a PT_LOAD with %s', async (_name, p) => {
    const a = await survive(
      coreBuilder()
        .thread({ tid: 1, sp: 0x10000n })
        .phdr({ type: PT_LOAD, flags: 6, vaddr: 0x10000n, ...p })
        .build(),
    );
    expect(a?.regions.length).toBe(1);
    expect(a?.regions[0]?.inDump).toBeLessThanOrEqual(0x1000);
  });

  it.each([
    ['p_filesz 2^63', { offset: 0x40n, filesz: 1n << 63n }],
    ['p_offset 2^63', { offset: 1n << 63n, filesz: 0x100n }],
    ['p_offset past EOF', { offset: 0x100000n, filesz: 0x100n }],
  ])('a PT_NOTE with %s', async (_name, p) => {
    const a = await survive(
      coreBuilder()
        .thread({ tid: 1 })
        .phdr({ type: PT_NOTE, memsz: 0, ...p })
        .build(),
    );
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
  });

  it.each([
    ['count 2^40', { count: 1n << 40n }],
    ['count 2^64-1', { count: (1n << 64n) - 1n }],
    ['count 2^53+1', { count: 2n ** 53n + 1n }],
  ])('NT_FILE with %s', async (_name, o) => {
    const a = await survive(
      coreBuilder()
        .file([{ start: 0x1000n, end: 0x2000n, path: '/x' }], o)
        .build(),
    );
    expect(a?.files).toEqual([]);
  });

  it('NT_FILE count 0xffffffff in a 32-bit core', async () => {
    const a = await survive(
      coreBuilder({ bits: 32 })
        .file([{ start: 0x1000n, end: 0x2000n, path: '/x' }], { count: 0xffffffff })
        .build(),
    );
    expect(a?.files).toEqual([]);
  });

  it('NT_FILE with start > end, overlapping entries, and an entry spanning the address space', async () => {
    const a = await survive(
      coreBuilder()
        .file([
          { start: 0x5000n, end: 0x1000n, path: '/backwards' },
          { start: 0x1000n, end: 0x3000n, path: '/a' },
          { start: 0x2000n, end: 0x4000n, path: '/b' },
          { start: 0x1000n, end: 0x3000n, path: '/a-again' },
          { start: 0n, end: (1n << 64n) - 1n, path: '/everything' },
        ])
        .load({ vaddr: 0x2000n, size: 0x1000 })
        .build(),
    );
    expect(a).toBeDefined();
    const regions = a?.regions ?? [];
    // However NT_FILE overlaps, regions stay sorted and disjoint, so no byte is counted twice.
    for (let i = 1; i < regions.length; i++)
      expect((regions[i - 1]?.end ?? 0n) <= (regions[i]?.start ?? 0n)).toBe(true);
  });

  it.each([
    ['namesz', { namesz: 0xffffffff }],
    ['descsz', { descsz: 0xffffffff }],
    ['namesz and descsz', { namesz: 0xffffffff, descsz: 0xffffffff }],
    ['descsz 0xfffffffd (wraps when padded in 32 bits)', { descsz: 0xfffffffd }],
  ])('a note with %s 0xffffffff', async (_name, o) => {
    const a = await survive(
      coreBuilder().thread({ tid: 1 }).note('CORE', NT_PRPSINFO, new Uint8Array(136), o).thread({ tid: 2 }).build(),
    );
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
    expect(a?.dump.warnings.some((w) => w.includes('overruns its segment'))).toBe(true);
  });

  it('a PT_NOTE whose p_filesz is larger than the notes and the file', async () => {
    const core = coreBuilder().thread({ tid: 1 }).build();
    const v = new DataView(core.buffer);
    v.setBigUint64(64 + 32, 0x100000n, true); // p_filesz of the PT_NOTE
    const a = await survive(core);
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
    expect(a?.dump.warnings.some((w) => w.includes('cut short by the end of the file'))).toBe(true);
  });

  it('a 1 MiB note segment of zeros ending in one non-zero byte (no quadratic rescans)', async () => {
    const zeros = new Uint8Array(1024 * 1024);
    zeros[zeros.length - 1] = 1;
    const a = await survive(coreBuilder().thread({ tid: 1 }).noteBytes(zeros).build(), 1000);
    expect(a?.threads).toHaveLength(1);
  });
});

describe('offset loops and self-references', () => {
  it('e_shoff pointing into the ELF header itself', async () => {
    const a = await survive(
      coreBuilder({ xnum: 'start', header: { shoff: 40 } })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    // Section header 0 read from offset 40 overlaps the ELF header's tail and the real section header 0: its
    // sh_info (file offset 84) lands in the real header's zero sh_addr, so the count is 0 — no loop, no segments.
    expect(a?.dump.programHeaders).toBe(0);
    expect(a?.dump.warnings).toContain(
      'the core holds no memory segments (no PT_LOAD): only process facts and threads can be shown',
    );
  });

  it('e_phoff 0: the program header table overlaps the ELF header', async () => {
    const a = await survive(
      coreBuilder({ header: { phoff: 0 } })
        .thread({ tid: 1 })
        .load({ vaddr: 0x1000n, size: 0x10 })
        .build(),
    );
    expect(a?.dump.programHeaders).toBe(2);
  });

  it('e_phoff past the end of the file: rejected with a DumpError', async () => {
    expect(
      await survive(
        coreBuilder({ header: { phoff: 1n << 40n } })
          .thread({ tid: 1 })
          .build(),
      ),
    ).toBeUndefined();
  });

  it('a PT_NOTE pointing at the program header table, and one pointing at the ELF header', async () => {
    const a = await survive(
      coreBuilder()
        .thread({ tid: 1 })
        .phdr({ type: PT_NOTE, offset: 64, filesz: 56 * 3, memsz: 0 })
        .phdr({ type: PT_NOTE, offset: 0, filesz: 64, memsz: 0 })
        .build(),
    );
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
  });

  it('thousands of PT_NOTEs all pointing at the same notes are read once', async () => {
    const b = coreBuilder().thread({ tid: 1 }).prpsinfo({ pid: 1 });
    const noteOffset = 64 + 56 * 4001; // the builder's own PT_NOTE comes first, then the 4000 raw ones
    for (let i = 0; i < 4000; i++)
      b.phdr({ type: PT_NOTE, offset: noteOffset, filesz: 12 + 8 + 336 + 12 + 8 + 136, memsz: 0 });
    const a = await survive(b.build());
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
    expect(a?.dump.notes).toHaveLength(2);
    expect(a?.dump.warnings.some((w) => /PT_NOTE/.test(w))).toBe(true);
  });

  it('thousands of PT_NOTEs over a large note segment in a sparse file stay within the read budget', async () => {
    const b = coreBuilder().thread({ tid: 1 });
    for (let i = 0; i < 2000; i++)
      b.phdr({ type: PT_NOTE, offset: 0x100000 + i * 4, filesz: 64 * 1024 * 1024, memsz: 0 });
    const source = new SparseSource(b.build(), 2 ** 40);
    const a = await survive(source, 5000);
    expect(a?.threads.map((t) => t.tid)).toEqual([1]);
    expect(source.bytesRead).toBeLessThanOrEqual(300 * 1024 * 1024);
  });

  it('PT_LOADs and NT_FILE entries all pointing at the same module image (module probing is bounded)', async () => {
    // One image whose program header table is 1100 PT_NOTEs, each covering the same 60 KiB.
    const image = hostileImage();
    const b = coreBuilder();
    const files = [];
    for (let i = 0; i < 400; i++) {
      const start = 0x10000000n + BigInt(i) * 0x100000n;
      files.push({ start, end: start + 0x10000n, path: `/lib/l${i}.so` });
      if (i === 0) b.load({ vaddr: start, size: 0x10000, flags: 'r-x', data: image });
      else b.phdr({ type: PT_LOAD, flags: 5, offset: 0, vaddr: start, filesz: 0x10000, memsz: 0x10000 });
    }
    const core = b.file(files).build();
    // Point every raw PT_LOAD at the first one's bytes.
    const firstLoadOffset = Number(new DataView(core.buffer).getBigUint64(64 + 56 + 8, true));
    for (let i = 2; i < 401; i++)
      new DataView(core.buffer).setBigUint64(64 + i * 56 + 8, BigInt(firstLoadOffset), true);
    const started = performance.now();
    const a = await survive(core, 3000);
    expect(a?.modules).toHaveLength(400);
    expect(a?.dump.bytesRead).toBeLessThanOrEqual(128 * 1024 * 1024);
    expect(a?.dump.warnings).toContain(
      `module probing stopped after ${64 * 1024 * 1024} bytes: some modules' program headers and build-ids were not read`,
    );
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a module image cut inside its ELF header (52–63 bytes in the dump)', async () => {
    for (const filesz of [52, 54, 56, 57, 58, 63]) {
      const a = await survive(
        coreBuilder()
          .file([{ start: 0x10000n, end: 0x11000n, path: '/lib/x.so' }])
          .load({ vaddr: 0x10000n, size: 0x1000, filesz, flags: 'r-x', data: elfImage({ buildId: 'ab' }) })
          .build(),
      );
      expect(a?.modules.map((m) => m.path)).toEqual(['/lib/x.so']);
    }
  });

  it('AT_EXECFN and AT_SYSINFO_EHDR pointing at the top of the address space', async () => {
    const a = await survive(
      coreBuilder()
        .auxv([
          [31, (1n << 64n) - 1n],
          [33, (1n << 64n) - 8n],
        ])
        .load({ vaddr: 0xfffffffffffff000n, size: 0x1000 })
        .build(),
    );
    expect(a?.process.executable).toBeUndefined();
  });
});

/** An ELF image whose program header table (60 KiB) is all PT_NOTEs over the same 60 KiB: a probing amplifier. */
function hostileImage(): Uint8Array {
  const phnum = 1100;
  const w = new ByteWriter(0x10000, 'little', 64);
  w.put(0, '\x7fELF').u8(4, 2).u8(5, 1).u8(6, 1).u16(16, 3).u16(18, 62).u64(32, 64).u16(54, 56).u16(56, phnum);
  for (let i = 0; i < phnum; i++)
    w.u32(64 + i * 56, PT_NOTE)
      .u64(64 + i * 56 + 16, 0)
      .u64(64 + i * 56 + 40, 0xf000);
  return w.bytes;
}
