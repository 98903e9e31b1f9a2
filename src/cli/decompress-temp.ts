/**
 * A compressed core given to the CLI (.gz, .zst, .xz, .lz4, recognised by magic bytes) is decoded into a temporary
 * file first, then analysed from there like any core: the engine reads at random offsets, which compressed data
 * does not allow. The temporary file lives in the system's temp dir (TMPDIR) and is removed on every way out:
 * the command's end, an error, Ctrl-C (SIGINT), SIGTERM, SIGHUP.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Decompression, Gunzip } from '../core/compression/decompress-stream';
import {
  COMPRESSION_SUFFIX,
  SNIFF_BYTES,
  sniffCompression,
  type Compression,
} from '../core/compression/sniff-compression';
import { forEachDataRun, GRANULE } from '../core/compression/data-runs';
import type { NonZeroTest } from '../core/scan/census';
import { DumpError } from '../core/errors';
import { humanSize } from '../core/format/size';
import { StderrProgress } from './stderr-progress';

export interface CliInput {
  /** The file to analyse: the given one, or the decompressed temporary copy. */
  readonly path: string;
  readonly compression?: Compression;
  /** Removes the temporary copy (idempotent; also done on exit and on signals). */
  readonly dispose: () => void;
}

/** A granule of zeros for forEachDataRun's test: one memcmp per granule (Node's Buffer#compare, no copy). */
const ZEROS = Buffer.alloc(GRANULE);
const zeroGranuleTest: NonZeroTest = (bytes) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return (from, to) => buffer.compare(ZEROS, 0, to - from, from, to) !== 0;
};

/** Compressed bytes read per step. */
const CHUNK = 1 << 20;

/** node:zlib's gunzip as the core's stream transform (multi-member .gz files included). */
const nodeGunzip: Gunzip = (compressed) =>
  Readable.toWeb(
    Readable.fromWeb(compressed as never).pipe(createGunzip({ chunkSize: 256 * 1024 })),
  ) as ReadableStream<Uint8Array>;

/** The first bytes of `path` (fewer for a shorter file). */
function firstBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(SNIFF_BYTES);
    return bytes.subarray(0, readSync(fd, bytes, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** `path` as the engine should read it: itself, or (compressed) a decoded temporary copy. Throws DumpError on bad data. */
export async function openInput(path: string): Promise<CliInput> {
  const compression = sniffCompression(firstBytes(path));
  if (compression === undefined) return { path, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'coreview-'));
  const dispose = removeOnExit(dir);
  const temp = join(dir, `decompressed${COMPRESSION_SUFFIX[compression].replace('.', '-')}.core`);
  try {
    await decodeTo(path, temp, compression);
  } catch (e) {
    dispose();
    throw e;
  }
  return { path: temp, compression, dispose };
}

/** The decoded chunks of an open compressed file (also what `npm run bench` decodes to nothing, for its baseline). */
export async function decodedChunks(
  file: FileHandle,
  compression: Compression,
  totalBytes: number,
): Promise<Decompression> {
  const input = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const buffer = new Uint8Array(CHUNK);
        const { bytesRead } = await file.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) controller.close();
        else controller.enqueue(buffer.subarray(0, bytesRead));
      },
    },
    { highWaterMark: 0 },
  );
  // Loaded only for a compressed core: the decoders (WebAssembly modules among them) are dead weight otherwise.
  const { decompress } = await import('../core/compression/decompress-stream');
  return decompress(compression, input, { gunzip: nodeGunzip, totalBytes });
}

/**
 * Decodes `path` into `target`; returns the decompressed size. `onChunk` hears the bytes written so far after each
 * decoded chunk (`npm run bench` samples the JS memory there: a streaming decode holds the same at 1 GB as at 1 MB).
 */
export async function decodeTo(
  path: string,
  target: string,
  compression: Compression,
  onChunk?: (written: number) => void,
): Promise<number> {
  const file = await open(path, 'r');
  const totalBytes = (await file.stat()).size;
  const { chunks, consumed } = await decodedChunks(file, compression, totalBytes);
  // Only a terminal shows progress: elsewhere not even the clock is read per chunk.
  const progress = process.stderr.isTTY
    ? new StderrProgress(`decompressing ${COMPRESSION_SUFFIX[compression]}`)
    : undefined;
  const started = performance.now();
  const out = openSync(target, 'w');
  let written = 0;
  try {
    for await (const chunk of chunks) {
      // All-zero stretches are left as holes (the size is set at the end): cores are mostly zeros.
      forEachDataRun(
        chunk,
        (from, to) => {
          for (let at = from; at < to;) at += writeSync(out, chunk, at, to - at, written + at);
        },
        zeroGranuleTest,
      );
      written += chunk.length;
      onChunk?.(written);
      progress?.show({
        bytesDone: consumed(),
        bytesTotal: totalBytes,
        itemsDone: 0,
        itemsTotal: 0,
        elapsedMs: performance.now() - started,
        workers: 1,
      });
    }
    // Trailing zeros were skipped like any others: the size says where the core ends.
    ftruncateSync(out, written);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new DumpError(
        'unreadable',
        `no space left in ${tmpdir()} to decompress the core (${humanSize(written)} written so far): free some space or set TMPDIR to a larger disk`,
      );
    }
    throw e;
  } finally {
    progress?.end();
    closeSync(out);
    await file.close();
  }
  return written;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Removes `dir` at exit, on a fatal signal (then ends as the signal would have), or when called. */
function removeOnExit(dir: string): () => void {
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', remove);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    // Nothing else listens now: the signal's default action ends the process with the usual status.
    process.kill(process.pid, signal);
  };
  process.on('exit', remove);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}
