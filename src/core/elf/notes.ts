import { BinaryView, alignUp, decodeText } from './binary-view';

/**
 * Owner names decoded so far, by their raw bytes. A core repeats a handful of owners ("CORE", "LINUX") thousands
 * of times (five notes per thread); a TextDecoder call per note, slow in a process that has just started, is then
 * made once per distinct owner instead.
 */
class OwnerNames {
  private readonly seen: { readonly bytes: Uint8Array; readonly name: string }[] = [];

  /** The owner name in `bytes[start, start + size)`, up to its NUL. */
  name(bytes: Uint8Array, start: number, size: number): string {
    for (const s of this.seen) if (sameBytes(s.bytes, bytes, start, size)) return s.name;
    const raw = bytes.subarray(start, start + size);
    const nul = raw.indexOf(0);
    const name = decodeText(nul >= 0 ? raw.subarray(0, nul) : raw);
    if (this.seen.length < 16) this.seen.push({ bytes: raw.slice(), name });
    return name;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, size: number): boolean {
  if (a.length !== size) return false;
  for (let i = 0; i < size; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

export interface RawNote {
  /** Owner name without the terminating NUL ("CORE", "LINUX", "GNU", "NetBSD-CORE@1", …). */
  readonly name: string;
  readonly type: number;
  /** The descriptor bytes (a view into the segment's buffer). */
  readonly desc: Uint8Array;
  /** File offset of the note header, for listings and the hex view. */
  readonly offset: number;
}

/** Called for each note: its owner, type, where its descriptor lies in the segment, and its file offset. */
type NoteVisitor = (name: string, type: number, descStart: number, descSize: number, offset: number) => void;

/**
 * Walks the notes of one PT_NOTE segment, in order. The header is three 32-bit words even in ELF64 (namesz,
 * descsz, type); name and desc are each padded to 4 bytes. Padding bytes are NOT required to be zero (createdump
 * writes debug tags there). A note that overruns the segment ends the walk with a warning; sizes are checked
 * before use so absurd values cost nothing. A visitor, not a list of note objects: an 800-thread core has 2,400
 * notes, most of which (FP and xstate register sets) only need a line in the note list.
 */
export function visitNotes(
  segment: BinaryView,
  fileOffset: number,
  warn: (message: string) => void,
  visit: NoteVisitor,
): void {
  let at = 0;
  // Index of the segment's last non-zero byte, found once on the first all-zero header: rescanning the rest of
  // the segment at every zero header made a long run of zeros before one stray byte quadratic (minutes for 1 MiB).
  let lastNonZero: number | undefined;
  const owners = new OwnerNames();
  while (at + 12 <= segment.length) {
    const namesz = segment.u32(at);
    const descsz = segment.u32(at + 4);
    const type = segment.u32(at + 8);
    const nameStart = at + 12;
    const descStart = nameStart + alignUp(namesz, 4);
    const next = descStart + alignUp(descsz, 4);
    if (descStart > segment.length || descStart + descsz > segment.length) {
      warn(
        `note at file offset ${fileOffset + at} (type ${type}) overruns its segment: ${descsz} bytes of description past the end; later notes in this segment are skipped`,
      );
      return;
    }
    if (namesz === 0 && descsz === 0 && type === 0) {
      // Zero padding at the end of a segment (some writers round the segment up): nothing more to read.
      lastNonZero ??= findLastNonZero(segment.bytes);
      if (next > lastNonZero) return;
      at = next;
      continue;
    }
    visit(owners.name(segment.bytes, nameStart, namesz), type, descStart, descsz, fileOffset + at);
    at = next;
  }
  if (at < segment.length && segment.bytes.subarray(at).some((b) => b !== 0)) {
    warn(`${segment.length - at} trailing bytes at file offset ${fileOffset + at} do not form a note`);
  }
}

/** The notes of one segment as objects (see visitNotes), for the few places that keep them. */
export function iterateNotes(segment: BinaryView, fileOffset: number, warn: (message: string) => void): RawNote[] {
  const notes: RawNote[] = [];
  visitNotes(segment, fileOffset, warn, (name, type, descStart, descSize, offset) => {
    notes.push({ name, type, desc: segment.bytes.subarray(descStart, descStart + descSize), offset });
  });
  return notes;
}

function findLastNonZero(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  while (i >= 0 && bytes[i] === 0) i--;
  return i;
}
