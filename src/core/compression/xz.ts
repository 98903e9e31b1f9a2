/**
 * xz through xz-decompress: xz-embedded compiled to WebAssembly (embedded in the package; the engine already uses
 * it for MiniDebugInfo), a stream in and a stream out. Its errors carry xz-embedded's return code only: said here
 * in words.
 */
import { XzReadableStream } from 'xz-decompress';
import { CorruptData } from './corrupt-data';

const XZ_ERRORS: Readonly<Record<number, string>> = {
  2: 'its integrity check type is not supported',
  3: 'the decoder ran out of memory',
  4: 'the data needs more memory than the decoder allows',
  5: 'not xz data',
  6: 'unsupported xz options',
  7: 'the compressed data is damaged',
  // XZ_BUF_ERROR: no progress possible, which at the end of the input means it stopped mid-stream.
  8: 'the data ends inside a block: the file is cut short',
};

export async function* decodeXz(input: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = new XzReadableStream(input).getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const code = /error code (\d+)/.exec(message)?.[1];
        throw new CorruptData((code !== undefined ? XZ_ERRORS[Number(code)] : undefined) ?? message);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}
