import { describe, expect, it } from 'vitest';
import type { FileMapping } from '../../src/core/types';
import { censusChunkWithRanges, planCensusChunks } from '../../src/core/scan/census';
import { identifyOs, osCluesInChunk, osFromLibraryPaths, type OsClue } from '../../src/core/scan/identify-os';

const PAGE = 4096;
const START = 0x7f0000000000n;

/** One region of `pages` zero pages with `text` written at each offset. */
function regionWith(pages: number, planted: readonly (readonly [number, string])[]) {
  const bytes = new Uint8Array(pages * PAGE);
  for (const [offset, text] of planted) bytes.set(new TextEncoder().encode(text), offset);
  const region = { start: START, size: bytes.length, inDump: bytes.length, dumpOffset: 0 };
  return { bytes, region };
}

function cluesOf(
  bytes: Uint8Array,
  region: { start: bigint; size: number; inDump: number; dumpOffset: number },
  sliceSize = 16 << 20,
): OsClue[] {
  const clues: OsClue[] = [];
  for (const item of planCensusChunks([region], { sliceSize, fileSize: bytes.length })) {
    const slice = bytes.subarray(item.fileOffset, item.fileOffset + item.length);
    const { touched } = censusChunkWithRanges(slice, item);
    clues.push(...osCluesInChunk(slice, item, touched));
  }
  return clues;
}

function identify(planted: readonly (readonly [number, string])[], files: readonly FileMapping[] = [], pages = 16) {
  const { bytes, region } = regionWith(pages, planted);
  return identifyOs(cluesOf(bytes, region), [region], files);
}

const file = (path: string): FileMapping => ({ start: 0n, end: 0x1000n, fileOffset: 0n, path });
const DEBIAN_FILES = [
  file('/usr/bin/dotnet'),
  file('/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30'),
  file('/usr/lib/x86_64-linux-gnu/libc.so.6'),
];

const CENTOS_OS_RELEASE =
  'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nANSI_COLOR="0;31"\n';
const DEBIAN_OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n';

/** A runtime.json excerpt as .NET ships it (Microsoft.NETCore.Platforms): each RID and the RIDs it falls back to. */
function runtimeJson(): string {
  const entries: string[] = [];
  const rid = (name: string, imports: readonly string[]) =>
    entries.push(
      `    "${name}": {\n      "#import": [\n${imports.map((i) => `        "${i}"`).join(',\n')}\n      ]\n    }`,
    );
  rid('linux-x64', ['linux', 'unix-x64']);
  for (const [distro, versions, parent] of [
    ['centos', ['7', '8', '9'], 'rhel'],
    ['ol', ['7', '7.0', '7.1', '8', '8.0'], 'rhel'],
    ['rhel', ['6', '7', '8', '9'], 'linux'],
    ['debian', ['8', '9', '10', '11'], 'linux'],
    ['ubuntu', ['16.04', '18.04', '20.04'], 'debian'],
  ] as const) {
    rid(`${distro}-x64`, [distro, `${parent}-x64`]);
    for (const v of versions) rid(`${distro}.${v}-x64`, [`${distro}.${v}`, `${distro}-x64`]);
  }
  return `{\n  "runtimes": {\n${entries.join(',\n')}\n  }\n}\n`;
}

