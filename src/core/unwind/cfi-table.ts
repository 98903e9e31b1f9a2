/**
 * A module's call frame tables, looked up by pc: .eh_frame through the binary search table of .eh_frame_hdr
 * (searched in place, no decode of the whole section), else through an index of .eh_frame built once; then
 * .debug_frame through its own index. CIEs and the rows found are cached per module, so 800 threads stopped in
 * the same few functions decode each row once.
 */
import { CfiError, DwarfCursor } from './dwarf-cursor';
import { parseFde, recordAt, type Cie, type Fde, type FrameSection } from './cfi-entries';
import { rowFor, type CfiRow } from './cfi-row';
import type { UnwindModule } from './unwind-space';

/** An index over a section's FDEs, sorted by start (link-time). */
interface FdeIndex {
  readonly starts: BigUint64Array;
  readonly ends: BigUint64Array;
  readonly offsets: Int32Array;
}

/** The .eh_frame_hdr search table, read in place. */
interface HdrTable {
  readonly bytes: Uint8Array;
  readonly little: boolean;
  readonly vaddr: bigint;
  readonly tableStart: number;
  readonly entrySize: number;
  readonly count: number;
  readonly encoding: number;
  readonly addressSize: number;
}

/** Records in a section: a cap so that a damaged length chain cannot make the index loop forever. */
const MAX_RECORDS = 4_000_000;
/** Rows cached per module before the cache starts over (bounded memory on any input). */
const MAX_CACHED_ROWS = 200_000;

class FrameTable {
  readonly cies = new Map<number, Cie | null>();
  private index: FdeIndex | undefined;

  constructor(
    readonly section: FrameSection,
    private readonly hdr: HdrTable | undefined,
  ) {}

  /** The FDE covering link-time `pc`, or undefined. */
  find(pc: bigint): Fde | undefined {
    const offset = this.hdr !== undefined ? this.searchHdr(this.hdr, pc) : this.searchIndex(pc);
    if (offset === undefined) return undefined;
    try {
      const fde = parseFde(this.section, offset, this.cies);
      if (fde === undefined || pc < fde.pcBegin || pc >= fde.pcEnd) return undefined;
      return fde;
    } catch (e) {
      if (e instanceof CfiError) return undefined;
      throw e;
    }
  }

  private searchHdr(hdr: HdrTable, pc: bigint): number | undefined {
    const read = (i: number, field: 0 | 1): bigint | undefined => {
      const c = new DwarfCursor(
        hdr.bytes,
        hdr.little,
        hdr.tableStart + i * hdr.entrySize + field * (hdr.entrySize / 2),
      );
      return c.pointer(hdr.encoding, hdr.addressSize, { section: hdr.vaddr, data: hdr.vaddr })?.value;
    };
    try {
      let lo = 0;
      let hi = hdr.count - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const start = read(mid, 0);
        if (start === undefined) return undefined;
        if (start <= pc) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return undefined;
      const address = read(found, 1);
      if (address === undefined) return undefined;
      const offset = address - this.section.vaddr;
      if (offset < 0n || offset >= BigInt(this.section.bytes.length)) return undefined;
      return Number(offset);
    } catch (e) {
      if (e instanceof CfiError) return undefined;
      throw e;
    }
  }

