import { describe, expect, it } from 'vitest';
import { EM } from '../../src/core/elf/constants';
import type { Endian, WordBits } from '../../src/core/elf/binary-view';
import { ALL_LAYOUTS, selectPrstatusLayout, type PrstatusLayout } from '../../src/core/notes/arch';
import { parsePrstatus, type PrstatusContext } from '../../src/core/notes/prstatus';

/** The desc sizes real kernels write (all but riscv32 seen in the corpus). */
const SIZES: Record<string, number> = {
  x86_64: 336,
  x32: 296,
  i386: 144,
  arm: 148,
  aarch64: 392,
  ppc32: 268,
  ppc64: 504,
  s390x: 336,
  s390: 224,
  riscv64: 376,
  riscv32: 204,
  'mips o32': 256,
  'mips n32': 440,
  mips64: 480,
  loongarch64: 480,
  sparc64: 408,
  m68k: 154,
  alpha: 384,
  hppa: 396,
};

/** A context under which each layout is selected. */
const CONTEXTS: Record<string, PrstatusContext> = {
  x86_64: { machine: EM.X86_64, bits: 64, endian: 'little', flags: 0 },
  x32: { machine: EM.X86_64, bits: 32, endian: 'little', flags: 0 },
  i386: { machine: EM.I386, bits: 32, endian: 'little', flags: 0 },
  arm: { machine: EM.ARM, bits: 32, endian: 'little', flags: 0x05000000 },
  aarch64: { machine: EM.AARCH64, bits: 64, endian: 'little', flags: 0 },
  ppc32: { machine: EM.PPC, bits: 32, endian: 'big', flags: 0 },
  ppc64: { machine: EM.PPC64, bits: 64, endian: 'big', flags: 0 },
  s390x: { machine: EM.S390, bits: 64, endian: 'big', flags: 0 },
  s390: { machine: EM.S390, bits: 32, endian: 'big', flags: 0 },
  riscv64: { machine: EM.RISCV, bits: 64, endian: 'little', flags: 5 },
  riscv32: { machine: EM.RISCV, bits: 32, endian: 'little', flags: 5 },
  'mips o32': { machine: EM.MIPS, bits: 32, endian: 'little', flags: 0 },
  'mips n32': { machine: EM.MIPS, bits: 32, endian: 'little', flags: 0x20 },
  mips64: { machine: EM.MIPS, bits: 64, endian: 'big', flags: 0 },
  loongarch64: { machine: EM.LOONGARCH, bits: 64, endian: 'little', flags: 0 },
  sparc64: { machine: EM.SPARCV9, bits: 64, endian: 'big', flags: 0 },
  m68k: { machine: EM.M68K, bits: 32, endian: 'big', flags: 0 },
  alpha: { machine: EM.ALPHA, bits: 64, endian: 'little', flags: 0 },
  hppa: { machine: EM.PARISC, bits: 32, endian: 'big', flags: 0 },
};

function layoutNamed(arch: string): PrstatusLayout {
  const l = ALL_LAYOUTS.find((x) => x.arch === arch);
  if (!l) throw new Error(`no layout ${arch}`);
  return l;
}

function offsetOf(layout: PrstatusLayout, name: string): number {
  const slot = layout.registers.find((r) => r.name === name);
  if (!slot) throw new Error(`${layout.arch} has no ${name}`);
  return layout.header.regs + slot.offset;
}

function put(dv: DataView, offset: number, size: number, value: bigint, little: boolean): void {
  if (size === 8) dv.setBigUint64(offset, value, little);
  else if (size === 4) dv.setUint32(offset, Number(BigInt.asUintN(32, value)), little);
  else dv.setUint16(offset, Number(BigInt.asUintN(16, value)), little);
}

/** A well-formed descriptor: header fields set, register i holding a distinct pattern that fits its size. */
function synth(layout: PrstatusLayout, endian: Endian): { desc: Uint8Array; values: Map<string, bigint> } {
  const desc = new Uint8Array(layout.descSize);
  const dv = new DataView(desc.buffer);
  const little = endian === 'little';
  const h = layout.header;
  dv.setInt32(h.info, 11, little);
  dv.setInt32(h.info + 4, -6, little);
  dv.setInt32(h.info + 8, 3, little);
  dv.setUint16(h.cursig, 11, little);
  dv.setUint32(h.pid, 4242, little);
  dv.setUint32(h.ppid, 4141, little);
  const values = new Map<string, bigint>();
  layout.registers.forEach((r, i) => {
    const v = BigInt.asUintN(r.size * 8, 0x1122334455667788n * BigInt(i + 1) + 0x0101n);
    put(dv, h.regs + r.offset, r.size, v, little);
    values.set(r.name, v);
  });
  return { desc, values };
}

