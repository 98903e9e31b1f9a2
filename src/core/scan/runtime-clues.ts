/**
 * A runtime's version read from memory, for runtimes whose files do not carry it. Node.js from a distribution
 * (/usr/bin/node) has no version in its path, but every Node.js process holds `process.release`, whose URLs name
 * its own release: `…/download/release/v20.20.2/node-v20.20.2-headers.tar.gz`. The census collects those strings
 * from the touched pages it has just read (no extra pass); the version named most often wins, and it is shown
 * with the place it was read, as heuristic evidence.
 */
import { hex } from '../text/hex';
import type { Region, RuntimeInfo } from '../types';
import type { ByteRange, CensusItem } from './census';
import { compilePattern, findMatches, type CompiledPattern } from './search-pattern';

/** A version string in memory. Plain data: it is posted from workers. */
export interface RuntimeClue {
  readonly runtime: 'Node.js';
  readonly regionIndex: number;
  readonly regionOffset: number;
  readonly version: string;
  readonly text: string;
}

/** Clues kept per slice: a process holds a handful of these URLs. */
const CLUES_PER_SLICE = 4;
const NODE_TARBALL = /^node-v(\d{1,3}\.\d{1,3}\.\d{1,3})[-.]/;

let probe: CompiledPattern | undefined; // compiled on first use: the header pass never needs it

function nodeProbe(): CompiledPattern {
  if (probe === undefined) {
    const compiled = compilePattern({ kind: 'ascii', text: '/node-v' });
    if (!compiled.ok) throw new Error('bad built-in pattern /node-v');
    probe = compiled.pattern;
  }
  return probe;
}

/** The Node.js release strings in one census slice's touched ranges. */
export function runtimeCluesInChunk(bytes: Uint8Array, item: CensusItem, ranges: readonly ByteRange[]): RuntimeClue[] {
  const clues: RuntimeClue[] = [];
  for (const [from, to] of ranges) {
    if (clues.length >= CLUES_PER_SLICE) break;
    findMatches(bytes, nodeProbe(), from, to, (start) => {
      const text = ascii(bytes, start + 1, Math.min(bytes.length, start + 40));
      const version = NODE_TARBALL.exec(text)?.[1];
      if (version !== undefined)
        clues.push({
          runtime: 'Node.js',
          regionIndex: item.regionIndex,
          regionOffset: item.regionOffset + start + 1,
          version,
          text: `node-v${version}`,
        });
      return clues.length < CLUES_PER_SLICE;
    });
  }
  return clues;
}

/**
 * The header pass's runtime with the version memory names, when the files named none; otherwise `runtime` itself.
 */
export function runtimeWithMemoryVersion(
  runtime: RuntimeInfo | undefined,
  clues: readonly RuntimeClue[],
  regions: readonly Pick<Region, 'start'>[],
): RuntimeInfo | undefined {
  if (runtime?.version !== undefined || runtime?.name !== 'Node.js') return runtime;
  const mine = clues.filter((c) => c.runtime === runtime.name);
  if (mine.length === 0) return runtime;
  const counts = new Map<string, number>();
  for (const c of mine) counts.set(c.version, (counts.get(c.version) ?? 0) + 1);
  // Most often named, then the lowest address: the same answer whatever order the workers finished in.
  const ordered = [...mine].sort(
    (a, b) =>
      (counts.get(b.version) ?? 0) - (counts.get(a.version) ?? 0) ||
      a.regionIndex - b.regionIndex ||
      a.regionOffset - b.regionOffset,
  );
  const best = ordered[0];
  const region = best === undefined ? undefined : regions[best.regionIndex];
  if (best === undefined || region === undefined) return runtime;
  const where = hex(region.start + BigInt(best.regionOffset));
  const others = (counts.get(best.version) ?? 1) - 1;
  return {
    ...runtime,
    version: best.version,
    versionFrom: 'memory',
    evidence: `${runtime.evidence}; version from memory (heuristic): "${best.text}" at ${where}, process.release's URLs${others > 0 ? ` (and ${others} more)` : ''}`,
  };
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x20 || b >= 0x7f) break;
    s += String.fromCharCode(b);
  }
  return s;
}