  private searchIndex(pc: bigint): number | undefined {
    const index = (this.index ??= this.buildIndex());
    let lo = 0;
    let hi = index.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((index.starts[mid] ?? 0n) <= pc) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Overlapping FDEs (rare: a zero-length one at a function's start) — look back a few.
    for (let i = found; i >= 0 && i > found - 8; i--) {
      if (pc < (index.ends[i] ?? 0n)) return index.offsets[i];
    }
    return undefined;
  }

  /** Walks the whole section once, decoding each FDE's range. Damaged records end the walk (partial index). */
  private buildIndex(): FdeIndex {
    const entries: { start: bigint; end: bigint; offset: number }[] = [];
    let offset = 0;
    const length = this.section.bytes.length;
    for (let n = 0; n < MAX_RECORDS && offset + 4 <= length; n++) {
      const record = recordAt(this.section, offset);
      if (record === undefined) break;
      if (record.terminator && this.section.kind === 'eh') break;
      if (record.fde) {
        try {
          const fde = parseFde(this.section, offset, this.cies);
          if (fde !== undefined && fde.pcEnd > fde.pcBegin) {
            entries.push({ start: fde.pcBegin, end: fde.pcEnd, offset });
          }
        } catch (e) {
          if (!(e instanceof CfiError)) throw e;
        }
      }
      if (record.next <= offset) break;
      offset = record.next;
    }
    entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    return {
      starts: BigUint64Array.from(entries, (e) => e.start),
      ends: BigUint64Array.from(entries, (e) => e.end),
      offsets: Int32Array.from(entries, (e) => e.offset),
    };
  }
}

/** Reads .eh_frame_hdr's header; undefined when it cannot be searched in place (then .eh_frame is indexed). */
function readHdr(
  section: { vaddr: bigint; bytes: Uint8Array },
  little: boolean,
  addressSize: 4 | 8,
): HdrTable | undefined {
  try {
    const c = new DwarfCursor(section.bytes, little);
    if (c.u8() !== 1) return undefined;
    const framePtrEncoding = c.u8();
    const countEncoding = c.u8();
    const encoding = c.u8();
    const bases = { section: section.vaddr, data: section.vaddr };
    c.pointer(framePtrEncoding, addressSize, bases);
    const count = c.pointer(countEncoding, addressSize, bases);
    const size = DwarfCursor.fixedSize(encoding, addressSize);
    if (count === undefined || count.indirect || size === undefined || (encoding & 0x80) !== 0) return undefined;
    const entrySize = size * 2;
    const room = Math.floor((section.bytes.length - c.pos) / entrySize);
    if (count.value > BigInt(room)) return undefined;
    return {
      bytes: section.bytes,
      little,
      vaddr: section.vaddr,
      tableStart: c.pos,
      entrySize,
      count: Number(count.value),
      encoding,
      addressSize,
    };
  } catch (e) {
    if (e instanceof CfiError) return undefined;
    throw e;
  }
}

/** The row source of one module: its frame tables and the rows already found. */
export class ModuleCfi {
  private readonly tables: FrameTable[] = [];
  private readonly rows = new Map<bigint, CfiRow | null>();

  constructor(module: UnwindModule, little: boolean, addressSize: 4 | 8) {
    if (module.ehFrame !== undefined && module.ehFrame.bytes.length > 0) {
      const section: FrameSection = { kind: 'eh', ...pick(module.ehFrame), little, addressSize };
      const hdr = module.ehFrameHdr === undefined ? undefined : readHdr(module.ehFrameHdr, little, addressSize);
      this.tables.push(new FrameTable(section, hdr));
    }
    if (module.debugFrame !== undefined && module.debugFrame.bytes.length > 0) {
      this.tables.push(new FrameTable({ kind: 'debug', ...pick(module.debugFrame), little, addressSize }, undefined));
    }
  }

  get hasTables(): boolean {
    return this.tables.length > 0;
  }

  /** The row for link-time `pc`, or undefined when no table covers it (or its FDE is damaged). */
  row(pc: bigint): CfiRow | undefined {
    const cached = this.rows.get(pc);
    if (cached !== undefined) return cached ?? undefined;
    let row: CfiRow | null = null;
    for (const table of this.tables) {
      const fde = table.find(pc);
      if (fde === undefined) continue;
      try {
        row = rowFor(table.section, fde, pc);
        break;
      } catch (e) {
        if (!(e instanceof CfiError)) throw e;
      }
    }
    if (this.rows.size >= MAX_CACHED_ROWS) this.rows.clear();
    this.rows.set(pc, row);
    return row ?? undefined;
  }
}

function pick(s: { vaddr: bigint; bytes: Uint8Array }): { vaddr: bigint; bytes: Uint8Array } {
  return { vaddr: s.vaddr, bytes: s.bytes };
}

const cache = new WeakMap<UnwindModule, ModuleCfi>();

/** The module's row source, made once per module object (the space loads each module once). */
export function moduleCfi(module: UnwindModule, little: boolean, addressSize: 4 | 8): ModuleCfi {
  let cfi = cache.get(module);
  if (cfi === undefined) {
    cfi = new ModuleCfi(module, little, addressSize);
    cache.set(module, cfi);
  }
  return cfi;
}
