/**
 * Search patterns: a query (ASCII/UTF-8 text, UTF-16LE text, or hex bytes) compiled to bytes plus per-byte OR and
 * AND masks, and the matcher over one buffer.
 *
 * A byte b of memory matches pattern position i when `((b | or[i]) & and[i]) === bytes[i]`:
 *   exact byte        or 0x00, and 0xff
 *   ASCII letter, -i  or 0x20, and 0xff, bytes[i] lower-case  (x | 0x20 is a lower-case letter only for A-Z / a-z)
 *   "??" in hex       or 0x00, and 0x00, bytes[i] 0
 * Invalid queries are expected input (a user typing), so compilePattern returns a typed error instead of throwing.
 */

export type SearchKind = 'ascii' | 'utf16le' | 'hex';

export interface SearchQuery {
  readonly kind: SearchKind;
  /**
   * ascii: text, encoded as UTF-8 (the same bytes as ASCII for ASCII text). utf16le: text as UTF-16 code units,
   * little-endian. hex: two hex digits per byte, spaces/commas and "0x" prefixes ignored, "??" matches any byte.
   */
  readonly text: string;
  /** ASCII letters only (A-Z = a-z), for ascii and utf16le; ignored for hex. */
  readonly caseInsensitive?: boolean;
}

export interface CompiledPattern {
  readonly length: number;
  readonly bytes: Uint8Array;
  readonly or: Uint8Array;
  readonly and: Uint8Array;
  /** The position the matcher looks for first (with native indexOf), chosen to be a rare byte. */
  readonly anchor: number;
  /** The one or two byte values that match at the anchor. */
  readonly anchorValues: readonly number[];
}

export type PatternErrorCode = 'empty' | 'odd-length' | 'invalid-hex' | 'all-wildcards' | 'too-long';

export interface PatternError {
  readonly code: PatternErrorCode;
  readonly message: string;
}

export type CompileResult =
  { readonly ok: true; readonly pattern: CompiledPattern } | { readonly ok: false; readonly error: PatternError };

/** Longer patterns are almost certainly a paste mistake, and every slice read grows by the pattern's length. */
export const MAX_PATTERN_LENGTH = 64 * 1024;

export function compilePattern(query: SearchQuery): CompileResult {
  if (query.text.length === 0) return fail('empty', 'the search text is empty');
  const ci = query.caseInsensitive === true;
  let bytes: Uint8Array;
  let or: Uint8Array;
  let and: Uint8Array;
  if (query.kind === 'hex') {
    const parsed = parseHex(query.text);
    if (!parsed.ok) return parsed;
    ({ bytes, and } = parsed);
    or = new Uint8Array(bytes.length);
  } else {
    bytes = query.kind === 'ascii' ? new TextEncoder().encode(query.text) : encodeUtf16le(query.text);
    and = new Uint8Array(bytes.length).fill(0xff);
    or = new Uint8Array(bytes.length);
    // UTF-16LE: only the low byte of a code unit can be an ASCII letter; the high byte must then be 0 (exact).
    const step = query.kind === 'utf16le' ? 2 : 1;
    if (ci) {
      for (let i = 0; i < bytes.length; i += step) {
        const b = bytes[i] ?? 0;
        const isLetter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
        if (isLetter && (step === 1 || bytes[i + 1] === 0)) {
          bytes[i] = b | 0x20;
          or[i] = 0x20;
        }
      }
    }
  }
  if (bytes.length > MAX_PATTERN_LENGTH) {
    return fail('too-long', `the pattern is ${bytes.length} bytes; the limit is ${MAX_PATTERN_LENGTH}`);
  }
  const anchor = chooseAnchor(bytes, or, and);
  if (anchor === undefined)
    return fail('all-wildcards', 'the hex pattern is only "??" wildcards: it matches everything');
  const value = bytes[anchor] ?? 0;
  const anchorValues = or[anchor] === 0x20 ? [value, value & ~0x20] : [value];
  return { ok: true, pattern: { length: bytes.length, bytes, or, and, anchor, anchorValues } };
}

