import { describe, expect, it } from 'vitest';
import { BLOCK, type FetchLike } from './http-range-source';
import { openUrl } from './url-load';

const URL = 'https://dumps.example/x';

/** A Range server of `bytes` (206 with Content-Range; a plain GET gets the whole file). */
function ranged(bytes: Uint8Array, log: string[] = []): FetchLike {
  return (_url, init) => {
    const range = new Headers(init?.headers).get('range');
    log.push(range ?? 'GET');
    const m = range === null ? null : /^bytes=(\d+)-(\d+)$/.exec(range);
    if (m === null) return Promise.resolve(new Response(bytes.slice(), { status: 200 }));
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), bytes.length - 1);
    return Promise.resolve(
      new Response(bytes.slice(start, end + 1), {
        status: 206,
        headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
      }),
    );
  };
}

const ELF = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array<number>(200).fill(0)]);

describe('openUrl', () => {
  it('reads a core in place, with the first request as its first block', async () => {
    const log: string[] = [];
    const opening = await openUrl(URL, 'core', () => undefined, ranged(ELF, log));
    expect(opening.kind).toBe('range');
    if (opening.kind === 'range') {
      expect(opening.source.size).toBe(ELF.length);
      expect(await opening.source.read(0, 4)).toEqual(ELF.slice(0, 4));
    }
    expect(log).toHaveLength(1);
  });

  it('fetches a report whole, into a File of its name', async () => {
    const text = JSON.stringify({ format: 'coreview', version: 1, dump: {} });
    const log: string[] = [];
    const opening = await openUrl(URL, 'r.json', () => undefined, ranged(new TextEncoder().encode(text), log));
    expect(opening.kind).toBe('file');
    if (opening.kind === 'file') {
      expect(opening.file.name).toBe('r.json');
      expect(await opening.file.text()).toBe(text);
      expect(opening.warning).toBeUndefined();
    }
    expect(log).toEqual([`bytes=0-${BLOCK - 1}`, 'GET']);
  });

  it('passes on the status of a refusal', async () => {
    const missing: FetchLike = () => Promise.resolve(new Response('', { status: 403, statusText: 'Forbidden' }));
    await expect(openUrl(URL, 'core', () => undefined, missing)).rejects.toThrow('HTTP 403 Forbidden');
  });
});
