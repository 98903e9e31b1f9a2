/**
 * A compressed dump read in one forward pass of its decoder: how a compressed file given to a report is matched by
 * its fingerprint (ELF header, program headers, notes) without writing it out. A kernel core has its notes right
 * after its program headers, so the decoder stops within the first megabytes; gdb's gcore writes them after all the
 * memory, so the whole stream is decoded, but only the bytes read are kept.
 *
 * Kept: the stream's first PREFIX_LIMIT bytes (read in any order) and the chunk last decoded. Past the prefix, reads
 * must come in file order — the fingerprint's do, in every core seen — else the read fails with a clear message.
 */
import { checkReadArgs, type ByteSource } from '../io/byte-source';
import { DumpError } from '../errors';
import { fingerprintOf } from '../elf/fingerprint';
import { humanSize } from '../format/size';

/** Decoded bytes held from the start: the ELF header, a program header table of any usual size, its notes. */
const PREFIX_LIMIT = 64 * 1024 * 1024;

/**
 * A ByteSource over a stream of decoded chunks. Its size is not known without decoding it all, so it claims the
 * largest: a read past the stream's end returns what there is (short), as a read past a file's end does.
 */
export class DecodedStreamSource implements ByteSource {
  readonly size = Number.MAX_SAFE_INTEGER;
  /** The stream's bytes [0, heldLength): its start, up to the limit. */
  private held = new Uint8Array(1 << 20);
  private heldLength = 0;
  /** The chunk decoded last and where in the stream it starts; `position` is where it ends. */
  private last: Uint8Array = new Uint8Array(0);
  private lastStart = 0;
  private position = 0;
  private ended = false;

  constructor(
    private readonly chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array>,
    private readonly limit = PREFIX_LIMIT,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadArgs(offset, length);
    const end = offset + length;
    if (end <= this.limit) {
      while (this.heldLength < end && !this.ended) await this.pull();
      return this.held.slice(Math.min(offset, this.heldLength), Math.min(end, this.heldLength));
    }
    const out = new Uint8Array(length);
    const copy = (bytes: Uint8Array, start: number) => {
      const from = Math.max(offset, start);
      const to = Math.min(end, start + bytes.length);
      if (from < to) out.set(bytes.subarray(from - start, to - start), from - offset);
    };
    copy(this.held.subarray(0, this.heldLength), 0);
    if (Math.max(offset, this.heldLength) < this.lastStart) {
      throw new DumpError(
        'unreadable',
        `its headers and notes are not in file order past its first ${humanSize(this.limit)}: decompress it and give the plain core`,
      );
    }
    copy(this.last, this.lastStart);
    while (this.position < end && !this.ended) {
      await this.pull();
      copy(this.last, this.lastStart);
    }
    return out.subarray(0, Math.max(0, Math.min(end, this.position) - offset));
  }

  /** Stops the decoder (and its reads of the compressed file). */
  async close(): Promise<void> {
    this.ended = true;
    await this.chunks.return?.();
  }

  /**
   * The next chunk: it becomes `last` (used before the next pull, so a decoder may reuse its buffer) and is held
   * while within the limit.
   */
  private async pull(): Promise<void> {
    const next = await this.chunks.next();
    if (next.done === true) {
      this.ended = true;
      return;
    }
    const chunk = next.value;
    this.last = chunk;
    this.lastStart = this.position;
    this.position += chunk.length;
    if (this.heldLength === this.lastStart && this.heldLength < this.limit) this.hold(chunk);
  }

  private hold(chunk: Uint8Array): void {
    const bytes = chunk.subarray(0, this.limit - this.heldLength);
    if (this.heldLength + bytes.length > this.held.length) {
      let capacity = this.held.length;
      while (capacity < this.heldLength + bytes.length) capacity *= 2;
      const grown = new Uint8Array(Math.min(capacity, this.limit));
      grown.set(this.held.subarray(0, this.heldLength));
      this.held = grown;
    }
    this.held.set(bytes, this.heldLength);
    this.heldLength += bytes.length;
  }
}

/** The fingerprint of the core a compressed stream decodes to, decoding no further than its notes. */
export async function fingerprintOfDecoded(chunks: AsyncIterator<Uint8Array>): Promise<string> {
  const source = new DecodedStreamSource(chunks);
  try {
    return await fingerprintOf(source);
  } finally {
    await source.close();
  }
}
