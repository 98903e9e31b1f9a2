/**
 * The one way the engine reads a dump.
 *
 * Contract:
 * - `size` is the file's length in bytes (a dump may be many GiB; offsets fit a `number` up to 2^53).
 * - `read(offset, length)` resolves to at most `length` bytes starting at `offset`. It returns fewer bytes only at
 *   the end of the file (a short read means EOF, never "try again"), and an empty array when `offset >= size`.
 * - Callers never ask for more than MAX_READ bytes at once: Chromium fails any single Blob read above
 *   2 GiB − 2 MiB with a misleading NotReadableError, and a scan wants 16–32 MiB slices anyway.
 * - The returned bytes are owned by the caller (implementations must not reuse the buffer).
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** 1 GiB: the largest single read the engine ever issues (see the contract above). */
export const MAX_READ = 1 << 30;

/** A dump held in memory: tests, the synthetic core builder, small decompressed corpus files. */
export class MemorySource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  /** In a Promise executor so that bad arguments reject, as they do from every other source. */
  read(offset: number, length: number): Promise<Uint8Array> {
    return new Promise((resolve) => {
      checkReadArgs(offset, length);
      resolve(this.bytes.slice(offset, Math.min(this.bytes.length, offset + length)));
    });
  }
}

/**
 * A browser File/Blob (also Node's Blob). Slices are disk-backed; only the requested bytes are read.
 *
 * The File is sliced once, whole, up front and every read slices that Blob. In Chromium a File that reached a
 * worker by postMessage re-checks its file on disk (a synchronous round trip to the browser process) on every
 * `size` and `slice()`; a Blob made from it does not. With the header pass's dozen reads and hundreds of size
 * checks those round trips were a large part of its time in the page (the bench's browser load split prints the
 * header pass in the worker).
 */
export class BlobSource implements ByteSource {
  readonly size: number;
  private readonly blob: Blob;
  private readonly reader: SyncReader | undefined;

  /**
   * `synchronous`: read with FileReaderSync where there is one (workers), for a pass that reads one thing after
   * another — the header pass: in Chromium it reads a many-thread core's note segment (megabytes) sooner than
   * asynchronous reads do (the bench's browser load split prints the header pass in the worker). Reads under
   * SYNC_MIN stay asynchronous even then: each costs a round trip either way, and the header pass issues its small
   * ones together (module pages), so they overlap. Scans keep asynchronous reads: a worker counts one slice while
   * the next one arrives.
   */
  constructor(file: Blob, options: { readonly synchronous?: boolean } = {}) {
    this.size = file.size;
    this.blob = file.slice(0, this.size);
    this.reader = options.synchronous === true && SyncReaderClass !== undefined ? new SyncReaderClass() : undefined;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadArgs(offset, length);
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const slice = this.blob.slice(offset, end);
    const sync = this.reader !== undefined && end - offset >= SYNC_MIN;
    return new Uint8Array(sync ? this.reader.readAsArrayBuffer(slice) : await slice.arrayBuffer());
  }
}

/** Reads at least this long are synchronous in a `synchronous` BlobSource (see its constructor). */
const SYNC_MIN = 16 * 1024;

/** FileReaderSync, a worker-only web API (absent on the page's main thread, in Node and in jsdom). */
interface SyncReader {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}
const SyncReaderClass = (globalThis as { FileReaderSync?: new () => SyncReader }).FileReaderSync;

/**
 * Counts what the engine reads, so the CLI and the benchmark can show that the header pass reads headers, notes
 * and module pages only — never something in proportion to the dump's size.
 */
export class CountingSource implements ByteSource {
  bytesRead = 0;
  reads = 0;
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length);
    this.bytesRead += bytes.length;
    this.reads += 1;
    return bytes;
  }
}

/** Throws RangeError for arguments the ByteSource contract refuses (every source checks them alike). */
export function checkReadArgs(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`bad read(${offset}, ${length})`);
  }
  if (length > MAX_READ) throw new RangeError(`read of ${length} bytes exceeds the 1 GiB limit`);
}
