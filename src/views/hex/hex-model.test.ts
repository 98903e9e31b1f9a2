import { describe, expect, it } from 'vitest';
import { formatBytes, formatPointers } from '../../core/scan/hex-format';
import { prepareRegions } from '../regions/region-model';
import { COLS } from '../../../tests/helpers/regions-fixture';
import {
  byteLine,
  CHUNK_BYTES,
  chunksFor,
  hexWindow,
  highlightSpan,
  MAX_WINDOW,
  parseAddressInput,
  pointerLine,
  rowAddress,
  rowCount,
  rowOf,
} from './hex-model';

const p = prepareRegions(COLS);

describe('hex view model', () => {
  it('scrolls through the region holding the address', () => {
    const w = hexWindow(p, 0x7f0000002010n);
    expect(w).toEqual({ start: 0x7f0000002000n, end: 0x7f0000802000n, region: 0 });
    expect(rowCount(w)).toBe(0x800000 / 16);
    expect(rowOf(w, 0x7f0000002010n)).toBe(1);
    expect(rowOf(w, 0x7f0000802000n)).toBe(-1);
    expect(rowAddress(w, 2)).toBe(0x7f0000002020n);
  });

  it('shows a bigger region a 16 MiB window at a time, around the address and inside the region', () => {
    const big = prepareRegions({
      ...COLS,
      size: Float64Array.from(COLS.size),
      end: BigUint64Array.from(COLS.end, (e, i) => (i === 0 ? 0x7f0000002000n + 0x4000000n : e)),
    });
    const mid = hexWindow(big, 0x7f0000002000n + 0x2000000n);
    expect(mid.end - mid.start).toBe(BigInt(MAX_WINDOW));
    expect(mid.start).toBe(0x7f0000002000n + 0x2000000n - BigInt(MAX_WINDOW / 2));
    const low = hexWindow(big, 0x7f0000002010n);
    expect(low.start).toBe(0x7f0000002000n);
    const high = hexWindow(big, 0x7f0000002000n + 0x4000000n - 1n);
    expect(high.end).toBe(0x7f0000002000n + 0x4000000n);
  });

  it('shows 64 KiB around an address no region holds, clamped at 0', () => {
    expect(hexWindow(p, 0x1234n)).toEqual({ start: 0n, end: 0x10000n });
    const w = hexWindow(p, 0x500000n);
    expect(w.region).toBeUndefined();
    expect(w.end - w.start).toBe(0x10000n);
  });

  it('asks for the 4 KiB chunks the rows on screen need', () => {
    const w = hexWindow(p, 0x7f0000002000n);
    expect(chunksFor(w, 0, 10)).toEqual([0x7f0000002000n]);
    expect(chunksFor(w, 250, 260)).toEqual([0x7f0000002000n, 0x7f0000003000n]);
    expect(chunksFor(w, 5, 4)).toEqual([]);
    expect(CHUNK_BYTES % 16).toBe(0);
  });

  it('splits the engine’s `dp` and `db` lines, absent bytes as ??', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i < 8 ? 0x41 + i : 0));
    const present = Uint8Array.from({ length: 16 }, (_, i) => (i < 12 ? 1 : 0));
    const dp = pointerLine(0x7f42d2d6dfa0n, bytes, present, 64, 'little');
    expect(`${dp.address}  ${dp.words.map((w) => w.text).join(' ')}`).toBe(
      formatPointers(0x7f42d2d6dfa0n, bytes, present, 64, 'little')[0],
    );
    expect(dp.address).toBe('00007f42`d2d6dfa0');
    expect(dp.words).toEqual([
      { text: '48474645`44434241', offset: 0, absent: false },
      { text: '????????`????????', offset: 8, absent: true },
    ]);
    const db = byteLine(0x1000n, bytes, present, 64);
    expect(`${db.address}  ${db.hex}  ${db.ascii}`).toBe(formatBytes(0x1000n, bytes, present, 64)[0]);
    expect(db.hex.slice(0, 3)).toBe('41 ');
    expect(db.ascii).toBe('ABCDEFGH....????');
    const dd = pointerLine(0x1000n, bytes, present, 32, 'little');
    expect(dd.words.map((w) => w.offset)).toEqual([0, 4, 8, 12]);
  });

  it('marks a match’s bytes within each row it crosses', () => {
    expect(highlightSpan(0x1000n, 0x100en, 6)).toEqual([14, 16]);
    expect(highlightSpan(0x1010n, 0x100en, 6)).toEqual([0, 4]);
    expect(highlightSpan(0x1020n, 0x100en, 6)).toBeUndefined();
    expect(highlightSpan(0x1000n, 0x1000n, 0)).toBeUndefined();
  });

  it('reads 0x…, plain hex and WinDbg addresses, and says what is wrong with anything else', () => {
    expect(parseAddressInput('0x7f42d2d6dfa0')).toEqual({ ok: true, address: 0x7f42d2d6dfa0n });
    expect(parseAddressInput('7F42D2D6DFA0')).toEqual({ ok: true, address: 0x7f42d2d6dfa0n });
    expect(parseAddressInput('00007f42`d2d6dfa0')).toEqual({ ok: true, address: 0x7f42d2d6dfa0n });
    expect(parseAddressInput('  ')).toEqual({ ok: false, message: 'Type an address' });
    const bad = parseAddressInput('0x7f42zz');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.message).toContain('is not an address');
  });
});