/**
 * Calls `onMatch(start)` for each match starting in [from, to) that lies wholly inside `hay`, in order, until it
 * returns false.
 */
export function findMatches(
  hay: Uint8Array,
  pattern: CompiledPattern,
  from: number,
  to: number,
  onMatch: (start: number) => boolean,
): void {
  const { anchor, anchorValues } = pattern;
  const last = Math.min(to, hay.length - pattern.length + 1); // exclusive bound on starts
  if (from >= last) return;
  const [v1 = 0, v2] = anchorValues;
  const lastAnchor = last + anchor;
  // Up to two cursors, each advanced with the native indexOf: a case-folded anchor has two values.
  let i1 = hay.indexOf(v1, from + anchor);
  let i2 = v2 === undefined ? -1 : hay.indexOf(v2, from + anchor);
  for (;;) {
    let i: number;
    if (i1 !== -1 && (i2 === -1 || i1 < i2)) {
      i = i1;
      i1 = hay.indexOf(v1, i1 + 1);
    } else if (i2 !== -1 && v2 !== undefined) {
      i = i2;
      i2 = hay.indexOf(v2, i2 + 1);
    } else {
      return;
    }
    if (i >= lastAnchor) return;
    const start = i - anchor;
    if (matchesAt(hay, pattern, start) && !onMatch(start)) return;
  }
}

/** True when a run of zero bytes matches: then no part of memory can be skipped for being all zeros. */
export function matchesZeros(pattern: CompiledPattern): boolean {
  const { bytes, or, and, length } = pattern;
  for (let i = 0; i < length; i++) if (((or[i] ?? 0) & (and[i] ?? 0)) !== bytes[i]) return false;
  return true;
}

export function matchesAt(hay: Uint8Array, pattern: CompiledPattern, start: number): boolean {
  const { bytes, or, and, length } = pattern;
  if (start < 0 || start + length > hay.length) return false;
  for (let i = 0; i < length; i++) {
    if ((((hay[start + i] ?? 0) | (or[i] ?? 0)) & (and[i] ?? 0)) !== bytes[i]) return false;
  }
  return true;
}

/**
 * The anchor is the rarest-looking position: an exact byte other than 0x00/0xff (memory is full of those), else a
 * case-folded letter, else an exact 0x00/0xff. Wildcards are never anchors.
 */
function chooseAnchor(bytes: Uint8Array, or: Uint8Array, and: Uint8Array): number | undefined {
  let best: number | undefined;
  let bestScore = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (and[i] !== 0xff) continue;
    const b = bytes[i];
    const score = or[i] !== 0 ? 2 : b === 0 || b === 0xff ? 1 : 3;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

function encodeUtf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >> 8;
  }
  return out;
}

type HexResult = { ok: true; bytes: Uint8Array; and: Uint8Array } | { ok: false; error: PatternError };

function parseHex(text: string): HexResult {
  const digits = text
    .split(/[\s,]+/)
    .map((token) => (token.startsWith('0x') || token.startsWith('0X') ? token.slice(2) : token))
    .join('');
  if (digits.length === 0) return fail('empty', 'the hex pattern has no digits');
  if (digits.length % 2 !== 0) {
    return fail(
      'odd-length',
      `the hex pattern has an odd number of digits (${digits.length}): write each byte as two digits`,
    );
  }
  const bytes = new Uint8Array(digits.length / 2);
  const and = new Uint8Array(bytes.length).fill(0xff);
  for (let i = 0; i < bytes.length; i++) {
    const pair = digits.slice(2 * i, 2 * i + 2);
    if (pair === '??') {
      and[i] = 0;
      continue;
    }
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      return fail('invalid-hex', `"${pair}" (byte ${i + 1}) is not a hex byte: use 0-9, a-f, or ?? for any byte`);
    }
    bytes[i] = parseInt(pair, 16);
  }
  return { ok: true, bytes, and };
}

function fail(code: PatternErrorCode, message: string): { ok: false; error: PatternError } {
  return { ok: false, error: { code, message } };
}
