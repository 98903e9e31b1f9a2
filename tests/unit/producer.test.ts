/** Which program wrote the core (model/producer.ts): createdump's section header told from BFD's and the kernel's. */
import { describe, expect, it } from 'vitest';
import { coreBuilder } from '../helpers/core-builder';
import { analyzeBytes } from '../helpers/run-engine';

/** One PT_NOTE and one PT_LOAD, the crashing thread first as createdump and the kernel write them. */
const base = (o: Parameters<typeof coreBuilder>[0] = {}) =>
  coreBuilder(o).thread({ tid: 1, signal: 6 }).prpsinfo({ pid: 1 }).load({ vaddr: 0x10000n, size: 0x1000 });

describe('producer: section headers', () => {
  it('names older createdump: one section header right after the ELF header, e_shnum 0, sh_info = phnum', async () => {
    const a = await analyzeBytes(base({ xnum: 'start', header: { phnum: 2, shnum: 0 } }).build());
    expect(a.dump.programHeaders).toBe(2);
    expect(a.dump.producer).toEqual({
      name: 'createdump',
      evidence:
        'one section header at offset 64, right after the ELF header, with e_shnum 0 and sh_info 2 (the program-header count): older createdump writes it so',
    });
    expect(a.dump.warnings.some((w) => w.includes('gcore'))).toBe(false);
  });

  it('names current createdump: PN_XNUM with its section header right after the ELF header', async () => {
    const a = await analyzeBytes(base({ xnum: 'start' }).build());
    expect(a.dump.producer.name).toBe('createdump');
    expect(a.dump.producer.evidence).toMatch(
      /^PN_XNUM's section header at offset 64, right after the ELF header \(e_shnum 1, sh_info 2\)/,
    );
  });

  it('keeps the kernel for PN_XNUM at the end, and gcore for several section headers', async () => {
    expect((await analyzeBytes(base({ xnum: 'end' }).build())).dump.producer.name).toBe('kernel');
    const bfd = await analyzeBytes(base({ xnum: 'start', section0: { size: 5 }, header: { shnum: 0 } }).build());
    expect(bfd.dump.producer.name).toBe('gdb gcore');
  });

  it('does not name createdump when sh_info is not the program-header count', async () => {
    const a = await analyzeBytes(
      base({ xnum: 'start', section0: { info: 7 }, header: { phnum: 2, shnum: 0 } }).build(),
    );
    expect(a.dump.producer.name).not.toBe('createdump');
  });
});
