/**
 * The steps that follow the call linkage without a module's CFI, over hand-built stacks whose layouts are the
 * ABIs' (AAPCS64 frame records and x30; the PowerPC back chain with the lr save slot at +16 on 64-bit, +4 on
 * 32-bit; the i386 ebp chain under a CFI frame): the link register at frame 0 and when it is left to the chain, the
 * back chain in both byte orders, the end of a frame-pointer chain, and the stack scan's window when the dump holds
 * less of the stack than its mapping.
 */
import { describe, expect, it } from 'vitest';
import { unwindThread } from '../../src/core/unwind/unwind-thread';
import { joinWords, wordAt } from '../../src/core/unwind/unwind-steps';
import { TestSpace, buildEhFrame, registers } from './unwind-fixtures';

const CODE = 0x400000n;
const STACK = 0x7ff0000000n;

/** Stack words (8 or 4 bytes) set at byte offsets. */
function words(size: number, width: 4 | 8, set: Record<number, bigint>): bigint[] {
  const out = new Array<bigint>(size / width).fill(0n);
  for (const [offset, value] of Object.entries(set)) out[Number(offset) / width] = value;
  return out;
}

/** A64 instructions as little-endian bytes, placed at `at` in a code image starting at CODE. */
function a64(image: Uint8Array, at: bigint, instruction: number): void {
  const i = Number(at - CODE);
  image.set([instruction & 0xff, (instruction >>> 8) & 0xff, (instruction >>> 16) & 0xff, instruction >>> 24], i);
}

/** BL from `from` to `to` (imm26 in words). */
function bl(from: bigint, to: bigint): number {
  return (0x94000000 | (Number((to - from) / 4n) & 0x03ffffff)) >>> 0;
}

describe('aarch64: the link register at frame 0', () => {
  // frame 0 at PC in a function F starting at F0; x29 points at its caller's frame record.
  const F0 = CODE + 0x7f0n;
  const PC = CODE + 0x800n;
  const OUTER = CODE + 0x3000n;
  const stack = words(0x100, 8, { 0x40: 0n, 0x48: OUTER });
  const regsWith = (x30: bigint) => registers({ x29: STACK + 0x40n, x30, sp: STACK, pc: PC });
  const walk = (space: TestSpace, x30: bigint) =>
    unwindThread(space, { registers: regsWith(x30), stackStart: STACK, stackEnd: STACK + 0x100n });

  it("takes x30 as a leaf's caller when the code is not in the dump, then the frame record", async () => {
    const space = new TestSpace('aarch64').executableRange(CODE, CODE + 0x10000n).mapWords(STACK, stack);
    const result = await walk(space, CODE + 0x104n);
    expect(result.frames).toEqual([
      { pc: PC, trust: 'context' },
      { pc: CODE + 0x104n, trust: 'fp' },
      { pc: OUTER, trust: 'fp' },
    ]);
    // The record's saved x29 is 0: the chain's end, not a reason to scan on.
    expect(result.stop).toBe('outermost');
  });

  it('takes x30 after a BL to the function holding pc', async () => {
    const code = new Uint8Array(0x4000);
    a64(code, CODE + 0x100n, bl(CODE + 0x100n, F0));
    const space = new TestSpace('aarch64')
      .executableRange(CODE, CODE + 0x10000n)
      .map(CODE, code)
      .mapWords(STACK, stack);
    const result = await walk(space, CODE + 0x104n);
    expect(result.frames.map((f) => f.pc)).toEqual([PC, CODE + 0x104n, OUTER]);
  });

  it('leaves x30 to the chain when the frame record already holds it (no duplicate frame)', async () => {
    const space = new TestSpace('aarch64').executableRange(CODE, CODE + 0x10000n).mapWords(STACK, stack);
    const result = await walk(space, OUTER);
    expect(result.frames.map((f) => f.pc)).toEqual([PC, OUTER]);
  });

  it("does not take x30 left inside frame 0's own function by an earlier call, nor after a non-call", async () => {
    const code = new Uint8Array(0x4000);
    a64(code, CODE + 0x7f4n, bl(CODE + 0x7f4n, CODE + 0x200n)); // F calls G (below F), returns to F0 + 8
    a64(code, CODE + 0x900n, 0xd503201f); // nop
    const space = new TestSpace('aarch64')
      .executableRange(CODE, CODE + 0x10000n)
      .map(CODE, code)
      .mapWords(STACK, stack);
    expect((await walk(space, CODE + 0x7f8n)).frames.map((f) => f.pc)).toEqual([PC, OUTER]);
    expect((await walk(space, CODE + 0x904n)).frames.map((f) => f.pc)).toEqual([PC, OUTER]);
  });

  it('does not take x30 that is not code', async () => {
    const space = new TestSpace('aarch64').executableRange(CODE, CODE + 0x10000n).mapWords(STACK, stack);
    expect((await walk(space, STACK + 0x10n)).frames.map((f) => f.pc)).toEqual([PC, OUTER]);
  });
});

