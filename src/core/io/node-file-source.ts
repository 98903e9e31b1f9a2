import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from './byte-source';

/** A dump on disk, read with positioned reads (Node only: the CLI, tests and the benchmark). */
export class NodeFileSource implements ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<NodeFileSource> {
    const handle = await open(path, 'r');
    const stat = await handle.stat();
    return new NodeFileSource(handle, stat.size);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const buffer = new Uint8Array(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.handle.read(buffer, done, want - done, offset + done);
      if (bytesRead === 0) break; // the file shrank under us: a short read means EOF
      done += bytesRead;
    }
    return done === want ? buffer : buffer.slice(0, done);
  }

  /**
   * Reads up to `target.length` bytes at `offset` into `target` (no allocation: the scan workers reuse one buffer
   * per slice in flight instead of zero-filling a fresh 16 MiB array for every read). Returns the bytes read.
   */
  async readInto(target: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(target.length, this.size - offset));
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.handle.read(target, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
