import { describe, expect, it } from 'vitest';
import { ChunkCache } from './chunk-cache';

describe('ChunkCache', () => {
  it('drops the least recently used chunk first; get() marks use, peek() does not', () => {
    const c = new ChunkCache<string>(2);
    c.set(1n, 'a');
    c.set(2n, 'b');
    expect(c.get(1n)).toBe('a');
    c.set(3n, 'c');
    expect(c.peek(2n)).toBeUndefined();
    expect(c.peek(1n)).toBe('a');
    // peek() did not mark 1 as used: it is still the oldest, and goes first.
    c.set(4n, 'd');
    expect(c.peek(1n)).toBeUndefined();
    expect(c.peek(3n)).toBe('c');
    expect(c.size).toBe(2);
    c.clear();
    expect(c.size).toBe(0);
    expect(() => new ChunkCache(0)).toThrow(RangeError);
  });
});
