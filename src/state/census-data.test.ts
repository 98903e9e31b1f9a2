import { describe, expect, it } from 'vitest';
import type { CensusBatch } from '../../workers/engine-protocol';
import {
  applyBatch,
  censusExport,
  createCensusData,
  kindSoFar,
  kindValue,
  missingRegions,
  type CensusState,
} from './census-data';

const VIEW = {
  regions: { count: 4 } as never,
  threads: [{}, {}] as never,
  totals: [
    { kind: 'Stack', count: 3 },
    { kind: 'Heap', count: 1 },
  ] as never,
  imageTotals: [] as never,
};

function batch(
  regions: number[],
  touched: number[],
  kindTouched: number[],
  kindPending: number[],
  threads: number[] = [],
): CensusBatch {
  return {
    regions: Uint32Array.from(regions),
    touched: Float64Array.from(touched),
    threads: Uint32Array.from(threads),
    threadTouched: Float64Array.from(threads, () => 4096),
    threadDepth: Float64Array.from(threads, () => 8192),
    threadHighWater: BigUint64Array.from(threads, () => 0x7f00n),
    threadPartial: Uint8Array.from(threads, () => 1),
    kindTouched: Float64Array.from(kindTouched),
    kindPending: Uint32Array.from(kindPending),
    imageTouched: new Float64Array(0),
    imagePending: new Uint32Array(0),
  };
}

describe('census data', () => {
  it('applies batches in place: regions, threads and the sums; what is missing is what never came', () => {
    const data = createCensusData(VIEW);
    expect(missingRegions(data)).toEqual([0, 1, 2, 3]);
    expect(kindValue(data, 0)).toBeUndefined();
    applyBatch(data, batch([3, 1], [0, 8192], [8192, 0], [2, 0], [1]));
    expect(data.regionsDone).toBe(2);
    expect(missingRegions(data)).toEqual([0, 2]);
    expect(missingRegions(data, 1)).toEqual([0]);
    expect(kindValue(data, 1)).toBe(0);
    expect(kindValue(data, 0)).toBeUndefined();
    expect(kindSoFar(data, 0)).toEqual({ bytes: 8192, complete: false });
    expect([data.threadTouched[1], data.threadDepth[1], data.threadHighWater[1], data.threadPartial[1]]).toEqual([
      4096,
      8192,
      0x7f00n,
      1,
    ]);
    expect(data.threadTouched[0]).toBeNaN();
    // A region sent twice (a re-run) is counted once.
    applyBatch(data, batch([3, 0, 2], [0, 4096, 0], [12288, 0], [0, 0]));
    expect(data.regionsDone).toBe(4);
    expect(kindValue(data, 0)).toBe(12288);
  });

  it('exports nothing before a census, and says whether it is complete (the OS only when it is)', () => {
    expect(censusExport(undefined)).toBeUndefined();
    const data = createCensusData(VIEW);
    const os = {
      name: 'CentOS 7',
      source: 'dotnet-rid' as const,
      evidence: 'centos.7-x64',
      address: '0x1000',
      ranked: [],
    };
    const state: CensusState = { dumpId: 1, status: 'done', data, version: 3, failures: [], os };
    const { touched, threadDepth } = data;
    expect(censusExport(state)).toEqual({ touched, threadDepth, complete: true, os });
    expect(censusExport({ ...state, status: 'failed' })).toEqual({ touched, threadDepth, complete: false });
  });
});
