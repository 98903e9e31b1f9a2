/**
 * Damaged and hostile unwind input: garbage and mutated .eh_frame bytes, a lying .eh_frame_hdr, CIE pointers
 * out of range, record lengths past the section, expressions that loop, unbalanced or runaway state stacks, and a
 * memory reader that throws. Each must end in a stop with a reason — no exception escapes, nothing hangs.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModuleCfi } from '../../src/core/unwind/cfi-table';
import { evaluate } from '../../src/core/unwind/dwarf-expression';
import { unwindThread } from '../../src/core/unwind/unwind-thread';
import type { UnwindModule } from '../../src/core/unwind/unwind-space';
import { TestSpace, buildEhFrame, registers, sectionBytes } from './unwind-fixtures';

const BASE = 0x7f0000000000n;
const STACK = 0x7ffd00000000n;
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const STOPS = ['outermost', 'loop', 'limit', 'unreadable', 'no-unwind-info'];

/** A deterministic byte stream (xorshift32). */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) & 0xff;
  };
}

function moduleWith(sections: Partial<UnwindModule>): UnwindModule {
  return { path: '/lib/bad.so', start: BASE, end: BASE + 0x100000n, bias: BASE, ...sections };
}

/** A walk from pc BASE+0x1010 over a stack of words that all point back into the module. */
async function walk(module: UnwindModule): Promise<Awaited<ReturnType<typeof unwindThread>>> {
  const space = new TestSpace('x86_64').addModule(module);
  space.mapWords(
    STACK,
    Array.from({ length: 64 }, (_, i) => BASE + 0x1000n + BigInt(i * 16)),
  );
  const regs = registers({ rip: BASE + 0x1010n, rsp: STACK, rbp: STACK + 0x40n });
  return unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x200n });
}

const X86_CIE = { codeAlign: 1, dataAlign: -8, ra: 16, initial: [0x0c, 7, 8, 0x90, 1] };

