/**
 * glibc malloc arena heaps (src/core/model/glibc-heaps.ts): a HEAP_MAX_SIZE-aligned anonymous region that starts
 * with a heap_info, and the anonymous regions of its reservation, are Heap under heuristic glibc-arena-heap-info.
 */
import { describe, expect, it } from 'vitest';
import { parseHeapInfo } from '../../src/core/model/glibc-heaps';
import { coreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';

const MiB = 1024 * 1024;
const BASE = 0x7f0004000000n; // 64 MiB-aligned
const LE64 = { bits: 64, endian: 'little' } as const;

/** heap_info's first words as glibc writes them (ar_ptr, prev, size, mprotect_size, pagesize), in the given shape. */
function heapInfo(words: readonly bigint[], shape: { bits: 32 | 64; endian: 'little' | 'big' } = LE64): Uint8Array {
  const size = shape.bits / 8;
  const bytes = new Uint8Array(words.length * size);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    if (shape.bits === 64) view.setBigUint64(i * size, w, shape.endian === 'little');
    else view.setUint32(i * size, Number(w), shape.endian === 'little');
  });
  return bytes;
}

describe('parseHeapInfo', () => {
  it("takes an arena's first heap: its malloc_state right after the header, no previous heap", () => {
    const h = parseHeapInfo(heapInfo([BASE + 0x30n, 0n, 0x21000n, 0x21000n, 0x1000n]), BASE, LE64);
    expect(h).toEqual({
      base: BASE,
      end: BASE + 64n * BigInt(MiB),
      arena: BASE + 0x30n,
      size: 0x21000,
      mprotectSize: 0x21000,
      first: true,
    });
  });

  it('takes a further heap of an arena: prev is another aligned heap, ar_ptr points into the first one', () => {
    const first = BASE + 0x0c000000n;
    const h = parseHeapInfo(heapInfo([first + 0x30n, first, 0x21b3000n, 0x21b3000n]), BASE, LE64);
    expect(h).toMatchObject({ base: BASE, arena: first + 0x30n, first: false });
  });

  it('takes a 32-bit heap in its 1 MiB window, in either byte order', () => {
    const base = 0xb7600000n;
    for (const endian of ['little', 'big'] as const) {
      const shape = { bits: 32, endian } as const;
      expect(parseHeapInfo(heapInfo([base + 0x10n, 0n, 0x21000n, 0x21000n], shape), base, shape)).toMatchObject({
        end: base + BigInt(MiB),
        first: true,
      });
    }
  });

  it('refuses words that are not a heap_info', () => {
    const reject = (words: bigint[]) => expect(parseHeapInfo(heapInfo(words), BASE, LE64)).toBeUndefined();
    reject([0n, 0n, 0n, 0n]); // zeros: an untouched mapping
    reject([BASE + 0x30n, 0n, 0x21001n, 0x22000n]); // size not page-aligned
    reject([BASE + 0x30n, 0n, 0x22000n, 0x21000n]); // more in use than made read-write
    reject([BASE + 0x30n, 0n, 0x4001000n, 0x4001000n]); // larger than the reservation
    reject([BASE + 0x2000n, 0n, 0x21000n, 0x21000n]); // ar_ptr too far from a header
    reject([BASE + 0x0c000030n, 0n, 0x21000n, 0x21000n]); // first heap whose arena is elsewhere
    reject([BASE + 0x30n, BASE + 0x0c000000n, 0x21000n, 0x21000n]); // further heap whose arena is its own
    reject([BASE + 0x0c000030n, BASE + 0x123n, 0x21000n, 0x21000n]); // prev not a heap's start
  });
});

