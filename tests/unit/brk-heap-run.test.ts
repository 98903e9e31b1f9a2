/**
 * The brk heap split into several mappings (heuristic brk-heap-after-executable, classify.ts): a program that
 * mprotect()s pages inside its brk memory makes the kernel list [heap] as a run of adjacent anonymous mappings,
 * read-write and no-access in turn. Every piece is Heap; holes are MEM_RESERVE (a kernel core) or read-only (gcore).
 */
import { describe, expect, it } from 'vitest';
import { coreBuilder, elfImage, type CoreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';

const HEAP = 0x500000n;

/** /bin/app at 0x400000, then `pieces` from HEAP on: [offset, size, perms]; a gcore when `gcore`. */
function brkCore(pieces: readonly (readonly [number, number, string])[], gcore = false): Uint8Array {
  let b: CoreBuilder = coreBuilder()
    .prpsinfo({ pid: 1 })
    .thread({ tid: 1, ...(gcore ? {} : { signal: 6 }) })
    .file([{ start: 0x400000n, end: 0x401000n, path: '/bin/app' }])
    .load({
      vaddr: 0x400000n,
      size: 0x1000,
      flags: 'r-x',
      data: elfImage({ vaddr: 0x400000n, type: 2, size: 0x1000 }),
    });
  if (gcore) b = b.note('GDB', 1, new Uint8Array(8));
  for (const [offset, size, flags] of pieces)
    b = b.load({ vaddr: HEAP + BigInt(offset), size, flags, ...(flags === '---' ? { filesz: 0 } : {}) });
  return b.build();
}

const kinds = (a: Awaited<ReturnType<typeof analyzeBytes>>) => a.regions.slice(1).map((r) => `${r.kind} ${r.state}`);

describe('brk heap split into several mappings', () => {
  it('tags every adjacent piece Heap, holes MEM_RESERVE, each with evidence naming the adjacency (kernel core)', async () => {
    const a = await analyzeBytes(
      brkCore([
        [0, 0x7000, 'rw-'],
        [0x7000, 0x1000, '---'],
        [0x8000, 0x3000, 'rw-'],
        [0xb000, 0x1000, '---'],
        [0xc000, 0x11000, 'rw-'],
      ]),
    );
    expect(kinds(a)).toEqual([
      'Heap MEM_COMMIT',
      'Heap MEM_RESERVE',
      'Heap MEM_COMMIT',
      'Heap MEM_RESERVE',
      'Heap MEM_COMMIT',
    ]);
    expect(a.regions.slice(1).every((r) => r.heuristic?.name === 'brk-heap-after-executable')).toBe(true);
    expect(a.regions[2]?.heuristic?.evidence).toBe(
      'anonymous no-access hole adjacent to the brk heap piece before it (no gap), in the run that starts at 0x500000 after /bin/app: brk memory the program split with mprotect()',
    );
    expect(a.regions[3]?.heuristic?.evidence).toMatch(
      /^anonymous read-write piece adjacent to the brk heap piece before it \(no gap\)/,
    );
  });

  it('stops at a gap, at a trailing hole, and at a no-access region too big to be a hole in brk memory', async () => {
    const gap = await analyzeBytes(
      brkCore([
        [0, 0x1000, 'rw-'],
        [0x2000, 0x1000, 'rw-'],
      ]),
    );
    expect(kinds(gap)).toEqual(['Heap MEM_COMMIT', 'PAGE_READWRITE MEM_COMMIT']);
    const trailing = await analyzeBytes(
      brkCore([
        [0, 0x1000, 'rw-'],
        [0x1000, 0x1000, '---'],
      ]),
    );
    expect(kinds(trailing)).toEqual(['Heap MEM_COMMIT', '[RESERVED] MEM_RESERVE']);
    const big = await analyzeBytes(
      brkCore([
        [0, 0x1000, 'rw-'],
        [0x1000, 0x2001000, '---'],
        [0x2002000, 0x1000, 'rw-'],
      ]),
    );
    expect(kinds(big)).toEqual(['Heap MEM_COMMIT', '[RESERVED] MEM_RESERVE', 'PAGE_READWRITE MEM_COMMIT']);
  });

  it('in a gcore, takes read-only holes and small gaps (untouched holes gcore left out) into the run', async () => {
    const a = await analyzeBytes(
      brkCore(
        [
          [0, 0x7000, 'rw-'],
          [0x7000, 0x1000, 'r--'],
          [0x8000, 0x3000, 'rw-'],
          [0xc000, 0x3000, 'rw-'],
        ],
        true,
      ),
    );
    expect(a.dump.producer.name).toBe('gdb gcore');
    expect(kinds(a)).toEqual(['Heap MEM_COMMIT', 'Heap MEM_COMMIT', 'Heap MEM_COMMIT', 'Heap MEM_COMMIT']);
    expect(a.regions[2]?.heuristic?.evidence).toMatch(
      /^anonymous read-only piece \(gcore writes a no-access hole readable\) adjacent/,
    );
    expect(a.regions[4]?.heuristic?.evidence).toMatch(
      /^anonymous read-write piece 4096 bytes after the brk heap piece before it \(a gap the gcore left out/,
    );
  });

  it('does not take a read-only piece or a gap into the run in a kernel core', async () => {
    const a = await analyzeBytes(
      brkCore([
        [0, 0x1000, 'rw-'],
        [0x1000, 0x1000, 'r--'],
        [0x2000, 0x1000, 'rw-'],
        [0x4000, 0x1000, 'rw-'],
      ]),
    );
    expect(kinds(a)).toEqual([
      'Heap MEM_COMMIT',
      'PAGE_READONLY MEM_COMMIT',
      'PAGE_READWRITE MEM_COMMIT',
      'PAGE_READWRITE MEM_COMMIT',
    ]);
  });
});

describe('where the executable ends', () => {
  it('ignores a mapping of the executable far above its image (Node.js remaps its text into huge pages)', async () => {
    const a = await analyzeBytes(
      coreBuilder()
        .prpsinfo({ pid: 1 })
        .thread({ tid: 1, signal: 6 })
        .file([
          { start: 0x400000n, end: 0x401000n, path: '/usr/bin/node' },
          { start: 0x7f0000000000n, end: 0x7f0000200000n, offset: 0x1000, path: '/usr/bin/node' },
        ])
        .load({
          vaddr: 0x400000n,
          size: 0x1000,
          flags: 'r-x',
          data: elfImage({ vaddr: 0x400000n, type: 2, size: 0x1000 }),
        })
        .load({ vaddr: 0x401000n, size: 0x1000 }) // bss
        .load({ vaddr: 0x2000000n, size: 0x3000 }) // brk heap
        .load({ vaddr: 0x7f0000000000n, size: 0x200000, flags: 'r-x', filesz: 0 })
        .build(),
    );
    expect(a.regions.map((r) => r.kind)).toEqual(['Image', 'PAGE_READWRITE', 'Heap', 'Image']);
  });
});
