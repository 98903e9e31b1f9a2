import { describe, expect, it } from 'vitest';
import { HitSequencer } from '../../src/core/run/hit-sequencer';

/** Item i holds hits `${i}.0` … `${i}.${n-1}`; searched with `limit`, it returns the first `limit` of them. */
function hitsOf(item: number, count: number, limit: number) {
  return { hits: Array.from({ length: Math.min(count, limit) }, (_, k) => `${item}.${k}`), limit };
}

describe('HitSequencer', () => {
  it('delivers in plan order whatever order items finish in', () => {
    const s = new HitSequencer<string>(3);
    s.put(2, hitsOf(2, 1, 10));
    expect(s.drain(10).hits).toEqual([]);
    s.put(0, hitsOf(0, 2, 10));
    expect(s.drain(10).hits).toEqual(['0.0', '0.1']);
    s.put(1, hitsOf(1, 0, 10));
    expect(s.drain(10)).toEqual({ hits: ['2.0'], finished: true });
  });

  it('stops at the limit and carries on from there when it is raised', () => {
    const s = new HitSequencer<string>(2);
    s.put(0, hitsOf(0, 3, 5));
    s.put(1, hitsOf(1, 3, 5));
    expect(s.drain(4)).toEqual({ hits: ['0.0', '0.1', '0.2', '1.0'], finished: false });
    expect(s.delivered).toBe(4);
    expect(s.drain(10)).toEqual({ hits: ['1.1', '1.2'], finished: true });
  });

  it('asks to search an item again when its own limit may have cut it short, and skips what it delivered', () => {
    const s = new HitSequencer<string>(2);
    s.put(0, hitsOf(0, 7, 3)); // 7 hits, searched with limit 3
    s.put(1, hitsOf(1, 1, 3));
    const first = s.drain(5);
    expect(first.hits).toEqual(['0.0', '0.1', '0.2']);
    expect(first.rerun).toEqual({ itemId: 0, limit: 5 });
    expect(s.drain(5).hits).toEqual([]); // waiting for the re-run
    s.put(0, hitsOf(0, 7, 5));
    expect(s.drain(5)).toEqual({ hits: ['0.3', '0.4'], finished: false });
    const more = s.drain(20);
    expect(more.hits).toEqual([]);
    expect(more.rerun).toEqual({ itemId: 0, limit: 20 });
    s.put(0, hitsOf(0, 7, 20));
    expect(s.drain(20)).toEqual({ hits: ['0.5', '0.6', '1.0'], finished: true });
  });

  it('skips a lost item', () => {
    const s = new HitSequencer<string>(3);
    s.put(0, hitsOf(0, 1, 10));
    s.lose(1);
    s.put(2, hitsOf(2, 1, 10));
    expect(s.drain(10)).toEqual({ hits: ['0.0', '2.0'], finished: true });
  });
});
