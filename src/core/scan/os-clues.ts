/**
 * Text in memory that names the OS, collected while the census reads each slice (no extra pass). Two probes:
 *   `PRETTY_NAME=`  an os-release line; it counts as an os-release file's text when `ID=` and `VERSION_ID=` lines
 *                   are in the same run of text (no NUL or binary byte between, at most 1 KiB either side)
 *   `-x64`/`-arm64` a .NET runtime identifier such as `centos.7-x64`. A .NET process holds the runtime's whole RID
 *                   fallback graph (runtime.json, *.deps.json: dozens of RIDs a few dozen bytes apart), so a RID
 *                   counts only when no *different* RID is within RID_WINDOW bytes of it or of its copies beside it;
 *                   a RID in a graph is reported once per graph, as ignored.
 * A clue that straddles two slices is missed, which is acceptable because such strings occur many times in a live
 * process.
 */
import type { ByteRange, CensusItem } from './census';
import { compilePattern, findMatches, type CompiledPattern } from './search-pattern';

/** A place in memory that says something about the OS. Plain data: it is posted from workers. */
export interface OsClue {
  readonly source: 'os-release' | 'pretty-name' | 'dotnet-rid' | 'rid-graph';
  readonly regionIndex: number;
  /** Offset of the clue's text from the region start. */
  readonly regionOffset: number;
  /** The bytes at the clue's address, as text (`PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"`, `debian.12-x64`). */
  readonly text: string;
  /** What it names: PRETTY_NAME's value, or the RID. */
  readonly value: string;
  /** What else was seen around it (the os-release lines beside it, the size of the RID graph). */
  readonly note?: string;
}

/**
 * How far apart two different RIDs may be and still be one list. Measured on a real RID graph (the "runtimes"
 * section of .NET Core 2.0's Microsoft.NETCore.App.deps.json, 566 RIDs ending in -x64/-arm64): the nearest other
 * RID is at most 83 bytes from any of them, and every versioned distribution RID has at least three others within
 * 256 bytes. A parsed graph (std::string nodes of a map) is about as dense.
 */
export const RID_WINDOW = 256;
/** How far around a PRETTY_NAME line the other os-release lines are looked for. */
const OS_RELEASE_WINDOW = 1024;
/** Clues of each source kept per slice: enough to rank, few enough to post cheaply. */
const CLUES_PER_SOURCE = 8;
/** RID-like tokens looked at per touched range (a graph has a few hundred). */
const MAX_RID_TOKENS = 20_000;

type Clue = Omit<OsClue, 'regionIndex' | 'regionOffset'> & { readonly at: number };

let probes: { readonly prettyName: CompiledPattern; readonly rids: readonly CompiledPattern[] } | undefined; // compiled on first use: the CLI's header pass never needs them

function osProbes(): NonNullable<typeof probes> {
  probes ??= { prettyName: compiled('PRETTY_NAME='), rids: [compiled('-x64'), compiled('-arm64')] };
  return probes;
}

const DISTROS =
  'centos|rhel|ol|fedora|ubuntu|debian|alpine|opensuse|sles|amzn|mariner|azurelinux|rocky|almalinux|linuxmint|tizen';
/** Versioned RIDs of distributions (the portable `linux-x64` names none and is never a candidate). */
const DISTRO_RID = new RegExp(`^(?:${DISTROS})\\.\\d+(?:\\.\\d+)*-(?:x64|arm64)$`);
/**
 * Any RID a graph lists, with or without an architecture (`rhel.7.1`, `ubuntu-corert`, `linux-x64`). A version or a
 * qualifier is required, so a bare name (`ID="centos"` in os-release text) is not one.
 */
const ANY_RID = new RegExp(`^(?:${DISTROS}|linux|unix|osx|win|freebsd|android|ios)(?:\\.\\d+)*(?:-[a-z0-9]+)*$`);

/**
 * Memory clues in one census slice (the same bytes the census just scanned). `ranges`: where to look — the
 * slice's touched pages from censusChunkWithRanges (strings live in non-zero pages; scanning all of a mostly-zero
 * slice for three patterns is slower than the census's zero test over it). Default: the whole slice.
 */
