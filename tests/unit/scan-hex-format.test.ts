import { describe, expect, it } from 'vitest';
import { formatAddress, formatBytes, formatPointers, formatWords } from '../../src/core/scan/hex-format';

function bytesOf(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

describe('WinDbg-style text', () => {
  it('formats addresses with the backtick on 64-bit dumps only', () => {
    expect(formatAddress(0x7f42d2d6dfa0n, 64)).toBe('00007f42`d2d6dfa0');
    expect(formatAddress(0xd2d6dfa0n, 32)).toBe('d2d6dfa0');
    expect(formatAddress(0n, 64)).toBe('00000000`00000000');
  });

  it('dp on a 64-bit little-endian dump: 2 qwords a line, absent words as ?', () => {
    const bytes = new Uint8Array(40);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(8, 0x7f42d2d6e000n, true);
    view.setBigUint64(16, 0x1122334455667788n, true);
    view.setBigUint64(24, 0xffffffffffffffffn, true);
    const present = new Uint8Array(40).fill(1);
    present[31] = 0; // one absent byte makes the whole word unreadable
    expect(formatPointers(0x7f42d2d6dfa0n, bytes, present, 64, 'little')).toEqual([
      '00007f42`d2d6dfa0  00000000`00000000 00007f42`d2d6e000',
      '00007f42`d2d6dfb0  11223344`55667788 ????????`????????',
      '00007f42`d2d6dfc0  00000000`00000000',
    ]);
  });

  it('dp on a 32-bit big-endian dump: 4 dwords a line; a cut-short word is unreadable', () => {
    const bytes = bytesOf(0xd2, 0xd6, 0xdf, 0xa0, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0x12, 0x34);
    expect(formatPointers(0x8000n, bytes, undefined, 32, 'big')).toEqual([
      '00008000  d2d6dfa0 00000001 deadbeef 00000000',
      '00008010  ????????',
    ]);
    expect(formatPointers(0x8000n, bytes.subarray(0, 8), undefined, 32, 'little')).toEqual([
      '00008000  a0dfd6d2 01000000',
    ]);
  });

  it('dw / dq through formatWords', () => {
    const bytes = bytesOf(1, 2, 3, 4, 5, 6, 7, 8);
    expect(formatWords(0x10n, bytes, undefined, 2, 64, 'little')).toEqual(['00000000`00000010  0201 0403 0605 0807']);
    expect(formatWords(0x10n, bytes, undefined, 8, 64, 'big')).toEqual(['00000000`00000010  01020304`05060708']);
  });

  it('db: 16 bytes a line with the ASCII column, ?? for absent bytes, a padded last line', () => {
    const text = new TextEncoder().encode('Hello\0\0\0world, this!');
    const present = new Uint8Array(text.length).fill(1);
    present[6] = 0;
    present[7] = 0;
    expect(formatBytes(0x7f42d2d6dfa0n, text, present, 64)).toEqual([
      '00007f42`d2d6dfa0  48 65 6c 6c 6f 00 ?? ??-77 6f 72 6c 64 2c 20 74  Hello.??world, t',
      '00007f42`d2d6dfb0  68 69 73 21                                      his!',
    ]);
    expect(formatBytes(0x1000n, bytesOf(0x7f, 0x20, 0x7e, 0x80), undefined, 32, { midSeparator: ' ' })).toEqual([
      `00001000  7f 20 7e 80${' '.repeat(36)}  . ~.`,
    ]);
  });

  it('formats nothing for no bytes', () => {
    expect(formatBytes(0n, new Uint8Array(0), undefined, 64)).toEqual([]);
    expect(formatPointers(0n, new Uint8Array(0), undefined, 64, 'little')).toEqual([]);
  });

  it('reads words from a subarray at an odd offset', () => {
    const backing = new Uint8Array(9);
    backing.set([0xef, 0xbe, 0xad, 0xde], 1);
    expect(formatPointers(0x40n, backing.subarray(1, 5), undefined, 32, 'little')).toEqual(['00000040  deadbeef']);
  });
});

describe("dp with pointer labels (the CLI's --dump)", () => {
  it('appends "; label label" after a line holding a pointer, "-" for other words; other lines unchanged', () => {
    const bytes = new Uint8Array(48);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 0x7f0000001234n, true);
    view.setBigUint64(24, 0x7ffc00000010n, true);
    const present = new Uint8Array(48).fill(1);
    present[40] = 0;
    const label = (v: bigint) =>
      v === 0x7f0000001234n ? 'libc.so.6+0x1234' : v === 0x7ffc00000010n ? 'Stack' : undefined;
    const plain = formatPointers(0x1000n, bytes, present, 64, 'little');
    const labelled = formatPointers(0x1000n, bytes, present, 64, 'little', label);
    expect(labelled).toEqual([
      '00000000`00001000  00007f00`00001234 00000000`00000000  ; libc.so.6+0x1234 -',
      '00000000`00001010  00000000`00000000 00007ffc`00000010  ; - Stack',
      '00000000`00001020  00000000`00000000 ????????`????????',
    ]);
    labelled.forEach((line, i) => expect(line.startsWith(plain[i] ?? '?')).toBe(true));
  });
});
