/**
 * The two compressions found inside ELF images: zlib (SHF_COMPRESSED sections, ELFCOMPRESS_ZLIB, as `gcc
 * -gz` and `objcopy --compress-debug-sections` write them) through fflate, and xz (MiniDebugInfo's
 * .gnu_debugdata, Fedora's and Debian's local-symbol tables for stripped binaries) through xz-decompress's
 * WebAssembly decoder, which runs in Node and in browser workers alike. Both outputs are capped: a few bytes of
 * compressed input must not make the engine allocate gigabytes.
 */
import { unzlibSync } from 'fflate';
import { XzReadableStream } from 'xz-decompress';
import { ImageError } from './image-error';

/** Inflates a zlib stream whose decompressed size the ELF compression header states (`expected`). */
export function inflateZlib(compressed: Uint8Array, expected: number, what: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = unzlibSync(compressed, { out: new Uint8Array(expected) });
  } catch (e) {
    throw new ImageError(`${what}: zlib data is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length !== expected) {
    throw new ImageError(`${what}: zlib data inflates to ${out.length} bytes, the header says ${expected}`);
  }
  return out;
}

/** Decompresses an xz stream, stopping with an ImageError once the output passes `limit` bytes. */
export async function decompressXz(compressed: Uint8Array, limit: number, what: string): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(compressed);
      controller.close();
    },
  });
  const reader = new XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        throw new ImageError(`${what}: xz data decompresses to more than ${limit} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof ImageError) throw e;
    throw new ImageError(`${what}: xz data is corrupt or cut short (${e instanceof Error ? e.message : String(e)})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
