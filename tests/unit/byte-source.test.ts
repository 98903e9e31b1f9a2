import { describe, expect, it, vi } from 'vitest';
import { BlobSource } from '../../src/core/io/byte-source';

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);

describe('BlobSource', () => {
  it('reads the requested bytes, short at the end of the blob, nothing past it', async () => {
    const source = new BlobSource(new Blob([bytes]));
    expect(source.size).toBe(1000);
    expect(Array.from(await source.read(10, 4))).toEqual([10, 11, 12, 13]);
    expect(Array.from(await source.read(998, 10))).toEqual([230, 231]);
    expect((await source.read(1000, 10)).length).toBe(0);
    await expect(source.read(-1, 4)).rejects.toThrow(RangeError);
  });

  it('synchronous, where FileReaderSync exists (workers): reads go through it, slice by slice', async () => {
    const slices: number[] = [];
    class FakeFileReaderSync {
      readAsArrayBuffer(blob: Blob): ArrayBuffer {
        slices.push(blob.size);
        return new Uint8Array(blob.size).fill(7).buffer;
      }
    }
    vi.stubGlobal('FileReaderSync', FakeFileReaderSync);
    vi.resetModules();
    try {
      const { BlobSource: Fresh } = await import('../../src/core/io/byte-source');
      const big = new Uint8Array(64 * 1024).fill(1);
      const source = new Fresh(new Blob([big]), { synchronous: true });
      expect(Array.from((await source.read(0, 32 * 1024)).subarray(0, 3))).toEqual([7, 7, 7]);
      expect(slices).toEqual([32 * 1024]);
      // Small reads stay asynchronous (they are issued together and overlap)…
      expect(Array.from(await source.read(500, 3))).toEqual([1, 1, 1]);
      // …and without the option every read is (scans overlap reads with counting).
      expect(Array.from((await new Fresh(new Blob([big])).read(0, 32 * 1024)).subarray(0, 3))).toEqual([1, 1, 1]);
      expect(slices).toEqual([32 * 1024]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('synchronous without FileReaderSync (Node, the page’s main thread): the same bytes, read asynchronously', async () => {
    const source = new BlobSource(new Blob([bytes]), { synchronous: true });
    expect(Array.from(await source.read(500, 3))).toEqual([244, 245, 246]);
  });
});
