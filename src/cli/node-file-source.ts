import { closeSync, fstatSync, openSync, read as readAsync, readSync } from 'node:fs';
import type { ByteSource } from '../core/io/byte-source';

/**
 * A dump on disk, read with positioned reads (Node only: the CLI, tests and the benchmark).
 *
 * `read` is synchronous underneath: the header pass issues a few dozen small reads one after another and has
 * nothing to overlap them with, and every asynchronous read was a round trip through libuv's thread pool, time
 * `coreview --json` spent idle waiting for it. `readInto`, which the census uses for
 * 16 MiB slices, stays asynchronous so a worker's next read overlaps its counting of the previous one.
 */
export class NodeFileSource implements ByteSource {
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** The synchronous calls run in a Promise executor so that their errors (ENOENT, EACCES) reject, not throw. */
  static open(path: string): Promise<NodeFileSource> {
    return new Promise((resolve) => {
      const fd = openSync(path, 'r');
      try {
        resolve(new NodeFileSource(fd, fstatSync(fd).size));
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    });
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const want = Math.max(0, Math.min(length, this.size - offset));
      const buffer = new Uint8Array(want);
      let done = 0;
      while (done < want) {
        const bytesRead = readSync(this.fd, buffer, done, want - done, offset + done);
        if (bytesRead === 0) break; // the file shrank under us: a short read means EOF
        done += bytesRead;
      }
      resolve(done === want ? buffer : buffer.slice(0, done));
    });
  }

  /**
   * Reads up to `target.length` bytes at `offset` into `target` (no allocation: the scan workers reuse one buffer
   * per slice in flight instead of zero-filling a fresh 16 MiB array for every read). Returns the bytes read.
   */
  async readInto(target: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(target.length, this.size - offset));
    let done = 0;
    while (done < want) {
      const bytesRead = await readAt(this.fd, target, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.closed) {
        this.closed = true;
        closeSync(this.fd);
      }
      resolve();
    });
  }
}

function readAt(fd: number, target: Uint8Array, at: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    readAsync(fd, target, at, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}
