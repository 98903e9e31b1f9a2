import { describe, expect, it } from 'vitest';
import { kindColor, kindTextColor } from './kind-colors';

/** WCAG contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const l = (hex: string) => {
    const c = (i: number) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5);
  };
  const [x, y] = [l(a), l(b)].sort((p, q) => q - p);
  return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
}

describe('kindTextColor', () => {
  it('gives text on every kind colour a contrast of at least 4.5', () => {
    for (const kind of [
      'Stack',
      'StackGuard',
      'Image',
      'MappedFile',
      'Heap',
      'GCHeap',
      'CLRCode',
      'Vdso',
      'DiagInfo',
      '[RESERVED]',
      'PAGE_READWRITE',
      'PAGE_READONLY',
      'PAGE_EXECUTE_READ',
      'PAGE_NOACCESS',
      'SomethingElse',
    ]) {
      expect(contrast(kindColor(kind), kindTextColor(kind)), kind).toBeGreaterThanOrEqual(4.5);
    }
  });
});
