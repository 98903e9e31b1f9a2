/**
 * Whole walks over hand-built stacks: this machine's libc (its real .eh_frame and code bytes, placed at a base
 * address) with stacks laid out for a known call chain. The frame layouts come from readelf's rows and the call
 * sites from objdump and nm, not from the unwinder. Covers CFI chains to glibc's outermost mark, a signal frame,
 * JIT frames walked by frame pointer into native code, frame-pointer chains that loop or leave the stack, a scan
 * after E8 and FF /2 calls, unreadable stacks, the frame limit, and the speed of 800 threads.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unwindSupport, unwindThread } from '../../src/core/unwind/unwind-thread';
import {
  TestSpace,
  disassemble,
  dynamicSymbol,
  fileModule,
  hasTool,
  oracleAt,
  readelfFrames,
  registers,
  type OracleFde,
} from './unwind-fixtures';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const BASE = 0x7f0000000000n;
const STACK = 0x7ffd00000000n;
const JIT = 0x7e0000000000n;
const ready = existsSync(LIBC) && hasTool('readelf') && hasTool('objdump') && hasTool('nm');

/** The libc facts the stacks are built from, each found by readelf, objdump or nm. */
interface LibcFacts {
  fdes: OracleFde[];
  /** A pc in clock_nanosleep just after a syscall, inside its stack frame, and the CFA's offset from rsp there. */
  sleepPc: bigint;
  sleepCfa: bigint;
  /** The return address after __nanosleep's call to clock_nanosleep, and the CFA offset at it − 1. */
  nanosleepRet: bigint;
  nanosleepCfa: bigint;
  /** __nanosleep's first instruction (an exact pc after a signal), CFA offset there. */
  nanosleepEntry: bigint;
  nanosleepEntryCfa: bigint;
  /** clone's child path: the return address after `call *%rax`, where glibc marks the return address undefined. */
  cloneRet: bigint;
  /** __restore_rt: the signal trampoline's first instruction. */
  restoreRt: bigint;
}

function rspOffset(fdes: readonly OracleFde[], pc: bigint): bigint {
  const cfa = oracleAt(fdes, pc, 'CFA');
  const m = /^rsp\+(\d+)$/.exec(cfa ?? '');
  if (!m) throw new Error(`no rsp-based CFA at 0x${pc.toString(16)}: ${cfa}`);
  return BigInt(m[1]!);
}

function libcFacts(): LibcFacts {
  const fdes = readelfFrames(LIBC).filter((f) => f.section === '.eh_frame');
  const clockNanosleep = dynamicSymbol(LIBC, 'clock_nanosleep')!;
  const nanosleep = dynamicSymbol(LIBC, '__nanosleep')!;
  const clone = dynamicSymbol(LIBC, 'clone')!;
  const cn = disassemble(LIBC, clockNanosleep, clockNanosleep + 0x200n);
  const sleepPc = cn
    .filter((i) => i.text === 'syscall')
    .map((i) => i.address + 2n)
    .find((pc) => oracleAt(fdes, pc, 'CFA') !== 'rsp+8');
  const ns = disassemble(LIBC, nanosleep, nanosleep + 0x40n);
  const callIndex = ns.findIndex((i) => i.text.startsWith('call'));
  const nanosleepRet = ns[callIndex + 1]!.address;
  const cl = disassemble(LIBC, clone, clone + 0x80n);
  const cloneRet = cl[cl.findIndex((i) => i.text === 'call   *%rax') + 1]!.address;
  const restoreRt = fdes.find((f) => f.signal && f.rows[0]?.columns.get('CFA') === 'exp')!.pcBegin + 1n;
  return {
    fdes,
    sleepPc: sleepPc!,
    sleepCfa: rspOffset(fdes, sleepPc!),
    nanosleepRet,
    nanosleepCfa: rspOffset(fdes, nanosleepRet - 1n),
    nanosleepEntry: nanosleep,
    nanosleepEntryCfa: rspOffset(fdes, nanosleep),
    cloneRet,
    restoreRt,
  };
}