describe('OS identification: memory clues', () => {
  it('reads an os-release text (PRETTY_NAME with ID and VERSION_ID beside it), with the address of its PRETTY_NAME line', () => {
    const os = identify([[5 * PAGE + 100, CENTOS_OS_RELEASE]]);
    expect(os).toMatchObject({
      name: 'CentOS Linux 7 (Core)',
      source: 'os-release',
      evidence: 'PRETTY_NAME="CentOS Linux 7 (Core)"',
    });
    expect(os?.address).toBe(START + BigInt(5 * PAGE + 100 + CENTOS_OS_RELEASE.indexOf('PRETTY_NAME')));
    expect(os?.ranked[0]?.note).toBe('ID="centos" and VERSION_ID="7" in the same text');
  });

  it('a PRETTY_NAME line alone is weaker: it names a release only when nothing stronger does', () => {
    const alone = identify([[PAGE, '\0PRETTY_NAME="Fedora Linux 39"\0']]);
    expect(alone).toMatchObject({ name: 'Fedora Linux 39', source: 'pretty-name' });
    const withRid = identify(
      [
        [PAGE, '\0PRETTY_NAME="Fedora Linux 39"\0'],
        [3 * PAGE, '\0debian.12-x64\0'],
      ],
      DEBIAN_FILES,
    );
    expect(withRid?.ranked.map((e) => e.source)).toEqual([
      'dotnet-rid',
      'pretty-name',
      'library-paths',
      'library-versions',
    ]);
    expect(withRid?.name).toBe('Debian 12');
  });

  it('a RID graph and no os-release: no RID names the OS, the library layout does, and the graph is listed as ignored', () => {
    const json = runtimeJson();
    expect(json.match(/"[a-z]+\.[0-9.]+-x64"/g)?.length).toBeGreaterThanOrEqual(19);
    expect(json.match(/-x64"/g)?.length).toBeGreaterThanOrEqual(40);
    const os = identify([[2 * PAGE + 40, json]], DEBIAN_FILES);
    expect(os).toMatchObject({
      name: 'Debian or Ubuntu',
      source: 'library-paths',
      evidence: '/usr/lib/x86_64-linux-gnu/libc.so.6',
    });
    expect(os?.address).toBeUndefined();
    expect(os?.ranked.map((e) => e.source)).toEqual(['library-paths', 'library-versions', 'rid-graph']);
    const ignored = os?.ranked[2];
    expect(ignored).toMatchObject({ says: 'ignored: part of a RID graph', evidence: 'centos.7-x64' });
    expect(ignored?.note).toMatch(/^one of \d+ RIDs within 256 bytes of each other$/);
    // Without a telling library path, nothing names the OS at all: unknown, not the first RID of the graph.
    expect(identify([[2 * PAGE + 40, json]], [file('/opt/app/libfoo.so')])).toBeUndefined();
  });

  it('a RID graph cut by a slice edge is not taken for lone RIDs, whatever the slice size and where the cut falls', () => {
    const json = runtimeJson();
    for (const sliceSize of [1000, 4096, 5000]) {
      for (let shift = 0; shift < 4096; shift += 397) {
        const { bytes, region } = regionWith(16, [[PAGE + shift, json]]);
        const os = identifyOs(cluesOf(bytes, region, sliceSize), [region], DEBIAN_FILES);
        expect(
          os?.ranked.filter((e) => e.source === 'dotnet-rid'),
          `slice ${sliceSize}, shift ${shift}`,
        ).toEqual([]);
        expect(os?.name).toBe('Debian or Ubuntu');
      }
    }
    // Two different RIDs 200 bytes apart, a slice edge between them: each slice sees one RID near its edge.
    const { bytes, region } = regionWith(8, [
      [4 * PAGE - 100, '\0ol.7-x64\0'],
      [4 * PAGE + 100, '\0rhel.7-x64\0'],
    ]);
    expect(cluesOf(bytes, region, 4 * PAGE)).toEqual([]);
    expect(cluesOf(bytes, region).map((c) => c.source)).toEqual(['rid-graph']);
  });

  it('a lone RID (no other RID within 256 bytes) names its distribution, above the layout — unless a RID graph is in memory too', () => {
    const os = identify([[6 * PAGE + 7, 'RID=\0debian.12-x64\0']], DEBIAN_FILES);
    expect(os).toMatchObject({
      name: 'Debian 12',
      source: 'dotnet-rid',
      evidence: 'debian.12-x64',
      address: START + BigInt(6 * PAGE + 12),
    });
    expect(os?.ranked[0]?.note).toBe('no other RID within 256 bytes');
    expect(os?.ranked.map((e) => e.source)).toEqual(['dotnet-rid', 'library-paths', 'library-versions']);
    // With the graph somewhere else in memory, the lone RID may be one of its entries: listed, ignored.
    const withGraph = identify(
      [
        [PAGE, runtimeJson()],
        [6 * PAGE + 7, 'RID=\0debian.12-x64\0'],
      ],
      DEBIAN_FILES,
    );
    expect(withGraph).toMatchObject({ name: 'Debian or Ubuntu', source: 'library-paths' });
    expect(withGraph?.ranked.map((e) => e.source)).toEqual([
      'library-paths',
      'library-versions',
      'dotnet-rid',
      'rid-graph',
    ]);
    expect(withGraph?.ranked[2]?.says).toBe('ignored: Debian 12');
  });

  it('copies of one RID side by side are still lone (a graph is several different RIDs); two different RIDs 200 bytes apart are a graph', () => {
    const copies = Array.from({ length: 8 }, (_, i) => [PAGE + i * 272, `worker ${i} RID=centos.7-x64`] as const);
    expect(identify(copies)).toMatchObject({ name: 'CentOS 7', source: 'dotnet-rid' });
    const sources = (gap: number) => {
      const { bytes, region } = regionWith(4, [
        [PAGE, '\0centos.7-x64\0'],
        [PAGE + gap, '\0rhel.7-x64\0'],
      ]);
      return cluesOf(bytes, region).map((c) => `${c.source} ${c.value}`);
    };
    expect(sources(200)).toEqual(['rid-graph centos.7-x64']);
    // 300 bytes apart they are two lone RIDs, which disagree: neither is named.
    expect(sources(300)).toEqual(['dotnet-rid centos.7-x64', 'dotnet-rid rhel.7-x64']);
    expect(
      identify([
        [PAGE, '\0centos.7-x64\0'],
        [PAGE + 300, '\0rhel.7-x64\0'],
      ]),
    ).toBeUndefined();
  });

  it('a parsed graph: a RID beside a different RID without an architecture (rhel.7.1, ubuntu-corert) is not lone; a bare ID="centos" does not count', () => {
    const sources = (text: string) => {
      const { bytes, region } = regionWith(4, [[PAGE + 64, text]]);
      return cluesOf(bytes, region).map((c) => c.source);
    };
    // As .NET Core 2.0's host keeps its graph in memory: strings in 32-byte heap chunks, a few dozen bytes apart.
    expect(sources('rhel.7.1\0\0\0\0\0\0\0\0A\0\0\0\0\0\0\0\0\0\0\0rhel.7.1-x64\0')).toEqual([]);
    expect(sources('ubuntu.14.04-x64\0\0\0\0\0\0\0!\0\0\0\0\0\0ubuntu-corert\0')).toEqual([]);
    expect(sources(`${CENTOS_OS_RELEASE}centos.7-x64\n`)).toEqual(['os-release', 'dotnet-rid']);
  });

  it('lone RIDs that disagree cannot be the runtime own one: neither names the OS, both are listed after the layout', () => {
    const os = identify(
      [
        [PAGE, '\0centos.7-x64\0'],
        [5 * PAGE, '\0ubuntu.22.04-x64\0'],
      ],
      DEBIAN_FILES,
    );
    expect(os?.name).toBe('Debian or Ubuntu');
    expect(os?.ranked.map((e) => [e.source, e.says])).toEqual([
      ['library-paths', 'Debian or Ubuntu'],
      ['library-versions', 'libstdc++ 6.0.30'],
      ['dotnet-rid', 'ignored: CentOS 7'],
      ['dotnet-rid', 'ignored: Ubuntu 22.04'],
    ]);
  });

  it('os-release text beats everything, and the ranking is os-release, PRETTY_NAME alone, layout, versions, then what is ignored', () => {
    const os = identify(
      [
        [PAGE, runtimeJson()],
        [8 * PAGE, '\0debian.12-x64\0'],
        [10 * PAGE, '\0PRETTY_NAME="Something Else 1"\0'],
        [12 * PAGE + 64, DEBIAN_OS_RELEASE],
      ],
      [...DEBIAN_FILES, file('/usr/lib/x86_64-linux-gnu/libssl.so.3')],
    );
    expect(os).toMatchObject({
      name: 'Debian GNU/Linux 12 (bookworm)',
      source: 'os-release',
      address: START + BigInt(12 * PAGE + 64),
    });
    expect(os?.ranked.map((e) => e.source)).toEqual([
      'os-release',
      'pretty-name',
      'library-paths',
      'library-versions',
      'library-versions',
      'dotnet-rid',
      'rid-graph',
    ]);
    expect(os?.ranked.map((e) => e.says)).toEqual([
      'Debian GNU/Linux 12 (bookworm)',
      'Something Else 1',
      'Debian or Ubuntu',
      'libstdc++ 6.0.30',
      'OpenSSL 3',
      'ignored: Debian 12',
      'ignored: part of a RID graph',
    ]);
    expect(os?.ranked.filter((e) => e.address !== undefined).length).toBe(4);
    expect(os?.ranked.filter((e) => e.mapping !== undefined).length).toBe(3);
  });

  it('the sample: CentOS os-release text with its RID after it, a lone RID, on a Debian layout — os-release first, the layout listed', () => {
    const os = identify(
      [
        [PAGE, CENTOS_OS_RELEASE],
        [2 * PAGE, 'RID=centos.7-x64'],
        [6 * PAGE, `${CENTOS_OS_RELEASE}centos.7-x64\n`],
      ],
      DEBIAN_FILES,
    );
    expect(os?.name).toBe('CentOS Linux 7 (Core)');
    expect(os?.ranked.map((e) => [e.source, e.says])).toEqual([
      ['os-release', 'CentOS Linux 7 (Core)'],
      ['dotnet-rid', 'CentOS 7'],
      ['library-paths', 'Debian or Ubuntu'],
      ['library-versions', 'libstdc++ 6.0.30'],
    ]);
    expect(os?.ranked[0]?.address).toBe(START + BigInt(PAGE + CENTOS_OS_RELEASE.indexOf('PRETTY_NAME')));
    expect(os?.ranked[1]?.address).toBe(START + BigInt(2 * PAGE + 4));
  });

  it('finds clues whatever the slice size, and the lowest address whatever order the clues arrive in', () => {
    const { bytes, region } = regionWith(6, [[3 * PAGE + 10, DEBIAN_OS_RELEASE]]);
    expect(identifyOs(cluesOf(bytes, region), [region], [])?.name).toBe('Debian GNU/Linux 12 (bookworm)');
    // A clue is looked for inside one slice: with 1000-byte slices the text still fits in one.
    expect(identifyOs(cluesOf(bytes, region, 1000), [region], [])?.name).toBe('Debian GNU/Linux 12 (bookworm)');
    const clue = (source: OsClue['source'], regionIndex: number, regionOffset: number, value: string): OsClue => ({
      source,
      regionIndex,
      regionOffset,
      text: value,
      value,
    });
    const clues = [
      clue('dotnet-rid', 0, 10, 'ubuntu.22.04-x64'),
      clue('os-release', 1, 50, 'Later'),
      clue('os-release', 1, 20, 'Earlier'),
    ];
    const regions = [{ start: 0x1000n }, { start: 0x9000n }];
    expect(identifyOs(clues, regions, [])).toMatchObject({ name: 'Earlier', address: 0x9014n });
    expect(identifyOs([...clues].reverse(), regions, [])).toEqual(identifyOs(clues, regions, []));
    expect(identifyOs(clues.slice(0, 1), regions, [])?.name).toBe('Ubuntu 22.04');
  });

  it('ignores look-alikes: a RID inside a longer word, an upper-case name, MY_PRETTY_NAME=', () => {
    expect(identify([[PAGE, '\0xcentos.7-x64abc\0 CENTOS.7-x64\0 MY_PRETTY_NAME="Nope"\0']])).toBeUndefined();
  });
});

describe('OS identification: library paths', () => {
  it('names a family from the layout, never a release, and says nothing without evidence', () => {
    expect(osFromLibraryPaths([file('/usr/lib/x86_64-linux-gnu/libc.so.6')])).toMatchObject({
      name: 'Debian or Ubuntu',
      source: 'library-paths',
    });
    expect(osFromLibraryPaths([file('/lib/aarch64-linux-gnu/libpthread.so.0')])?.name).toBe('Debian or Ubuntu');
    expect(osFromLibraryPaths([file('/lib/ld-musl-x86_64.so.1')])?.name).toMatch(/musl/);
    expect(osFromLibraryPaths([file('/usr/lib64/libc.so.6')])?.name).toBe('RHEL, Fedora, SUSE or Amazon Linux');
    expect(osFromLibraryPaths([file('/nix/store/abc-glibc-2.38/lib/libc.so.6')])?.name).toMatch(/Nix/);
    expect(osFromLibraryPaths([file('/opt/app/bin/app')])).toBeUndefined();
    // A snap's Ubuntu base says nothing about the host.
    expect(osFromLibraryPaths([file('/snap/core22/current/usr/lib/x86_64-linux-gnu/libc.so.6')])).toBeUndefined();
    const { bytes, region } = regionWith(2, []);
    expect(identifyOs(cluesOf(bytes, region), [region], [])).toBeUndefined();
  });

  it('cites libc or the loader for the layout, and lists library versions without naming anything from them', () => {
    const files = [
      file('/usr/lib/x86_64-linux-gnu/libz.so.1'),
      file('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
      file('/usr/lib/x86_64-linux-gnu/libicuuc.so.72.1'),
    ];
    expect(osFromLibraryPaths(files)?.ranked).toEqual([
      {
        source: 'library-paths',
        says: 'Debian or Ubuntu',
        evidence: files[1]?.path,
        note: 'multiarch library directory; names no release',
        mapping: files[1]?.path,
      },
      {
        source: 'library-versions',
        says: 'ICU 72.1',
        evidence: files[2]?.path,
        note: 'a library version; not mapped to a release',
        mapping: files[2]?.path,
      },
    ]);
    const centos = [file('/usr/lib64/ld-2.17.so'), file('/usr/lib64/libc-2.17.so')];
    expect(osFromLibraryPaths(centos)?.ranked.map((e) => e.says)).toEqual([
      'RHEL, Fedora, SUSE or Amazon Linux',
      'glibc 2.17',
    ]);
    // Versions alone name nothing.
    expect(
      osFromLibraryPaths([file('/opt/app/libstdc++.so.6.0.19'), file('/opt/app/libssl.so.1.0.2k')]),
    ).toBeUndefined();
  });
});
