import { describe, expect, it } from 'vitest';
import { tabFor } from './ViewTabs';

describe('tabFor', () => {
  it('moves with the arrows (wrapping) and jumps with Home and End', () => {
    expect(tabFor('ArrowRight', 'overview')).toBe('regions');
    expect(tabFor('ArrowLeft', 'overview')).toBe('memory');
    expect(tabFor('ArrowRight', 'memory')).toBe('overview');
    expect(tabFor('Home', 'threads')).toBe('overview');
    expect(tabFor('End', 'threads')).toBe('memory');
    expect(tabFor('a', 'threads')).toBeUndefined();
  });
});
