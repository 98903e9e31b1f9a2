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
      const source = new Fresh(new Blob([bytes]), { synchronous: true });
      expect(Array.from(await source.read(500, 3))).toEqual([7, 7, 7]);
      expect(slices).toEqual([3]);
      // Without the option the same class reads asynchronously (scans overlap reads with counting).
      expect(Array.from(await new Fresh(new Blob([bytes])).read(500, 3))).toEqual([244, 245, 246]);
      expect(slices).toEqual([3]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('synchronous without FileReaderSync (Node, the page’s main thread): the same bytes, read asynchronously', async () => {
    const source = new BlobSource(new Blob([bytes]), { synchronous: true });
    expect(Array.from(await source.read(500, 3))).toEqual([244, 245, 246]);
  });
});