describe('PowerPC: the back chain', () => {
  const RA1 = 0x10002a1cn;
  const RA2 = 0x10002b38n;
  const RA3 = 0x10002bc4n;
  const PC = 0x100104bcn;

  const stackOf = (arch: 'ppc64' | 'ppc32'): bigint => (arch === 'ppc64' ? STACK : 0xbf000000n);

  /** Three frames at the stack's start, +0x40, +0x80 (the last one's back chain 0); lr saved at caller sp + slot. */
  function chainSpace(arch: 'ppc64' | 'ppc32', little: boolean): TestSpace {
    const w = arch === 'ppc64' ? 8 : 4;
    const slot = arch === 'ppc64' ? 16 : 4;
    const sp = stackOf(arch);
    const space = new TestSpace(arch, w === 8 ? 64 : 32, little).executableRange(0x10000000n, 0x10100000n);
    return space.mapWords(
      sp,
      words(0x100, w, { 0x00: sp + 0x40n, [0x40 + slot]: RA2, 0x40: sp + 0x80n, [0x80 + slot]: RA3 }),
    );
  }

  for (const [arch, little] of [
    ['ppc64', true],
    ['ppc64', false],
    ['ppc32', false],
  ] as const) {
    it(`${arch} ${little ? 'little' : 'big'}-endian: lr at frame 0, then the saved lr of each caller`, async () => {
      const size = arch === 'ppc64' ? 8 : 4;
      const regs = registers({ r1: stackOf(arch), link: RA1, nip: PC }, size);
      const result = await unwindThread(chainSpace(arch, little), { registers: regs });
      expect(result.frames).toEqual([
        { pc: PC, trust: 'context' },
        { pc: RA1, trust: 'fp' },
        { pc: RA2, trust: 'fp' },
        { pc: RA3, trust: 'fp' },
      ]);
      expect(result.stop).toBe('outermost');
      expect(result.stopDetail).toMatch(/back chain ends/);
    });
  }

  it('does not repeat the caller when frame 0 has saved lr already', async () => {
    const regs = registers({ r1: STACK, link: RA2, nip: PC });
    const result = await unwindThread(chainSpace('ppc64', true), { registers: regs });
    expect(result.frames.map((f) => f.pc)).toEqual([PC, RA2, RA3]);
  });

  it('ends a back chain that goes down the stack with a loop', async () => {
    const space = new TestSpace('ppc64').executableRange(0x10000000n, 0x10100000n);
    space.mapWords(STACK, words(0x100, 8, { 0x40: STACK + 0x20n, 0x50: RA2 }));
    const regs = registers({ r1: STACK + 0x40n, link: 0n, nip: PC });
    const result = await unwindThread(space, { registers: regs });
    expect(result.frames.map((f) => f.pc)).toEqual([PC]);
    expect(result.stop).toBe('loop');
  });
});

