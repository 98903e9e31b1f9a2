import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import type { Region } from '../../src/core/types';
import type { SearchHit } from '../../src/core/scan/search';
import { planSearchChunks, searchChunk } from '../../src/core/scan/search';
import { runSearch } from '../helpers/sequential-scans';
import type { SearchQuery } from '../../src/core/scan/search-pattern';
import { compilePattern } from '../../src/core/scan/search-pattern';
import { MisalignedSource, makeRegion, prng, randInt, randomLayout } from './scan-layout';

const PAGE = 4096;

/** Reference pattern: one entry per byte, undefined = any byte; `fold` = compare ASCII letters case-blind. */
interface RefPattern {
  bytes: (number | undefined)[];
  fold: boolean;
}

function refPattern(q: SearchQuery): RefPattern {
  if (q.kind === 'hex') {
    const tokens = q.text.replace(/0x/gi, '').replace(/[\s,]/g, '').match(/../g) ?? [];
    return { bytes: tokens.map((t) => (t === '??' ? undefined : parseInt(t, 16))), fold: false };
  }
  const buf = Buffer.from(q.text, q.kind === 'ascii' ? 'utf8' : 'utf16le');
  return { bytes: [...buf], fold: q.caseInsensitive === true };
}

const lower = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);

/** The independent reference: the whole file, every start position of every region's dumped bytes. */
function referenceSearch(file: Uint8Array, regions: readonly Region[], q: SearchQuery): string[] {
  const p = refPattern(q);
  const hits: string[] = [];
  regions.forEach((r) => {
    const dumped = Math.max(0, Math.min(r.inDump, r.size, file.length - r.dumpOffset));
    for (let s = 0; s + p.bytes.length <= dumped; s++) {
      let ok = true;
      for (let i = 0; i < p.bytes.length && ok; i++) {
        const want = p.bytes[i];
        const got = file[r.dumpOffset + s + i] ?? -1;
        ok = want === undefined || (p.fold ? lower(got) === lower(want) : got === want);
      }
      if (!ok) continue;
      const from = Math.max(0, s - 16);
      const to = Math.min(dumped, s + p.bytes.length + 16);
      hits.push(line(r.start + BigInt(s), file.subarray(r.dumpOffset + from, r.dumpOffset + to)));
    }
  });
  return hits;
}

/** One line per hit: comparing strings keeps the deep-equal of thousands of hits fast. */
function line(address: bigint, context: Uint8Array): string {
  return `${address.toString(16)} ${Buffer.from(context).toString('hex')}`;
}

function simplify(hits: readonly SearchHit[]): string[] {
  return hits.map((h) => line(h.address, h.context));
}

/** Letters in both cases and zeros, so patterns match often, across pages and slices. */
function letters(rand: () => number, page: Uint8Array): void {
  if (rand() < 0.3) return;
  const alphabet = [0x61, 0x41, 0x62, 0x42, 0x00, 0x00];
  // A run of letters at the page's start, at its end, or both, so runs meet across page (and slice) boundaries.
  const run = randInt(rand, 1, 300);
  const where = randInt(rand, 0, 2);
  for (let i = 0; i < page.length; i++) {
    const inRun = (where !== 1 && i < run) || (where !== 0 && i >= page.length - run);
    if (inRun) page[i] = alphabet[randInt(rand, 0, alphabet.length - 1)] ?? 0;
  }
}

const QUERIES: SearchQuery[] = [
  { kind: 'ascii', text: 'ab' },
  { kind: 'ascii', text: 'aBa', caseInsensitive: true },
  { kind: 'ascii', text: 'aaa' },
  { kind: 'utf16le', text: 'Ab', caseInsensitive: true },
  { kind: 'utf16le', text: 'a' },
  { kind: 'hex', text: '61 ?? 62' },
  { kind: 'hex', text: '0000 61' },
];

