import { describe, expect, it } from 'vitest';
import { BLOCK, DIRECT_MIN, HttpRangeSource, probeUrl, UrlReadError, type FetchLike } from './http-range-source';
import { parseContentRange } from './http-ranges';
import { multipartBody, severalRanges } from '../tests/helpers/multipart-body';

const URL = 'https://dumps.example/core';

/** The bytes of a file of `size`: byte i is i mod 251, so a misplaced slice shows. */
function fileOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

interface FakeServer {
  readonly fetch: FetchLike;
  readonly ranges: string[];
}

const BOUNDARY = 'THIS_STRING_SEPARATES';

/**
 * A server of `bytes` answering Range requests as RFC 9110 says (or ignoring them, with `ranges: false`). Several
 * ranges in one request get `multipart: 'parts'` (the default: nginx, Apache), the whole file (`'whole'`: a server
 * that honours single ranges only) or the first range alone (`'first'`), or fetch rejects it (`'refused'`: what the
 * browser does when another origin's preflight does not allow the non-safelisted header a several-range Range is).
 */
function server(
  bytes: Uint8Array,
  options: { ranges?: boolean; status?: number; multipart?: 'parts' | 'whole' | 'first' | 'refused' } = {},
): FakeServer {
  const ranges: string[] = [];
  const fetch: FetchLike = (_url, init) => {
    const range = new Headers(init?.headers).get('range') ?? '';
    ranges.push(range);
    if (options.status !== undefined)
      return Promise.resolve(new Response('no', { status: options.status, statusText: 'Not Found' }));
    if (options.ranges === false)
      return Promise.resolve(
        new Response(bytes.slice(), { status: 200, headers: { 'Content-Length': `${bytes.length}` } }),
      );
    const spans = severalRanges(range);
    if (spans !== undefined) {
      const multipart = options.multipart ?? 'parts';
      if (multipart === 'refused') return Promise.reject(new TypeError('Failed to fetch'));
      if (multipart === 'whole') return Promise.resolve(new Response(bytes.slice(), { status: 200 }));
      if (multipart === 'parts')
        return Promise.resolve(
          new Response(
            multipartBody(
              spans.map(([start, end]) => ({ start, end, bytes: bytes.slice(start, end + 1) })),
              bytes.length,
              BOUNDARY,
            ),
            {
              status: 206,
              headers: { 'Content-Type': `multipart/byteranges; boundary=${BOUNDARY}` },
            },
          ),
        );
      const [start, end] = spans[0] ?? [0, 0];
      return Promise.resolve(
        new Response(bytes.slice(start, end + 1), {
          status: 206,
          headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
        }),
      );
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(range);
    if (m === null) return Promise.resolve(new Response(bytes.slice(), { status: 200 }));
    const start = Number(m[1]);
    if (start >= bytes.length)
      return Promise.resolve(
        new Response(null, {
          status: 416,
          statusText: 'Range Not Satisfiable',
          headers: { 'Content-Range': `bytes */${bytes.length}` },
        }),
      );
    const end = Math.min(Number(m[2]), bytes.length - 1);
    return Promise.resolve(
      new Response(bytes.slice(start, end + 1), {
        status: 206,
        headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Accept-Ranges': 'bytes' },
      }),
    );
  };
  return { fetch, ranges };
}

async function open(bytes: Uint8Array, fake = server(bytes)): Promise<HttpRangeSource> {
  const probe = await probeUrl(URL, fake.fetch);
  if (!probe.ranged) throw new Error('expected a ranged server');
  return new HttpRangeSource(URL, probe.size, fake.fetch, probe.first);
}

describe('parseContentRange', () => {
  it('reads start, end and size', () => {
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ start: 0, end: 99, size: 1000 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, size: undefined });
  });
  it('refuses what is not a byte range inside the file', () => {
    expect(parseContentRange(null)).toBeUndefined();
    expect(parseContentRange('bytes */1000')).toBeUndefined();
    expect(parseContentRange('bytes 10-5/1000')).toBeUndefined();
    expect(parseContentRange('bytes 0-1000/1000')).toBeUndefined();
  });
});

