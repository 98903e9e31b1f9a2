import { BinaryView } from '../elf/binary-view';
import { PT_NOTE } from '../elf/constants';
import type { ElfHeader } from '../elf/header';
import { visitNotes, type RawNote } from '../elf/notes';
import type { ProgramHeader } from '../elf/program-headers';
import type { ByteSource } from '../io/byte-source';
import type { AuxvEntry, NoteInfo } from '../types';
import { parseAuxv } from './auxv';
import { parseFileNote, type FileNote } from './file-note';
import { NT, noteTypeName } from './note-types';
import { parsePrpsinfo, type Prpsinfo } from './prpsinfo';
import { parsePrstatusAt, type ParsedPrstatus } from './prstatus';
import { parseSiginfo, type Siginfo } from './siginfo';

/** Everything the notes say, before it is combined with the memory map. */
export interface CollectedNotes {
  readonly list: NoteInfo[];
  /** NT_PRSTATUS in file order (the kernel writes the signalled thread first). */
  readonly threads: ParsedPrstatus[];
  prpsinfo?: Prpsinfo;
  /** The first NT_SIGINFO (the kernel writes one, for the signalled thread; gdb one per thread). */
  siginfo?: Siginfo;
  siginfoCount: number;
  auxv: AuxvEntry[];
  file?: FileNote;
  readonly owners: Set<string>;
  /** Notes from other operating systems, kept raw for the BSD parsers. */
  readonly bsdNotes: RawNote[];
}

/** A PT_NOTE segment larger than this is read only up to it (a core with 100k threads has ~40 MB of notes). */
const MAX_NOTE_SEGMENT = 256 * 1024 * 1024;
/** All note segments together: without a total, thousands of PT_NOTEs over a sparse file read without bound. */
const MAX_NOTE_BYTES = MAX_NOTE_SEGMENT;

/** Real cores have one PT_NOTE (a few with per-thread ones); past this many the rest are ignored. */
const MAX_NOTE_SEGMENTS = 4096;

/**
 * The PT_NOTE segments to read, in program header order, with the bytes to read from each. A segment that
 * overlaps one taken earlier in the table is skipped: no writer emits overlapping note segments, and a table of
 * thousands of PT_NOTEs all pointing at the same bytes otherwise re-read and re-listed them thousands of times.
 */
function noteSegments(
  phdrs: readonly ProgramHeader[],
  fileSize: number,
  warn: (message: string) => void,
): { ph: ProgramHeader; length: number }[] {
  const taken: { ph: ProgramHeader; length: number }[] = [];
  let overlapping = 0;
  let ignored = 0;
  for (let i = 0; i < phdrs.length; i++) {
    const ph = phdrs[i]; // indexed: see collectNotes
    if (ph === undefined) throw new RangeError(`no program header ${i}`);
    if (ph.type !== PT_NOTE) continue;
    if (taken.length + overlapping >= MAX_NOTE_SEGMENTS) {
      ignored++;
      continue;
    }
    const available = Math.max(0, Math.min(ph.filesz, fileSize - ph.offset));
    if (available < ph.filesz)
      warn(
        `PT_NOTE at file offset ${ph.offset} is cut short by the end of the file (${available} of ${ph.filesz} bytes)`,
      );
    const length = Math.min(available, MAX_NOTE_SEGMENT);
    if (length < available)
      warn(`PT_NOTE at file offset ${ph.offset} is ${available} bytes; only the first ${length} are read`);
    if (length === 0) continue;
    const end = ph.offset + length;
    if (taken.some((t) => ph.offset < t.ph.offset + t.length && t.ph.offset < end)) overlapping++;
    else taken.push({ ph, length });
  }
  if (overlapping > 0) warn(`${overlapping} PT_NOTE segment(s) overlap the bytes of an earlier one and are skipped`);
  if (ignored > 0) warn(`${ignored} PT_NOTE segment(s) past the first ${MAX_NOTE_SEGMENTS} are ignored`);
  return taken;
}

export async function collectNotes(
  source: ByteSource,
  header: ElfHeader,
  phdrs: readonly ProgramHeader[],
  warn: (message: string) => void,
): Promise<CollectedNotes> {
  const out: CollectedNotes = { list: [], threads: [], siginfoCount: 0, auxv: [], owners: new Set(), bsdNotes: [] };
  const ctx = { machine: header.machine, bits: header.bits, endian: header.endian, flags: header.flags };
  const wordView = new BinaryView(new Uint8Array(0), header.endian, header.bits);
  let budget = MAX_NOTE_BYTES;
  for (const { ph, length: wanted } of noteSegments(phdrs, source.size, warn)) {
    const length = Math.min(wanted, budget);
    if (length < wanted)
      warn(`notes past the first ${MAX_NOTE_BYTES} bytes are not read (PT_NOTE at file offset ${ph.offset})`);
    if (length === 0) break;
    budget -= length;
    const segment = new BinaryView(await source.read(ph.offset, length), header.endian, header.bits);
    // Owners come in runs ("CORE" then "LINUX" for each thread): the owner checks are made once per run.
    let owner = '';
    let bsd = false;
    visitNotes(segment, ph.offset, warn, (name, type, descStart, descSize, offset) => {
      if (name !== owner) {
        owner = name;
        bsd = name.startsWith('NetBSD-CORE') || name.startsWith('OpenBSD');
        out.owners.add(name);
      }
      out.list.push({ name, type, typeName: noteTypeName(name, type), size: descSize, offset });
      if (bsd) out.bsdNotes.push({ name, type, desc: segment.bytes.subarray(descStart, descStart + descSize), offset });
      // LINUX-owned notes are per-thread register sets (NT_X86_XSTATE, …) whose numbers overlap CORE's; only a
      // CORE-owned note is one of the process notes below (gdb writes NT_PRPSINFO etc. with owner CORE too).
      else if (name === 'CORE') dispatchCoreNote(type, segment, descStart, descSize, offset, out, ctx, wordView, warn);
    });
  }
  return out;
}

function dispatchCoreNote(
  type: number,
  segment: BinaryView,
  descStart: number,
  descSize: number,
  offset: number,
  out: CollectedNotes,
  ctx: { machine: number; bits: 32 | 64; endian: 'little' | 'big'; flags: number },
  wordView: BinaryView,
  warn: (message: string) => void,
): void {
  const desc = segment.bytes.subarray(descStart, descStart + descSize);
  switch (type) {
    case NT.PRSTATUS: {
      const result = parsePrstatusAt(segment, descStart, descSize, ctx);
      if (!result.ok) {
        warn(`NT_PRSTATUS at offset ${offset}: ${result.error}`);
        return;
      }
      if (result.warning !== undefined) warn(result.warning);
      out.threads.push(result.value);
      return;
    }
    case NT.PRPSINFO: {
      const info = parsePrpsinfo(desc, wordView);
      if (info === undefined)
        warn(`NT_PRPSINFO of ${descSize} bytes has no known layout; process facts come from other notes`);
      else out.prpsinfo ??= info;
      return;
    }
    case NT.SIGINFO: {
      out.siginfoCount += 1;
      out.siginfo ??= parseSiginfo(desc, wordView, ctx.machine);
      return;
    }
    case NT.AUXV:
      if (out.auxv.length === 0) out.auxv = parseAuxv(desc, wordView);
      return;
    case NT.FILE:
      out.file ??= parseFileNote(desc, wordView, warn);
      return;
    default:
      return;
  }
}
