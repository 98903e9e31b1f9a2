/**
 * Perf maps (the text JITs write for profilers) and the sorting of user-given files by content: real files of this
 * machine and the repository's sample core, a report the engine writes for that core, perf map text in the forms
 * .NET and Node write it, and a small synthetic image (big-endian, 32-bit) for the header paths of other machines.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { toJsonDocument } from '../../src/core/format/json-document';
import { MemorySource } from '../../src/core/io/byte-source';
import { openElfImage } from '../../src/core/image/elf-image';
import { parsePerfMap } from '../../src/core/image/perf-map';
import { sniffFile } from '../../src/core/image/sniff';
import { elfImage, ET_EXEC } from '../helpers/elf-image';

const head = (bytes: Uint8Array) => bytes.subarray(0, 4096);
const text = (s: string) => new TextEncoder().encode(s);

describe('parsePerfMap', () => {
  it('reads START SIZE name lines, hex with or without 0x, names with spaces', () => {
    const map = parsePerfMap(
      [
        '7f3a1c000000 40 stub<1> AllocateTemporaryEntryPoints<PreJIT>',
        '0x7f3a1c000100 0x80 [PreJIT] System.String::Concat(string,string)[Optimized]',
        '7F3A1C000200 10 LazyCompile:~hello /tmp/app.js:3:15',
        '',
      ].join('\n'),
    );
    expect(map.count).toBe(3);
    expect(map.badLines).toBe(0);
    expect(map.lookup(0x7f3a1c000000n)).toEqual({ name: 'stub<1> AllocateTemporaryEntryPoints<PreJIT>', offset: 0 });
    expect(map.lookup(0x7f3a1c00013fn)).toEqual({
      name: '[PreJIT] System.String::Concat(string,string)[Optimized]',
      offset: 0x3f,
    });
    expect(map.lookup(0x7f3a1c000205n)?.name).toBe('LazyCompile:~hello /tmp/app.js:3:15');
    // Between entries, before the first and after the last: nothing.
    expect(map.lookup(0x7f3a1c000040n)).toBeUndefined();
    expect(map.lookup(0x7f3a1bffffffn)).toBeUndefined();
    expect(map.lookup(0x7f3a1c000210n)).toBeUndefined();
  });

  it('lets a later line for the same start replace an earlier one', () => {
    const map = parsePerfMap('1000 20 Tier0 Foo()\n2000 10 Bar()\n1000 40 Tier1 Foo()\n');
    expect(map.count).toBe(2);
    expect(map.lookup(0x1030n)).toEqual({ name: 'Tier1 Foo()', offset: 0x30 });
  });

  it('counts lines that do not parse, including one cut short', () => {
    const map = parsePerfMap('garbage line\n1000 20 ok\nzz 10 bad hex\n2000 1\n3000 1');
    expect(map.count).toBe(1);
    expect(map.badLines).toBe(4);
    expect(map.lookup(0x1000n)?.name).toBe('ok');
  });

  it('handles windows line ends and 64-bit addresses', () => {
    const map = parsePerfMap('ffffffffff600000 1000 [vsyscall]\r\n');
    expect(map.lookup(0xffffffffff600800n)).toEqual({ name: '[vsyscall]', offset: 0x800 });
  });

  it('reads 100k lines quickly', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`${(0x7f0000000000 + i * 0x100).toString(16)} 80 method_${i}`);
    const started = performance.now();
    const map = parsePerfMap(lines.join('\n'));
    expect(map.count).toBe(100_000);
    expect(map.lookup(BigInt(0x7f0000000000 + 77_777 * 0x100 + 5))).toEqual({ name: 'method_77777', offset: 5 });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('sniffFile', () => {
  const core = gunzipSync(readFileSync('public/sample/sample.core.gz'));

  it('tells cores from images by e_type', () => {
    expect(sniffFile(head(core), 'anything.bin')).toBe('core');
    expect(sniffFile(head(readFileSync(process.execPath)), 'core')).toBe('image');
    expect(sniffFile(head(readFileSync('/bin/ls')), 'ls')).toBe('image');
    expect(sniffFile(elfImage({ bits: 32, endian: 'big', type: 4 }), 'x')).toBe('core');
    expect(sniffFile(elfImage({ bits: 32, endian: 'big', type: ET_EXEC }), 'x')).toBe('image');
  });

  it('takes a compressed file for a dump, whatever its name (its decoding says if it is not one)', () => {
    expect(sniffFile(readFileSync('public/sample/sample.core.gz').subarray(0, 4096), 'sample.bin')).toBe('core');
    expect(sniffFile(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x24, 0, 0, 0), 'x')).toBe('core');
    expect(sniffFile(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0), 'x')).toBe('core');
    expect(sniffFile(Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x64, 0x40), 'x')).toBe('core');
  });

  it('knows a report the engine wrote, and not other JSON', async () => {
    const analysis = await analyzeCore(new MemorySource(new Uint8Array(core)));
    const json = JSON.stringify(toJsonDocument(analysis, 'sample.core'), null, 2);
    expect(sniffFile(head(text(json)), 'whatever.txt')).toBe('report');
    expect(sniffFile(head(text(JSON.stringify(toJsonDocument(analysis, 'x')))), 'r.json')).toBe('report');
    expect(sniffFile(readFileSync('public/sample/sample.json'), 'sample.json')).toBe('unknown');
  });

  it('knows perf maps by their lines, and uses the name only to break a tie', () => {
    const map = '7f3a1c000000 40 stub<1>\n7f3a1c000100 80 Foo::Bar(int)\n';
    expect(sniffFile(text(map), 'jit.txt')).toBe('perf-map');
    expect(sniffFile(text('hello world\nthis is prose\n'), 'notes.txt')).toBe('unknown');
    expect(sniffFile(text(''), 'perf-1234.map')).toBe('perf-map');
    expect(sniffFile(text(''), 'empty.txt')).toBe('unknown');
    const mostly = `${map}7f3a1c000200 80 Baz()\n# a comment line\n`;
    expect(sniffFile(text(mostly), 'x.txt')).toBe('unknown');
    expect(sniffFile(text(mostly), '/tmp/perf-1234.map')).toBe('perf-map');
    // A head cut mid-line: the partial last line does not count against it.
    const long = Array.from({ length: 200 }, (_, i) => `${(0x1000 + i * 64).toString(16)} 40 method_${i}`).join('\n');
    expect(sniffFile(head(text(long)), 'x')).toBe('perf-map');
    expect(sniffFile(new Uint8Array([1, 2, 0, 4]), 'perf-1.map')).toBe('unknown');
  });
});

describe('a big-endian 32-bit image', () => {
  it('has its class, byte order, machine and the build-id of its PT_NOTE', async () => {
    const bytes = elfImage({ bits: 32, endian: 'big', type: ET_EXEC, machine: 20, buildId: 'A1B2c3d4e5f60718' });
    const image = await openElfImage(new MemorySource(bytes), 'ppc');
    expect(image).toMatchObject({ bits: 32, littleEndian: false, machine: 20, kind: 'executable' });
    expect(image.buildId).toBe('a1b2c3d4e5f60718');
    expect(image.sections).toEqual([]);
    expect(image.loads.length).toBeGreaterThan(0);
  });
});
