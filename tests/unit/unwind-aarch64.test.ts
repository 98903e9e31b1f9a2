/**
 * aarch64 walks over hand-built tables and stacks (no aarch64 binaries on this machine): a leaf whose return
 * address is still in x30 and whose sp its caller shares, a caller whose CFI saved x29/x30 (signed with pointer
 * authentication), JIT frames walked by the x29 frame record, and a scan that recognises BL and BLR.
 */
import { describe, expect, it } from 'vitest';
import { unwindThread } from '../../src/core/unwind/unwind-thread';
import { endsWithCall } from '../../src/core/unwind/call-site';
import { TestSpace, buildEhFrame, registers } from './unwind-fixtures';

const BASE = 0x5500000000n;
const STACK = 0xfffff0000000n;
const JIT = 0xffff80000000n;
const PAC = 0x002a000000000000n;

function stack(size: number, set: Record<number, bigint>): bigint[] {
  const words = new Array<bigint>(size / 8).fill(0n);
  for (const [offset, value] of Object.entries(set)) words[Number(offset) / 8] = value;
  return words;
}

/** DW_CFA_* bytes used below. */
const DEF_CFA_SP0 = [0x0c, 31, 0];
const ADVANCE_1 = 0x41; // advance_loc 1 × code alignment 4
const NEGATE_RA_STATE = 0x2d;

function moduleSpace(): TestSpace {
  const ehVaddr = 0x8000n;
  const ehFrame = buildEhFrame(ehVaddr, { codeAlign: 4, dataAlign: -8, ra: 30, initial: DEF_CFA_SP0 }, [
    // A: paciasp; stp x29, x30, [sp, #-32]!  → CFA sp+32, x29 at c-32, x30 at c-24 (signed).
    { start: 0x1000n, length: 0x100, instructions: [NEGATE_RA_STATE, ADVANCE_1, 0x0e, 32, 0x80 | 29, 4, 0x80 | 30, 3] },
    // B: a leaf with no frame.
    { start: 0x2000n, length: 0x40, instructions: [] },
  ]);
  const space = new TestSpace('aarch64');
  space.addModule({
    path: '/lib/test.so',
    start: BASE,
    end: BASE + 0x10000n,
    bias: BASE,
    ehFrame: { vaddr: ehVaddr, bytes: ehFrame },
  });
  return space;
}

describe('aarch64 walks', () => {
  it('goes from a leaf through CFI into JIT frames walked by x29, stripping PAC bits', async () => {
    const j1 = JIT + 0x100n;
    const j2 = JIT + 0x208n;
    const words = stack(0x200, {
      0x00: STACK + 0x40n, // A's saved x29
      0x08: PAC | j1, // A's saved x30, signed
      0x40: STACK + 0x80n,
      0x48: PAC | j2,
      0x80: 0n,
      0x88: 0n,
    });
    const space = moduleSpace()
      .mapWords(STACK, words)
      .executableRange(JIT, JIT + 0x1000n);
    const regs = registers({ x29: STACK + 0x40n, x30: BASE + 0x1084n, sp: STACK, pc: BASE + 0x2010n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x200n });
    expect(result.frames).toEqual([
      { pc: BASE + 0x2010n, trust: 'context' },
      { pc: BASE + 0x1084n, trust: 'cfi' },
      { pc: j1, trust: 'cfi' },
      { pc: j2, trust: 'fp' },
    ]);
    expect(result.stop).toBe('outermost');
  });

  it('does not let a caller frame share its callee sp', async () => {
    // B's row keeps the return address in x30; from a caller frame (not exact) x30 is A's own pc again.
    const space = moduleSpace().mapWords(STACK, stack(0x100, {}));
    const regs = registers({ x29: 0n, x30: BASE + 0x2020n, sp: STACK, pc: BASE + 0x2010n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x100n });
    expect(result.frames.map((f) => f.pc)).toEqual([BASE + 0x2010n, BASE + 0x2020n]);
    expect(result.stop).toBe('loop');
  });

  it('scans for a return address after BL', async () => {
    const code = new Uint8Array(0x1000);
    code.set([0x10, 0x00, 0x00, 0x94], 0x500); // bl #0x40
    const words = stack(0x100, { 0x00: JIT + 0x404n, 0x08: JIT + 0x504n });
    const space = new TestSpace('aarch64')
      .mapWords(STACK, words)
      .executableRange(JIT, JIT + 0x1000n)
      .map(JIT, code);
    const regs = registers({ x29: 0n, x30: 0n, sp: STACK, pc: JIT + 0x10n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x100n });
    expect(result.frames).toEqual([
      { pc: JIT + 0x10n, trust: 'context' },
      { pc: JIT + 0x504n, trust: 'scan' },
    ]);
    expect(result.stop).toBe('no-unwind-info');
  });

  it('recognises BL, BLR and BLRAA but not other instructions', () => {
    const le = (i: number): Uint8Array => new Uint8Array([i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, i >>> 24]);
    expect(endsWithCall('aarch64', le(0x97ffffff))).toBe(true); // bl #-4
    expect(endsWithCall('aarch64', le(0xd63f0020))).toBe(true); // blr x1
    expect(endsWithCall('aarch64', le(0xd73f0820))).toBe(true); // blraa x1, x0
    expect(endsWithCall('aarch64', le(0x14000010))).toBe(false); // b
    expect(endsWithCall('aarch64', le(0xd61f0020))).toBe(false); // br x1
    expect(endsWithCall('aarch64', le(0xd65f03c0))).toBe(false); // ret
  });
});

