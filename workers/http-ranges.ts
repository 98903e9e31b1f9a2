/**
 * What an HTTP server says about byte ranges (RFC 9110 §14): the Content-Range header of a 206, and the body of a
 * 206 that answers several ranges at once (`multipart/byteranges`, §14.6). Pure functions over headers and bytes.
 */

export interface ContentRange {
  readonly start: number;
  /** Inclusive, as the header writes it. */
  readonly end: number;
  /** The whole file's size; undefined for `*`. */
  readonly size: number | undefined;
}

/** `bytes 0-65535/123456` → its parts; undefined when absent or not of that form. */
export function parseContentRange(header: string | null): ContentRange | undefined {
  const m = header === null ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (m === null) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const size = m[3] === '*' ? undefined : Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (size !== undefined && (!Number.isSafeInteger(size) || end >= size)) return undefined;
  return { start, end, size };
}

/** The boundary of a `multipart/byteranges` Content-Type; undefined for any other type. */
export function byterangesBoundary(contentType: string | null): string | undefined {
  const m = /^\s*multipart\/byteranges\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  return m === null ? undefined : (m[1] ?? m[2]);
}

export interface BytePart extends ContentRange {
  readonly bytes: Uint8Array;
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
/** A part's header lines are ASCII; latin1 reads any stray byte as one character rather than failing. */
const HEADER_TEXT = new TextDecoder('latin1');

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first ?? 0, from); i >= 0 && i + needle.length <= haystack.length;) {
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
    i = haystack.indexOf(first ?? 0, i + 1);
  }
  return -1;
}

/**
 * The parts of a `multipart/byteranges` body, in the order sent; undefined when it is not well formed (a part
 * without a readable Content-Range, a body cut short). A part's length is its Content-Range's, so its bytes are
 * taken by count: a boundary string inside the data does not matter.
 */
export function parseByteranges(body: Uint8Array, boundary: string): BytePart[] | undefined {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const headerEnd = Uint8Array.of(CR, LF, CR, LF);
  const parts: BytePart[] = [];
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    at += delimiter.length;
    if (body[at] === DASH && body[at + 1] === DASH) return parts;
    // Transport padding (spaces, tabs) may follow a delimiter before its line ends.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (body[at] !== CR || body[at + 1] !== LF) return undefined;
    // The part's header lines, ended by an empty line; the CRLF just read counts as the first line's start.
    const end = indexOf(body, headerEnd, at - 2);
    if (end < 0) return undefined;
    const headers = HEADER_TEXT.decode(body.subarray(at, end)).split('\r\n');
    const value = headers.find((h) => /^content-range\s*:/i.test(h))?.replace(/^[^:]*:/, '') ?? null;
    const range = parseContentRange(value);
    if (range === undefined) return undefined;
    const dataStart = end + headerEnd.length;
    const dataEnd = dataStart + (range.end - range.start + 1);
    if (dataEnd > body.length) return undefined;
    parts.push({ ...range, bytes: body.slice(dataStart, dataEnd) });
    at = indexOf(body, delimiter, dataEnd);
  }
  // No closing delimiter: the body was cut short.
  return undefined;
}
