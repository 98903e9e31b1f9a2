import { PT_LOAD } from '../elf/constants';
import type { ProgramHeader } from '../elf/program-headers';
import { permsFromFlags, protectName } from './protection';
import { byStart, firstEndingAfter } from '../memory/region-lookup';
import { UNKNOWN, UNKNOWN_PERMS, type FileMapping, type Region } from '../types';

const ADDRESS_SPACE_END = 1n << 64n;

/**
 * One region per PT_LOAD, split where NT_FILE mappings subdivide it (createdump merges adjacent mappings of the
 * same protection into one segment; the file note still lists them apart). PT_LOADs need not be sorted: they
 * are sorted by address here; overlapping ones are clipped so that no byte is counted twice.
 *
 * Kinds are assigned later (classify.ts); here every region is typed MEM_PRIVATE or MEM_MAPPED by whether a
 * file backs it, and the image decision is made by classify once modules are known.
 */
export function buildRegions(
  phdrs: readonly ProgramHeader[],
  files: readonly FileMapping[],
  fileSize: number,
  warn: (message: string) => void,
): Region[] {
  const loads: ProgramHeader[] = [];
  for (let i = 0; i < phdrs.length; i++) {
    const ph = phdrs[i];
    if (ph === undefined) throw new RangeError(`no program header ${i}`);
    if (ph.type === PT_LOAD) loads.push(ph);
  }
  loads.sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : a.index - b.index));
  const sortedFiles = [...files].sort(byStart);
  const regions: Region[] = [];
  let prevEnd = 0n;
  let truncatedSegments = 0;
  let clipped = 0;
  for (let i = 0; i < loads.length; i++) {
    const ph = loads[i]; // indexed loops here: for…of allocates per step in code run once
    if (ph === undefined) throw new RangeError(`no load segment ${i}`);
    if (ph.memsz === 0n) continue;
    let start = ph.vaddr;
    let end = ph.vaddr + ph.memsz;
    if (end > ADDRESS_SPACE_END) {
      warn(
        `PT_LOAD #${ph.index} at 0x${start.toString(16)} claims ${ph.memsz} bytes, past the top of the address space; clipped`,
      );
      end = ADDRESS_SPACE_END;
    }
    if (start < prevEnd) {
      clipped++;
      if (end <= prevEnd) continue;
      start = prevEnd;
    }
    const skipped = Number(start - ph.vaddr); // bytes clipped off the front by an overlap
    const memsz = Number(end - ph.vaddr);
    const wanted = Math.min(ph.filesz, memsz);
    const inFile = Number.isFinite(ph.offset) ? Math.max(0, Math.min(wanted, fileSize - ph.offset)) : 0;
    if (inFile < wanted) truncatedSegments++;
    const segment = {
      ph,
      start,
      end,
      present: Math.max(0, inFile - skipped),
      expected: Math.max(0, wanted - skipped),
      dumpOffset: ph.offset + skipped,
    };
    pushPieces(regions, segment, sortedFiles);
    prevEnd = end;
  }
  if (truncatedSegments > 0) {
    warn(
      `the dump is truncated: ${truncatedSegments} segment(s) end past the end of the ${fileSize}-byte file; their missing bytes are shown as not in the dump`,
    );
  }
  if (clipped > 0) warn(`${clipped} PT_LOAD segment(s) overlap earlier ones; the overlapping bytes are counted once`);
  return regions;
}

/**
 * File mappings (NT_FILE) that no PT_LOAD covers: gdb's gcore leaves unmodified file mappings out of the dump
 * entirely. They are still mappings of the process, so they become regions with nothing in the dump; no program
 * header records their protection, so their state, protection and permissions are unknown (the image's own
 * PT_LOADs say what it asked for, not what mprotect left: RELRO, a JIT's W^X flips).
 * Returns all regions sorted by address.
 */