describe('i386: CFI, then the ebp chain', () => {
  it('unwinds a function without a frame pointer by its CFI, then follows ebp to the chain end', async () => {
    const BASE = 0xf7f00000n;
    const ehVaddr = 0x2000n;
    // CIE: CFA esp+4, return address (column 8) at CFA-4. FDE [0x1000, 0x1100): after 1 byte, CFA esp+8 and
    // ebp saved at CFA-8 (push %ebp).
    const ehFrame = buildEhFrame(ehVaddr, { codeAlign: 1, dataAlign: -4, ra: 8, initial: [0x0c, 4, 4, 0x80 | 8, 1] }, [
      { start: 0x1000n, length: 0x100, instructions: [0x41, 0x0e, 8, 0x80 | 5, 2] },
    ]);
    const ra1 = 0x8048123n;
    const ra2 = 0x8049456n;
    const space = new TestSpace('i386', 32)
      .addModule({
        path: '[vdso]',
        start: BASE,
        end: BASE + 0x2000n,
        bias: BASE,
        ehFrame: { vaddr: ehVaddr, bytes: ehFrame },
      })
      .executableRange(0x8048000n, 0x8050000n)
      .mapWords(0xbf000000n, [0xbf000010n, ra1, 0n, 0n, 0n, ra2, 0n, 0n, ra2]);
    // ebp is 0 in frame 0 (a general register there); the CFI restores the caller's from the stack.
    const regs = registers({ eip: BASE + 0x1010n, esp: 0xbf000000n, ebp: 0n }, 4);
    const result = await unwindThread(space, { registers: regs, stackStart: 0xbf000000n, stackEnd: 0xbf000024n });
    expect(result.frames).toEqual([
      { pc: BASE + 0x1010n, trust: 'context' },
      { pc: ra1, trust: 'cfi' },
      { pc: ra2, trust: 'fp' },
    ]);
    // [0xbf000010] = 0 ends the chain though a return address lies above it.
    expect(result.stop).toBe('outermost');
  });

  it('scans on when frame 0 holds ebp 0 and has no CFI', async () => {
    const code = new Uint8Array(0x100);
    code.set([0xe8, 0, 0, 0, 0], 0x20 - 5);
    const space = new TestSpace('i386', 32)
      .executableRange(0x8048000n, 0x8048100n)
      .map(0x8048000n, code)
      .mapWords(0xbf000000n, [0x1234n, 0x8048020n]);
    const regs = registers({ eip: 0x8048010n, esp: 0xbf000000n, ebp: 0n }, 4);
    const result = await unwindThread(space, { registers: regs, stackStart: 0xbf000000n, stackEnd: 0xbf000008n });
    expect(result.frames.map((f) => [f.pc, f.trust])).toEqual([
      [0x8048010n, 'context'],
      [0x8048020n, 'scan'],
    ]);
  });
});

describe('the stack scan window', () => {
  const JIT = 0x7e0000000000n;

  it('reads the part of the window the dump holds when the mapping goes on past it', async () => {
    const code = new Uint8Array(0x1000);
    code.set([0xe8, 0, 0, 0, 0], 0x400 - 5); // call rel32 ending at JIT + 0x400
    // The dump holds 0x98 bytes of a stack mapped for 0x1000: the return address is in its last word.
    const stack = words(0x98, 8, { 0x08: STACK + 0x20n, 0x10: 7n, 0x90: JIT + 0x400n });
    const space = new TestSpace('x86_64')
      .executableRange(JIT, JIT + 0x1000n)
      .map(JIT, code)
      .mapWords(STACK, stack);
    const regs = registers({ rip: JIT + 0x10n, rsp: STACK, rbp: 0n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x1000n });
    expect(result.frames.map((f) => [f.pc, f.trust])).toEqual([
      [JIT + 0x10n, 'context'],
      [JIT + 0x400n, 'scan'],
    ]);
    expect(result.stop).toBe('unreadable');
    // One read of the window, a binary search over its words (1024 → at most 10 halvings), a few code reads.
    expect(space.reads).toBeLessThan(40);
  });

  it('does not take an address at the start of an executable mapping (no call can precede it there)', async () => {
    const code = new Uint8Array(0x1000);
    code.set([0xe8, 0, 0, 0, 0], 0x400 - 5);
    const stack = words(0x20, 8, { 0x00: JIT, 0x08: JIT + 0x400n });
    const space = new TestSpace('x86_64')
      .executableRange(JIT, JIT + 0x1000n)
      .map(JIT - 0x1000n, new Uint8Array(0x1000).fill(0xe8))
      .map(JIT, code)
      .mapWords(STACK, stack);
    const regs = registers({ rip: JIT + 0x10n, rsp: STACK, rbp: 0n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x20n });
    expect(result.frames.map((f) => f.pc)).toEqual([JIT + 0x10n, JIT + 0x400n]);
  });
});