describe('damaged unwind tables', () => {
  it('garbage .eh_frame and .eh_frame_hdr give a stop, not an exception', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const bytes = Uint8Array.from({ length: 4096 }, next);
      const hdr = Uint8Array.from({ length: 256 }, next);
      hdr[0] = 1; // a plausible version, so the table is searched
      const result = await walk(
        moduleWith({ ehFrame: { vaddr: 0x20000n, bytes }, ehFrameHdr: { vaddr: 0x1f000n, bytes: hdr } }),
      );
      expect(STOPS).toContain(result.stop);
      expect(result.frames[0]?.pc).toBe(BASE + 0x1010n);
    }
  });

  it('mutated libc .eh_frame: every lookup returns a row or nothing', () => {
    if (!existsSync(LIBC)) return;
    const eh = sectionBytes(LIBC, '.eh_frame')!;
    const hdr = sectionBytes(LIBC, '.eh_frame_hdr')!;
    const next = random(7);
    for (let round = 0; round < 4; round++) {
      const bytes = eh.bytes.slice();
      for (let i = 0; i < 400; i++) bytes[((next() << 16) | (next() << 8) | next()) % bytes.length] = next();
      const withHdr = new ModuleCfi(moduleWith({ ehFrame: { vaddr: eh.vaddr, bytes }, ehFrameHdr: hdr }), true, 8);
      const linear = new ModuleCfi(moduleWith({ ehFrame: { vaddr: eh.vaddr, bytes } }), true, 8);
      for (let pc = 0x26000n; pc < 0x17c000n; pc += 0x3e7n) {
        expect(() => withHdr.row(pc)).not.toThrow();
        expect(() => linear.row(pc)).not.toThrow();
      }
    }
  });

  it('an .eh_frame_hdr that claims more entries than it holds falls back to the section index', () => {
    const eh = buildEhFrame(0x8000n, X86_CIE, [{ start: 0x1000n, length: 0x100, instructions: [] }]);
    const hdr = new Uint8Array([1, 0x1b, 0x03, 0x3b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f]);
    const cfi = new ModuleCfi(
      moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: eh }, ehFrameHdr: { vaddr: 0x7000n, bytes: hdr } }),
      true,
      8,
    );
    expect(cfi.row(0x1010n)?.cfa).toEqual({ kind: 'register', register: 7, offset: 8n });
  });

  it('an FDE whose CIE pointer leaves the section has no row; the walk falls back to the frame pointer', async () => {
    const eh = buildEhFrame(0x8000n, X86_CIE, [
      { start: 0x1000n, length: 0x100, instructions: [], ciePointer: 0x7fff0000 },
    ]);
    const module = moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: eh } });
    expect(new ModuleCfi(module, true, 8).row(0x1010n)).toBeUndefined();
    const result = await walk(module);
    expect(result.frames[1]?.trust).toBe('fp');
  });

  it('a record length past the section end (32- and 64-bit forms) has no row', () => {
    const eh = buildEhFrame(0x8000n, X86_CIE, [{ start: 0x1000n, length: 0x100, instructions: [] }]);
    const fdeAt = new DataView(eh.buffer).getUint32(0, true) + 4;
    const long = eh.slice();
    new DataView(long.buffer).setUint32(fdeAt, 0x7ffffff0, true);
    expect(
      new ModuleCfi(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: long } }), true, 8).row(0x1010n),
    ).toBeUndefined();
    const wide = eh.slice();
    new DataView(wide.buffer).setUint32(fdeAt, 0xffffffff, true);
    expect(
      new ModuleCfi(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: wide } }), true, 8).row(0x1010n),
    ).toBeUndefined();
  });

  it('a CFA expression that loops forever is cut off', async () => {
    // DW_CFA_def_cfa_expression { DW_OP_skip -3 }: the skip jumps back to itself.
    const eh = buildEhFrame(0x8000n, X86_CIE, [
      { start: 0x1000n, length: 0x100, instructions: [0x0f, 3, 0x2f, 0xfd, 0xff] },
    ]);
    const started = Date.now();
    const result = await walk(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: eh } }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(STOPS).toContain(result.stop);
    const looped = await evaluate(
      new Uint8Array([0x2f, 0xfd, 0xff]),
      { addressSize: 8, little: true, register: () => 0n, read: () => Promise.resolve(0n) },
      [],
    );
    expect(looped).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('expressions: stack underflow, division by zero, unknown registers and unreadable memory are reasons', async () => {
    const ctx = {
      addressSize: 8 as const,
      little: true,
      register: (r: number) => (r === 7 ? 0x1000n : undefined),
      read: () => Promise.resolve(undefined),
    };
    expect(await evaluate(new Uint8Array([0x22]), ctx, [])).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await evaluate(new Uint8Array([0x31, 0x30, 0x1b]), ctx, [])).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await evaluate(new Uint8Array([0x73, 0x00]), ctx, [])).toMatchObject({
      ok: false,
      reason: 'unknown-register',
    });
    expect(await evaluate(new Uint8Array([0x77, 0x08, 0x06]), ctx, [])).toMatchObject({
      ok: false,
      reason: 'unreadable',
    });
    // breg7 +8; lit4; shl; lit16; ge; bra +1 (taken: skips lit1); lit2  → the Linux PLT form of such tests
    expect(
      await evaluate(new Uint8Array([0x77, 0x08, 0x34, 0x24, 0x40, 0x2a, 0x28, 0x01, 0x00, 0x31, 0x32]), ctx, []),
    ).toEqual({ ok: true, value: 2n });
    // The glibc/gcc PLT expression: rsp + 8 + ((rip & 15) >= 11) << 3
    const plt = new Uint8Array([0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]);
    const pltCtx = { ...ctx, register: (r: number) => (r === 7 ? 0x1000n : r === 16 ? 0x40100cn : undefined) };
    expect(await evaluate(plt, pltCtx, [])).toEqual({ ok: true, value: 0x1010n });
  });

  it('unbalanced and runaway remember/restore_state have no row', () => {
    const unbalanced = buildEhFrame(0x8000n, X86_CIE, [{ start: 0x1000n, length: 0x100, instructions: [0x0b, 0x41] }]);
    expect(
      new ModuleCfi(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: unbalanced } }), true, 8).row(0x1010n),
    ).toBeUndefined();
    const runaway = buildEhFrame(0x8000n, X86_CIE, [
      { start: 0x1000n, length: 0x100, instructions: new Array<number>(5000).fill(0x0a) },
    ]);
    expect(
      new ModuleCfi(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: runaway } }), true, 8).row(0x1010n),
    ).toBeUndefined();
  });

  it('remember/restore_state restore the CFA and the rules', () => {
    // push rbp (CFA rsp+16, rbp at c-16), remember, pop rbp (CFA rsp+8), ret, restore: back to rsp+16.
    const eh = buildEhFrame(0x8000n, X86_CIE, [
      { start: 0x1000n, length: 0x100, instructions: [0x41, 0x0e, 16, 0x86, 2, 0x44, 0x0a, 0x0e, 8, 0xc6, 0x41, 0x0b] },
    ]);
    const cfi = new ModuleCfi(moduleWith({ ehFrame: { vaddr: 0x8000n, bytes: eh } }), true, 8);
    expect(cfi.row(0x1000n)?.cfa).toEqual({ kind: 'register', register: 7, offset: 8n });
    expect(cfi.row(0x1002n)?.rules.get(6)).toEqual({ kind: 'offset', offset: -16n });
    expect(cfi.row(0x1005n)?.cfa).toEqual({ kind: 'register', register: 7, offset: 8n });
    expect(cfi.row(0x1005n)?.rules.has(6)).toBe(false);
    expect(cfi.row(0x1006n)?.cfa).toEqual({ kind: 'register', register: 7, offset: 16n });
    expect(cfi.row(0x1006n)?.rules.get(6)).toEqual({ kind: 'offset', offset: -16n });
  });

  it('a reader that throws ends the walk with a reason', async () => {
    const space = new TestSpace('x86_64').executableRange(0x1000n, 0x2000n);
    space.read = () => Promise.reject(new Error('disk gone'));
    const result = await unwindThread(space, { registers: registers({ rip: 0x1010n, rsp: STACK, rbp: STACK }) });
    expect(result.frames).toEqual([{ pc: 0x1010n, trust: 'context' }]);
    expect(result.stop).toBe('no-unwind-info');
    expect(result.stopDetail).toContain('disk gone');
  });

  it('no registers at all', async () => {
    const result = await unwindThread(new TestSpace('x86_64'), { registers: registers({}) });
    expect(result).toMatchObject({ frames: [], stop: 'no-unwind-info' });
  });
});