describe('search', () => {
  it('matches a brute-force reference on random layouts, for every slice size', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const layout = randomLayout(prng(seed), { fill: letters, cutFile: seed % 5 === 0 });
      for (const q of QUERIES) {
        const expected = referenceSearch(layout.file, layout.regions, q);
        // Slices of 1 and 5 bytes put a slice boundary inside every match; they mean ~10^5 reads per layout, so
        // only a few seeds use them.
        const tiny = seed <= 2 ? [1, 5] : seed <= 8 ? [5] : [];
        for (const sliceSize of [...tiny, 100, 4097, undefined]) {
          const source = new MisalignedSource(layout.file);
          const result = await runSearch(source, layout.regions, q, { sliceSize, limit: 1e9 });
          if (!result.ok) throw new Error(result.error.message);
          expect(simplify(result.hits), `seed ${seed} ${q.kind} ${q.text} slice ${sliceSize}`).toEqual(expected);
          expect(result.limitReached).toBe(false);
        }
      }
    }
  });

  it('finds a pattern planted across a slice boundary exactly once, with its context', async () => {
    const text = 'centos.7-x64';
    const file = new Uint8Array(3 * PAGE);
    for (const at of [95, PAGE - 3, 2 * PAGE - 1]) file.set(Buffer.from(text), at); // crosses 100, 4096, 8192
    const region = makeRegion({ start: 0x7f0000000000n, size: 3 * PAGE, inDump: 3 * PAGE, dumpOffset: 0 });
    for (const sliceSize of [100, PAGE, 7]) {
      const result = await runSearch(
        new MemorySource(file),
        [region],
        { kind: 'ascii', text: 'CENTOS', caseInsensitive: true },
        { sliceSize },
      );
      if (!result.ok) throw new Error(result.error.message);
      expect(result.hits.map((h) => h.address - region.start)).toEqual([95n, BigInt(PAGE - 3), BigInt(2 * PAGE - 1)]);
      const first = result.hits[0];
      expect(first?.contextAddress).toBe(region.start + 79n);
      expect(first?.matchIndex).toBe(16);
      expect(Buffer.from(first?.context ?? []).toString('latin1')).toBe('\0'.repeat(16) + text + '\0'.repeat(10));
      expect(first?.fileOffset).toBe(95);
    }
  });

  it('reports nothing past inDump and nothing spanning two regions', async () => {
    const file = new Uint8Array(4 * PAGE);
    const word = Buffer.from('needle');
    file.set(word, 4997); // starts in region a's dumped bytes (inDump 5000), ends past them
    file.set(word, 5100); // wholly past inDump, still inside the file
    file.set(word, 3 * PAGE - 3); // spans region b's end and region c's start (adjacent in memory and file)
    const a = makeRegion({ start: 0x10000n, size: 2 * PAGE, inDump: 5000, dumpOffset: 0, truncated: true });
    const b = makeRegion({ start: 0x20000n, size: PAGE, inDump: PAGE, dumpOffset: 2 * PAGE });
    const c = makeRegion({ start: 0x21000n, size: PAGE, inDump: PAGE, dumpOffset: 3 * PAGE });
    for (const sliceSize of [3, 64, undefined]) {
      const result = await runSearch(
        new MemorySource(file),
        [a, b, c],
        { kind: 'ascii', text: 'needle' },
        { sliceSize },
      );
      expect(result).toMatchObject({ ok: true, hits: [] });
    }
    // Sanity: the same bytes are found once the regions say they are dumped.
    const whole = makeRegion({ start: 0x10000n, size: 4 * PAGE, inDump: 4 * PAGE, dumpOffset: 0 });
    const result = await runSearch(new MemorySource(file), [whole], { kind: 'ascii', text: 'needle' });
    expect(result.ok && result.hits.length).toBe(3);
  });

  it('clips context to the region and stops at the limit, streaming hits', async () => {
    const file = new Uint8Array(64).fill(0x78); // "xxxx…"
    const region = makeRegion({ start: 0x1000n, size: 64, inDump: 64, dumpOffset: 0 });
    const streamed: bigint[] = [];
    const result = await runSearch(
      new MemorySource(file),
      [region],
      { kind: 'hex', text: '78 78' },
      {
        sliceSize: 10,
        limit: 25,
        onHit: (h) => streamed.push(h.address),
      },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.hits).toHaveLength(25);
    expect(result.limitReached).toBe(true);
    expect(streamed).toEqual(result.hits.map((h) => h.address));
    expect(result.bytesDone).toBeLessThan(result.bytesTotal);
    expect(result.hits[0]).toMatchObject({ address: 0x1000n, contextAddress: 0x1000n, matchIndex: 0 });
    expect(result.hits[0]?.context).toHaveLength(18);
    const all = await runSearch(new MemorySource(file), [region], { kind: 'hex', text: '7878' }, { limit: 63 });
    expect(all.ok && all.hits[62]).toMatchObject({ address: 0x1000n + 62n, matchIndex: 16 });
    expect(all.ok && all.hits[62]?.context).toHaveLength(18);
  });

  it('searches chunk by chunk from a plan (the worker path), any chunk order', () => {
    const layout = randomLayout(prng(4242), { fill: letters });
    const q: SearchQuery = { kind: 'ascii', text: 'bab', caseInsensitive: true };
    const compiled = compilePattern(q);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const items = planSearchChunks(layout.regions, compiled.pattern.length, {
      sliceSize: 50,
      fileSize: layout.file.length,
    });
    const hits = items
      .reverse()
      .flatMap((item) =>
        searchChunk(layout.file.slice(item.fileOffset, item.fileOffset + item.length), compiled.pattern, item),
      )
      .sort((x, y) => x.regionIndex - y.regionIndex || x.regionOffset - y.regionOffset);
    expect(simplify(hits)).toEqual(referenceSearch(layout.file, layout.regions, q));
  });

  it('returns a typed error for a bad query', async () => {
    const region = makeRegion({ start: 0n, size: 1000, inDump: 1000, dumpOffset: 0 });
    const bad = await runSearch(new MemorySource(new Uint8Array(1000)), [region], { kind: 'hex', text: 'abc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'odd-length' } });
  });
});

