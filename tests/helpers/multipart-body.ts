/**
 * A multipart/byteranges body (RFC 9110 §14.6) laid out as nginx writes one: each part opened by the boundary line,
 * its Content-Type and Content-Range, a blank line and the bytes; the closing boundary last. Served by the e2e
 * Range server and by the unit tests' fake fetch alike, for the requests `severalRanges` recognises.
 */
import { ascii, concatBytes } from './byte-writer';

export interface BodyPart {
  /** The part's first and last byte in the file (inclusive). */
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

export function multipartBody(parts: readonly BodyPart[], fileSize: number, boundary: string): Uint8Array<ArrayBuffer> {
  return concatBytes([
    ...parts.flatMap(({ start, end, bytes }) => [
      ascii(
        `\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${start}-${end}/${fileSize}\r\n\r\n`,
      ),
      bytes,
    ]),
    ascii(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The [start, end] (inclusive) pairs of a Range header asking for two ranges or more; undefined for any other. */
export function severalRanges(header: string | null | undefined): [number, number][] | undefined {
  const m = /^bytes=(\d+-\d+(?:,\d+-\d+)+)$/.exec(header ?? '');
  return m?.[1]?.split(',').map((r) => r.split('-').map(Number) as [number, number]);
}
