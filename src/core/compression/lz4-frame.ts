/**
 * A streaming decoder for the LZ4 frame format (the `.lz4` files of the lz4 tool and of older systemd-coredump):
 * frames, skippable frames, independent or linked blocks, uncompressed blocks, and the header, block and content
 * checksums (XXH32) when the frame declares them. No maintained package decodes LZ4 frames as a stream; the block
 * format is small enough to decode here. Dictionary frames (DictID) are refused: nothing that writes cores uses them.
 *
 * Each yielded chunk is a view of a buffer that the next step overwrites: the consumer writes it out (or copies
 * it) before asking for the next.
 */
import { ByteReader } from './byte-reader';
import { CorruptData } from './corrupt-data';
import { Xxh32, xxh32 } from './xxhash32';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** How far back a match may reach, and so the history linked blocks keep. */
const WINDOW = 64 * 1024;
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

const le32 = (b: Uint8Array, i = 0) =>
  ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;

interface FrameHeader {
  readonly independent: boolean;
  readonly blockChecksum: boolean;
  readonly contentChecksum: boolean;
  readonly blockMax: number;
}

export async function* decodeLz4Frames(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = new ByteReader(input[Symbol.asyncIterator]());
  let frames = 0;
  while (!(await reader.atEnd())) {
    const at = reader.position;
    const magic = await need(reader, 4, 'frame magic');
    const m = le32(magic);
    if ((m & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      const size = le32(await need(reader, 4, 'skippable frame size'));
      await skip(reader, size);
      continue;
    }
    if (m !== FRAME_MAGIC) {
      throw new CorruptData(
        frames === 0 ? 'not an LZ4 frame' : 'data after the last LZ4 frame is not another frame',
        at,
      );
    }
    frames++;
    yield* decodeFrame(reader, await readHeader(reader));
  }
}

async function readHeader(reader: ByteReader): Promise<FrameHeader> {
  const at = reader.position;
  const head = await need(reader, 2, 'frame descriptor');
  const flg = head[0] ?? 0;
  const bd = head[1] ?? 0;
  if (flg >> 6 !== 1) throw new CorruptData(`unsupported LZ4 frame version ${flg >> 6}`, at);
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw new CorruptData('reserved bits set in the frame descriptor', at);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7];
  if (blockMax === undefined) throw new CorruptData(`invalid block maximum size code ${(bd >> 4) & 7}`, at + 1);
  const hasSize = (flg & 0x08) !== 0;
  const hasDict = (flg & 0x01) !== 0;
  const rest = await need(reader, (hasSize ? 8 : 0) + (hasDict ? 4 : 0) + 1, 'frame descriptor');
  const descriptor = new Uint8Array(2 + rest.length - 1);
  descriptor.set(head, 0);
  descriptor.set(rest.subarray(0, rest.length - 1), 2);
  if (((xxh32(descriptor) >>> 8) & 0xff) !== rest[rest.length - 1]) {
    throw new CorruptData('the frame descriptor checksum does not match', at + descriptor.length);
  }
  if (hasDict) throw new CorruptData('the frame needs a dictionary (DictID), which coreview does not have', at);
  return {
    independent: (flg & 0x20) !== 0,
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    blockMax,
  };
}

async function* decodeFrame(reader: ByteReader, header: FrameHeader): AsyncGenerator<Uint8Array> {
  // Linked blocks decode after the previous WINDOW bytes of output, kept at the buffer's start.
  const out = new Uint8Array(WINDOW + header.blockMax);
  let history = 0;
  const content = header.contentChecksum ? new Xxh32() : undefined;
  for (;;) {
    const at = reader.position;
    const word = le32(await need(reader, 4, 'block size'));
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > header.blockMax) {
      throw new CorruptData(`a block of ${size} bytes is larger than the frame's maximum ${header.blockMax}`, at);
    }
    const data = await need(reader, size, 'block');
    if (header.blockChecksum) {
      const sum = le32(await need(reader, 4, 'block checksum'));
      if (xxh32(data) !== sum) throw new CorruptData('a block checksum does not match', at);
    }
    const start = header.independent ? 0 : history;
    let end: number;
    if (stored) {
      out.set(data, start);
      end = start + size;
    } else {
      end = decodeBlock(data, out, start, at + 4);
    }
    const produced = out.subarray(start, end);
    content?.update(produced);
    yield produced;
    if (!header.independent) {
      // Keep the last WINDOW bytes of output for the next block's matches.
      const keep = Math.min(WINDOW, end);
      out.copyWithin(0, end - keep, end);
      history = keep;
    }
  }
  if (content !== undefined) {
    const at = reader.position;
    const sum = le32(await need(reader, 4, 'content checksum'));
    if (content.digest() !== sum) throw new CorruptData('the content checksum does not match: the data is damaged', at);
  }
}

/**
 * Decodes one LZ4 block `src` into `out` from `start` (matches may reach back to index 0: the history); returns
 * the end of the output. `at` is the block's position in the file, for messages.
 */
function decodeBlock(src: Uint8Array, out: Uint8Array, start: number, at: number): number {
  const srcEnd = src.length;
  const outEnd = out.length;
  let i = 0;
  let o = start;
  for (;;) {
    if (i >= srcEnd) throw new CorruptData('a block ends inside a sequence', at + i);
    const token = src[i++] ?? 0;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (i >= srcEnd) throw new CorruptData('a block ends inside a literal length', at + i);
        b = src[i++] ?? 0;
        literals += b;
      } while (b === 255);
    }
    if (i + literals > srcEnd || o + literals > outEnd) {
      throw new CorruptData('a literal run goes past the end of its block', at + i);
    }
    if (literals < 16) {
      for (let k = 0; k < literals; k++) out[o + k] = src[i + k] ?? 0;
    } else {
      out.set(src.subarray(i, i + literals), o);
    }
    i += literals;
    o += literals;
    // The last sequence has literals only.
    if (i === srcEnd) return o;
    if (i + 2 > srcEnd) throw new CorruptData('a block ends inside a match offset', at + i);
    const offset = (src[i] ?? 0) | ((src[i + 1] ?? 0) << 8);
    i += 2;
    if (offset === 0 || offset > o)
      throw new CorruptData(`a match refers ${offset} bytes back, before the data`, at + i - 2);
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        if (i >= srcEnd) throw new CorruptData('a block ends inside a match length', at + i);
        b = src[i++] ?? 0;
        length += b;
      } while (b === 255);
    }
    length += 4;
    if (o + length > outEnd) throw new CorruptData('a match goes past the end of its block', at + i);
    let from = o - offset;
    if (length < 32) {
      const stop = o + length;
      while (o < stop) out[o++] = out[from++] ?? 0;
    } else {
      // A match may overlap its own output (offset < length: a run of zeros is offset 1): it repeats the last
      // `offset` bytes, so each copy can take everything written since `from`, doubling the span every step.
      for (let done = 0; done < length;) {
        const n = Math.min(o + done - from, length - done);
        out.copyWithin(o + done, from, from + n);
        done += n;
      }
      o += length;
    }
  }
}

async function need(reader: ByteReader, n: number, what: string): Promise<Uint8Array> {
  const at = reader.position;
  const bytes = await reader.take(n);
  if (bytes.length < n) throw new CorruptData(`the data ends inside a ${what}: the file is cut short`, at);
  return bytes;
}

async function skip(reader: ByteReader, n: number): Promise<void> {
  for (let left = n; left > 0;) {
    const part = await reader.take(Math.min(left, 1 << 20));
    if (part.length === 0)
      throw new CorruptData('the data ends inside a skippable frame: the file is cut short', reader.position);
    left -= part.length;
  }
}