export function addUnsegmentedFiles(regions: readonly Region[], files: readonly FileMapping[]): Region[] {
  const sorted = [...regions].sort(byStart);
  const extra: Region[] = [];
  // Files by address, each starting no lower than where the previous one ended: NT_FILE entries that overlap
  // (a corrupt note) used to yield overlapping regions — bytes counted twice and a region list that the binary
  // searches (regionIndexAt) cannot rely on — and re-walked the same regions per file, quadratically.
  const filesByStart = [...files].sort(byStart);
  let covered = 0n;
  for (const f of filesByStart) {
    let cursor = f.start > covered ? f.start : covered;
    for (let i = firstEndingAfter(sorted, cursor); i < sorted.length && cursor < f.end; i++) {
      const r = sorted[i];
      if (r === undefined || r.start >= f.end) break;
      if (r.start > cursor) extra.push(fileOnlyRegion(f, cursor, r.start));
      if (r.end > cursor) cursor = r.end;
    }
    if (cursor < f.end) extra.push(fileOnlyRegion(f, cursor, f.end));
    if (f.end > covered) covered = f.end;
  }
  if (extra.length === 0) return sorted;
  return [...sorted, ...extra].sort(byStart);
}

/**
 * One region made first with doubles in its number fields. V8 keeps one representation per field for all objects
 * of a shape; dump offsets start small and pass 2^30 further into a large dump, and that switch from small
 * integers to doubles deprecated the shape, so every region made before it was migrated (a copy) on its next
 * touch. (Bundlers keep this call: newRegion is not side-effect free to them.)
 */
newRegion(0n, 1n << 40n, '---', 0.5, 0.5, false, -1, { start: 0n, end: 0n, fileOffset: 1n << 40n, path: '' });

function fileOnlyRegion(file: FileMapping, start: bigint, end: bigint): Region {
  return newRegion(start, end, UNKNOWN_PERMS, 0, 0, false, -1, file);
}

/**
 * A region before classification: kind '' until classify.ts names it; typed by whether a file backs it. One
 * object literal of one shape (image and fileOffset undefined without a file): it is made once per mapping,
 * thousands of times, in code too cold for V8 to optimise the spreads and helper objects it used to be built from.
 */
function newRegion(
  start: bigint,
  end: bigint,
  perms: string,
  dumpOffset: number,
  inDump: number,
  truncated: boolean,
  segment: number,
  file: FileMapping | undefined,
): Region {
  return {
    start,
    end,
    size: Number(end - start),
    kind: '',
    type: file ? 'MEM_MAPPED' : 'MEM_PRIVATE',
    state: perms === UNKNOWN_PERMS ? UNKNOWN : perms === '---' ? 'MEM_RESERVE' : 'MEM_COMMIT',
    protect: perms === UNKNOWN_PERMS ? UNKNOWN : protectName(perms),
    perms,
    image: file?.path,
    fileOffset: file ? Number(file.fileOffset + (start - file.start)) : undefined,
    dumpOffset,
    inDump,
    truncated,
    segment,
  };
}

interface Segment {
  readonly ph: ProgramHeader;
  readonly start: bigint;
  readonly end: bigint;
  /** Bytes present in the file from `start`. */
  readonly present: number;
  /** Bytes the file should hold from `start` (p_filesz); more than `present` when the file is truncated. */
  readonly expected: number;
  readonly dumpOffset: number;
}

function pushPieces(out: Region[], seg: Segment, files: readonly FileMapping[]): void {
  let cursor = seg.start;
  for (let i = firstEndingAfter(files, seg.start); i < files.length; i++) {
    const f = files[i];
    if (f === undefined || f.start >= seg.end) break;
    const from = f.start > cursor ? f.start : cursor;
    const to = f.end < seg.end ? f.end : seg.end;
    if (to <= from) continue;
    if (from > cursor) out.push(piece(seg, cursor, from, undefined));
    out.push(piece(seg, from, to, f));
    cursor = to;
  }
  if (cursor < seg.end) out.push(piece(seg, cursor, seg.end, undefined));
}

function piece(seg: Segment, start: bigint, end: bigint, file?: FileMapping): Region {
  const into = start === seg.start ? 0 : Number(start - seg.start);
  const size = Number(end - start);
  const inDump = Math.max(0, Math.min(size, seg.present - into));
  const truncated = Math.min(size, seg.expected - into) > Math.max(0, seg.present - into);
  return newRegion(
    start,
    end,
    permsFromFlags(seg.ph.flags),
    seg.dumpOffset + into,
    inDump,
    truncated,
    seg.ph.index,
    file,
  );
}