/** A stack image: words set at offsets from STACK. */
function stackWords(size: number, set: Record<number, bigint>): bigint[] {
  const words = new Array<bigint>(size / 8).fill(0n);
  for (const [offset, value] of Object.entries(set)) words[Number(offset) / 8] = value;
  return words;
}

let libc: ReturnType<typeof fileModule> | undefined;

/** A space holding libc's bytes and its module (read once: each test adds its own stack). */
function libcSpace(): TestSpace {
  libc ??= fileModule(LIBC, BASE);
  return new TestSpace('x86_64').addModule(libc.module).map(BASE, libc.file);
}

describe('unwindSupport', () => {
  it('says how far each architecture walks', () => {
    expect(unwindSupport('x86_64')).toEqual({ level: 'full' });
    expect(unwindSupport('aarch64')).toEqual({ level: 'full' });
    expect(unwindSupport('i386')).toEqual({ level: 'full' });
    expect(unwindSupport('riscv64').level).toBe('frame-pointer');
    expect(unwindSupport('ppc64').level).toBe('frame-pointer');
    expect(unwindSupport('ppc32').warning).toMatch(/back chain/);
    expect(unwindSupport('s390x').level).toBe('frame-0');
    expect(unwindSupport('s390x').warning).toMatch(/s390x/);
  });

  it('shows frame 0 alone where there is no unwinder', async () => {
    const space = new TestSpace('s390x');
    const result = await unwindThread(space, { registers: registers({ psw_mask: 0n, psw_addr: 0x1000n }) });
    expect(result.frames).toEqual([{ pc: 0x1000n, trust: 'context' }]);
    expect(result.stop).toBe('no-unwind-info');
  });
});

