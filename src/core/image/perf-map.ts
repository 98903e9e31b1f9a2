/**
 * Linux perf maps (/tmp/perf-PID.map): the text a JIT (.NET with DOTNET_PerfMapEnabled, Node with --perf-basic-prof,
 * the JVM's agents) writes so that profilers can name its generated code. One line per method: `START SIZE name`,
 * START and SIZE in hex with or without 0x, the name the rest of the line (it may hold spaces). A JIT re-emits a
 * method when it recompiles it, so a later line for the same start replaces an earlier one. Lines that do not
 * parse are counted, not fatal: a map being written while the process crashed ends mid-line.
 */

export interface PerfMapHit {
  readonly name: string;
  /** address minus the entry's start. */
  readonly offset: number;
}

export interface PerfMap {
  readonly count: number;
  readonly badLines: number;
  lookup(address: bigint): PerfMapHit | undefined;
}

/** `START SIZE name`: two hex numbers, then a non-empty name. */
const LINE = /^\s*(?:0[xX])?([0-9a-fA-F]{1,16})\s+(?:0[xX])?([0-9a-fA-F]{1,16})\s+(\S.*?)\s*$/;

/** One perf map line, or undefined when it is not one. */
export function parsePerfMapLine(line: string): { start: bigint; size: bigint; name: string } | undefined {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const [, start = '', size = '', name = ''] = m;
  return { start: BigInt(`0x${start}`), size: BigInt(`0x${size}`), name };
}

/** Entries looked through below the nearest start for one whose range covers an address (overlapping re-emits). */
const WALK_BACK = 16;

export function parsePerfMap(text: string): PerfMap {
  const byStart = new Map<bigint, { size: bigint; name: string }>();
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parsePerfMapLine(line);
    if (entry === undefined) {
      badLines++;
      continue;
    }
    byStart.set(entry.start, { size: entry.size, name: entry.name });
  }
  const starts = BigUint64Array.from(byStart.keys()).sort();
  const ends = new BigUint64Array(starts.length);
  const names: string[] = [];
  starts.forEach((start, i) => {
    const e = byStart.get(start);
    ends[i] = start + (e?.size ?? 0n);
    names.push(e?.name ?? '');
  });
  return {
    count: starts.length,
    badLines,
    lookup(address: bigint): PerfMapHit | undefined {
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((starts[mid] ?? 0n) <= address) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1; i >= 0 && lo - 1 - i < WALK_BACK; i--) {
        const start = starts[i] ?? 0n;
        if (address < (ends[i] ?? 0n)) return { name: names[i] ?? '', offset: Number(address - start) };
      }
      return undefined;
    },
  };
}