describe('compilePattern', () => {
  const bytesOf = (q: SearchQuery): number[] => {
    const r = compilePattern(q);
    if (!r.ok) throw new Error(r.error.message);
    return [...r.pattern.bytes];
  };

  it('parses hex in the usual spellings, with ?? wildcards', () => {
    for (const text of ['de ad be ef', 'deadbeef', 'DE AD BE EF', '0xde 0xad 0xbe 0xef', 'de,ad,be,ef', '0xDEADBEEF']) {
      expect(bytesOf({ kind: 'hex', text })).toEqual([0xde, 0xad, 0xbe, 0xef]);
    }
    const r = compilePattern({ kind: 'hex', text: '00 ?? ff' });
    expect(r.ok && [...r.pattern.and]).toEqual([0xff, 0, 0xff]);
    // The anchor avoids wildcards, and prefers bytes other than 00/ff.
    expect(r.ok && r.pattern.anchor).toBe(0);
    const s = compilePattern({ kind: 'hex', text: '00 00 41 00' });
    expect(s.ok && s.pattern.anchor).toBe(2);
  });

  it('rejects bad hex with a typed error', () => {
    const code = (q: SearchQuery): string | undefined => {
      const r = compilePattern(q);
      return r.ok ? undefined : r.error.code;
    };
    expect(code({ kind: 'hex', text: '' })).toBe('empty');
    expect(code({ kind: 'hex', text: '   ' })).toBe('empty');
    expect(code({ kind: 'hex', text: 'abc' })).toBe('odd-length');
    expect(code({ kind: 'hex', text: 'de ad b' })).toBe('odd-length');
    expect(code({ kind: 'hex', text: 'zz' })).toBe('invalid-hex');
    expect(code({ kind: 'hex', text: 'a?' })).toBe('invalid-hex');
    expect(code({ kind: 'hex', text: '?? ??' })).toBe('all-wildcards');
    expect(code({ kind: 'ascii', text: '' })).toBe('empty');
    expect(code({ kind: 'ascii', text: 'x'.repeat(70000) })).toBe('too-long');
  });

  it('encodes text as UTF-8 or UTF-16LE and folds ASCII letters only', () => {
    expect(bytesOf({ kind: 'ascii', text: 'Hi!' })).toEqual([0x48, 0x69, 0x21]);
    expect(bytesOf({ kind: 'ascii', text: 'é' })).toEqual([0xc3, 0xa9]);
    expect(bytesOf({ kind: 'utf16le', text: 'Hé' })).toEqual([0x48, 0, 0xe9, 0]);
    const ci = compilePattern({ kind: 'utf16le', text: 'Z9\u0141', caseInsensitive: true });
    if (!ci.ok) throw new Error(ci.error.message);
    expect([...ci.pattern.bytes]).toEqual([0x7a, 0, 0x39, 0, 0x41, 0x01]);
    expect([...ci.pattern.or]).toEqual([0x20, 0, 0, 0, 0, 0]); // 0x41 is the low byte of Ł: not a letter
    expect(ci.pattern.anchorValues).toEqual([0x39]); // the digit: an exact, non-zero byte
  });
});
