import { describe, expect, it } from 'vitest';
import { EM } from '../../src/core/elf/constants';
import { bsdNoteOs, parseBsdNotes, type BsdContext, type BsdNote } from '../../src/core/notes/bsd-notes';

const AMD64: BsdContext = { machine: EM.X86_64, bits: 64, endian: 'little' };

function netbsdProcinfo(opts: { pid: number; signo: number; siglwp: number; name: string; nlwps: number }): Uint8Array {
  const d = new Uint8Array(160);
  const dv = new DataView(d.buffer);
  dv.setInt32(0, 1, true); // cpi_version
  dv.setUint32(4, 160, true); // cpi_cpisize
  dv.setInt32(8, opts.signo, true);
  dv.setInt32(12, 1, true);
  dv.setInt32(80, opts.pid, true);
  dv.setInt32(84, 1, true);
  dv.setUint32(96, 1000, true);
  dv.setUint32(108, 100, true);
  dv.setInt32(120, opts.nlwps, true);
  d.set(new TextEncoder().encode(opts.name), 124);
  dv.setInt32(156, opts.siglwp, true);
  return d;
}

/** NetBSD/amd64 struct reg with rip (index 21) and rsp (index 24) set. */
function amd64Regs(rip: bigint, rsp: bigint): Uint8Array {
  const d = new Uint8Array(26 * 8);
  const dv = new DataView(d.buffer);
  dv.setBigUint64(21 * 8, rip, true);
  dv.setBigUint64(24 * 8, rsp, true);
  dv.setBigUint64(3 * 8, 0xcccn, true); // rcx
  return d;
}

function netbsdCore(siglwp: number): BsdNote[] {
  return [
    { name: 'NetBSD-CORE', type: 1, desc: netbsdProcinfo({ pid: 622, signo: 11, siglwp, name: 'a.out', nlwps: 2 }) },
    { name: 'NetBSD-CORE', type: 2, desc: new Uint8Array(16) },
    { name: 'NetBSD-CORE@2', type: 33, desc: amd64Regs(0x200c10n, 0x7f7ff7704f90n) },
    { name: 'NetBSD-CORE@2', type: 35, desc: new Uint8Array(512) },
    { name: 'NetBSD-CORE@1', type: 33, desc: amd64Regs(0x7f7ff783f2dan, 0x7f7fffffe038n) },
  ];
}