describe('prstatus layouts', () => {
  it('have the struct sizes real kernels write', () => {
    expect(Object.fromEntries(ALL_LAYOUTS.map((l) => [l.arch, l.descSize]))).toEqual(SIZES);
  });

  it('put the documented registers at the documented offsets', () => {
    expect(offsetOf(layoutNamed('x86_64'), 'rip')).toBe(112 + 128);
    expect(offsetOf(layoutNamed('x86_64'), 'rsp')).toBe(112 + 152);
    expect(offsetOf(layoutNamed('aarch64'), 'sp')).toBe(112 + 248);
    expect(offsetOf(layoutNamed('aarch64'), 'pc')).toBe(112 + 256);
    expect(offsetOf(layoutNamed('i386'), 'eip')).toBe(72 + 48);
    expect(offsetOf(layoutNamed('i386'), 'esp')).toBe(72 + 60);
    expect(offsetOf(layoutNamed('x32'), 'rip')).toBe(72 + 128);
    expect(offsetOf(layoutNamed('mips o32'), 'r0')).toBe(72 + 24);
    expect(offsetOf(layoutNamed('mips o32'), 'cp0_epc')).toBe(72 + 160);
    expect(offsetOf(layoutNamed('s390'), 'orig_gpr2')).toBe(72 + 136);
    expect(offsetOf(layoutNamed('m68k'), 'pc')).toBe(70 + 72);
    expect(offsetOf(layoutNamed('alpha'), 'pc')).toBe(112 + 31 * 8);
    expect(offsetOf(layoutNamed('hppa'), 'iaoq0')).toBe(72 + 160);
    expect(layoutNamed('m68k').header.pid).toBe(22);
  });

  it.each(ALL_LAYOUTS.map((l) => [l.arch, l] as const))('%s: slots are unique, in bounds and disjoint', (_, l) => {
    const names = l.registers.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(l.pc);
    expect(names).toContain(l.sp);
    const sorted = [...l.registers].sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const r of sorted) {
      expect(r.offset).toBeGreaterThanOrEqual(end);
      end = r.offset + r.size;
    }
    expect(end).toBeLessThanOrEqual(l.gregsetSize);
    expect(l.header.regs + l.gregsetSize + 4).toBeLessThanOrEqual(l.descSize);
  });

  it('selects by machine, class, flags and size', () => {
    const pick = (m: number, bits: WordBits, flags: number, size: number) =>
      selectPrstatusLayout(m, bits, flags, size)?.arch;
    expect(pick(EM.X86_64, 64, 0, 336)).toBe('x86_64');
    expect(pick(EM.X86_64, 32, 0, 296)).toBe('x32');
    expect(pick(EM.MIPS, 32, 0, 256)).toBe('mips o32');
    // The corpus' n32 core has e_flags 0: the size decides.
    expect(pick(EM.MIPS, 32, 0, 440)).toBe('mips n32');
    expect(pick(EM.MIPS, 32, 0x20, 440)).toBe('mips n32');
    expect(pick(EM.MIPS, 32, 0x20, 100)).toBe('mips n32');
    expect(pick(EM.MIPS, 64, 0x20000000, 480)).toBe('mips64');
    expect(pick(EM.S390, 32, 0, 224)).toBe('s390');
    expect(pick(EM.S390, 64, 0, 336)).toBe('s390x');
    expect(pick(EM.PPC64, 64, 2, 504)).toBe('ppc64');
    expect(pick(EM.PARISC, 64, 0, 760)).toBeUndefined();
    expect(pick(EM.AARCH64, 32, 0, 392)).toBeUndefined();
    expect(pick(EM.I386, 64, 0, 144)).toBeUndefined();
    expect(pick(9999, 64, 0, 336)).toBeUndefined();
  });
});

