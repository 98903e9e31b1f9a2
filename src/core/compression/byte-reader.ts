/**
 * Exact-size reads over a stream of chunks of any size, for the decoders that parse a container themselves (the
 * LZ4 frame): a block arrives whole even when it straddles chunks. A read that fits in the current chunk is a view
 * of it, not a copy.
 */
export class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private done = false;
  /** Bytes handed out so far: the position of the next read in the whole stream. */
  position = 0;

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  /** Exactly `n` bytes, or fewer only at the end of the stream (then as many as were left). */
  async take(n: number): Promise<Uint8Array> {
    if (this.chunk.length - this.at >= n) return this.advance(n);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.at === this.chunk.length && !(await this.refill())) break;
      const part = this.advance(Math.min(n - filled, this.chunk.length - this.at));
      out.set(part, filled);
      filled += part.length;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    while (this.at === this.chunk.length) if (!(await this.refill())) return true;
    return false;
  }

  private advance(n: number): Uint8Array {
    const view = this.chunk.subarray(this.at, this.at + n);
    this.at += n;
    this.position += n;
    return view;
  }

  private async refill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.chunks.next();
    if (next.done === true) {
      this.done = true;
      return false;
    }
    this.chunk = next.value;
    this.at = 0;
    return true;
  }
}
