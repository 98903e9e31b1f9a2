/**
 * The dump fingerprint a report carries: SHA-256 of the ELF header, the program header table and the PT_NOTE
 * bytes, checked against node:crypto over the same bytes cut out by hand; the same from the header pass and from
 * the quick read that matches a dump to a report; different for a dump that differs only in a note.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { fingerprintOf } from '../../src/core/elf/fingerprint';
import { MemorySource } from '../../src/core/io/byte-source';
import { sampleCore } from '../helpers/sample-cores';

/** Where the ELF header's fields put the program headers and each PT_NOTE (a 64-bit little-endian core). */
function layout(core: Uint8Array) {
  const v = new DataView(core.buffer, core.byteOffset, core.byteLength);
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  const notes: [number, number][] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (v.getUint32(at, true) === 4)
      notes.push([Number(v.getBigUint64(at + 8, true)), Number(v.getBigUint64(at + 32, true))]);
  }
  return { phoff, tableSize: phnum * phentsize, notes };
}

/** The bytes the fingerprint covers, cut out by hand. */
function coveredBytes(core: Uint8Array): Uint8Array {
  const { phoff, tableSize, notes } = layout(core);
  const parts = [core.subarray(0, 64), core.subarray(phoff, phoff + tableSize)];
  for (const [offset, size] of notes) parts.push(core.subarray(offset, offset + size));
  return Buffer.concat(parts);
}

describe('dump fingerprint', () => {
  it('is SHA-256 of the ELF header, program headers and notes, the same from the header pass and the quick read', async () => {
    const core = sampleCore();
    const expected = createHash('sha256').update(coveredBytes(core)).digest('hex');
    expect((await analyzeCore(new MemorySource(core))).dump.fingerprint).toBe(expected);
    expect(await fingerprintOf(new MemorySource(core))).toBe(expected);
  });

  it('differs for a dump of the same size whose notes differ in one byte, not for one whose memory does', async () => {
    const core = sampleCore();
    const base = await fingerprintOf(new MemorySource(core));
    const [first] = layout(core).notes;
    expect(first).toBeDefined();
    const noteChanged = core.slice();
    // A byte of the first note's descriptor (past its 12-byte header and name).
    const noteByte = (first?.[0] ?? 0) + 24;
    noteChanged[noteByte] = (noteChanged[noteByte] ?? 0) ^ 0xff;
    expect(await fingerprintOf(new MemorySource(noteChanged))).not.toBe(base);
    const memoryChanged = core.slice();
    memoryChanged[core.length - 1] = (memoryChanged[core.length - 1] ?? 0) ^ 0xff;
    expect(await fingerprintOf(new MemorySource(memoryChanged))).toBe(base);
  });
});
