/**
 * The dump fingerprint a report carries: SHA-256 of the ELF header, the program header table and the PT_NOTE
 * bytes, checked against node:crypto over the same bytes cut out by hand; the same from the header pass and from
 * the quick read that matches a dump to a report; different for a dump that differs only in a note. A compressed
 * core's, taken in one pass of its decoder, equals the plain core's and decodes no further than the notes.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { DecodedStreamSource, fingerprintOfDecoded } from '../../src/core/compression/decoded-stream-source';
import { decompress, type Gunzip } from '../../src/core/compression/decompress-stream';
import { fingerprintOf } from '../../src/core/elf/fingerprint';
import { isDumpError } from '../../src/core/errors';
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

/**
 * node:zlib's gunzip, as the CLI's (Node's own DecompressionStream takes its whole input at once, where the
 * browser's and zlib's streams take it as the output is read).
 */
const gunzip: Gunzip = (s) => Readable.toWeb(Readable.fromWeb(s as never).pipe(createGunzip())) as never;

/** The decoded chunks of `gz`, fed in 64 KiB pieces; `fed()` says how many compressed bytes were taken. */
function gunzipped(gz: Uint8Array) {
  let at = 0;
  const input = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (at >= gz.length) controller.close();
        else controller.enqueue(gz.slice(at, (at += 65536)));
      },
    },
    { highWaterMark: 0 },
  );
  const { chunks, consumed } = decompress('gzip', input, { gunzip, totalBytes: gz.length });
  return { chunks, fed: consumed };
}

/** Pseudo-random bytes: they do not compress, so decoding them would show in the compressed bytes taken. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let seed = 7;
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    out[i] = seed >>> 24;
  }
  return out;
}

describe('the fingerprint of a compressed core', () => {
  it("equals the plain core's, decoding only the start: a 4 MiB tail of memory is left undecoded", async () => {
    const core = new Uint8Array([...sampleCore(), ...noise(4 << 20)]);
    const gz = gzipSync(core);
    const { chunks, fed } = gunzipped(gz);
    expect(await fingerprintOfDecoded(chunks)).toBe(await fingerprintOf(new MemorySource(core)));
    expect(fed()).toBeLessThan(gz.length / 4);
  });

  it('holds only the first bytes: past them it reads in file order, as for a gcore with its notes at the end', async () => {
    const core = sampleCore();
    // The plain core in 256-byte pieces, as a decoder would hand them over; 1 KiB held.
    const pieces = (step: number) =>
      (function* () {
        for (let at = 0; at < core.length; at += step) yield core.subarray(at, at + step);
      })();
    expect(await fingerprintOf(new DecodedStreamSource(pieces(256), 1024))).toBe(
      await fingerprintOf(new MemorySource(core)),
    );
    const source = new DecodedStreamSource(pieces(256), 1024);
    expect(await source.read(3000, 100)).toEqual(core.subarray(3000, 3100));
    expect(await source.read(3100, 100)).toEqual(core.subarray(3100, 3200));
    expect(await source.read(100, 20)).toEqual(core.subarray(100, 120));
    const error = await source.read(2000, 10).catch((e: unknown) => e);
    expect(isDumpError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'its headers and notes are not in file order past its first 1.00 KiB: decompress it and give the plain core',
    );
    expect(await source.read(core.length - 10, 100)).toEqual(core.subarray(core.length - 10));
    await source.close();
  });

  it('says what the decoded start is when it is not a core', async () => {
    const { chunks } = gunzipped(gzipSync(new TextEncoder().encode('hello, not a core '.repeat(100))));
    await expect(fingerprintOfDecoded(chunks)).rejects.toThrow(/not an ELF file/);
  });
});