describe('parsePrstatus', () => {
  for (const layout of ALL_LAYOUTS) {
    const base = CONTEXTS[layout.arch];
    if (!base) throw new Error(`no context for ${layout.arch}`);
    for (const endian of ['little', 'big'] as const) {
      it(`${layout.arch} ${endian}-endian: reads header and every register`, () => {
        const ctx = { ...base, endian };
        const { desc, values } = synth(layout, endian);
        const r = parsePrstatus(desc, ctx);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.warning).toBeUndefined();
        expect(r.value.arch).toBe(layout.arch);
        expect(r.value.tid).toBe(4242);
        expect(r.value.ppid).toBe(4141);
        expect(r.value.signal).toBe(11);
        expect(r.value.info).toEqual({ signo: 11, code: -6, errno: 3 });
        expect(r.value.registers.list().map((x) => x.name)).toEqual(layout.registers.map((x) => x.name));
        for (const reg of r.value.registers.list()) expect(reg.hex).toBe(`0x${values.get(reg.name)?.toString(16)}`);
        const pc = values.get(layout.pc) ?? -1n;
        const sp = values.get(layout.sp) ?? -1n;
        expect(r.value.pc).toBe(layout.pcAddress ? layout.pcAddress(pc) : pc);
        expect(r.value.sp).toBe(layout.spAddress ? layout.spAddress(sp) : sp);
      });
    }
  }

  it('turns raw pc/sp into addresses where the ABI requires it', () => {
    const hppa = layoutNamed('hppa');
    expect(hppa.pcAddress?.(0x107ebn)).toBe(0x107e8n);
    const s390 = layoutNamed('s390');
    expect(s390.pcAddress?.(0x8040009an)).toBe(0x40009an);
    const sparc = layoutNamed('sparc64');
    expect(sparc.spAddress?.(0x7feffa00f91n)).toBe(0x7feffa00f91n + 2047n);
    expect(sparc.spAddress?.(0x7feffa01000n)).toBe(0x7feffa01000n);
  });

  it('reads x86 segment selectors as 16 bits (gdb leaves garbage above them)', () => {
    const layout = layoutNamed('x86_64');
    const { desc } = synth(layout, 'little');
    new DataView(desc.buffer).setBigUint64(offsetOf(layout, 'cs'), 0x561c00000033n, true);
    const r = parsePrstatus(desc, { machine: EM.X86_64, bits: 64, endian: 'little', flags: 0 });
    expect(r.ok && r.value.registers.list().find((x) => x.name === 'cs')).toEqual({ name: 'cs', hex: '0x33', size: 2 });
  });

  it('handles every truncation of an x86_64 prstatus', () => {
    const ctx: PrstatusContext = { machine: EM.X86_64, bits: 64, endian: 'little', flags: 0 };
    const { desc } = synth(layoutNamed('x86_64'), 'little');
    for (let n = 0; n <= desc.length + 8; n++) {
      const d = new Uint8Array(n);
      d.set(desc.subarray(0, Math.min(n, desc.length)));
      const r = parsePrstatus(d, ctx);
      if (n < 36) {
        expect(r).toMatchObject({ ok: false });
        if (!r.ok) expect(r.error).toMatch(/too short for the x86_64 prstatus header/);
      } else if (n < 112 + 216) {
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(r.value.tid).toBe(4242);
        expect(r.value.registers.count).toBe(0);
        expect(r.warning).toMatch(new RegExp(`^registers unknown for x86_64 prstatus of ${n} bytes`));
      } else {
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(r.value.registers.count).toBe(27);
        if (n === 336) expect(r.warning).toBeUndefined();
        else expect(r.warning).toMatch(/unexpected x86_64 prstatus size/);
      }
    }
  });

  it('reads tid and signal of an unknown machine and says the registers are unknown', () => {
    const { desc } = synth(layoutNamed('x86_64'), 'little');
    const r = parsePrstatus(desc, { machine: 9999, bits: 64, endian: 'little', flags: 0 });
    expect(r).toMatchObject({ ok: true, value: { tid: 4242, signal: 11 } });
    expect(r.ok && r.value.registers.count).toBe(0);
    if (r.ok) expect(r.warning).toBe('registers unknown for machine 9999 (64-bit) prstatus of 336 bytes');
    expect(r.ok && r.value.pc).toBe(undefined);
  });

  it('never throws and never hits an internal error on random input', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    const contexts = Object.values(CONTEXTS);
    for (let i = 0; i < 3000; i++) {
      const size = rand() % 700;
      const desc = Uint8Array.from({ length: size }, () => rand() & 0xff);
      const base = contexts[rand() % contexts.length] ?? contexts[0];
      if (!base) throw new Error('no contexts');
      const ctx: PrstatusContext = {
        machine: rand() % 8 === 0 ? rand() % 0x10000 : base.machine,
        bits: rand() % 2 === 0 ? 32 : 64,
        endian: rand() % 2 === 0 ? 'little' : 'big',
        flags: rand(),
      };
      const r = parsePrstatus(desc, ctx);
      if (!r.ok) expect(r.error).not.toMatch(/internal error/);
      // Unaligned views must work too.
      const shifted = new Uint8Array(size + 1).subarray(1);
      shifted.set(desc);
      expect(parsePrstatus(shifted, ctx)).toEqual(r);
    }
  });

  it('fails clearly on an empty descriptor', () => {
    const r = parsePrstatus(new Uint8Array(0), { machine: EM.AARCH64, bits: 64, endian: 'little', flags: 0 });
    expect(r).toEqual({
      ok: false,
      error:
        'NT_PRSTATUS of 0 bytes is too short for the aarch64 prstatus header (pr_pid ends at byte 36; the struct is 392 bytes)',
    });
  });
});