describe('probeUrl', () => {
  it('learns the size from Content-Range and keeps the first block', async () => {
    const bytes = fileOf(3 * BLOCK + 17);
    const probe = await probeUrl(URL, server(bytes).fetch);
    expect(probe).toMatchObject({ ranged: true, size: bytes.length, acceptRanges: true });
    if (probe.ranged) expect(probe.first).toEqual(bytes.slice(0, BLOCK));
  });

  it('reports a server that ignores Range (200) with its body and length', async () => {
    const bytes = fileOf(1000);
    const probe = await probeUrl(URL, server(bytes, { ranges: false }).fetch);
    expect(probe.ranged).toBe(false);
    if (!probe.ranged) {
      expect(probe.size).toBe(1000);
      expect(new Uint8Array(await probe.response.arrayBuffer())).toEqual(bytes);
    }
  });

  it('names the HTTP status of a refusal', async () => {
    await expect(probeUrl(URL, server(fileOf(10), { status: 404 }).fetch)).rejects.toThrow('HTTP 404 Not Found');
  });

  it('answers 416 for an empty file with its status', async () => {
    const e = await probeUrl(URL, server(new Uint8Array(0)).fetch).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UrlReadError);
    expect((e as UrlReadError).status).toBe(416);
    expect((e as UrlReadError).message).toBe('HTTP 416 Range Not Satisfiable');
  });

  it('says "network error or CORS refusal" when fetch throws', async () => {
    const refusing: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(probeUrl(URL, refusing)).rejects.toThrow('network error or CORS refusal');
  });

  it('names the CORS header when a 206 hides its Content-Range', async () => {
    const hidden: FetchLike = () => Promise.resolve(new Response(new Uint8Array(10), { status: 206 }));
    await expect(probeUrl(URL, hidden)).rejects.toThrow('Access-Control-Expose-Headers: Content-Range, Accept-Ranges');
  });
});

