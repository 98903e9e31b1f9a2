import { describe, expect, it } from 'vitest';
import { region } from '../src/views/test/regions-fixture';
import { regionColumns } from './analysis-view';

describe('regionColumns ranks', () => {
  it('are the indices when the regions come in address order (the engine’s order)', () => {
    const cols = regionColumns([region(0x1000n, 0x1000), region(0x2000n, 0x1000), region(0x5000n, 0x1000)]);
    expect(Array.from(cols.startRank)).toEqual([0, 1, 2]);
    expect(Array.from(cols.endRank)).toEqual([0, 1, 2]);
  });

  it('sort by address otherwise, ties in region order', () => {
    const cols = regionColumns([region(0x5000n, 0x1000), region(0x1000n, 0x7000), region(0x1000n, 0x1000)]);
    expect(Array.from(cols.startRank)).toEqual([2, 0, 1]);
    expect(Array.from(cols.endRank)).toEqual([1, 2, 0]);
  });
});
