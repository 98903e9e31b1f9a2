/**
 * Which Linux distribution the process ran on — the "search memory for centos" step of DESIGN §1, done for the
 * user. Three sources of evidence, strongest first:
 *   os-release   `PRETTY_NAME="CentOS Linux 7 (Core)"` text in memory (a process that read /etc/os-release)
 *   dotnet-rid   a .NET runtime identifier such as `centos.7-x64` in memory (the runtime keeps its RID)
 *   library-paths  the layout of mapped library paths: Debian multiarch, lib64, musl's loader, the Nix store
 * Memory clues are collected while the census reads each slice (no extra pass); a clue that straddles two slices
 * is missed, which is acceptable because such strings occur many times in a live process.
 */
import type { FileMapping, OsIdentification, OsSource, Region } from '../model/types';

export type { OsIdentification, OsSource } from '../model/types';
import type { ByteRange, CensusItem } from './census';
import { compilePattern, findMatches, type CompiledPattern } from './search-pattern';

/** A place in memory that names the OS. Plain data: it is posted from workers. */
export interface OsClue {
  readonly source: Exclude<OsSource, 'library-paths'>;
  readonly regionIndex: number;
  /** Offset of the clue's text from the region start. */
  readonly regionOffset: number;
  readonly text: string;
}

type Probe = { readonly source: OsClue['source']; readonly pattern: CompiledPattern };
let probes: readonly Probe[] | undefined; // compiled on first use: the CLI's header pass never needs them

function osProbes(): readonly Probe[] {
  probes ??= [
    { source: 'os-release', pattern: compiled('PRETTY_NAME=') },
    { source: 'dotnet-rid', pattern: compiled('-x64') },
    { source: 'dotnet-rid', pattern: compiled('-arm64') },
  ];
  return probes;
}

/** Distribution names .NET uses in RIDs (the portable "linux-x64" names no distribution and is ignored). */
const RID = /(?:^|[^a-z0-9.])((?:centos|rhel|ol|fedora|ubuntu|debian|alpine|opensuse|sles|amzn|mariner|azurelinux|rocky|almalinux|linuxmint|tizen)\.\d+(?:\.\d+)?)-(?:x64|arm64)$/;
const CLUES_PER_SLICE = 8;

/**
 * Memory clues in one census slice (the same bytes the census just scanned). `ranges`: where to look — the
 * slice's touched pages from censusChunkWithRanges (strings live in non-zero pages; scanning all of a mostly-zero
 * slice for three patterns is slower than the census's zero test over it). Default: the whole slice.
 */
export function osCluesInChunk(bytes: Uint8Array, item: CensusItem, ranges: readonly ByteRange[] = [[0, bytes.length]]): OsClue[] {
  const clues: OsClue[] = [];
  for (const [from, to] of ranges) {
    if (clues.length >= CLUES_PER_SLICE) break;
    collectClues(bytes.subarray(from, to), from, item, clues);
  }
  return clues;
}

function collectClues(bytes: Uint8Array, base: number, item: CensusItem, clues: OsClue[]): void {
  for (const probe of osProbes()) {
    if (clues.length >= CLUES_PER_SLICE) return;
    findMatches(bytes, probe.pattern, 0, bytes.length, (start) => {
      const clue = probe.source === 'os-release' ? prettyName(bytes, start, probe.pattern.length) : rid(bytes, start, probe.pattern.length);
      if (clue !== undefined) {
        clues.push({ source: probe.source, regionIndex: item.regionIndex, regionOffset: item.regionOffset + base + clue.at, text: clue.text });
      }
      return clues.length < CLUES_PER_SLICE;
    });
  }
}

function prettyName(bytes: Uint8Array, start: number, length: number): { at: number; text: string } | undefined {
  let at = start + length;
  const quoted = bytes[at] === 0x22;
  if (quoted) at++;
  let end = at;
  while (end < bytes.length && end - at < 80 && isPrintable(bytes[end] ?? 0) && bytes[end] !== 0x22 && bytes[end] !== 0x0a) end++;
  if (end - at < 3) return undefined;
  return { at: start, text: ascii(bytes, at, end) };
}

function rid(bytes: Uint8Array, start: number, length: number): { at: number; text: string } | undefined {
  const from = Math.max(0, start - 24);
  const text = ascii(bytes, from, start + length);
  const m = RID.exec(text);
  if (m?.[1] === undefined) return undefined;
  const token = `${m[1]}${text.slice(text.length - length)}`;
  return { at: start + length - token.length, text: token };
}

/** The best identification from memory clues, else from library paths. */
export function identifyOs(clues: readonly OsClue[], regions: readonly Pick<Region, 'start'>[], files: readonly FileMapping[]): OsIdentification | undefined {
  // Lowest address first, so the answer does not depend on the order workers finished in (CLI and page agree).
  const ordered = [...clues].sort((a, b) => a.regionIndex - b.regionIndex || a.regionOffset - b.regionOffset);
  for (const source of ['os-release', 'dotnet-rid'] as const) {
    const clue = ordered.find((c) => c.source === source);
    const region = clue === undefined ? undefined : regions[clue.regionIndex];
    if (clue === undefined || region === undefined) continue;
    const name = source === 'os-release' ? clue.text : describeRid(clue.text);
    return { name, source, evidence: source === 'os-release' ? `PRETTY_NAME="${clue.text}"` : clue.text, address: region.start + BigInt(clue.regionOffset), heuristic: 'identify-os' };
  }
  return osFromLibraryPaths(files);
}

/** From the header pass alone: what the mapped libraries' paths say. */
export function osFromLibraryPaths(files: readonly FileMapping[]): OsIdentification | undefined {
  const paths = files.map((f) => f.path);
  const rules: readonly [RegExp, string][] = [
    [/\/nix\/store\//, 'NixOS or Nix (libraries from /nix/store)'],
    [/\/ld-musl-[^/]+\.so/, 'Alpine or another musl-based Linux (musl loader)'],
    [/\/lib\/(?:x86_64|aarch64|arm|i386|powerpc64le|s390x|riscv64)-linux-gnu[a-z]*\//, 'Debian or Ubuntu (multiarch library paths)'],
    [/^\/(?:usr\/)?lib64\/(?:libc\.so|ld-linux)/, 'Red Hat, Fedora, SUSE or another lib64 distribution'],
  ];
  for (const [pattern, name] of rules) {
    const path = paths.find((p) => pattern.test(p));
    if (path !== undefined) return { name, source: 'library-paths', evidence: path, heuristic: 'identify-os' };
  }
  return undefined;
}

function describeRid(token: string): string {
  const [distro = token, version = ''] = token.replace(/-(x64|arm64)$/, '').split(/\.(.*)/);
  const names: Record<string, string> = { centos: 'CentOS', rhel: 'Red Hat Enterprise Linux', ol: 'Oracle Linux', fedora: 'Fedora', ubuntu: 'Ubuntu', debian: 'Debian', alpine: 'Alpine', opensuse: 'openSUSE', sles: 'SUSE Linux Enterprise', amzn: 'Amazon Linux', mariner: 'CBL-Mariner', azurelinux: 'Azure Linux', rocky: 'Rocky Linux', almalinux: 'AlmaLinux', linuxmint: 'Linux Mint', tizen: 'Tizen' };
  return `${names[distro] ?? distro} ${version}`.trim();
}

function compiled(text: string): CompiledPattern {
  const result = compilePattern({ kind: 'ascii', text });
  if (!result.ok) throw new Error(`bad built-in pattern ${text}`);
  return result.pattern;
}

function isPrintable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}
