/**
 * Temporary files of the page's own in the Origin Private File System: where a compressed dump is decoded to (and a
 * dump downloaded whole), so that the engine reads it as it reads a dropped file — a disk-backed File, random
 * access, nothing held in the JS heap. Written through a synchronous access handle, so only in a worker.
 *
 * Lifetime: each temp is guarded by a Web Lock held by the worker that wrote it, until removeOpfsTemp or the
 * worker's end. removeOpfsTemps removes every temp nobody holds — left by a cancelled decode (its worker was
 * ended), a closed tab or a crash — and leaves alone those another tab or worker is still using.
 */
import { forEachDataRun } from '../src/core/compression/data-runs';
import { humanSize } from '../src/core/format/size';

const DIRECTORY = 'coreview-temp';
const LOCK_PREFIX = 'coreview-temp:';

/** The browser refused more disk space: the message says how much was needed. */
export class OpfsQuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpfsQuotaError';
  }
}

export interface StreamToOpfsOptions {
  /** The dump's name, for messages (the temp's own name is unique: see the returned File). */
  readonly name: string;
  readonly signal?: AbortSignal;
  /** Called after each chunk with the bytes written so far. */
  readonly onBytes?: (written: number) => void;
  /** The final size when known in advance: checked against the free quota before writing anything. */
  readonly expectedBytes?: number;
  /** A word ([a-z0-9]) kept in the temp's name, where the writer can find it again (tempTag). */
  readonly tag?: string;
}

/** FileSystemSyncAccessHandle (in the WebWorker lib, which this project's DOM lib leaves out). */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** Lock releasers of the temps this worker holds, by temp name. */
const held = new Map<string, () => void>();

async function directory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIRECTORY, { create: true });
}

/** Holds the temp's lock until released (resolves once it is granted). */
function hold(name: string): Promise<void> {
  return new Promise((granted) => {
    void navigator.locks.request(
      LOCK_PREFIX + name,
      () =>
        new Promise<void>((release) => {
          held.set(name, release);
          granted();
        }),
    );
  });
}

/**
 * Takes a temp's lock in this worker when nobody holds it (a dump loaded again after the worker that wrote it was
 * lost), so that removeOpfsTemps leaves it alone while it is on screen. Never waits.
 */
export function adoptOpfsTemp(name: string): Promise<void> {
  if (held.has(name)) return Promise.resolve();
  return new Promise((done) => {
    void navigator.locks
      .request(LOCK_PREFIX + name, { ifAvailable: true }, (lock) => {
        done();
        if (lock === null) return undefined;
        return new Promise<void>((release) => held.set(name, release));
      })
      .catch(() => done());
  });
}

function tempName(name: string, tag: string | undefined): string {
  const safe = name.replace(/[^\w.-]+/g, '_').slice(-80);
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${tag === undefined ? '' : `${tag}~`}${safe}`;
}

/** The tag a temp of ours was written with, read back from its File's name (a File crosses workers with its name). */
export function tempTag(file: Blob): string | undefined {
  return file instanceof File ? /^[0-9a-z]+-[0-9a-z]+-([0-9a-z]+)~/.exec(file.name)?.[1] : undefined;
}

/**
 * Writes `stream` into a new temp file and returns it as a disk-backed File. The File's `name` is the temp's own
 * (what removeOpfsTemp and removeOpfsTemps' `keep` take): show users the dump's name, not this one.
 */
export async function streamToOpfs(stream: ReadableStream<Uint8Array>, options: StreamToOpfsOptions): Promise<File> {
  const reader = stream.getReader();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  try {
    return await writeToOpfs(chunks(), options);
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
}

/** As streamToOpfs, from chunks each written before the next is asked for (a decoder's reused buffers are fine). */
export async function writeToOpfs(chunks: AsyncIterable<Uint8Array>, options: StreamToOpfsOptions): Promise<File> {
  if (options.expectedBytes !== undefined) await checkQuota(options.name, options.expectedBytes);
  const dir = await directory();
  const name = tempName(options.name, options.tag);
  await hold(name);
  const handle = await dir.getFileHandle(name, { create: true });
  const access = await (
    handle as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }
  ).createSyncAccessHandle();
  let written = 0;
  try {
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted();
      // All-zero stretches are left as holes (the size is set at the end): cores are mostly zeros.
      forEachDataRun(chunk, (from, to) => {
        for (let at = from; at < to;) {
          const n = access.write(chunk.subarray(at, to), { at: written + at });
          if (n <= 0) throw new DOMException('no byte was written', 'QuotaExceededError');
          at += n;
        }
      });
      written += chunk.length;
      options.onBytes?.(written);
    }
    access.truncate(written);
    access.flush();
    access.close();
  } catch (e) {
    access.close();
    await removeOpfsTemp(name);
    if (e instanceof DOMException && e.name === 'QuotaExceededError') throw await quotaError(options, written);
    throw e;
  }
  return handle.getFile();
}

async function checkQuota(name: string, expected: number): Promise<void> {
  const free = await freeSpace();
  if (free !== undefined && free < expected) {
    throw new OpfsQuotaError(
      `not enough disk space to decompress ${name}: it needs ${humanSize(expected)}, the browser allows this page ${humanSize(free)} more — free some disk space (or use the command line: coreview decompresses to a temporary file)`,
    );
  }
}

async function quotaError(options: StreamToOpfsOptions, written: number): Promise<OpfsQuotaError> {
  const free = await freeSpace();
  const needs =
    options.expectedBytes !== undefined
      ? `it needs ${humanSize(options.expectedBytes)}`
      : `it needs more than the ${humanSize(written)} written when the browser refused`;
  const allows = free !== undefined ? `, the browser allows this page ${humanSize(free)} in all` : '';
  return new OpfsQuotaError(
    `not enough disk space to decompress ${options.name}: ${needs}${allows} — free some disk space (or use the command line: coreview decompresses to a temporary file)`,
  );
}

async function freeSpace(): Promise<number | undefined> {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined ? undefined : Math.max(0, quota - (usage ?? 0));
  } catch {
    return undefined;
  }
}

/** Removes one temp this worker (or nobody) holds, and lets its lock go. */
export async function removeOpfsTemp(name: string): Promise<void> {
  try {
    await (await directory()).removeEntry(name);
  } catch {
    // Already gone, or still open elsewhere: the next removeOpfsTemps takes it.
  }
  held.get(name)?.();
  held.delete(name);
}

/** Removes every temp no worker or tab holds, but those named in `keep`. Never rejects. */
export async function removeOpfsTemps(keep: readonly string[] = []): Promise<void> {
  try {
    const dir = await directory();
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    // Locks are asked after listing: a temp's lock is taken before its file is made, so every listed temp that
    // is in use shows up here.
    const locked = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
    for (const name of names) {
      if (keep.includes(name) || locked.has(LOCK_PREFIX + name)) continue;
      await dir.removeEntry(name).catch(() => undefined);
    }
  } catch {
    // No OPFS (an old browser, a private window that refuses it): nothing was written there either.
  }
}
