/**
 * Names for addresses, shared by the thread table (pc), the page's memory view and the CLI's `--dump`: inside a
 * module, `libc.so.6+0x8aeec`; elsewhere the kind of the region holding the address (`Stack`, `Heap?`).
 */
import type { Endian, WordBits } from '../elf/binary-view';
import { regionIndexAt } from '../memory/region-lookup';
import type { Module, Region } from '../types';

export function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/**
 * `module+0xoffset`, the offset counted from the module's lowest mapped address as WinDbg and Breakpad count it:
 * a non-PIE executable mapped at 0x400000 gives `app+0xa30c`, not its link-time address.
 */
export function moduleOffsetLabel(m: Module, address: bigint): string {
  return `${basename(m.path)}+0x${(address - m.start).toString(16)}`;
}

/**
 * The module holding `address`, by the region that holds it (module spans overlap: the vDSO often sits inside
 * ld.so's span). A region without a file name is a module only when one starts there (the vDSO).
 */
export function moduleAt(address: bigint, regions: readonly Region[], modules: readonly Module[]): Module | undefined {
  const r = regions[regionIndexAt(regions, address)];
  if (r === undefined) return undefined;
  if (r.image !== undefined) return modules.find((m) => m.path === r.image);
  return modules.find((m) => address >= m.start && address < m.end && m.start >= r.start && m.start < r.end);
}

/** `address` (held by `regions[region]`) as module+offset, else as that region's kind with `?` for a heuristic. */
export function addressLabel(
  regions: readonly Region[],
  modules: readonly Module[],
  region: number,
  address: bigint,
): string {
  const r = regions[region];
  if (r === undefined) return '?';
  const m = moduleAt(address, regions, modules);
  if (m !== undefined) return moduleOffsetLabel(m, address);
  return r.heuristic !== undefined ? `${r.kind}?` : r.kind;
}

/** A pointer-sized word of a memory read whose value lands in a mapped region. */
export interface PointerWord {
  /** Offset of the word in the read. */
  readonly offset: number;
  readonly target: bigint;
  /** Index in `regions` of the region holding `target`. */
  readonly region: number;
  readonly label: string;
}

export interface PointerContext {
  readonly regions: readonly Region[];
  readonly modules: readonly Module[];
  readonly bits: WordBits;
  readonly endian: Endian;
}

/**
 * The words at addresses aligned to the word size (as the `dp` view shows them) whose value is in some region and
 * whose bytes are all in the dump (`present`: 1 per byte in the dump).
 */
export function pointerWords(
  ctx: PointerContext,
  address: bigint,
  bytes: Uint8Array,
  present: Uint8Array | undefined,
): PointerWord[] {
  const size = ctx.bits === 64 ? 8 : 4;
  const little = ctx.endian === 'little';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: PointerWord[] = [];
  const first = Number((BigInt(size) - (address % BigInt(size))) % BigInt(size));
  for (let at = first; at + size <= bytes.length; at += size) {
    if (!allPresent(present, at, at + size)) continue;
    const value = size === 8 ? view.getBigUint64(at, little) : BigInt(view.getUint32(at, little));
    const region = pointerRegion(ctx.regions, value);
    if (region === undefined) continue;
    words.push({ offset: at, target: value, region, label: addressLabel(ctx.regions, ctx.modules, region, value) });
  }
  return words;
}

/** The label of one word's value when it points into a mapped region (as pointerWords labels it), else undefined. */
export function pointerLabel(ctx: Pick<PointerContext, 'regions' | 'modules'>, value: bigint): string | undefined {
  const region = pointerRegion(ctx.regions, value);
  return region === undefined ? undefined : addressLabel(ctx.regions, ctx.modules, region, value);
}

function pointerRegion(regions: readonly Region[], value: bigint): number | undefined {
  // Small values (counts, flags) are never pointers worth a label, even in a dump that maps page 0.
  if (value < 0x10000n) return undefined;
  const i = regionIndexAt(regions, value);
  return i < 0 ? undefined : i;
}

function allPresent(present: Uint8Array | undefined, from: number, to: number): boolean {
  if (present === undefined) return true;
  for (let i = from; i < to; i++) if (present[i] === 0) return false;
  return true;
}