describe('HttpRangeSource', () => {
  it('reads any range exactly, across blocks, and short at the end of the file', async () => {
    const bytes = fileOf(3 * BLOCK + 17);
    const source = await open(bytes);
    expect(await source.read(10, 20)).toEqual(bytes.slice(10, 30));
    expect(await source.read(BLOCK - 5, 10)).toEqual(bytes.slice(BLOCK - 5, BLOCK + 5));
    expect(await source.read(bytes.length - 7, 100)).toEqual(bytes.slice(bytes.length - 7));
    expect(await source.read(bytes.length, 10)).toEqual(new Uint8Array(0));
    expect(await source.read(bytes.length + 5, 10)).toEqual(new Uint8Array(0));
  });

  it('serves the header from the probe and repeated small reads from its blocks', async () => {
    const bytes = fileOf(8 * BLOCK);
    const fake = server(bytes);
    const source = await open(bytes, fake);
    await source.read(0, 64);
    await source.read(64, 56 * 8);
    expect(fake.ranges).toEqual([`bytes=0-${BLOCK - 1}`]);
    await source.read(5 * BLOCK + 3, 8);
    await source.read(5 * BLOCK + 100, 8);
    expect(fake.ranges.length).toBe(2);
    expect(source.requests).toBe(2);
    expect(source.bytesFetched).toBe(2 * BLOCK);
  });

  /** Reads of blocks 3, 4, 5, 9 and 4 again, all in one turn, checked against the file. */
  async function readApart(source: HttpRangeSource, bytes: Uint8Array): Promise<void> {
    const blocks = [3, 4, 5, 9, 4];
    const got = await Promise.all(blocks.map((b) => source.read(b * BLOCK + 1, 16)));
    got.forEach((r, i) => {
      const b = blocks[i] ?? 0;
      expect(r).toEqual(bytes.slice(b * BLOCK + 1, b * BLOCK + 17));
    });
  }
  const RUNS = [`${3 * BLOCK}-${6 * BLOCK - 1}`, `${9 * BLOCK}-${10 * BLOCK - 1}`];

  it('fetches the blocks asked for in one turn as one request: a range per run of neighbours, multipart', async () => {
    const bytes = fileOf(20 * BLOCK);
    const fake = server(bytes);
    const source = await open(bytes, fake);
    await readApart(source, bytes);
    expect(fake.ranges.slice(1)).toEqual([`bytes=${RUNS.join(',')}`]);
    expect(source.requests).toBe(2);
  });

  const ANSWERED_WITH = {
    whole: 'answers several with the whole file',
    first: 'answers several with the first alone',
    refused: 'refuses several (fetch rejects: a preflight not allowed)',
  } as const;
  for (const multipart of ['whole', 'first', 'refused'] as const) {
    it(`asks one range per request from a server that ${ANSWERED_WITH[multipart]}`, async () => {
      const bytes = fileOf(20 * BLOCK);
      const fake = server(bytes, { multipart });
      const source = await open(bytes, fake);
      await readApart(source, bytes);
      expect(fake.ranges.slice(1)).toEqual([`bytes=${RUNS.join(',')}`, `bytes=${RUNS[0]}`, `bytes=${RUNS[1]}`]);
      // Not asked again: the next turn's runs go one per request at once.
      const more = await Promise.all([source.read(12 * BLOCK, 4), source.read(15 * BLOCK, 4)]);
      expect(more).toEqual([bytes.slice(12 * BLOCK, 12 * BLOCK + 4), bytes.slice(15 * BLOCK, 15 * BLOCK + 4)]);
      expect(fake.ranges.slice(4)).toEqual([
        `bytes=${12 * BLOCK}-${13 * BLOCK - 1}`,
        `bytes=${15 * BLOCK}-${16 * BLOCK - 1}`,
      ]);
    });
  }

  it('fetches large reads as they are, without the blocks', async () => {
    const bytes = fileOf(DIRECT_MIN * 3);
    const fake = server(bytes);
    const source = await open(bytes, fake);
    const got = await source.read(12345, DIRECT_MIN);
    // Compared as Buffers: a deep equality of a MiB, element by element, takes seconds.
    expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(12345, 12345 + DIRECT_MIN)))).toBe(true);
    expect(fake.ranges[1]).toBe(`bytes=12345-${12345 + DIRECT_MIN - 1}`);
  });

  it('fails a read with the status when the server stops answering ranges', async () => {
    const bytes = fileOf(4 * BLOCK);
    const ranged = server(bytes);
    const probe = await probeUrl(URL, ranged.fetch);
    if (!probe.ranged) throw new Error('expected a ranged server');
    const source = new HttpRangeSource(URL, probe.size, server(bytes, { ranges: false }).fetch, probe.first);
    await expect(source.read(2 * BLOCK, 8)).rejects.toThrow('HTTP 200: the server stopped answering Range requests');
    // A failed block is not kept: the next read asks again.
    await expect(source.read(2 * BLOCK, 8)).rejects.toThrow(UrlReadError);
  });

  it('fails a read past a file that shrank with 416', async () => {
    const bytes = fileOf(4 * BLOCK);
    const source = await open(bytes, server(bytes));
    const shrunk = new HttpRangeSource(URL, source.size, server(bytes.slice(0, BLOCK)).fetch);
    await expect(shrunk.read(3 * BLOCK, 8)).rejects.toThrow('HTTP 416');
  });

  it('notices a file that changed size on the server', async () => {
    const bytes = fileOf(4 * BLOCK);
    const source = new HttpRangeSource(URL, 5 * BLOCK, server(bytes).fetch);
    await expect(source.read(BLOCK, 8)).rejects.toThrow('the file changed on the server while open');
  });

  it('refuses bad arguments as every ByteSource does', async () => {
    const source = await open(fileOf(100));
    await expect(source.read(-1, 4)).rejects.toThrow(RangeError);
  });
});