describe('word decoding', () => {
  it('agrees with DataView for every size and byte order', () => {
    const bytes = new Uint8Array(64);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
    bytes.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 40);
    const view = new DataView(bytes.buffer);
    for (const little of [true, false]) {
      for (let at = 0; at + 8 <= bytes.length; at++) {
        expect(wordAt(bytes, at, 8, little)).toBe(view.getBigUint64(at, little));
        expect(wordAt(bytes, at, 4, little)).toBe(BigInt(view.getUint32(at, little)));
        expect(wordAt(bytes, at, 2, little)).toBe(BigInt(view.getUint16(at, little)));
        expect(wordAt(bytes, at, 1, little)).toBe(BigInt(view.getUint8(at)));
      }
    }
  });

  it('joins the halves exactly on both sides of 2^53', () => {
    expect(joinWords(0x1fffff, 0xffffffff)).toBe((1n << 53n) - 1n);
    expect(joinWords(0x200000, 1)).toBe((1n << 53n) + 1n);
    expect(joinWords(0xffffffff, 0xffffffff)).toBe((1n << 64n) - 1n);
    expect(joinWords(0, 5)).toBe(5n);
  });
});

describe('return addresses on the stack itself', () => {
  it('are not taken from a frame record, though an executable stack makes them executable', async () => {
    // An execstack process (the corpus' aarch64 backtrace core): the stack mapping is rwx. The outermost frame
    // record holds a stack address where a return address would be.
    const stack = words(0x100, 8, {
      0x40: STACK + 0x80n,
      0x48: CODE + 0x20n,
      0x80: STACK + 0x10n,
      0x88: STACK + 0x9cn,
    });
    const space = new TestSpace('aarch64')
      .executableRange(CODE, CODE + 0x1000n)
      .executableRange(STACK, STACK + 0x100n)
      .mapWords(STACK, stack);
    const regs = registers({ x29: STACK + 0x40n, x30: 0n, sp: STACK, pc: CODE + 0x10n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x100n });
    expect(result.frames.map((f) => f.pc)).toEqual([CODE + 0x10n, CODE + 0x20n]);
    expect(result.stopDetail).toMatch(/not code/);
  });
});

describe('random stacks', () => {
  /** A deterministic generator (xorshift32), so that a failure can be replayed. */
  function random(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x;
    };
  }

  for (const arch of ['ppc64', 'ppc32', 'aarch64'] as const) {
    it(`${arch}: words pointing up, down, into code or nowhere end every walk with a stop`, async () => {
      const w = arch === 'ppc32' ? 4 : 8;
      const base = arch === 'ppc32' ? 0xbf000000n : STACK;
      const code = arch === 'aarch64' ? CODE : 0x10000000n;
      const next = random(arch.length * 7919);
      for (let round = 0; round < 50; round++) {
        const values = Array.from({ length: 0x400 / w }, () => {
          const r = next() % 4;
          if (r === 0) return base + BigInt(next() % 0x400);
          if (r === 1) return code + BigInt(next() % 0x1000);
          if (r === 2) return 0n;
          return BigInt(next());
        });
        const space = new TestSpace(arch, w === 8 ? 64 : 32, arch !== 'ppc32')
          .executableRange(code, code + 0x1000n)
          .mapWords(base, values);
        const sp = base + BigInt((next() % 0x40) * w);
        const regs =
          arch === 'aarch64'
            ? registers({ x29: base + BigInt(next() % 0x400), x30: values[1] ?? 0n, sp, pc: code + 0x10n })
            : registers({ r1: sp, link: values[2] ?? 0n, nip: code + 0x10n }, w);
        const result = await unwindThread(space, { registers: regs, stackStart: base, stackEnd: base + 0x400n });
        expect(result.frames.length).toBeGreaterThan(0);
        expect(result.frames.length).toBeLessThanOrEqual(512);
        expect(typeof result.stop).toBe('string');
      }
    });
  }
});
