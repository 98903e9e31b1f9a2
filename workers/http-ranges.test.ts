import { describe, expect, it } from 'vitest';
import { byterangesBoundary, parseByteranges } from './http-ranges';

const encode = (text: string) => new TextEncoder().encode(text);
const join = (...parts: (string | Uint8Array)[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? encode(p) : p))));

describe('byterangesBoundary', () => {
  it('reads the boundary of a multipart/byteranges type, quoted or not, among other parameters', () => {
    expect(byterangesBoundary('multipart/byteranges; boundary=3d6b6a416f9b5')).toBe('3d6b6a416f9b5');
    expect(byterangesBoundary('Multipart/ByteRanges; charset=x; boundary="a b;c"')).toBe('a b;c');
  });

  it('is undefined for any other type', () => {
    expect(byterangesBoundary('application/octet-stream')).toBeUndefined();
    expect(byterangesBoundary('multipart/mixed; boundary=x')).toBeUndefined();
    expect(byterangesBoundary(null)).toBeUndefined();
  });
});

describe('parseByteranges', () => {
  const data = Uint8Array.from({ length: 40 }, (_, i) => i);
  // The boundary string inside a part's data: parts are taken by their Content-Range's length, not by searching.
  const tricky = join('ab', '\r\n--XYZ\r\n', 'cd');

  it('gives each part with its range, whatever its data holds', () => {
    const body = join(
      '--XYZ\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-9/40\r\n\r\n',
      data.slice(0, 10),
      '\r\n--XYZ  \r\ncontent-range:bytes 20-32/40\r\n\r\n',
      tricky,
      '\r\n--XYZ--\r\n',
    );
    const parts = parseByteranges(body, 'XYZ');
    expect(parts?.map((p) => [p.start, p.end, p.size])).toEqual([
      [0, 9, 40],
      [20, 32, 40],
    ]);
    expect(parts?.[0]?.bytes).toEqual(data.slice(0, 10));
    expect(parts?.[1]?.bytes).toEqual(tricky);
  });

  it('is undefined for a body cut short, a part without Content-Range, or no closing delimiter', () => {
    const whole = join('--XYZ\r\nContent-Range: bytes 0-9/40\r\n\r\n', data.slice(0, 10), '\r\n--XYZ--\r\n');
    expect(parseByteranges(whole, 'XYZ')).toHaveLength(1);
    expect(parseByteranges(whole.subarray(0, 40), 'XYZ')).toBeUndefined();
    expect(parseByteranges(join('--XYZ\r\nContent-Type: x\r\n\r\n0123456789\r\n--XYZ--\r\n'), 'XYZ')).toBeUndefined();
    expect(parseByteranges(whole.subarray(0, whole.length - 9), 'XYZ')).toBeUndefined();
    expect(parseByteranges(whole, 'OTHER')).toBeUndefined();
  });
});