describe('parseBsdNotes', () => {
  it('returns undefined for Linux notes', () => {
    const notes = [{ name: 'CORE', type: 1, desc: new Uint8Array(336) }];
    expect(bsdNoteOs(notes)).toBeUndefined();
    expect(parseBsdNotes(notes, AMD64)).toBeUndefined();
  });

  it('reads NetBSD procinfo and per-LWP amd64 registers; cpi_siglwp picks the signalled LWP', () => {
    const r = parseBsdNotes(netbsdCore(2), AMD64);
    expect(r?.os).toBe('NetBSD');
    expect(r?.warnings).toEqual([]);
    expect(r?.process).toEqual({
      pid: 622,
      ppid: 1,
      pgrp: 0,
      sid: 0,
      uid: 1000,
      gid: 100,
      name: 'a.out',
      signal: 11,
      signalCode: 1,
      signalLwp: 2,
      lwpCount: 2,
    });
    expect(r?.threads.map((t) => [t.tid, t.signal, t.crashed, t.pc, t.sp])).toEqual([
      [2, 11, true, 0x200c10n, 0x7f7ff7704f90n],
      [1, 0, false, 0x7f7ff783f2dan, 0x7f7fffffe038n],
    ]);
    expect(r?.threads[0]?.registers.list().find((x) => x.name === 'rcx')?.hex).toBe('0xccc');
    expect(r?.threads[0]?.registers.count).toBe(26);
  });

  it('gives a process-directed signal (cpi_siglwp 0) to every LWP, the first one written being the crashed one', () => {
    const r = parseBsdNotes(netbsdCore(0), AMD64);
    expect(r?.threads.map((t) => [t.tid, t.signal, t.crashed])).toEqual([
      [2, 11, true],
      [1, 11, false],
    ]);
  });

  it('warns when cpi_siglwp names an LWP without notes', () => {
    const r = parseBsdNotes(netbsdCore(7), AMD64);
    expect(r?.warnings.join()).toMatch(/LWP 7/);
    expect(r?.threads[0]?.crashed).toBe(true);
  });

  it('keeps threads but no registers for a machine without a known register layout', () => {
    const r = parseBsdNotes(netbsdCore(2), { machine: EM.I386, bits: 32, endian: 'little' });
    expect(r?.threads.map((t) => t.tid)).toEqual([2, 1]);
    expect(r?.threads.every((t) => t.registers.count === 0 && t.pc === undefined)).toBe(true);
    expect(r?.warnings).toEqual(['registers unknown for NetBSD i386 thread notes']);
  });

  it('reads OpenBSD sparc64 procinfo and registers (pc at 8, biased o6 at 144)', () => {
    const info = new Uint8Array(104);
    const iv = new DataView(info.buffer);
    iv.setInt32(0, 1);
    iv.setUint32(4, 104);
    iv.setUint32(8, 11);
    iv.setUint32(12, 1);
    iv.setInt32(32, 5370);
    iv.setInt32(36, 8267);
    info.set(new TextEncoder().encode('sparc64_insn_jmp.bin'), 72);
    const regs = new Uint8Array(288);
    const rv = new DataView(regs.buffer);
    rv.setBigUint64(8, 0xa06ed006d4n);
    rv.setBigUint64(144, 0xfffffe849aea75e1n);
    const r = parseBsdNotes(
      [
        { name: 'OpenBSD', type: 10, desc: info },
        { name: 'OpenBSD@229157', type: 20, desc: regs },
        { name: 'OpenBSD@229157', type: 21, desc: new Uint8Array(272) },
        { name: 'OpenBSD@100001', type: 20, desc: regs.subarray(0, 100) },
      ],
      { machine: EM.SPARCV9, bits: 64, endian: 'big' },
    );
    expect(r?.os).toBe('OpenBSD');
    expect(r?.process).toMatchObject({ pid: 5370, ppid: 8267, name: 'sparc64_insn_jmp.bin', signal: 11 });
    expect(r?.threads[0]).toMatchObject({
      tid: 229157,
      signal: 11,
      crashed: true,
      pc: 0xa06ed006d4n,
      sp: 0xfffffe849aea75e1n + 2047n,
    });
    expect(r?.threads[0]?.registers.list().find((x) => x.name === 'o6')?.hex).toBe('0xfffffe849aea75e1');
    expect(r?.threads[1]).toMatchObject({ tid: 100001, signal: 0, crashed: false });
    expect(r?.threads[1]?.registers.count).toBe(0);
    expect(r?.warnings.join()).toMatch(/register note of 100 bytes \(expected 288\)/);
  });

  it('skips owners whose suffix is not a thread id', () => {
    const r = parseBsdNotes([{ name: 'NetBSD-CORE@x1', type: 33, desc: new Uint8Array(208) }], AMD64);
    expect(r?.threads).toEqual([]);
    expect(r?.warnings.join()).toMatch(/does not end in a thread id/);
  });

  it('never throws on truncated or random notes', () => {
    const full = netbsdCore(2);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let i = 0; i < 2000; i++) {
      const notes = full.map((n) => {
        const len = rand() % (n.desc.length + 8);
        const d = new Uint8Array(len);
        d.set(n.desc.subarray(0, Math.min(len, n.desc.length)));
        if (rand() % 3 === 0) for (let j = 0; j < len; j++) d[j] = rand() & 0xff;
        return { ...n, desc: d };
      });
      const machine = [EM.X86_64, EM.AARCH64, EM.SPARCV9, 1234][rand() % 4] ?? EM.X86_64;
      const r = parseBsdNotes(notes, { machine, bits: 64, endian: rand() % 2 ? 'big' : 'little' });
      expect(r?.warnings.join()).not.toMatch(/internal error/);
    }
  });
});
