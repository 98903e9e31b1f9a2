/**
 * One streaming decoder over the four compressions cores come in: compressed chunks in, decompressed chunks out,
 * never more than a chunk or two in memory. gzip is the platform's (the page's DecompressionStream, the CLI's
 * node:zlib), passed in so that the core imports neither; zstd and xz are WebAssembly builds of the reference
 * decoders; LZ4 frames are decoded here. Any failure of the data becomes one DumpError that says where it is.
 */
import { DumpError, isDumpError } from '../errors';
import { CorruptData } from './corrupt-data';
import { decodeLz4Frames } from './lz4-frame';
import { COMPRESSION_SUFFIX, type Compression } from './sniff-compression';
import { decodeXz } from './xz';
import { decodeZstd } from './zstd';

/** The platform's gzip decoder, as a stream transform. */
export type Gunzip = (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

export interface DecompressOptions {
  readonly gunzip: Gunzip;
  /** The compressed file's size: with it, a failure at the very end is reported as a cut-short file. */
  readonly totalBytes?: number;
}

export interface Decompression {
  /**
   * The decompressed bytes, in order. A chunk may be a view of a buffer the decoder reuses: write it out (or copy
   * it) before asking for the next. Throws DumpError when the data is corrupt or cut short.
   */
  readonly chunks: AsyncGenerator<Uint8Array, void, undefined>;
  /** Compressed bytes the decoder has taken so far (for progress: the compressed size is known in advance). */
  readonly consumed: () => number;
}

export function decompress(
  kind: Compression,
  input: ReadableStream<Uint8Array>,
  options: DecompressOptions,
): Decompression {
  let consumed = 0;
  // A failure to read the input (the file moved, an I/O error) is not the data's fault: it passes through as is.
  let inputError: { readonly error: unknown } | undefined;
  async function* counted(): AsyncGenerator<Uint8Array> {
    const reader = input.getReader();
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          inputError = { error };
          throw error;
        }
        if (next.done) return;
        consumed += next.value.length;
        yield next.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  const decoded = decoderFor(kind, counted(), options.gunzip);
  async function* guarded(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      yield* decoded;
    } catch (e) {
      if (inputError !== undefined) throw inputError.error;
      throw corruptError(kind, e, consumed, options.totalBytes);
    }
  }
  return { chunks: guarded(), consumed: () => consumed };
}

function decoderFor(kind: Compression, input: AsyncGenerator<Uint8Array>, gunzip: Gunzip): AsyncIterable<Uint8Array> {
  switch (kind) {
    case 'gzip':
      return iterate(gunzip(streamOf(input)));
    case 'zstd':
      return decodeZstd(input);
    case 'xz':
      return decodeXz(streamOf(input));
    case 'lz4':
      return decodeLz4Frames(input);
  }
}

/** The one message a user sees for bad compressed data: which format, where, and what the decoder said. */
function corruptError(kind: Compression, e: unknown, consumed: number, totalBytes?: number): DumpError {
  if (isDumpError(e)) return e;
  const suffix = COMPRESSION_SUFFIX[kind];
  const said = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
  const detail = said.replace(/: the file is cut short$/, '');
  const at = e instanceof CorruptData ? e.at : undefined;
  const atEnd = totalBytes !== undefined && consumed >= totalBytes;
  if (
    /cut short|end of (file|stream|input)|truncat|incomplete|unexpected end/i.test(said) ||
    (at === undefined && atEnd && /end/i.test(said))
  ) {
    return new DumpError(
      'unreadable',
      `the ${suffix} data ends early, after ${consumed} compressed bytes: the file is cut short (${detail})`,
    );
  }
  const where = at !== undefined ? `at byte ${at}` : `near byte ${consumed}`;
  return new DumpError('unreadable', `the ${suffix} data is corrupt ${where}: ${detail}`);
}

function streamOf(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

async function* iterate(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
