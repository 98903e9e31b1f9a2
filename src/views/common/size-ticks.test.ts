import { describe, expect, it } from 'vitest';
import { sizeTicks, tickSize } from './size-ticks';

describe('size axis ticks', () => {
  it('lands on round binary values', () => {
    expect(sizeTicks(7.34 * 1024 ** 3).map(tickSize)).toEqual(['0 B', '2 GiB', '4 GiB', '6 GiB', '8 GiB']);
    expect(sizeTicks(12.21 * 1024 ** 2).map(tickSize)).toEqual(['0 B', '5 MiB', '10 MiB', '15 MiB']);
    expect(sizeTicks(0)).toEqual([0]);
  });
});
