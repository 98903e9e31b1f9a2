/**
 * The first step of a load in an engine worker: a compressed dump (.gz, .zst, .xz, .lz4 — by magic bytes) is
 * streamed through its decoder into a temporary file of the page's own (OPFS, opfs-temp.ts), and the engine then
 * analyses that file like a dropped one. Compressed bytes are read in slices, each decoded chunk is written before
 * the next is decoded: the JS heap holds a few MiB whatever the dump's size.
 */
import { decompress, type Decompression, type Gunzip } from '../src/core/compression/decompress-stream';
import {
  COMPRESSION_SUFFIX,
  SNIFF_BYTES,
  sniffCompression,
  type Compression,
} from '../src/core/compression/sniff-compression';
import { fingerprintOfDecoded } from '../src/core/compression/decoded-stream-source';
import { fingerprintOf } from '../src/core/elf/fingerprint';
import { isDumpError } from '../src/core/errors';
import { BlobSource } from '../src/core/io/byte-source';
import type { DumpIdentity, LoadFailure, LoadProgress } from './engine-protocol';
import { signOfLife } from './heartbeat';
import { adoptOpfsTemp, OpfsQuotaError, removeOpfsTemp, removeOpfsTemps, tempTag, writeToOpfs } from './opfs-temp';

/** Compressed bytes read per slice of the File. */
const SLICE = 1 << 20;
/**
 * DecompressionStream inflates each input chunk whole before giving any output: 64 KiB of deflated zeros is ~64 MB
 * at once (heartbeat.ts measured it). gzip input goes in slices this small, to keep that bounded.
 */
const GZIP_SLICE = 64 << 10;
/** Progress callbacks cross a postMessage each: at most one per this many milliseconds. */
const PROGRESS_INTERVAL_MS = 100;

const gunzip: Gunzip = (compressed) =>
  compressed.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);

export type Decoded =
  | { readonly ok: true; readonly file: File; readonly compression: Compression }
  | { readonly ok: false; readonly failure: LoadFailure };

/** The compression `file` starts with, if any. */
async function compressionOf(file: Blob): Promise<Compression | undefined> {
  return sniffCompression(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
}

/** `file` in slices, each read as the decoder asks for it. */
function slices(file: Blob, slice: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (at >= file.size) {
          controller.close();
          return;
        }
        const end = Math.min(file.size, at + slice);
        controller.enqueue(new Uint8Array(await file.slice(at, end).arrayBuffer()));
        at = end;
      },
    },
    { highWaterMark: 0 },
  );
}

/** The decoded chunks of `file`, its compressed bytes read in slices as the decoder asks for them. */
function decodedChunks(file: Blob, compression: Compression): Decompression {
  return decompress(compression, slices(file, compression === 'gzip' ? GZIP_SLICE : SLICE), {
    gunzip,
    totalBytes: file.size,
  });
}

/** Decodes `file` (compressed as `compression`) into an OPFS temp; progress is compressed bytes in / total. */
async function decodeDump(
  file: Blob,
  name: string,
  compression: Compression,
  onProgress?: (p: LoadProgress) => void,
): Promise<Decoded> {
  // Temps nobody holds any more (a decode cancelled by ending its worker, a tab closed mid-way) go first.
  await removeOpfsTemps();
  const started = performance.now();
  const totalBytes = file.size;
  const { chunks, consumed } = decodedChunks(file, compression);
  let last = 0;
  try {
    const decoded = await writeToOpfs(chunks, {
      name,
      tag: compression,
      onBytes: (written) => {
        signOfLife();
        const now = performance.now();
        if (onProgress === undefined || now - last < PROGRESS_INTERVAL_MS) return;
        last = now;
        onProgress({
          phase: 'decompress',
          step: `decompressing ${COMPRESSION_SUFFIX[compression]}`,
          bytes: written,
          totalBytes,
          fraction: consumed() / totalBytes,
          elapsedMs: now - started,
        });
      },
    });
    // Again now: a temp whose decode was cancelled just before this one may have been held until its worker was
    // fully gone.
    void removeOpfsTemps();
    return { ok: true, file: decoded, compression };
  } catch (e) {
    if (e instanceof OpfsQuotaError) return { ok: false, failure: { kind: 'storage', message: e.message } };
    if (isDumpError(e)) return { ok: false, failure: { kind: 'compressed', message: e.message } };
    // Reading the dropped file or writing the temp failed: the engine says so as for any load.
    throw e;
  }
}

/**
 * The load's first step: undefined for a plain dump (or one decoded already: see decodedCompression), else the
 * decoded temp or why there is none. A failure to read `file` itself is thrown, as the header pass's would be.
 */
export async function decodeForLoad(
  file: Blob,
  name: string,
  onProgress?: (p: LoadProgress) => void,
): Promise<Decoded | undefined> {
  if (decodedCompression(file) !== undefined) {
    // Ours already, loaded again (another worker wrote it): held here now, so that no cleanup takes it.
    if (file instanceof File) await adoptOpfsTemp(file.name);
    return undefined;
  }
  const compression = await compressionOf(file);
  return compression === undefined ? undefined : decodeDump(file, name, compression, onProgress);
}

/** The compression a temp written by decodeDump was decoded from (the page loads it again after a lost worker). */
export function decodedCompression(file: Blob): Compression | undefined {
  const tag = tempTag(file);
  return tag !== undefined && tag in COMPRESSION_SUFFIX ? (tag as Compression) : undefined;
}

/** The temp a decoded dump lives in goes when the dump does (released, replaced, not a core after all). */
export function forgetDecoded(file: Blob): Promise<void> {
  return decodedCompression(file) !== undefined && file instanceof File ? removeOpfsTemp(file.name) : Promise.resolve();
}

/** `chunks`, each a sign of life: a decoder's output can run for seconds without a timer firing (heartbeat.ts). */
async function* alive(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    signOfLife();
    yield chunk;
  }
}

/**
 * What matches `file` to a report: its size and fingerprint, or for a compressed file the fingerprint of its decoded
 * headers and notes (decoded no further than those; the whole is decoded when it is opened). Throws DumpError for a
 * file that is not a core or for corrupt data.
 */
export async function identifyDump(file: Blob): Promise<Extract<DumpIdentity, { ok: true }>> {
  const compression = await compressionOf(file);
  if (compression === undefined)
    return { ok: true, size: file.size, fingerprint: await fingerprintOf(new BlobSource(file)) };
  const { chunks } = decodedChunks(file, compression);
  return { ok: true, compression, fingerprint: await fingerprintOfDecoded(alive(chunks)) };
}
