import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW_STATE, formatHash, nextSort, parseHash, type ViewState } from './hash-state';

describe('the URL hash', () => {
  it('round-trips every part of the view state', () => {
    const s: ViewState = {
      view: 'regions',
      regionFilter: {
        kind: 'Stack',
        type: 'MEM_PRIVATE',
        state: 'MEM_COMMIT',
        protect: 'PAGE_READWRITE',
        text: 'lib c&d#',
      },
      regionSort: { column: 'size', desc: true },
      region: '0x7f42d2d6d000',
      threadText: 'recv',
      threadSort: { column: 'stackSize', desc: false },
      thread: 1234,
    };
    expect(parseHash(formatHash(s))).toEqual(s);
  });
  it('leaves defaults out and reads an empty hash as the default view', () => {
    expect(formatHash(DEFAULT_VIEW_STATE)).toBe('');
    expect(parseHash('')).toEqual({
      ...DEFAULT_VIEW_STATE,
      regionFilter: { text: '', kind: undefined, type: undefined, state: undefined, protect: undefined },
      regionSort: undefined,
      region: undefined,
      threadSort: undefined,
      thread: undefined,
    });
  });
  it('ignores what it does not understand', () => {
    const s = parseHash('#v=nope&sort=size.sideways&sel=<script>&tid=abc');
    expect(s.view).toBe('overview');
    expect(s.regionSort).toBeUndefined();
    expect(s.region).toBeUndefined();
    expect(s.thread).toBeUndefined();
  });
  it('keeps the compared file by name, with the Compare view', () => {
    const s = parseHash(formatHash({ ...DEFAULT_VIEW_STATE, view: 'compare', compareWith: 'today core.zst' }));
    expect(s.view).toBe('compare');
    expect(s.compareWith).toBe('today core.zst');
    expect(formatHash({ ...DEFAULT_VIEW_STATE, view: 'compare', compareWith: 'b.core' })).toBe('#v=compare&cmp=b.core');
  });
  it('sorts numbers largest first on the first click, then flips', () => {
    expect(nextSort(undefined, 'size', true)).toEqual({ column: 'size', desc: true });
    expect(nextSort({ column: 'size', desc: true }, 'size', true)).toEqual({ column: 'size', desc: false });
    expect(nextSort({ column: 'size', desc: true }, 'kind', false)).toEqual({ column: 'kind', desc: false });
  });
});
