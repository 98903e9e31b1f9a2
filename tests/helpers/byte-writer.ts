/**
 * Endian- and class-aware writes into a fixed buffer, for the synthetic core builder. Values may be numbers or
 * bigints; they are truncated to the field's width (so a test can write 2^63 into a 64-bit field, or -1 as
 * 0xffffffff) — the builder exists to write malformed files as easily as good ones.
 */
export type Endian = 'little' | 'big';
export type Bits = 32 | 64;
export type Num = number | bigint;

export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly little: boolean;

  constructor(
    size: number,
    readonly endian: Endian,
    readonly bits: Bits,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.little = endian === 'little';
  }

  get wordSize(): 4 | 8 {
    return this.bits === 64 ? 8 : 4;
  }

  u8(at: number, value: Num): this {
    this.view.setUint8(at, Number(BigInt.asUintN(8, BigInt(value))));
    return this;
  }
  u16(at: number, value: Num): this {
    this.view.setUint16(at, Number(BigInt.asUintN(16, BigInt(value))), this.little);
    return this;
  }
  u32(at: number, value: Num): this {
    this.view.setUint32(at, Number(BigInt.asUintN(32, BigInt(value))), this.little);
    return this;
  }
  u64(at: number, value: Num): this {
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), this.little);
    return this;
  }
  /** A word of the core's class: 4 bytes in ELF32, 8 in ELF64. */
  word(at: number, value: Num): this {
    return this.bits === 64 ? this.u64(at, value) : this.u32(at, value);
  }
  put(at: number, data: Uint8Array | string): this {
    this.bytes.set(typeof data === 'string' ? ascii(data) : data, at);
    return this;
  }
}

/** Latin-1/ASCII bytes of `text` (no terminator; add "\0" where the format wants one). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** "abcd" → [0xab, 0xcd]. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new Error(`not an even-length hex string: ${hex}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
