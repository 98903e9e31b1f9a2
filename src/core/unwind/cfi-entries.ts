/**
 * CIE and FDE records of .eh_frame and .debug_frame (DWARF 5 §6.4.1; LSB Core "The .eh_frame section").
 *
 * The two sections share the record layout but differ where it matters:
 *   .eh_frame     CIE id 0; an FDE's CIE pointer counts back from the pointer's own position; addresses use the
 *                 CIE's 'R' encoding (pcrel sdata4 in practice); augmentation 'z' carries L, R, P, S data.
 *   .debug_frame  CIE id 0xffffffff (64-bit DWARF: all ones); an FDE's CIE pointer is an offset from the section
 *                 start; addresses are absolute words; versions 1, 3 and 4 (4 names the address size itself).
 * Records are decoded one at a time, when an FDE is looked up; CIEs are cached by offset by the caller.
 */
import { CfiError, DwarfCursor, PE, type PointerBases } from './dwarf-cursor';

export type FrameSectionKind = 'eh' | 'debug';

/** A frame section as parsed: its bytes, where it is linked, byte order and address size. */
export interface FrameSection {
  readonly kind: FrameSectionKind;
  readonly bytes: Uint8Array;
  readonly vaddr: bigint;
  readonly little: boolean;
  readonly addressSize: 4 | 8;
}

export interface Cie {
  readonly offset: number;
  readonly version: number;
  readonly augmentation: string;
  readonly addressSize: number;
  readonly codeAlign: number;
  readonly dataAlign: number;
  readonly raColumn: number;
  /** DW_EH_PE_* of FDE addresses ('R'; absptr without it). */
  readonly fdeEncoding: number;
  /** 'z': FDEs carry an augmentation data length. */
  readonly hasAugmentationData: boolean;
  /** 'S': the FDEs describe a signal trampoline; the frame they unwind to has an exact pc. */
  readonly signalFrame: boolean;
  /** The initial instructions, [start, end) in the section. */
  readonly instructionsStart: number;
  readonly instructionsEnd: number;
}

export interface Fde {
  readonly offset: number;
  readonly cie: Cie;
  /** [pcBegin, pcEnd), link-time addresses. */
  readonly pcBegin: bigint;
  readonly pcEnd: bigint;
  readonly instructionsStart: number;
  readonly instructionsEnd: number;
}

/** One record's frame: where its body starts and ends, and what its id field says. */
interface RecordHeader {
  /** The position of the id / CIE pointer field. */
  readonly idPos: number;
  readonly bodyStart: number;
  readonly end: number;
  /** undefined for a CIE; else the section offset of the FDE's CIE. */
  readonly cieOffset: number | undefined;
}

/** A record's header at `offset`; undefined at a zero terminator. Throws CfiError on damage. */
function readHeader(section: FrameSection, offset: number): RecordHeader | undefined {
  const c = new DwarfCursor(section.bytes, section.little, offset);
  let length = c.u32();
  let offsetSize = 4;
  if (length === 0) return undefined;
  if (length === 0xffffffff) {
    const long = c.u64();
    if (long > BigInt(section.bytes.length)) throw new CfiError(`record at ${offset} is longer than its section`);
    length = Number(long);
    offsetSize = 8;
  }
  const idPos = c.pos;
  const end = idPos + length;
  if (end > section.bytes.length || length < offsetSize) {
    throw new CfiError(`record at ${offset} (length ${length}) runs past its section`);
  }
  const id = offsetSize === 8 ? c.u64() : BigInt(c.u32());
  let cieOffset: number | undefined;
  if (section.kind === 'eh') {
    if (id !== 0n) cieOffset = idPos - Number(id);
  } else {
    const allOnes = offsetSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    if (id !== allOnes) cieOffset = Number(id);
  }
  if (cieOffset !== undefined && (cieOffset < 0 || cieOffset >= section.bytes.length || cieOffset === offset)) {
    throw new CfiError(`FDE at ${offset} points to a CIE at ${cieOffset}, outside its section`);
  }
  return { idPos, bodyStart: c.pos, end, cieOffset };
}

/** The offset of the record after the one at `offset`, and whether it is an FDE (for linear walks). */
export function recordAt(
  section: FrameSection,
  offset: number,
): { next: number; fde: boolean; terminator: boolean } | undefined {
  try {
    const h = readHeader(section, offset);
    if (h === undefined) return { next: offset + 4, fde: false, terminator: true };
    return { next: h.end, fde: h.cieOffset !== undefined, terminator: false };
  } catch (e) {
    if (e instanceof CfiError) return undefined;
    throw e;
  }
}