export function osCluesInChunk(
  bytes: Uint8Array,
  item: CensusItem,
  ranges: readonly ByteRange[] = [[0, bytes.length]],
): OsClue[] {
  const found: Clue[] = [];
  for (const [from, to] of ranges) {
    const range = bytes.subarray(from, to);
    // Past a touched range's end lie zero pages (no RID there); past the slice's own edges lie bytes not seen here.
    const open = { start: from === 0, end: to === bytes.length };
    for (const clue of [...osReleaseClues(range), ...ridClues(range, open)])
      found.push({ ...clue, at: clue.at + from });
  }
  const kept = new Map<OsClue['source'], number>();
  const clues: OsClue[] = [];
  for (const { at, ...clue } of found) {
    const n = kept.get(clue.source) ?? 0;
    if (n >= CLUES_PER_SOURCE) continue;
    kept.set(clue.source, n + 1);
    clues.push({ ...clue, regionIndex: item.regionIndex, regionOffset: item.regionOffset + at });
  }
  return clues;
}

function osReleaseClues(bytes: Uint8Array): Clue[] {
  const clues: Clue[] = [];
  const pattern = osProbes().prettyName;
  findMatches(bytes, pattern, 0, bytes.length, (start) => {
    const clue = osReleaseAt(bytes, start, pattern.length);
    if (clue !== undefined) clues.push(clue);
    return clues.length < CLUES_PER_SOURCE;
  });
  return clues;
}

/** The PRETTY_NAME line at `start`, and whether ID= and VERSION_ID= lines share its run of text. */
function osReleaseAt(bytes: Uint8Array, start: number, length: number): Clue | undefined {
  if (start > 0 && isWordByte(bytes[start - 1] ?? 0)) return undefined; // e.g. MY_PRETTY_NAME=: not os-release
  const value = lineValue(bytes, start + length);
  if (value === undefined || value.text.length < 3) return undefined;
  const text = ascii(bytes, start, value.end);
  let from = start;
  while (from > 0 && start - from < OS_RELEASE_WINDOW && isTextByte(bytes[from - 1] ?? 0)) from--;
  let to = value.end;
  while (to < bytes.length && to - value.end < OS_RELEASE_WINDOW && isTextByte(bytes[to] ?? 0)) to++;
  const lines = ascii(bytes, from, to).split('\n');
  const id = lines.find((l) => l.startsWith('ID='));
  const versionId = lines.find((l) => l.startsWith('VERSION_ID='));
  if (id !== undefined && versionId !== undefined) {
    return {
      source: 'os-release',
      at: start,
      text,
      value: value.text,
      note: `${id} and ${versionId} in the same text`,
    };
  }
  return { source: 'pretty-name', at: start, text, value: value.text, note: 'no ID= and VERSION_ID= lines beside it' };
}

/** A `KEY=` line's value from `at`: quoted or not, up to the closing quote or the line's end. */
function lineValue(bytes: Uint8Array, at: number): { text: string; end: number } | undefined {
  const quote = bytes[at] === 0x22 || bytes[at] === 0x27 ? bytes[at] : undefined;
  const from = quote === undefined ? at : at + 1;
  let end = from;
  while (end < bytes.length && end - from < 120 && isPrintable(bytes[end] ?? 0) && bytes[end] !== quote) end++;
  if (end === from) return undefined;
  const closed = quote !== undefined && bytes[end] === quote;
  return { text: ascii(bytes, from, end), end: closed ? end + 1 : end };
}

interface RidToken {
  readonly at: number;
  readonly text: string;
}

/**
 * RIDs in one touched range, grouped into runs (tokens each within RID_WINDOW of the previous one). A run with one
 * distinct RID gives a `dotnet-rid` clue for a distribution RID; a run of several is a graph: one `rid-graph` clue.
 * A run within RID_WINDOW of an `open` edge (the slice's, not the zero pages after a touched range) may be the end
 * of a graph cut by the slice: it cannot be told lone, and gives no `dotnet-rid` clue.
 */
