/**
 * The hex view's model, pure: which span of memory the view scrolls through (the region holding the address,
 * capped), its rows of 16 bytes, the 4 KiB chunks the rows on screen need, and each line's text — the engine's
 * WinDbg formatters (formatPointers / formatBytes, the CLI's `--dump`), split into the pieces the view links and
 * highlights. Bytes not in the dump come out as "??" from those formatters, never as zeros.
 */
import { parseAddress } from '../../core/format/address';
import type { Endian, WordBits } from '../../core/elf/binary-view';
import { formatBytes, formatPointers } from '../../core/scan/hex-format';
import { regionAt, type PreparedRegions } from '../regions/region-model';

export const ROW_BYTES = 16;
/** What one request to the worker reads: 256 rows. */
export const CHUNK_BYTES = 4096;
/**
 * The most the view scrolls through at once: 16 MiB is 1,048,576 rows of 18 px ≈ 18.9 M px, under the ~33.5 M px
 * Chromium allows an element's height. Bigger regions are shown a window at a time (earlier / later).
 */
export const MAX_WINDOW = 16 * 1024 * 1024;
/** Around an address no region holds: enough to see where the nearest mapping starts or ends. */
const UNMAPPED_SPAN = 64 * 1024;
const ADDRESS_LIMIT = 1n << 64n;

export interface HexWindow {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  /** The region holding the address, if any. */
  readonly region?: number;
}

function alignDown(value: bigint, to: number): bigint {
  return value - (value % BigInt(to));
}

function clampRange(start: bigint, span: bigint, lo: bigint, hi: bigint): [bigint, bigint] {
  let s = start < lo ? lo : start;
  if (s + span > hi) s = hi - span < lo ? lo : hi - span;
  const e = s + span > hi ? hi : s + span;
  return [s, e];
}

export function hexWindow(p: PreparedRegions, address: bigint): HexWindow {
  const region = regionAt(p, address);
  if (region === undefined) {
    const [start, end] = clampRange(
      alignDown(address, CHUNK_BYTES) - BigInt(UNMAPPED_SPAN / 2),
      BigInt(UNMAPPED_SPAN),
      0n,
      ADDRESS_LIMIT,
    );
    return { start, end };
  }
  const rs = alignDown(p.cols.start[region] ?? 0n, ROW_BYTES);
  const re = p.cols.end[region] ?? rs;
  if (re - rs <= BigInt(MAX_WINDOW)) return { start: rs, end: re, region };
  const [start, end] = clampRange(alignDown(address, CHUNK_BYTES) - BigInt(MAX_WINDOW / 2), BigInt(MAX_WINDOW), rs, re);
  return { start, end, region };
}

export function rowCount(w: HexWindow): number {
  return Number((w.end - w.start + BigInt(ROW_BYTES - 1)) / BigInt(ROW_BYTES));
}

export function rowAddress(w: HexWindow, row: number): bigint {
  return w.start + BigInt(row) * BigInt(ROW_BYTES);
}

/** The row holding `address`, or -1 outside the window. */
export function rowOf(w: HexWindow, address: bigint): number {
  return address < w.start || address >= w.end ? -1 : Number((address - w.start) / BigInt(ROW_BYTES));
}

export function chunkOf(address: bigint): bigint {
  return alignDown(address, CHUNK_BYTES);
}

/** The chunks rows [first, last] need, in order. */
export function chunksFor(w: HexWindow, first: number, last: number): bigint[] {
  if (last < first) return [];
  const out: bigint[] = [];
  const end = rowAddress(w, last);
  for (let c = chunkOf(rowAddress(w, first)); c <= end; c += BigInt(CHUNK_BYTES)) out.push(c);
  return out;
}

export interface PointerWord {
  readonly text: string;
  /** Offset of the word from the line's address. */
  readonly offset: number;
  readonly absent: boolean;
}

export interface PointerLine {
  readonly address: string;
  readonly words: readonly PointerWord[];
}

/** One `dp` line ("00007f42`d2d6dfa0  00000000`00000000 00007f42`d2d6e000") in pieces. */
export function pointerLine(
  address: bigint,
  bytes: Uint8Array,
  present: Uint8Array,
  bits: WordBits,
  endian: Endian,
): PointerLine {
  const [line = ''] = formatPointers(address, bytes, present, bits, endian);
  const gap = line.indexOf('  ');
  const size = bits === 64 ? 8 : 4;
  const words = line
    .slice(gap + 2)
    .split(' ')
    .filter((w) => w !== '')
    .map((text, k) => ({ text, offset: k * size, absent: text.includes('?') }));
  return { address: line.slice(0, gap), words };
}

export interface ByteLine {
  readonly address: string;
  /** 16 bytes as "48 65 …-…", byte j at position 3j. */
  readonly hex: string;
  /** Byte j at position j: printable ASCII, '.' for other bytes, '?' for absent ones. */
  readonly ascii: string;
}

/** One `db` line in pieces. */
export function byteLine(address: bigint, bytes: Uint8Array, present: Uint8Array, bits: WordBits): ByteLine {
  const [line = ''] = formatBytes(address, bytes, present, bits);
  const gap = line.indexOf('  ');
  const hexWidth = ROW_BYTES * 3 - 1;
  return {
    address: line.slice(0, gap),
    hex: line.slice(gap + 2, gap + 2 + hexWidth),
    ascii: line.slice(gap + 2 + hexWidth + 2),
  };
}

/** Which bytes of a row [rowStart, rowStart+16) fall in [from, from+length): [first, end) indices, or undefined. */
export function highlightSpan(rowStart: bigint, from: bigint, length: number): readonly [number, number] | undefined {
  const end = from + BigInt(length);
  const rowEnd = rowStart + BigInt(ROW_BYTES);
  if (length <= 0 || end <= rowStart || from >= rowEnd) return undefined;
  const a = from > rowStart ? Number(from - rowStart) : 0;
  const b = end < rowEnd ? Number(end - rowStart) : ROW_BYTES;
  return [a, b];
}

export type AddressInput =
  { readonly ok: true; readonly address: bigint } | { readonly ok: false; readonly message: string };

/** "0x7f42d2d6dfa0", "7f42d2d6dfa0" or WinDbg's "00007f42`d2d6dfa0". */
export function parseAddressInput(text: string): AddressInput {
  if (text.trim() === '') return { ok: false, message: 'Type an address' };
  const address = parseAddress(text);
  if (address === undefined)
    return {
      ok: false,
      message: `“${text.trim()}” is not an address: type hex, like 0x7f42d2d6dfa0, 7f42d2d6dfa0 or 00007f42\`d2d6dfa0`,
    };
  return { ok: true, address };
}
