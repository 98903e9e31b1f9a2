/** The runs of a decoded chunk that hold data (the rest is left as holes in the temporary file). */
import { describe, expect, it } from 'vitest';
import { forEachDataRun } from '../../src/core/compression/data-runs';

function runs(bytes: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  forEachDataRun(bytes, (from, to) => out.push([from, to]));
  return out;
}

describe('forEachDataRun', () => {
  const K64 = 64 * 1024;

  it('skips all-zero 64 KiB granules and merges neighbouring data', () => {
    const bytes = new Uint8Array(5 * K64 + 100);
    bytes[10] = 1; // granule 0
    bytes[K64 + 5] = 1; // granule 1: merged with 0
    bytes[3 * K64 + K64 - 1] = 7; // granule 3, its last byte
    bytes[5 * K64 + 99] = 2; // the short tail
    expect(runs(bytes)).toEqual([
      [0, 2 * K64],
      [3 * K64, 4 * K64],
      [5 * K64, 5 * K64 + 100],
    ]);
  });

  it('gives nothing for zeros and everything for data, at any offset in its buffer', () => {
    expect(runs(new Uint8Array(3 * K64))).toEqual([]);
    const buffer = new Uint8Array(2 * K64 + 3).fill(9);
    const view = buffer.subarray(3);
    expect(runs(view)).toEqual([[0, 2 * K64]]);
    expect(runs(new Uint8Array(0))).toEqual([]);
  });
});
