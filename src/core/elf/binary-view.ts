export type Endian = 'little' | 'big';
export type WordBits = 32 | 64;

/**
 * Endian- and word-size-aware reads over a byte array. Out-of-range reads throw RangeError (DataView's own
 * check); parsers check lengths first and treat a throw here as a bug.
 */
export class BinaryView {
  readonly view: DataView;
  readonly little: boolean;

  constructor(
    readonly bytes: Uint8Array,
    readonly endian: Endian,
    readonly bits: WordBits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = endian === 'little';
  }

  get length(): number {
    return this.bytes.length;
  }
  get wordSize(): 4 | 8 {
    return this.bits === 64 ? 8 : 4;
  }

  u8(offset: number): number {
    return this.view.getUint8(offset);
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, this.little);
  }
  i16(offset: number): number {
    return this.view.getInt16(offset, this.little);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, this.little);
  }
  i32(offset: number): number {
    return this.view.getInt32(offset, this.little);
  }
  u64(offset: number): bigint {
    return this.view.getBigUint64(offset, this.little);
  }
  /** An unsigned value of `size` bytes (1, 2, 4 or 8) as bigint. */
  uint(offset: number, size: number): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8(offset));
      case 2:
        return BigInt(this.u16(offset));
      case 4:
        return BigInt(this.u32(offset));
      case 8:
        return this.u64(offset);
      default:
        throw new RangeError(`unsupported integer size ${size}`);
    }
  }
  /**
   * An unsigned value of `size` bytes (1, 2, 4 or 8) as lower-case `0x…` hex without leading zeros — the same
   * text as `0x${uint(offset, size).toString(16)}`, without making a BigInt.
   */
  uintHex(offset: number, size: number): string {
    if (size === 1) return `0x${this.u8(offset).toString(16)}`;
    if (size === 2) return `0x${this.u16(offset).toString(16)}`;
    if (size === 4) return `0x${this.u32(offset).toString(16)}`;
    if (size !== 8) throw new RangeError(`unsupported integer size ${size}`);
    const hi = this.u32(this.little ? offset + 4 : offset);
    const lo = this.u32(this.little ? offset : offset + 4);
    return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
  }
  /** A word of the core's class (4 or 8 bytes) as bigint. */
  word(offset: number): bigint {
    return this.bits === 64 ? this.u64(offset) : BigInt(this.u32(offset));
  }
  /** A word that must fit a file offset or a count; values above 2^53 come back as Infinity (callers reject them). */
  wordNumber(offset: number): number {
    if (this.bits === 32) return this.u32(offset);
    // Two 32-bit halves, no BigInt: this runs for every program header of a core with thousands.
    const hi = this.u32(this.little ? offset + 4 : offset);
    const lo = this.u32(this.little ? offset : offset + 4);
    return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
  }
  sub(offset: number, length: number): BinaryView {
    return new BinaryView(this.bytes.subarray(offset, offset + length), this.endian, this.bits);
  }
  /** A NUL-terminated (or field-terminated) string, decoded as UTF-8 with replacement characters. */
  cstring(offset: number, maxLength: number): string {
    const end = Math.min(this.bytes.length, offset + maxLength);
    let stop = offset;
    while (stop < end && this.bytes[stop] !== 0) stop++;
    return decodeText(this.bytes.subarray(offset, stop));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