describe('x86 call sites', () => {
  const ends = (bytes: number[]): boolean =>
    endsWithCall('x86', new Uint8Array([0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, ...bytes]).subarray(-7));
  it('recognises the call forms (Intel SDM: E8 cd, FF /2)', () => {
    expect(ends([0xe8, 0x10, 0x00, 0x00, 0x00])).toBe(true); // call rel32
    expect(ends([0xff, 0xd0])).toBe(true); // call *%rax
    expect(ends([0x41, 0xff, 0xd4])).toBe(true); // call *%r12
    expect(ends([0xff, 0x10])).toBe(true); // call *(%rax)
    expect(ends([0xff, 0x50, 0x08])).toBe(true); // call *0x8(%rax)
    expect(ends([0xff, 0x14, 0x24])).toBe(true); // call *(%rsp)
    expect(ends([0xff, 0x15, 0x00, 0x10, 0x00, 0x00])).toBe(true); // call *0x1000(%rip)
    expect(ends([0xff, 0x90, 0x00, 0x01, 0x00, 0x00])).toBe(true); // call *0x100(%rax)
    expect(ends([0xff, 0x94, 0x24, 0x00, 0x01, 0x00, 0x00])).toBe(true); // call *0x100(%rsp)
  });
  it('rejects other instructions', () => {
    expect(ends([0xff, 0xe0])).toBe(false); // jmp *%rax (FF /4)
    expect(ends([0x48, 0x89, 0xc7])).toBe(false); // mov %rax,%rdi
    expect(ends([0xff, 0x50])).toBe(false); // FF /2 whose displacement would run past the address
    expect(ends([0xc3])).toBe(false);
  });
});

describe('frame chains of other architectures', () => {
  it('i386: the ebp chain', async () => {
    const space = new TestSpace('i386', 32).executableRange(0x8048000n, 0x8050000n);
    // ebp 0xbf000010: [ebp] = 0xbf000020, [ebp+4] = 0x8048123; then [0xbf000020] = 0 (the chain's end), [+4] = ret.
    space.mapWords(0xbf000000n, [0n, 0n, 0n, 0n, 0xbf000020n, 0x8048123n, 0n, 0n, 0n, 0x8049456n, 0n, 0n]);
    const regs = registers({ eip: 0x8048010n, esp: 0xbf000000n, ebp: 0xbf000010n }, 4);
    const result = await unwindThread(space, { registers: regs });
    expect(result.frames.map((f) => [f.pc, f.trust])).toEqual([
      [0x8048010n, 'context'],
      [0x8048123n, 'fp'],
      [0x8049456n, 'fp'],
    ]);
    expect(result.stop).toBe('outermost');
  });

  it('riscv64: the frame record below s0', async () => {
    const space = new TestSpace('riscv64').executableRange(0x10000n, 0x20000n);
    // s0 = 0x7000040: [s0-16] = caller s0 (0), [s0-8] = ra.
    space.mapWords(0x7000000n, [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0x10456n]);
    const regs = registers({ pc: 0x10010n, ra: 0x10100n, sp: 0x7000000n, s0: 0x7000040n });
    const result = await unwindThread(space, { registers: regs });
    expect(result.frames.map((f) => f.pc)).toEqual([0x10010n, 0x10456n]);
    expect(result.stop).toBe('outermost');
  });
});
