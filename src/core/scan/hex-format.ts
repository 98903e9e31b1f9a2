/**
 * WinDbg-style memory text, the format users paste into tickets and tools written for WinDbg already parse:
 *   dp (64-bit)  00007f42`d2d6dfa0  00000000`00000000 00007f42`d2d6e000
 *   dp (32-bit)  d2d6dfa0  00000000 d2d6e000 00000001 00000000
 *   db           00007f42`d2d6dfa0  48 65 6c 6c 6f 00 ?? ??-00 00 00 00 00 00 00 00  Hello.??........
 * Bytes not in the dump print as "??" (a word with any absent byte prints as all "?"), never as zeros.
 * With a `label` function, a `dp` line whose words point into mapped memory gets their labels after it:
 *   00007f42`d2d6dfa0  00000000`00000000 00007f42`d2d6e000  ; - Stack
 */
import type { Endian, WordBits } from '../elf/binary-view';

export const BYTES_PER_LINE = 16;

/** "00007f42`d2d6dfa0" for 64-bit dumps, "d2d6dfa0" for 32-bit ones. */
export function formatAddress(address: bigint, bits: WordBits): string {
  return bits === 64 ? formatWordValue(address & 0xffffffffffffffffn, 8) : formatWordValue(address & 0xffffffffn, 4);
}

/** A word's label when its value points into mapped memory (model/address-label.ts pointerLabel), else undefined. */
export type WordLabel = (value: bigint) => string | undefined;

/**
 * `dp`: pointer-sized words, 16 bytes per line (2 qwords or 4 dwords). `present` is a 0/1 mask as from MemoryReader.read
 * (undefined = all present). A trailing word cut short by the end of `bytes` prints as unreadable. With `label`,
 * a line holding a pointer ends with `  ; ` and one label per word, `-` for a word that is not one: the line
 * starts with the plain `dp` text either way.
 */
export function formatPointers(
  address: bigint,
  bytes: Uint8Array,
  present: Uint8Array | undefined,
  bits: WordBits,
  endian: Endian,
  label?: WordLabel,
): string[] {
  return formatWords(address, bytes, present, bits === 64 ? 8 : 4, bits, endian, label);
}

/** `dw` / `dd` / `dq`: words of 2, 4 or 8 bytes, 16 bytes per line; addresses printed for a `bits` dump. */
export function formatWords(
  address: bigint,
  bytes: Uint8Array,
  present: Uint8Array | undefined,
  wordSize: 2 | 4 | 8,
  bits: WordBits,
  endian: Endian,
  label?: WordLabel,
): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = endian === 'little';
  const unreadable = formatUnreadable(wordSize);
  const lines: string[] = [];
  for (let lineStart = 0; lineStart < bytes.length; lineStart += BYTES_PER_LINE) {
    const words: string[] = [];
    const labels: (string | undefined)[] = [];
    const lineEnd = Math.min(bytes.length, lineStart + BYTES_PER_LINE);
    for (let at = lineStart; at < lineEnd; at += wordSize) {
      if (at + wordSize > bytes.length || !allPresent(present, at, at + wordSize)) {
        words.push(unreadable);
        labels.push(undefined);
        continue;
      }
      const value =
        wordSize === 8
          ? view.getBigUint64(at, little)
          : BigInt(wordSize === 4 ? view.getUint32(at, little) : view.getUint16(at, little));
      words.push(formatWordValue(value, wordSize));
      labels.push(label?.(value));
    }
    const text = `${formatAddress(address + BigInt(lineStart), bits)}  ${words.join(' ')}`;
    lines.push(labels.some((l) => l !== undefined) ? `${text}  ; ${labels.map((l) => l ?? '-').join(' ')}` : text);
  }
  return lines;
}

export interface FormatBytesOptions {
  /** Between the 8th and 9th byte: WinDbg's "-" (default) or a plain space. */
  readonly midSeparator?: '-' | ' ';
}

/** `db`: 16 bytes per line in hex, then the printable ASCII ('.' for other bytes, '?' for absent ones). */
export function formatBytes(
  address: bigint,
  bytes: Uint8Array,
  present: Uint8Array | undefined,
  bits: WordBits,
  options: FormatBytesOptions = {},
): string[] {
  const mid = options.midSeparator ?? '-';
  const hexWidth = BYTES_PER_LINE * 3 - 1;
  const lines: string[] = [];
  for (let lineStart = 0; lineStart < bytes.length; lineStart += BYTES_PER_LINE) {
    let hex = '';
    let ascii = '';
    const lineEnd = Math.min(bytes.length, lineStart + BYTES_PER_LINE);
    for (let at = lineStart; at < lineEnd; at++) {
      const column = at - lineStart;
      if (column > 0) hex += column === BYTES_PER_LINE / 2 ? mid : ' ';
      const b = bytes[at] ?? 0;
      if (present !== undefined && present[at] === 0) {
        hex += '??';
        ascii += '?';
      } else {
        hex += HEX_BYTE[b] ?? '??';
        ascii += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
      }
    }
    lines.push(`${formatAddress(address + BigInt(lineStart), bits)}  ${hex.padEnd(hexWidth, ' ')}  ${ascii}`);
  }
  return lines;
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** 8-byte values get WinDbg's backtick between the 32-bit halves. */
function formatWordValue(value: bigint, wordSize: number): string {
  const digits = value.toString(16).padStart(wordSize * 2, '0');
  return wordSize === 8 ? `${digits.slice(0, 8)}\`${digits.slice(8)}` : digits;
}

function formatUnreadable(wordSize: number): string {
  return wordSize === 8 ? '????????`????????' : '?'.repeat(wordSize * 2);
}

function allPresent(present: Uint8Array | undefined, from: number, to: number): boolean {
  if (present === undefined) return true;
  for (let i = from; i < to; i++) if (present[i] === 0) return false;
  return true;
}
