/**
 * Images of a core without NT_FILE, from the process's own records (src/core/model/link-map.ts): the executable
 * at AT_PHDR and the objects on the dynamic linker's link map (r_debug through DT_DEBUG). Real cores and the
 * corpus (eu-unstrip as the oracle) check the same against reality; these pin the mechanics and the bad cases.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../helpers/byte-writer';
import { AT_ENTRY, AT_PHDR, AT_PHNUM, ET_EXEC, coreBuilder, elfImage, type CoreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';
import { prng } from './scan-layout';

const DT_DEBUG = 21;
const LIB = 0x7f0000000000n;
const LIB_PATH = '/usr/lib/libdemo.so.1';

/** The executable's data page: its dynamic section, r_debug, two link_maps (the library's `next` is given) and names. */
function dataPage(o: { libNext: bigint; dtDebug?: bigint }): Uint8Array {
  const w = new ByteWriter(0x2000, 'little', 64);
  w.u64(0x0, DT_DEBUG).u64(0x8, o.dtDebug ?? 0x402000n); // dynamic section at 0x401000
  w.u32(0x1000, 1).u64(0x1008, 0x402100n); // r_debug: r_version, r_map
  w.u64(0x1100, 0).u64(0x1108, 0x402800n).u64(0x1110, 0x401000n).u64(0x1118, 0x402200n); // the executable
  w.u64(0x1200, LIB)
    .u64(0x1208, 0x402810n)
    .u64(0x1210, LIB + 0x1000n)
    .u64(0x1218, o.libNext); // the library
  w.put(0x1810, `${LIB_PATH}\0`);
  return w.bytes;
}

function linkMapCore(o: { libNext: bigint; dtDebug?: bigint }): CoreBuilder {
  return coreBuilder()
    .thread({ tid: 7, signal: 11, sp: 0x7ffc00008000n })
    .auxv([
      [AT_PHDR, 0x400040n],
      [AT_PHNUM, 3n],
    ])
    .load({
      vaddr: 0x400000n,
      size: 0x1000,
      flags: 'r-x',
      data: elfImage({ type: ET_EXEC, vaddr: 0x400000n, size: 0x1000, dynamic: 0x401000n, buildId: 'e0e0' }),
    })
    .load({ vaddr: 0x401000n, size: 0x2000, data: dataPage(o) })
    .load({
      vaddr: LIB,
      size: 0x1000,
      flags: 'r-x',
      data: elfImage({ buildId: '11aa', size: 0x2000, dynamic: 0x1000n }),
    })
    .load({ vaddr: LIB + 0x1000n, size: 0x1000 })
    .load({ vaddr: 0x7ffc00000000n, size: 0x10000 });
}

describe('images without NT_FILE', () => {
  it('places the executable (AT_PHDR) and the objects on the link map, as heuristic image-without-nt-file', async () => {
    // The library's l_next points back at itself: the walk must end there, not loop.
    const a = await analyzeBytes(linkMapCore({ libNext: 0x402200n }).build());
    expect(a.modules.map((m) => [m.path, m.start, m.buildId])).toEqual([
      ['[exe]', 0x400000n, 'e0e0'],
      [LIB_PATH, LIB, '11aa'],
    ]);
    expect(a.regions.map((r) => [r.kind, r.image])).toEqual([
      ['Image', '[exe]'],
      ['Heap', undefined], // the executable's data page here: the brk heuristic's first anonymous rw region after it
      ['Image', LIB_PATH],
      ['Image', LIB_PATH],
      ['Stack', undefined],
    ]);
    expect(a.regions[2]?.heuristic).toEqual({
      name: 'image-without-nt-file',
      evidence: `no NT_FILE note: ${LIB_PATH} is on the dynamic linker's link map (r_debug at 0x402000), and this range is one of its PT_LOADs`,
    });
    expect(a.files).toEqual([]); // the Analysis's files stay NT_FILE's own
    expect(a.dump.warnings).toContain(
      "no usable NT_FILE note: 2 loaded ELF image(s) are named from the process's own records (the dynamic linker's link map at 0x402000 lists 2 objects) and placed by their program headers; other file mappings cannot be told from anonymous memory",
    );
  });

  it('with r_debug not filled in (DT_DEBUG 0) or pointing nowhere, places the executable alone', async () => {
    for (const dtDebug of [0n, 0x900000n]) {
      const a = await analyzeBytes(linkMapCore({ libNext: 0n, dtDebug }).build());
      expect(a.modules.map((m) => m.path)).toEqual(['[exe]']);
      expect(a.regions[2]?.kind).toBe('PAGE_EXECUTE_READ');
    }
  });

  it('finds the executable by its entry point in a dumped copy of its first page when AT_PHDR was not dumped', async () => {
    // A small executable maps its file's first page twice; here only the second mapping's bytes are in the dump.
    const header = elfImage({ type: ET_EXEC, vaddr: 0x400000n, size: 0x1000, entry: 0x400100n });
    const core = (entry: bigint) =>
      coreBuilder()
        .auxv([
          [AT_PHDR, 0x400040n],
          [AT_PHNUM, 1n],
          [AT_ENTRY, entry],
        ])
        .load({ vaddr: 0x400000n, size: 0x1000, flags: 'r-x', filesz: 0 })
        .load({ vaddr: 0x401000n, size: 0x1000, flags: 'r--', data: header })
        .build();
    const a = await analyzeBytes(core(0x400100n));
    expect(a.regions[0]).toMatchObject({ kind: 'Image', image: '[exe]', heuristic: { name: 'image-without-nt-file' } });
    // Another entry point: that header is not the executable's.
    const other = await analyzeBytes(core(0x400200n));
    expect(other.regions[0]?.image).toBeUndefined();
  });

  it('a link map running into unreadable memory ends there', async () => {
    const a = await analyzeBytes(linkMapCore({ libNext: 0x123456789000n }).build());
    expect(a.modules.map((m) => m.path)).toEqual(['[exe]', LIB_PATH]);
  });

  it("survives corrupt records: any word of the executable's headers, dynamic section, r_debug or link_maps", async () => {
    const good = linkMapCore({ libNext: 0n }).build();
    const rand = prng(11);
    for (let round = 0; round < 200; round++) {
      const bytes = good.slice();
      // Overwrite a few 8-byte words of the first four loads (the last 0x15000 bytes of the file, the stack last)
      // with random values, all-ones or small numbers.
      for (let k = 0; k < 3; k++) {
        const at = bytes.length - 0x15000 + Math.floor(rand() * (0x4000 / 8)) * 8;
        const value =
          [BigInt(Math.floor(rand() * 2 ** 32)) * 0x10001n, 0xffffffffffffffffn, BigInt(Math.floor(rand() * 64))][
            k % 3
          ] ?? 0n;
        new DataView(bytes.buffer).setBigUint64(at, value & 0xffffffffffffffffn, true);
      }
      const a = await analyzeBytes(bytes);
      expect(a.regions.length).toBeGreaterThan(0);
    }
  });
});
