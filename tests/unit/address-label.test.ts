/**
 * Address labels (src/core/model/address-label.ts), shared by the thread table's pc, the page's memory view and the
 * CLI's --dump: module+offset from the module's lowest mapped address, else the region's kind.
 */
import { describe, expect, it } from 'vitest';
import { moduleOffsetLabel, pointerLabel, pointerWords } from '../../src/core/model/address-label';
import { pointerLinks } from '../../workers/memory-view';
import { analyzeBytes } from '../helpers/run-engine';
import { SAMPLE, sampleCore } from '../helpers/sample-cores';

describe('address labels', () => {
  it("counts module+offset from the module's start, not its load bias (non-PIE: bias 0, start 0x400000)", async () => {
    const a = await analyzeBytes(sampleCore());
    const exe = a.modules.find((m) => m.path === SAMPLE.exe);
    expect(exe).toMatchObject({ start: 0x400000n, base: 0n });
    if (exe === undefined) return;
    expect(moduleOffsetLabel(exe, 0x40a30cn)).toBe('app+0xa30c');
    expect(pointerLabel(a, 0x401234n)).toBe('app+0x1234');
    expect(pointerLabel(a, 0x7f0000000100n)).toBe('libc.so.6+0x100');
  });

  it('labels other memory by its kind (? for a heuristic), and no small value or unmapped address', async () => {
    const a = await analyzeBytes(sampleCore());
    expect(pointerLabel(a, SAMPLE.mainSp)).toBe('Stack');
    expect(pointerLabel(a, 0x405010n)).toBe('Heap?');
    expect(pointerLabel(a, 0x1000n)).toBeUndefined();
    expect(pointerLabel(a, 0x500000n)).toBeUndefined();
  });

  it("finds aligned words in a read, the same as the page's memory view does", async () => {
    const a = await analyzeBytes(sampleCore());
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 0x401234n, true);
    view.setBigUint64(8, 0x42n, true);
    view.setBigUint64(16, SAMPLE.mainSp, true);
    const present = new Uint8Array(32).fill(1);
    present[20] = 0; // the third word is not all in the dump
    const words = pointerWords(
      { regions: a.regions, modules: a.modules, bits: 64, endian: 'little' },
      0x7ffc00001000n,
      bytes,
      present,
    );
    expect(words.map((w) => [w.offset, w.label])).toEqual([[0, 'app+0x1234']]);
    expect(pointerLinks(a, 0x7ffc00001000n, bytes, present)).toEqual(words);
  });
});