function bases(section: FrameSection): PointerBases {
  return { section: section.vaddr };
}

/** The CIE at `offset`. Throws CfiError when it is not one or is damaged. */
export function parseCie(section: FrameSection, offset: number): Cie {
  const h = readHeader(section, offset);
  if (h === undefined || h.cieOffset !== undefined) throw new CfiError(`no CIE at ${offset}`);
  const c = new DwarfCursor(section.bytes, section.little, h.bodyStart, h.end);
  const version = c.u8();
  const supported = section.kind === 'eh' ? [1, 3] : [1, 3, 4];
  if (!supported.includes(version)) throw new CfiError(`CIE at ${offset} has version ${version}`);
  const augmentation = c.cstring();
  let addressSize: number = section.addressSize;
  if (augmentation.includes('eh')) c.skip(section.addressSize); // old GCC: the EH data pointer
  if (version === 4) {
    addressSize = c.u8();
    c.u8(); // segment selector size
    if (addressSize !== 4 && addressSize !== 8) throw new CfiError(`CIE at ${offset} has address size ${addressSize}`);
  }
  const codeAlign = c.ulebSmall();
  const dataAlign = c.slebSmall();
  const raColumn = version === 1 ? c.u8() : c.ulebSmall();
  let fdeEncoding: number = PE.absptr;
  let signalFrame = false;
  const hasAugmentationData = augmentation.startsWith('z');
  if (hasAugmentationData) {
    const length = c.ulebSmall();
    const dataEnd = c.pos + length;
    if (dataEnd > h.end) throw new CfiError(`CIE at ${offset}: augmentation data runs past the record`);
    for (const letter of augmentation.slice(1)) {
      if (letter === 'R') fdeEncoding = c.u8();
      else if (letter === 'L') c.u8();
      else if (letter === 'P') c.pointer(c.u8() & ~PE.indirect, addressSize, bases(section));
      else if (letter === 'S') signalFrame = true;
      else if (letter === 'B' || letter === 'G')
        continue; // aarch64 BTI, MTE: no data
      else break; // unknown: the length lets us skip the rest
    }
    c.pos = dataEnd;
  } else if (augmentation !== '' && augmentation !== 'eh') {
    throw new CfiError(`CIE at ${offset} has augmentation "${augmentation}" without 'z'`);
  }
  return {
    offset,
    version,
    augmentation,
    addressSize,
    codeAlign,
    dataAlign,
    raColumn,
    fdeEncoding,
    hasAugmentationData,
    signalFrame,
    instructionsStart: c.pos,
    instructionsEnd: h.end,
  };
}

/**
 * The FDE at `offset`, its CIE taken from (and put into) `cies`. Undefined when the record is a CIE, or its
 * address is indirect (it would need process memory; no producer emits that). Throws CfiError on damage.
 */
export function parseFde(section: FrameSection, offset: number, cies: Map<number, Cie | null>): Fde | undefined {
  const h = readHeader(section, offset);
  if (h === undefined || h.cieOffset === undefined) return undefined;
  let cie = cies.get(h.cieOffset);
  if (cie === undefined) {
    try {
      cie = parseCie(section, h.cieOffset);
    } catch (e) {
      cies.set(h.cieOffset, null);
      throw e;
    }
    cies.set(h.cieOffset, cie);
  }
  if (cie === null) throw new CfiError(`FDE at ${offset} has a damaged CIE at ${h.cieOffset}`);
  const c = new DwarfCursor(section.bytes, section.little, h.bodyStart, h.end);
  const encoding = section.kind === 'eh' ? cie.fdeEncoding : PE.absptr;
  const begin = c.pointer(encoding, cie.addressSize, bases(section));
  const range = c.pointer(encoding & 0x0f, cie.addressSize, bases(section));
  if (begin === undefined || range === undefined || begin.indirect) return undefined;
  if (cie.hasAugmentationData) {
    const length = c.ulebSmall();
    c.skip(length);
  }
  return {
    offset,
    cie,
    pcBegin: begin.value,
    pcEnd: begin.value + range.value,
    instructionsStart: c.pos,
    instructionsEnd: h.end,
  };
}