function ridClues(bytes: Uint8Array, open: { readonly start: boolean; readonly end: boolean }): Clue[] {
  const tokens: RidToken[] = [];
  for (const pattern of osProbes().rids) {
    findMatches(bytes, pattern, 0, bytes.length, (start) => {
      const token = ridTokenAt(bytes, start, pattern.length);
      if (token !== undefined) tokens.push(token);
      return tokens.length < MAX_RID_TOKENS;
    });
  }
  tokens.sort((a, b) => a.at - b.at);
  const clues: Clue[] = [];
  let run: RidToken[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    const cut =
      (open.start && first !== undefined && first.at < RID_WINDOW) ||
      (open.end && last !== undefined && bytes.length - (last.at + last.text.length) < RID_WINDOW);
    const clue = runClue(run, cut || (first !== undefined && otherRidNear(bytes, first)));
    if (clue !== undefined) clues.push(clue);
    run = [];
  };
  for (const token of tokens) {
    const last = run[run.length - 1];
    if (last !== undefined && token.at - last.at > RID_WINDOW) close();
    run.push(token);
  }
  close();
  return clues;
}

/**
 * `undecided`: the run is cut by a slice edge, or a different RID without an architecture lies near it (a parsed
 * graph keeps `rhel.7.1` beside `rhel.7.1-x64`): then a single-RID run gives no `dotnet-rid` clue.
 */
function runClue(run: readonly RidToken[], undecided: boolean): Clue | undefined {
  const distinct = new Set(run.map((t) => t.text));
  const first = run.find((t) => DISTRO_RID.test(t.text));
  if (first === undefined) return undefined;
  if (distinct.size === 1)
    return undecided
      ? undefined
      : {
          source: 'dotnet-rid',
          at: first.at,
          text: first.text,
          value: first.text,
          note: `no other RID within ${RID_WINDOW} bytes`,
        };
  return {
    source: 'rid-graph',
    at: first.at,
    text: first.text,
    value: first.text,
    note: `one of ${distinct.size} RIDs within ${RID_WINDOW} bytes of each other`,
  };
}

/**
 * The RID ending with the suffix matched at `start` (`-x64`), if it is a whole lower-case RID-like word. A qualified
 * RID (`rhel.7.0-x64-corert`, as .NET's graph also lists) is returned whole: never a candidate, but a neighbour.
 */
function ridTokenAt(bytes: Uint8Array, start: number, length: number): RidToken | undefined {
  let end = start + length;
  if (bytes[end] === 0x2d) while (end < bytes.length && end - start < 40 && isRidByte(bytes[end] ?? 0)) end++;
  if (isRidByte(bytes[end] ?? 0) && bytes[end] !== 0x2e) return undefined; // `-x64abc`: not a RID's end
  let from = start;
  while (from > 0 && start - from < 40 && isRidByte(bytes[from - 1] ?? 0)) from--;
  if (from > 0 && isWordByte(bytes[from - 1] ?? 0)) return undefined; // an upper-case or `_` word around it
  const text = ascii(bytes, from, end);
  return /^[a-z][a-z0-9]*(?:\.[0-9]+)*(?:-[a-z0-9]+)*$/.test(text) ? { at: from, text } : undefined;
}

/** Whether a RID other than `token`'s, of any form (ANY_RID), is within RID_WINDOW bytes of it. */
function otherRidNear(bytes: Uint8Array, token: RidToken): boolean {
  const text = ascii(
    bytes,
    Math.max(0, token.at - RID_WINDOW),
    Math.min(bytes.length, token.at + token.text.length + RID_WINDOW),
  );
  return text.split(/[^a-z0-9.-]+/).some((word) => word !== token.text && /[.-]/.test(word) && ANY_RID.test(word));
}

function compiled(text: string): CompiledPattern {
  const result = compilePattern({ kind: 'ascii', text });
  if (!result.ok) throw new Error(`bad built-in pattern ${text}`);
  return result.pattern;
}

function isPrintable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

/** Bytes of a text file: printable, tab or newline. */
function isTextByte(b: number): boolean {
  return isPrintable(b) || b === 0x0a || b === 0x09;
}

/** Lower-case letters, digits, `.` and `-`: what a RID is made of. */
function isRidByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2e || b === 0x2d;
}

function isWordByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x5f;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}