describe.skipIf(!ready)('walks over libc', () => {
  const facts = ready ? libcFacts() : undefined;

  it('follows CFI from a system call to the outermost frame glibc marks', async () => {
    const f = facts!;
    const cfa0 = f.sleepCfa;
    const cfa1 = cfa0 + f.nanosleepCfa;
    const words = stackWords(0x400, {
      [Number(cfa0 - 8n)]: BASE + f.nanosleepRet,
      [Number(cfa1 - 8n)]: BASE + f.cloneRet,
    });
    const space = libcSpace().mapWords(STACK, words);
    const regs = registers({ rip: BASE + f.sleepPc, rsp: STACK, rbp: 0n, rbx: 7n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames).toEqual([
      { pc: BASE + f.sleepPc, trust: 'context' },
      { pc: BASE + f.nanosleepRet, trust: 'cfi' },
      { pc: BASE + f.cloneRet, trust: 'cfi' },
    ]);
    expect(oracleAt(f.fdes, f.cloneRet - 1n, 'ra')).toBe('u');
    expect(result.stop).toBe('outermost');
    expect(result.stopDetail).toContain((BASE + f.cloneRet).toString(16));
  });

  it('stops at the frame limit', async () => {
    const f = facts!;
    const cfa0 = f.sleepCfa;
    const words = stackWords(0x400, {
      [Number(cfa0 - 8n)]: BASE + f.nanosleepRet,
      [Number(cfa0 + f.nanosleepCfa - 8n)]: BASE + f.cloneRet,
    });
    const space = libcSpace().mapWords(STACK, words);
    const regs = registers({ rip: BASE + f.sleepPc, rsp: STACK });
    const result = await unwindThread(space, { registers: regs }, { maxFrames: 2 });
    expect(result.frames.map((x) => x.pc)).toEqual([BASE + f.sleepPc, BASE + f.nanosleepRet]);
    expect(result.stop).toBe('limit');
  });

  it('steps through a signal frame to the interrupted pc, looked up exactly', async () => {
    const f = facts!;
    // The handler (clock_nanosleep) returns to __restore_rt; the kernel's rt_sigframe holds the ucontext there:
    // uc_mcontext.gregs starts at 40, REG_RSP is gregs[15] (offset 160), REG_RIP gregs[16] (offset 168).
    const uc = f.sleepCfa;
    const interruptedSp = 0x800n;
    const words = stackWords(0x1000, {
      [Number(uc - 8n)]: BASE + f.restoreRt,
      [Number(uc + 160n)]: STACK + interruptedSp,
      [Number(uc + 168n)]: BASE + f.nanosleepEntry,
      [Number(interruptedSp + f.nanosleepEntryCfa - 8n)]: BASE + f.cloneRet,
    });
    const space = libcSpace().mapWords(STACK, words);
    const regs = registers({ rip: BASE + f.sleepPc, rsp: STACK });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x1000n });
    expect(result.frames.map((x) => x.pc)).toEqual([
      BASE + f.sleepPc,
      BASE + f.restoreRt,
      BASE + f.nanosleepEntry,
      BASE + f.cloneRet,
    ]);
    expect(result.stop).toBe('outermost');
  });

  it('walks JIT frames by frame pointer, then native code by CFI again', async () => {
    const f = facts!;
    const j0 = JIT + 0x100n;
    const j1 = JIT + 0x200n;
    const words = stackWords(0x400, {
      0x40: STACK + 0x80n,
      0x48: j1,
      0x80: STACK + 0xc0n,
      0x88: BASE + f.nanosleepRet,
      [0x90 + Number(f.nanosleepCfa) - 8]: BASE + f.cloneRet,
    });
    const space = libcSpace()
      .mapWords(STACK, words)
      .executableRange(JIT, JIT + 0x1000n)
      .map(JIT, new Uint8Array(0x1000));
    const regs = registers({ rip: j0, rsp: STACK, rbp: STACK + 0x40n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames).toEqual([
      { pc: j0, trust: 'context' },
      { pc: j1, trust: 'fp' },
      { pc: BASE + f.nanosleepRet, trust: 'fp' },
      { pc: BASE + f.cloneRet, trust: 'cfi' },
    ]);
    expect(result.stop).toBe('outermost');
  });

  it('ends a frame-pointer chain that goes back down the stack with a loop', async () => {
    const words = stackWords(0x400, {
      0x40: STACK + 0x80n,
      0x48: JIT + 0x200n,
      0x80: STACK + 0x40n,
      0x88: JIT + 0x300n,
    });
    const space = new TestSpace('x86_64').mapWords(STACK, words).executableRange(JIT, JIT + 0x1000n);
    const regs = registers({ rip: JIT + 0x100n, rsp: STACK, rbp: STACK + 0x40n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames.map((x) => x.pc)).toEqual([JIT + 0x100n, JIT + 0x200n, JIT + 0x300n]);
    expect(result.frames.map((x) => x.trust)).toEqual(['context', 'fp', 'fp']);
    expect(result.stop).toBe('loop');
  });

  it('ends a frame-pointer chain whose sp does not increase with a loop', async () => {
    const words = stackWords(0x400, { 0x40: STACK + 0x40n, 0x48: JIT + 0x200n });
    const space = new TestSpace('x86_64').mapWords(STACK, words).executableRange(JIT, JIT + 0x1000n);
    const regs = registers({ rip: JIT + 0x100n, rsp: STACK, rbp: STACK + 0x40n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames.map((x) => x.pc)).toEqual([JIT + 0x100n, JIT + 0x200n]);
    expect(result.stop).toBe('loop');
    expect(result.stopDetail).toMatch(/not above/);
  });

  it('does not follow a frame pointer past the stack end', async () => {
    const words = stackWords(0x800, { 0x600: STACK + 0x700n, 0x608: JIT + 0x200n });
    const space = new TestSpace('x86_64').mapWords(STACK, words).executableRange(JIT, JIT + 0x1000n);
    const regs = registers({ rip: JIT + 0x100n, rsp: STACK, rbp: STACK + 0x600n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames.map((x) => x.pc)).toEqual([JIT + 0x100n]);
    expect(result.stop).toBe('no-unwind-info');
    expect(result.stopDetail).toMatch(/past the stack's end/);
    // Without known bounds the same record is followed.
    const free = await unwindThread(space, { registers: regs });
    expect(free.frames.map((x) => x.pc)).toEqual([JIT + 0x100n, JIT + 0x200n]);
  });

  it('scans for return addresses after E8 and FF /2 calls when nothing else works', async () => {
    const f = facts!;
    const code = new Uint8Array(0x1000);
    code.set([0xe8, 1, 2, 3, 4], 0x300 - 5); // call rel32 ending at JIT+0x300
    const words = stackWords(0x400, {
      0x00: 0x55n,
      0x08: JIT + 0x200n, // executable, but no call before it
      0x10: JIT + 0x300n,
      0x18: BASE + f.cloneRet, // after libc's `call *%rax` (FF D0)
    });
    const space = libcSpace()
      .mapWords(STACK, words)
      .executableRange(JIT, JIT + 0x1000n)
      .map(JIT, code);
    const regs = registers({ rip: JIT + 0x100n, rsp: STACK, rbp: 0n });
    const result = await unwindThread(space, { registers: regs, stackStart: STACK, stackEnd: STACK + 0x400n });
    expect(result.frames).toEqual([
      { pc: JIT + 0x100n, trust: 'context' },
      { pc: JIT + 0x300n, trust: 'scan' },
      { pc: BASE + f.cloneRet, trust: 'scan' },
    ]);
    expect(result.stop).toBe('outermost');
  });

  it('stops with unreadable when a needed stack word is not in the dump', async () => {
    const f = facts!;
    const space = libcSpace().mapWords(STACK, [1n, 2n]);
    const regs = registers({ rip: BASE + f.sleepPc, rsp: STACK, rbp: 0n });
    const result = await unwindThread(space, { registers: regs });
    expect(result.frames.map((x) => x.pc)).toEqual([BASE + f.sleepPc]);
    expect(result.stop).toBe('unreadable');
    expect(result.stopDetail).toContain((STACK + f.sleepCfa - 8n).toString(16));
  });

  it('walks 800 threads of about 25 frames in well under half a second', async () => {
    const f = facts!;
    // A deep chain: __nanosleep's frame repeated (its return address called from itself), then clone's child.
    const depth = 24;
    const frame = f.nanosleepCfa;
    const set: Record<number, bigint> = { [Number(f.sleepCfa - 8n)]: BASE + f.nanosleepRet };
    let cfa = f.sleepCfa;
    for (let i = 0; i < depth; i++) {
      cfa += frame;
      set[Number(cfa - 8n)] = i === depth - 1 ? BASE + f.cloneRet : BASE + f.nanosleepRet;
    }
    const space = libcSpace().mapWords(STACK, stackWords(0x1000, set));
    const threads = Array.from({ length: 800 }, () => ({
      registers: registers({ rip: BASE + f.sleepPc, rsp: STACK, rbp: 0n }),
      stackStart: STACK,
      stackEnd: STACK + 0x1000n,
    }));
    // The module's tables are loaded once, as the space does; a few walks first so the engine's JIT has run.
    for (const t of threads.slice(0, 50)) await unwindThread(space, t);
    // CPU time, not wall time: test files run in parallel on a loaded machine.
    const started = process.cpuUsage();
    const results = await Promise.all(threads.map((t) => unwindThread(space, t)));
    const used = process.cpuUsage(started);
    const elapsed = (used.user + used.system) / 1000;
    expect(results.every((r) => r.frames.length === depth + 2 && r.stop === 'outermost')).toBe(true);
    expect(elapsed).toBeLessThan(500);
  });
});
