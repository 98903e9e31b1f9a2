/**
 * The compressed-dump decoders: magic-byte sniffing, each format decoded as a stream (fed in odd-sized chunks)
 * against the system's own compressor, the LZ4 frame options the lz4 tool can write, and corrupt or cut-short
 * input failing with a message that names the format and the byte — never a hang.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decompress, type Gunzip } from '../../src/core/compression/decompress-stream';
import { sniffCompression, type Compression } from '../../src/core/compression/sniff-compression';
import { xxh32 } from '../../src/core/compression/xxhash32';
import { isDumpError } from '../../src/core/errors';
import { hasCommand } from '../real/dump-tools';

/** The page's gzip decoder, which Node has too. */
const gunzip: Gunzip = (s) => s.pipeThrough(new DecompressionStream('gzip') as never);

/** ~3 MB that compresses like a core: zero pages, repeated text, pseudo-random words. */
function coreLike(): Uint8Array {
  const out = new Uint8Array(3 * 1024 * 1024 + 1234);
  let seed = 12345;
  for (let i = 0; i < out.length;) {
    const kind = (i >> 16) % 3;
    const end = Math.min(out.length, i + 65536);
    if (kind === 1) {
      const text = new TextEncoder().encode('libc.so.6 recv() centos.7-x64 ');
      for (; i < end; i++) out[i] = text[i % text.length]!;
    } else if (kind === 2) {
      for (; i < end; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) | 0;
        out[i] = (seed >>> 16) & 0xff;
      }
    } else i = end;
  }
  return out;
}

const DATA = coreLike();

function compress(command: string, args: readonly string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(command, args, { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

/** `bytes` as a stream of chunks of sizes 1, 7, 4096, 65537 … (block and header boundaries fall anywhere). */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const sizes = [1, 7, 4096, 65537, 3, 1 << 20];
  let at = 0;
  let k = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const n = sizes[k++ % sizes.length]!;
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

async function decodeAll(kind: Compression, compressed: Uint8Array): Promise<Uint8Array> {
  const { chunks } = decompress(kind, chunked(compressed), { gunzip, totalBytes: compressed.length });
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    parts.push(chunk.slice());
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function failure(kind: Compression, compressed: Uint8Array): Promise<string> {
  try {
    await decodeAll(kind, compressed);
  } catch (e) {
    expect(isDumpError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('decoded without an error');
}

describe('sniffCompression', () => {
  it('knows each format by its magic bytes, not by name', () => {
    expect(sniffCompression(Uint8Array.of(0x1f, 0x8b, 8, 0))).toBe('gzip');
    expect(sniffCompression(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0))).toBe('zstd');
    expect(sniffCompression(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00))).toBe('xz');
    expect(sniffCompression(Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x64))).toBe('lz4');
  });

  it('says nothing for an ELF core, a short file or a near miss', () => {
    expect(sniffCompression(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1))).toBeUndefined();
    expect(sniffCompression(Uint8Array.of(0x1f))).toBeUndefined();
    expect(sniffCompression(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01))).toBeUndefined();
    expect(sniffCompression(new Uint8Array(0))).toBeUndefined();
  });
});

describe('xxh32', () => {
  it('matches the reference values', () => {
    expect(xxh32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxh32(new TextEncoder().encode('abc'))).toBe(0x32d153ff);
  });
});

const FORMATS: readonly { kind: Compression; command: string; args: string[] }[] = [
  { kind: 'gzip', command: 'gzip', args: ['-c', '-6'] },
  { kind: 'zstd', command: 'zstd', args: ['-c', '-q', '-3'] },
  { kind: 'xz', command: 'xz', args: ['-c', '-1'] },
  { kind: 'lz4', command: 'lz4', args: ['-c', '-q'] },
];

for (const { kind, command, args } of FORMATS) {
  describe(`${kind} (${command})`, () => {
    if (!hasCommand(command)) {
      it.skip(`skipped: ${command} is not installed`, () => {});
      return;
    }
    const compressed = compress(command, args, DATA);

    it('decodes as a stream to the original bytes', async () => {
      expect(sniffCompression(compressed)).toBe(kind);
      const out = await decodeAll(kind, compressed);
      expect(out.length).toBe(DATA.length);
      expect(Buffer.compare(out, DATA)).toBe(0);
    });

    it('stops with a clear message at a corrupt byte', async () => {
      const bad = compressed.slice();
      for (let i = 0; i < 64; i++) bad[Math.floor(bad.length / 2) + i * 97]! ^= 0x5a;
      const message = await failure(kind, bad);
      expect(message).toMatch(
        new RegExp(
          `^the \\.${kind === 'gzip' ? 'gz' : kind === 'zstd' ? 'zst' : kind} data (is corrupt (at|near) byte \\d+|ends early)`,
        ),
      );
    });

    it('says a cut-short file is cut short', async () => {
      const message = await failure(kind, compressed.subarray(0, Math.floor(compressed.length * 0.7)));
      expect(message).toMatch(/ends early|cut short/);
    });
  });
}

describe('zstd frames', () => {
  it.skipIf(!hasCommand('zstd'))('decodes concatenated frames and refuses junk', async () => {
    const a = compress('zstd', ['-c', '-q'], DATA.subarray(0, 100_000));
    const b = compress('zstd', ['-c', '-q', '--no-check'], DATA.subarray(100_000, 300_000));
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(Buffer.compare(await decodeAll('zstd', both), DATA.subarray(0, 300_000))).toBe(0);
    const junk = new Uint8Array(64).fill(0x41);
    junk.set(a.subarray(0, 4));
    expect(await failure('zstd', junk)).toMatch(/the \.zst data (is corrupt|ends early)/);
  });
});

describe('lz4 frame options', () => {
  const lz4 = hasCommand('lz4');
  const cases: [string, string[]][] = [
    ['linked blocks (-BD)', ['-BD']],
    ['block checksums (-BX)', ['-BX']],
    ['no content checksum', ['--no-frame-crc']],
    ['64 KiB blocks', ['-B4']],
    ['4 MiB blocks, content size, level 9', ['-B7', '--content-size', '-9']],
    ['linked 64 KiB blocks with block checksums', ['-BD', '-B4', '-BX']],
  ];
  for (const [label, flags] of cases) {
    it.skipIf(!lz4)(label, async () => {
      const compressed = compress('lz4', ['-c', '-q', ...flags], DATA);
      expect(Buffer.compare(await decodeAll('lz4', compressed), DATA)).toBe(0);
    });
  }

  it.skipIf(!lz4)('decodes concatenated and skippable frames', async () => {
    const a = compress('lz4', ['-c', '-q'], DATA.subarray(0, 200_000));
    const b = compress('lz4', ['-c', '-q', '-BD'], DATA.subarray(200_000));
    const skippable = Uint8Array.of(0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3);
    const all = new Uint8Array(a.length + skippable.length + b.length);
    all.set(a);
    all.set(skippable, a.length);
    all.set(b, a.length + skippable.length);
    expect(Buffer.compare(await decodeAll('lz4', all), DATA)).toBe(0);
  });

  it.skipIf(!lz4)('a damaged byte fails the content checksum or the block decoding, with its position', async () => {
    const compressed = compress('lz4', ['-c', '-q', '-BX'], DATA);
    const bad = compressed.slice();
    bad[1000]! ^= 1;
    expect(await failure('lz4', bad)).toMatch(/^the \.lz4 data is corrupt at byte \d+: /);
    const junkAfter = new Uint8Array(compressed.length + 8);
    junkAfter.set(compressed);
    expect(await failure('lz4', junkAfter)).toMatch(/data after the last LZ4 frame/);
  });
});
