import { describe, expect, it } from 'vitest';
import { censusChunkWithRanges, planCensusChunks } from '../../src/core/scan/census';
import { identifyOs, osCluesInChunk, osFromLibraryPaths, type OsClue } from '../../src/core/scan/identify-os';

const PAGE = 4096;

/** One region of `pages` zero pages with `text` written at `offset`. */
function regionWith(pages: number, planted: readonly (readonly [number, string])[]) {
  const bytes = new Uint8Array(pages * PAGE);
  for (const [offset, text] of planted) bytes.set(new TextEncoder().encode(text), offset);
  const region = { start: 0x7f0000000000n, size: bytes.length, inDump: bytes.length, dumpOffset: 0 };
  return { bytes, region };
}

function cluesOf(bytes: Uint8Array, region: { start: bigint; size: number; inDump: number; dumpOffset: number }, sliceSize: number): OsClue[] {
  const clues: OsClue[] = [];
  for (const item of planCensusChunks([region], { sliceSize, fileSize: bytes.length })) {
    const slice = bytes.subarray(item.fileOffset, item.fileOffset + item.length);
    const { touched } = censusChunkWithRanges(slice, item);
    clues.push(...osCluesInChunk(slice, item, touched));
  }
  return clues;
}

describe('OS identification', () => {
  it('reads PRETTY_NAME from os-release text in memory, with its address', () => {
    const { bytes, region } = regionWith(8, [[5 * PAGE + 100, 'NAME="CentOS Linux"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n']]);
    const os = identifyOs(cluesOf(bytes, region, 16 << 20), [region], []);
    expect(os?.name).toBe('CentOS Linux 7 (Core)');
    expect(os?.source).toBe('os-release');
    expect(os?.address).toBe(region.start + BigInt(5 * PAGE + 100 + 'NAME="CentOS Linux"\n'.length));
  });

  it('names the distribution of a .NET runtime identifier and ignores the portable linux-x64', () => {
    const { bytes, region } = regionWith(4, [[100, 'linux-x64\0'], [2 * PAGE + 7, '\0centos.7-x64\0']]);
    const os = identifyOs(cluesOf(bytes, region, 16 << 20), [region], []);
    expect(os).toMatchObject({ name: 'CentOS 7', source: 'dotnet-rid', evidence: 'centos.7-x64', address: region.start + BigInt(2 * PAGE + 8) });
  });

  it('finds a clue whose page is touched in a slice that also holds zero pages, with slices smaller than a page', () => {
    const { bytes, region } = regionWith(6, [[3 * PAGE + 10, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"']]);
    expect(identifyOs(cluesOf(bytes, region, 16 << 20), [region], [])?.name).toBe('Debian GNU/Linux 12 (bookworm)');
    // A clue is looked for inside one slice: with 1000-byte slices the 44-byte string still fits in one.
    expect(identifyOs(cluesOf(bytes, region, 1000), [region], [])?.name).toBe('Debian GNU/Linux 12 (bookworm)');
  });

  it('prefers os-release over a RID, and the lowest address whatever order the clues arrive in', () => {
    const clues: OsClue[] = [
      { source: 'dotnet-rid', regionIndex: 0, regionOffset: 10, text: 'ubuntu.22.04-x64' },
      { source: 'os-release', regionIndex: 1, regionOffset: 50, text: 'Later' },
      { source: 'os-release', regionIndex: 1, regionOffset: 20, text: 'Earlier' },
    ];
    const regions = [{ start: 0x1000n }, { start: 0x9000n }];
    expect(identifyOs(clues, regions, [])).toMatchObject({ name: 'Earlier', address: 0x9014n });
    expect(identifyOs([...clues].reverse(), regions, [])?.name).toBe('Earlier');
    expect(identifyOs(clues.slice(0, 1), regions, [])?.name).toBe('Ubuntu 22.04');
  });

  it('falls back to library paths, and says nothing without evidence', () => {
    const file = (path: string) => ({ start: 0n, end: 0x1000n, fileOffset: 0n, path });
    expect(osFromLibraryPaths([file('/usr/lib/x86_64-linux-gnu/libc.so.6')])?.name).toMatch(/Debian or Ubuntu/);
    expect(osFromLibraryPaths([file('/lib/ld-musl-x86_64.so.1')])?.name).toMatch(/musl/);
    expect(osFromLibraryPaths([file('/usr/lib64/libc.so.6')])?.name).toMatch(/lib64/);
    expect(osFromLibraryPaths([file('/opt/app/bin/app')])).toBeUndefined();
    const { bytes, region } = regionWith(2, []);
    expect(identifyOs(cluesOf(bytes, region, 16 << 20), [region], [])).toBeUndefined();
  });
});
