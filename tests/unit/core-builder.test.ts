/**
 * The synthetic core builder itself, checked against the byte layouts it promises and, where installed, against
 * binutils/elfutils readelf — so the engine's tests do not rest on a builder that agrees with the engine by mistake.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AT_EXECFN, AT_PAGESZ, coreBuilder, elfImage, truncate } from '../helpers/core-builder';
import { sampleCore } from '../helpers/sample-cores';

const dir = mkdtempSync(join(tmpdir(), 'coreview-builder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
}

function tool(name: string, args: string[], bytes: Uint8Array): string {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes);
  return execFileSync(name, [...args, path], { encoding: 'utf8' });
}

describe('layout', () => {
  it('writes an ELF64 little-endian core header', () => {
    const core = coreBuilder().thread({ tid: 1 }).load({ vaddr: 0x1000n, size: 0x10 }).build();
    const v = new DataView(core.buffer);
    expect([...core.subarray(0, 7)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    expect([v.getUint16(16, true), v.getUint16(18, true)]).toEqual([4, 62]); // ET_CORE, EM_X86_64
    expect(Number(v.getBigUint64(32, true))).toBe(64); // e_phoff
    expect([v.getUint16(54, true), v.getUint16(56, true)]).toEqual([56, 2]); // e_phentsize, e_phnum
    expect(v.getUint32(64, true)).toBe(4); // PT_NOTE first
    expect(v.getUint32(64 + 56, true)).toBe(1); // then PT_LOAD
  });

  it('writes ELF32 big-endian fields', () => {
    const core = coreBuilder({ bits: 32, endian: 'big', machine: 20 })
      .load({ vaddr: 0x10000n, size: 0x20, flags: 'r-x' })
      .build();
    const v = new DataView(core.buffer);
    expect([core[4], core[5]]).toEqual([1, 2]);
    expect([v.getUint16(18), v.getUint32(28), v.getUint16(42), v.getUint16(44)]).toEqual([20, 52, 32, 1]);
    expect([v.getUint32(52), v.getUint32(52 + 8), v.getUint32(52 + 20), v.getUint32(52 + 24)]).toEqual([
      1, 0x10000, 0x20, 5,
    ]);
  });

  it('places load data and fill, and truncates anywhere', () => {
    const core = coreBuilder()
      .load({ vaddr: 0x1000n, size: 8, data: 'ab', fill: 0x2e, at: [[5, 'Z']] })
      .build();
    const offset = Number(new DataView(core.buffer).getBigUint64(64 + 8, true));
    expect(new TextDecoder().decode(core.subarray(offset, offset + 8))).toBe('ab...Z..');
    expect(truncate(core, 10)).toHaveLength(10);
    expect(coreBuilder().build({ truncateAt: 3 })).toHaveLength(3);
  });

  it('writes PN_XNUM with section header 0 at either end', () => {
    for (const where of ['start', 'end'] as const) {
      const core = coreBuilder({ xnum: where }).load({ vaddr: 0x1000n, size: 0x10 }).build();
      const v = new DataView(core.buffer);
      const shoff = Number(v.getBigUint64(40, true));
      expect([v.getUint16(56, true), v.getUint16(60, true)]).toEqual([0xffff, 1]);
      expect(shoff).toBe(where === 'start' ? 64 : core.length - 64);
      expect(v.getUint32(shoff + 44, true)).toBe(1); // sh_info: the real count
    }
  });

  it('pads notes to 4 bytes with the requested byte and can lie about sizes', () => {
    const core = coreBuilder().note('ABC', 9, Uint8Array.of(1), { pad: 0xcc, descsz: 99 }).build();
    const at = Number(new DataView(core.buffer).getBigUint64(64 + 8, true));
    expect([...core.subarray(at, at + 24)]).toEqual([
      4, 0, 0, 0, 99, 0, 0, 0, 9, 0, 0, 0, 0x41, 0x42, 0x43, 0, 1, 0xcc, 0xcc, 0xcc,
    ]);
  });

  it('refuses a large PT_LOAD without an explicit filesz (it would allocate every byte)', () => {
    expect(() =>
      coreBuilder()
        .load({ vaddr: 0n, size: 1n << 30n })
        .build(),
    ).toThrow(/give an explicit filesz/);
  });
});

describe.skipIf(!has('eu-readelf'))('cross-checked with eu-readelf', () => {
  it("decodes the sample core's notes as the builder meant them", () => {
    const out = tool('eu-readelf', ['-n'], sampleCore());
    expect(out).toMatch(/info\.si_signo: 11, info\.si_code: 0, info\.si_errno: 0, cursig: 11/);
    expect(out).toMatch(/pid: 4242, ppid: 1/);
    expect(out).toMatch(/rip: +0x0000000000401234\n/);
    expect(out).toMatch(/rsp: +0x00007ffc0000f000/);
    expect(out).toMatch(/uid: 1000, gid: 1000, pid: 4242, ppid: 1, pgrp: 4242, sid: 4242/);
    expect(out).toMatch(/fname: app, psargs: \/usr\/bin\/app --serve/);
    expect(out).toMatch(/si_signo: 11, si_errno: 0, si_code: 1\n\s+fault address: 0xdeadbeef/);
    expect(out).toMatch(/SYSINFO_EHDR: 0x7ffd00000000/);
    expect(out).toMatch(/00402000-00403000 00002000 4096 +\/usr\/bin\/app/);
  });

  it('decodes 32-bit notes (i386 prstatus, 16-bit-id prpsinfo, auxv)', () => {
    const core = coreBuilder({ bits: 32 })
      .thread({ tid: 77, signal: 6, pc: 0x8048123n, sp: 0xbffff000n })
      .prpsinfo({ pid: 77, uid: 500, gid: 501, fname: 'tiny' })
      .auxv([
        [AT_PAGESZ, 4096],
        [AT_EXECFN, 0xbffffff0n],
      ])
      .build();
    const out = tool('eu-readelf', ['-n'], core);
    expect(out).toMatch(/cursig: 6/);
    expect(out).toMatch(/pid: 77, ppid: 1/);
    expect(out).toMatch(/eip: +0x08048123/);
    expect(out).toMatch(/esp: +0xbffff000/);
    expect(out).toMatch(/uid: 500, gid: 501, pid: 77/);
    expect(out).toMatch(/EXECFN: 0xbffffff0/);
  });

  it('writes an image whose build-id note readelf finds', () => {
    const out = tool('eu-readelf', ['-n'], elfImage({ buildId: 'abcdef01' }));
    expect(out).toMatch(/Build ID: abcdef01/);
  });
});

describe.skipIf(!has('readelf'))('cross-checked with binutils readelf', () => {
  it('resolves PN_XNUM to the real program header count', () => {
    const b = coreBuilder({ xnum: 'end' });
    for (let i = 0; i < 3; i++) b.load({ vaddr: BigInt(0x10000 * (i + 1)), size: 0x10 });
    const out = tool('readelf', ['-lW'], b.build());
    expect(out).toMatch(/There are 3 program headers/);
  });
});
