/**
 * A bounds-checked reader over DWARF call frame bytes (.eh_frame, .eh_frame_hdr, .debug_frame, expressions):
 * fixed-size integers of either byte order, LEB128, and the DW_EH_PE_* pointer encodings. Every read past `end`
 * throws a `CfiError`, which the CFI code catches and turns into "no row here": tables come from dumps and files
 * that may be damaged, and one bad entry must not end a walk with an exception.
 */

export class CfiError extends Error {}

const U64 = (1n << 64n) - 1n;

/** DW_EH_PE_* (LSB Core, "DWARF Extensions"): the low nibble is the format, the high one how to apply it. */
export const PE = {
  absptr: 0x00,
  uleb128: 0x01,
  udata2: 0x02,
  udata4: 0x03,
  udata8: 0x04,
  sleb128: 0x09,
  sdata2: 0x0a,
  sdata4: 0x0b,
  sdata8: 0x0c,
  pcrel: 0x10,
  textrel: 0x20,
  datarel: 0x30,
  funcrel: 0x40,
  aligned: 0x50,
  indirect: 0x80,
  omit: 0xff,
} as const;

/** What a DW_EH_PE_* application is relative to; `section` is the vaddr of the bytes' offset 0. */
export interface PointerBases {
  readonly section: bigint;
  readonly data?: bigint;
  readonly text?: bigint;
  readonly func?: bigint;
}

export class DwarfCursor {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    public pos = 0,
    public end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (end > bytes.length) this.end = bytes.length;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at < 0 || at + n > this.end) throw new CfiError(`read of ${n} bytes at offset ${at} runs past ${this.end}`);
    this.pos = at + n;
    return at;
  }

  skip(n: number): void {
    this.need(n);
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }
  i8(): number {
    return this.view.getInt8(this.need(1));
  }
  u16(): number {
    return this.view.getUint16(this.need(2), this.little);
  }
  i16(): number {
    return this.view.getInt16(this.need(2), this.little);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), this.little);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), this.little);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), this.little);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8), this.little);
  }
  /** An unsigned word of `size` (4 or 8) bytes. */
  word(size: number): bigint {
    return size === 8 ? this.u64() : BigInt(this.u32());
  }

  /** ULEB128 as bigint; more than 10 bytes (beyond 64 bits) is damage. */
  uleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result & U64;
      shift += 7n;
    }
    throw new CfiError('ULEB128 longer than 10 bytes');
  }

  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    throw new CfiError('SLEB128 longer than 10 bytes');
  }

  /** A ULEB128 used as a count, register number or factor: small by nature, so capped. */
  ulebSmall(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (shift < 35) result += (b & 0x7f) * 2 ** shift;
      else if ((b & 0x7f) !== 0) throw new CfiError('ULEB128 value too large for a count');
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new CfiError('ULEB128 longer than 10 bytes');
  }

  slebSmall(): number {
    const v = this.sleb();
    if (v > 0x7fffffffn || v < -0x80000000n) throw new CfiError('SLEB128 value too large for a factor');
    return Number(v);
  }

  /** A NUL-terminated string (CIE augmentation), capped at 64 characters. */
  cstring(): string {
    let s = '';
    for (let i = 0; i < 64; i++) {
      const b = this.u8();
      if (b === 0) return s;
      s += String.fromCharCode(b);
    }
    throw new CfiError('augmentation string too long');
  }

  /**
   * A DW_EH_PE_* encoded pointer, or undefined for DW_EH_PE_omit. `indirect` means the value is the address of
   * the pointer, not the pointer (the caller decides whether it can follow it).
   */
  pointer(
    encoding: number,
    addressSize: number,
    bases: PointerBases,
  ): { value: bigint; indirect: boolean } | undefined {
    if (encoding === PE.omit) return undefined;
    const fieldAddress = bases.section + BigInt(this.pos);
    const application = encoding & 0x70;
    if (application === PE.aligned) {
      const misalign = this.pos % addressSize;
      if (misalign !== 0) this.skip(addressSize - misalign);
    }
    let value: bigint;
    switch (encoding & 0x0f) {
      case PE.absptr:
        value = this.word(addressSize);
        break;
      case PE.uleb128:
        value = this.uleb();
        break;
      case PE.udata2:
        value = BigInt(this.u16());
        break;
      case PE.udata4:
        value = BigInt(this.u32());
        break;
      case PE.udata8:
        value = this.u64();
        break;
      case PE.sleb128:
        value = this.sleb();
        break;
      case PE.sdata2:
        value = BigInt(this.i16());
        break;
      case PE.sdata4:
        value = BigInt(this.i32());
        break;
      case PE.sdata8:
        value = this.i64();
        break;
      default:
        throw new CfiError(`unknown pointer format 0x${encoding.toString(16)}`);
    }
    switch (application) {
      case 0:
      case PE.aligned:
        break;
      case PE.pcrel:
        value += fieldAddress;
        break;
      case PE.datarel:
        if (bases.data === undefined) throw new CfiError('data-relative pointer without a data base');
        value += bases.data;
        break;
      case PE.textrel:
        if (bases.text === undefined) throw new CfiError('text-relative pointer without a text base');
        value += bases.text;
        break;
      case PE.funcrel:
        if (bases.func === undefined) throw new CfiError('function-relative pointer without a function base');
        value += bases.func;
        break;
      default:
        throw new CfiError(`unknown pointer application 0x${encoding.toString(16)}`);
    }
    const width = addressSize === 4 ? 32 : 64;
    return { value: BigInt.asUintN(width, value), indirect: (encoding & PE.indirect) !== 0 };
  }

  /** The size of a fixed-size encoding, for tables searched in place (undefined for LEB128 forms). */
  static fixedSize(encoding: number, addressSize: number): number | undefined {
    switch (encoding & 0x0f) {
      case PE.absptr:
        return addressSize;
      case PE.udata2:
      case PE.sdata2:
        return 2;
      case PE.udata4:
      case PE.sdata4:
        return 4;
      case PE.udata8:
      case PE.sdata8:
        return 8;
      default:
        return undefined;
    }
  }
}
