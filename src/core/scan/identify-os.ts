/**
 * Which Linux distribution the process ran on, from evidence weighed strongest first:
 *   1. os-release    a PRETTY_NAME= line with ID= and VERSION_ID= in the same text (an os-release file in memory)
 *   2. dotnet-rid    the .NET runtime's own RID (`debian.12-x64`): a RID with no other RID near it, when every such
 *                    RID agrees (two different ones cannot both be the runtime's own) and no RID graph is in memory
 *   3. pretty-name   a PRETTY_NAME= line alone (os-release text, but it could have been copied anywhere)
 *   4. library-paths the layout of the mapped libraries: a family ("Debian or Ubuntu"), never a release
 *   5. library-versions  versions in library names (glibc 2.17, OpenSSL 3): listed, never mapped to a release
 * A RID inside a list of RIDs (the runtime's fallback graph) is not evidence: it is listed last, as ignored. Only
 * 1–3 name a release, and the name is always the strongest evidence's: weaker evidence never overrides stronger.
 */
import type { FileMapping, OsEvidence, OsIdentification, OsSource, Region } from '../types';
import type { OsClue } from './os-clues';
import { layoutEvidence, libraryVersionEvidence } from './os-from-libraries';

export type { OsIdentification, OsSource } from '../types';
export { osCluesInChunk, type OsClue } from './os-clues';

/** Entries of one source kept in the ranked list (distinct texts; more add nothing a reader needs). */
const PER_SOURCE = 4;
/** Sources whose evidence names the OS; the others are listed only. */
const NAMING: ReadonlySet<OsSource> = new Set(['os-release', 'dotnet-rid', 'pretty-name', 'library-paths']);

/** Every piece of evidence ranked; the strongest names the OS. Undefined when nothing names one. */
export function identifyOs(
  clues: readonly OsClue[],
  regions: readonly Pick<Region, 'start'>[],
  files: readonly FileMapping[],
): OsIdentification | undefined {
  // Lowest address first, so the answer does not depend on the order workers finished in (CLI and page agree).
  const ordered = [...clues].sort((a, b) => a.regionIndex - b.regionIndex || a.regionOffset - b.regionOffset);
  const memory = (
    source: OsClue['source'],
    says: (c: OsClue) => string,
    note?: (c: OsClue) => string | undefined,
  ): OsEvidence[] => {
    const seen = new Set<string>();
    const found: OsEvidence[] = [];
    for (const c of ordered) {
      const region = regions[c.regionIndex];
      if (c.source !== source || region === undefined || seen.has(c.value) || found.length >= PER_SOURCE) continue;
      seen.add(c.value);
      const why = note === undefined ? c.note : note(c);
      found.push({
        source,
        says: says(c),
        evidence: c.text,
        ...(why !== undefined ? { note: why } : {}),
        address: region.start + BigInt(c.regionOffset),
      });
    }
    return found;
  };
  const osRelease = memory('os-release', (c) => c.value);
  const releaseNames = new Set(osRelease.map((e) => e.says));
  const prettyNames = memory('pretty-name', (c) => c.value).filter((e) => !releaseNames.has(e.says));
  const rids = memory('dotnet-rid', (c) => describeRid(c.value));
  const graph = memory('rid-graph', () => 'ignored: part of a RID graph').slice(0, 1);
  // A RID apart from others counts only where it can be told apart from the runtime's fallback graph: when RIDs
  // disagree, none is the runtime's own; when the process holds a graph anywhere, a lone one may be one of its
  // entries on a heap node of its own (a real .NET 2.0 process on Debian 12 held `ubuntu.14.04-x64` so).
  const ridsAgree = new Set(rids.map((e) => e.evidence)).size <= 1;
  const ridsCount = ridsAgree && graph.length === 0;
  const whyNot = !ridsAgree
    ? `lone RIDs disagree (${rids.map((e) => e.evidence).join(', ')}): none can be told to be the runtime's own`
    : "the process also holds a RID graph: a RID apart from it may be one of the graph's entries";
  const ranked = [
    ...osRelease,
    ...(ridsCount ? rids : []),
    ...prettyNames,
    ...osFromFiles(files),
    ...(ridsCount ? [] : rids.map((e) => ({ ...e, says: `ignored: ${e.says}`, note: whyNot }))),
    ...graph,
  ];
  return identification(ranked);
}

/** From the header pass alone: what the mapped files' paths say. */
export function osFromLibraryPaths(files: readonly FileMapping[]): OsIdentification | undefined {
  return identification(osFromFiles(files));
}

function osFromFiles(files: readonly FileMapping[]): OsEvidence[] {
  return [...layoutEvidence(files), ...libraryVersionEvidence(files)];
}

function identification(ranked: readonly OsEvidence[]): OsIdentification | undefined {
  const best = ranked[0];
  if (best === undefined || !NAMING.has(best.source) || best.says.startsWith('ignored')) return undefined;
  return {
    name: best.says,
    source: best.source,
    evidence: best.evidence,
    ...(best.address !== undefined ? { address: best.address } : {}),
    heuristic: 'identify-os',
    ranked,
  };
}

/** `centos.7-x64` → "CentOS 7". */
export function describeRid(token: string): string {
  const [distro = token, version = ''] = token.replace(/-(x64|arm64)$/, '').split(/\.(.*)/);
  const names: Record<string, string> = {
    centos: 'CentOS',
    rhel: 'Red Hat Enterprise Linux',
    ol: 'Oracle Linux',
    fedora: 'Fedora',
    ubuntu: 'Ubuntu',
    debian: 'Debian',
    alpine: 'Alpine',
    opensuse: 'openSUSE',
    sles: 'SUSE Linux Enterprise',
    amzn: 'Amazon Linux',
    mariner: 'CBL-Mariner',
    azurelinux: 'Azure Linux',
    rocky: 'Rocky Linux',
    almalinux: 'AlmaLinux',
    linuxmint: 'Linux Mint',
    tizen: 'Tizen',
  };
  return `${names[distro] ?? distro} ${version}`.trim();
}
