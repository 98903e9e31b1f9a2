/**
 * A ByteSource that claims a larger size than the bytes it holds, reading zeros past them — a sparse file, as the
 * large-file tests make with truncate(1). It enforces the ByteSource contract's read limit like BlobSource does,
 * and records what the engine asked for so tests can bound the header pass's reads.
 */
import { MAX_READ, type ByteSource } from '../../src/core/io/byte-source';

export class SparseSource implements ByteSource {
  bytesRead = 0;
  largestRead = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly size: number,
  ) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0)
      return Promise.reject(new RangeError(`bad read(${offset}, ${length})`));
    if (length > MAX_READ) return Promise.reject(new RangeError(`read of ${length} bytes exceeds the 1 GiB limit`));
    const end = Math.min(this.size, offset + length);
    if (end <= offset) return Promise.resolve(new Uint8Array(0));
    const out = new Uint8Array(end - offset);
    if (offset < this.bytes.length) out.set(this.bytes.subarray(offset, Math.min(end, this.bytes.length)));
    this.bytesRead += out.length;
    this.largestRead = Math.max(this.largestRead, out.length);
    return Promise.resolve(out);
  }
}

/** A source whose reads come back shorter than asked past `shortAfter` bytes: a file that shrank while open. */
export class ShrinkingSource implements ByteSource {
  constructor(
    private readonly bytes: Uint8Array,
    readonly size: number,
    private readonly shortAfter: number,
  ) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.bytes.slice(offset, Math.min(offset + length, this.shortAfter, this.size)));
  }
}

/** Another source with some of its bytes replaced (a note's type changed, say), without copying a large file. */
export class PatchedSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    private readonly at: number,
    private readonly patch: Uint8Array,
  ) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length);
    const from = Math.max(offset, this.at);
    const to = Math.min(offset + bytes.length, this.at + this.patch.length);
    if (from < to) bytes.set(this.patch.subarray(from - this.at, to - this.at), from - offset);
    return bytes;
  }
}
