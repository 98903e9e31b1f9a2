import { describe, expect, it } from 'vitest';
import { BinaryView } from '../../src/core/elf/binary-view';

describe('BinaryView.uintHex', () => {
  const bytes = new Uint8Array([
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  ]);

  it('writes the same text as the BigInt read, for every size and both byte orders', () => {
    for (const endian of ['little', 'big'] as const) {
      const view = new BinaryView(bytes, endian, 64);
      for (const size of [1, 2, 4, 8]) {
        for (let offset = 0; offset + size <= bytes.length; offset++) {
          expect(view.uintHex(offset, size)).toBe(`0x${view.uint(offset, size).toString(16)}`);
        }
      }
    }
  });

  it('keeps the zeros inside a 64-bit value and drops the leading ones', () => {
    expect(new BinaryView(bytes, 'big', 64).uintHex(0, 8)).toBe('0x100000002');
    expect(new BinaryView(bytes, 'little', 64).uintHex(0, 8)).toBe('0x200000001000000');
    expect(new BinaryView(new Uint8Array(8), 'little', 64).uintHex(0, 8)).toBe('0x0');
  });

  it('rejects a size it has no integer for', () => {
    expect(() => new BinaryView(bytes, 'little', 64).uintHex(0, 3)).toThrow(RangeError);
  });
});