describe('arena heaps in a core', () => {
  /** An arena's first heap: 132 KiB read-write (heap_info at its start) and the rest of the 64 MiB no-access. */
  function arenaCore(o: { info: Uint8Array; tailPastWindow?: boolean }): Uint8Array {
    const rw = 0x21000;
    return coreBuilder()
      .thread({ tid: 1, signal: 6, sp: 0x7ffc0000f000n })
      .load({ vaddr: BASE, size: rw, data: o.info })
      .load({
        vaddr: BASE + BigInt(rw),
        size: 64 * MiB - rw + (o.tailPastWindow ? 0x1000 : 0),
        flags: '---',
        filesz: 0,
      })
      .load({ vaddr: 0x7ffc00000000n, size: 0x10000 })
      .build();
  }

  it('tags the read-write part and the reservation Heap, with the evidence', async () => {
    const a = await analyzeBytes(arenaCore({ info: heapInfo([BASE + 0x30n, 0n, 0x21000n, 0x21000n, 0x1000n]) }));
    expect(a.regions.map((r) => [r.kind, r.state])).toEqual([
      ['Heap', 'MEM_COMMIT'],
      ['Heap', 'MEM_RESERVE'],
      ['Stack', 'MEM_COMMIT'],
    ]);
    expect(a.regions[1]?.heuristic).toEqual({
      name: 'glibc-arena-heap-info',
      evidence:
        'inside the 64 MiB reservation at 0x7f0004000000, which starts with a glibc heap_info: arena 0x7f0004000030 (its malloc_state follows the header), 132.00 KiB in use',
    });
    expect(a.totals.find((t) => t.kind === 'Heap')).toMatchObject({ count: 2, size: 64 * MiB, heuristic: true });
  });

  it('in a gcore (the tail written readable), makes the tail past mprotect_size MEM_RESERVE / PAGE_NOACCESS', async () => {
    const gcore = (mprotect: bigint) =>
      coreBuilder()
        .prpsinfo({ pid: 1 })
        .thread({ tid: 1, sp: 0x7ffc0000f000n })
        .note('GDB', 1, new Uint8Array(8))
        .load({ vaddr: BASE, size: 0x21000, data: heapInfo([BASE + 0x30n, 0n, 0x21000n, mprotect]) })
        .load({ vaddr: BASE + 0x21000n, size: 64 * MiB - 0x21000, flags: 'r--', filesz: 0x1000 })
        .load({ vaddr: 0x7ffc00000000n, size: 0x10000 })
        .build();
    const a = await analyzeBytes(gcore(0x21000n));
    expect(a.dump.producer.name).toBe('gdb gcore');
    expect(a.regions.map((r) => [r.kind, r.state, r.protect])).toEqual([
      ['Heap', 'MEM_COMMIT', 'PAGE_READWRITE'],
      ['Heap', 'MEM_RESERVE', 'PAGE_NOACCESS'],
      ['Stack', 'MEM_COMMIT', 'PAGE_READWRITE'],
    ]);
    expect(a.regions[1]?.heuristic?.evidence).toMatch(
      /past its mprotect_size \(132.00 KiB, ending at 0x7f0004021000\) the reservation is no-access, which gcore writes readable$/,
    );
    // mprotect_size reaching into the tail: that part was made accessible, so it stays as written.
    const b = await analyzeBytes(gcore(0x22000n));
    expect(b.regions[1]).toMatchObject({ kind: 'Heap', state: 'MEM_COMMIT', protect: 'PAGE_READONLY' });
  });

  it('leaves an aligned region without a heap_info, and a region reaching past the window, as they were', async () => {
    const plain = await analyzeBytes(arenaCore({ info: new Uint8Array(64) }));
    expect(plain.regions.map((r) => r.kind)).toEqual(['PAGE_READWRITE', '[RESERVED]', 'Stack']);
    const merged = await analyzeBytes(
      arenaCore({ info: heapInfo([BASE + 0x30n, 0n, 0x21000n, 0x21000n]), tailPastWindow: true }),
    );
    expect(merged.regions.map((r) => r.kind)).toEqual(['Heap', '[RESERVED]', 'Stack']);
  });
});
