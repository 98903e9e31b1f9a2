import { describe, expect, it } from 'vitest';
import type { Region } from '../src/core/model/types';
import { regionColumns } from './analysis-view';

function region(start: bigint, end: bigint): Region {
  return {
    start,
    end,
    size: Number(end - start),
    kind: 'PAGE_READWRITE',
    type: 'MEM_PRIVATE',
    state: 'MEM_COMMIT',
    protect: 'PAGE_READWRITE',
    perms: 'rw-',
    dumpOffset: 0,
    inDump: 0,
    truncated: false,
    segment: 0,
  };
}

describe('regionColumns ranks', () => {
  it('are the indices when the regions come in address order (the engine’s order)', () => {
    const cols = regionColumns([region(0x1000n, 0x2000n), region(0x2000n, 0x3000n), region(0x5000n, 0x6000n)]);
    expect(Array.from(cols.startRank)).toEqual([0, 1, 2]);
    expect(Array.from(cols.endRank)).toEqual([0, 1, 2]);
  });

  it('sort by address otherwise, ties in region order', () => {
    const cols = regionColumns([region(0x5000n, 0x6000n), region(0x1000n, 0x8000n), region(0x1000n, 0x2000n)]);
    expect(Array.from(cols.startRank)).toEqual([2, 0, 1]);
    expect(Array.from(cols.endRank)).toEqual([1, 2, 0]);
  });
});
