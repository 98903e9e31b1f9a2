/**
 * The ELF image reader against real files: the system's libc and ls, and programs compiled here (with debug
 * information, split into a separate debug file, with compressed debug sections). Every expected value comes from
 * binutils (readelf, objcopy) or node:zlib, never from the reader itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { ImageError, openElfImage, type ElfImage } from '../../src/core/image/elf-image';
import { loadSymbols } from '../../src/core/image/symbols';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const LS = '/bin/ls';
/** The system files these tests read: x86_64 Debian/Ubuntu paths, and binutils' readelf as the oracle. */
const noSystemFiles = !existsSync(LIBC) || !existsSync(LS) || spawnSync('readelf', ['-v']).status !== 0;

function run(cmd: string, args: string[], cwd?: string): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', cwd, maxBuffer: 256 << 20 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${out.stderr}`);
  return out.stdout;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function open(path: string): Promise<ElfImage> {
  return openElfImage(new MemorySource(new Uint8Array(readFileSync(path))), path);
}

function readelfBuildId(path: string): string | undefined {
  return /Build ID: ([0-9a-f]+)/.exec(run('readelf', ['-n', path]))?.[1];
}

/** readelf -SW rows after the null section: [Nr] Name Type Address Off Size ES Flg Lk Inf Al. */
function readelfSections(path: string) {
  return run('readelf', ['-SW', path])
    .split('\n')
    .map((l) => /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[1] !== '0')
    .map((m) => ({
      index: Number(m[1]),
      name: m[2],
      addr: BigInt(`0x${m[4]}`),
      offset: Number.parseInt(m[5] ?? '', 16),
      size: Number.parseInt(m[6] ?? '', 16),
      entSize: Number.parseInt(m[7] ?? '', 16),
    }));
}

/** readelf -lW LOAD rows. */
function readelfLoads(path: string) {
  return run('readelf', ['-lW', path])
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === 'LOAD')
    .map((w) => ({
      fileOffset: Number(w[1]),
      vaddr: BigInt(w[2] ?? ''),
      fileSize: Number(w[4]),
      memSize: Number(w[5]),
    }));
}

describe.skipIf(noSystemFiles).each([
  { path: LIBC, kind: 'shared-object' },
  { path: LS, kind: 'executable' },
])('$path', ({ path, kind }) => {
  let image: ElfImage;
  beforeAll(async () => {
    image = await open(path);
  });

  it('has the kind, class and machine of the file', () => {
    expect(image.kind).toBe(kind);
    expect(image.bits).toBe(64);
    expect(image.littleEndian).toBe(true);
    expect(image.machine).toBe(62);
  });

  it('has the build-id readelf -n prints', () => {
    expect(image.buildId).toBe(readelfBuildId(path));
  });

  it('has the sections readelf -SW lists', () => {
    const expected = readelfSections(path);
    expect(image.sections.length).toBe(expected.length + 1);
    expect(image.sections[0]?.name).toBe('');
    for (const e of expected) {
      const s = image.sections[e.index];
      expect({ name: s?.name, addr: s?.addr, offset: s?.offset, size: s?.size, entSize: s?.entSize }).toEqual({
        name: e.name,
        addr: e.addr,
        offset: e.offset,
        size: e.size,
        entSize: e.entSize,
      });
    }
  });

  it('has the PT_LOADs readelf -lW lists', () => {
    expect(
      image.loads.map(({ fileOffset, vaddr, fileSize, memSize }) => ({ fileOffset, vaddr, fileSize, memSize })),
    ).toEqual(readelfLoads(path));
  });

  it('reads a section and the same bytes by address', async () => {
    const file = readFileSync(path);
    const s = image.section('.text');
    const text = await image.readSection('.text');
    expect(s).toBeDefined();
    expect(text?.vaddr).toBe(s?.addr);
    expect(Buffer.from(text?.bytes ?? []).equals(file.subarray(s?.offset, (s?.offset ?? 0) + (s?.size ?? 0)))).toBe(
      true,
    );
    const at = await image.readAtVaddr((s?.addr ?? 0n) + 100n, 64);
    expect(Buffer.from(at ?? []).equals(Buffer.from(text?.bytes.subarray(100, 164) ?? []))).toBe(true);
    expect(await image.readSection('.no-such-section')).toBeUndefined();
    // .bss has no file bytes.
    const bss = image.section('.bss');
    expect(await image.readSection('.bss')).toBeUndefined();
    if (bss !== undefined) expect(await image.readAtVaddr(bss.addr + BigInt(bss.size) - 8n, 8)).toBeUndefined();
  });
});

describe.skipIf(noSystemFiles)('the debug link of the system libc', () => {
  it('is the name and CRC in .gnu_debuglink', async () => {
    const image = await open(LIBC);
    const dump = run('readelf', ['--debug-dump=links', LIBC]);
    const name = /Separate debug info file: (\S+)/.exec(dump)?.[1];
    const crc = /CRC value: (0x[0-9a-f]+)/.exec(dump)?.[1];
    if (name === undefined) {
      expect(image.debuglink).toBeUndefined();
      return;
    }
    expect(image.debuglink).toEqual({ name, crc: Number(crc) });
  });
});

const tools = ['gcc', 'objcopy', 'readelf'].filter((t) => !has(t));
describe('programs compiled here', () => {
  if (tools.length > 0) {
    it.skip(`skipped: ${tools.join(', ')} not installed`, () => {});
    return;
  }
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'coreview-image-'));
    writeFileSync(
      join(dir, 'prog.c'),
      [
        '#include <stdio.h>',
        'static int helper(int x) { return x * 3 + 1; }',
        'int compute(int n) { int s = 0; for (int i = 0; i < n; i++) s += helper(i); return s; }',
        'int main(int argc, char **argv) { printf("%d\\n", compute(argc * 10)); return 0; }',
      ].join('\n'),
    );
    run('gcc', ['-g', '-O1', '-o', 'prog', 'prog.c'], dir);
    run('gcc', ['-g', '-O1', '-no-pie', '-o', 'prog-nopie', 'prog.c'], dir);
    run('gcc', ['-g', '-O1', '-shared', '-fPIC', '-o', 'libprog.so', 'prog.c'], dir);
    run('objcopy', ['--only-keep-debug', 'prog', 'prog.debug'], dir);
    run('objcopy', ['--strip-debug', '--add-gnu-debuglink=prog.debug', 'prog', 'prog.stripped'], dir);
    run('objcopy', ['--compress-debug-sections=zlib', 'prog', 'prog.zdebug'], dir);
    run('objcopy', ['--dump-section', '.debug_info=debug_info.bin', 'prog'], dir);
    run('gcc', ['-c', '-o', 'prog.o', 'prog.c'], dir);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('tells executables, shared objects, debug files and objects apart', async () => {
    expect((await open(join(dir, 'prog'))).kind).toBe('executable');
    expect((await open(join(dir, 'prog-nopie'))).kind).toBe('executable');
    expect((await open(join(dir, 'libprog.so'))).kind).toBe('shared-object');
    expect((await open(join(dir, 'prog.debug'))).kind).toBe('debug');
    expect((await open(join(dir, 'prog.o'))).kind).toBe('relocatable');
  });

  it('gives the debug file the build-id of its executable, and no code bytes', async () => {
    const exe = await open(join(dir, 'prog'));
    const debug = await open(join(dir, 'prog.debug'));
    expect(exe.buildId).toBe(readelfBuildId(join(dir, 'prog')));
    expect(debug.buildId).toBe(exe.buildId);
    const text = debug.section('.text');
    expect(text?.addr).toBe(exe.section('.text')?.addr);
    expect(await debug.readSection('.text')).toBeUndefined();
    expect(await debug.readAtVaddr(text?.addr ?? 0n, 4)).toBeUndefined();
  });

  it('reads the debug link objcopy wrote, with the CRC-32 of the debug file', async () => {
    const stripped = await open(join(dir, 'prog.stripped'));
    expect(stripped.debuglink).toEqual({ name: 'prog.debug', crc: crc32(readFileSync(join(dir, 'prog.debug'))) });
    expect((await open(join(dir, 'prog'))).debuglink).toBeUndefined();
  });

  it('inflates a zlib-compressed debug section to the bytes objcopy dumps uncompressed', async () => {
    const z = await open(join(dir, 'prog.zdebug'));
    expect((z.section('.debug_info')?.flags ?? 0) & 0x800).toBe(0x800);
    const inflated = await z.readSection('.debug_info');
    expect(Buffer.from(inflated?.bytes ?? []).equals(readFileSync(join(dir, 'debug_info.bin')))).toBe(true);
  });

  it('reads code by link-time address in a non-PIE executable', async () => {
    const image = await open(join(dir, 'prog-nopie'));
    const main = /^([0-9a-f]+) T main$/m.exec(run('nm', [join(dir, 'prog-nopie')]))?.[1];
    const text = image.section('.text');
    const file = readFileSync(join(dir, 'prog-nopie'));
    const addr = BigInt(`0x${main}`);
    const off = (text?.offset ?? 0) + Number(addr - (text?.addr ?? 0n));
    expect(Buffer.from((await image.readAtVaddr(addr, 16)) ?? []).equals(file.subarray(off, off + 16))).toBe(true);
  });
});

describe.skipIf(noSystemFiles)('bad input', () => {
  const libc = noSystemFiles ? new Uint8Array(0) : new Uint8Array(readFileSync(LIBC));

  async function failure(bytes: Uint8Array): Promise<string> {
    const started = Date.now();
    try {
      await openElfImage(new MemorySource(bytes));
    } catch (e) {
      expect(e).toBeInstanceOf(ImageError);
      expect(Date.now() - started).toBeLessThan(2000);
      return (e as Error).message;
    }
    throw new Error('opened');
  }

  function patched(edit: (v: DataView) => void, length = libc.length): Uint8Array {
    const copy = libc.slice(0, length);
    edit(new DataView(copy.buffer));
    return copy;
  }

  it('rejects an empty file, garbage and a bare magic', async () => {
    expect(await failure(new Uint8Array(0))).toMatch(/empty/);
    expect(await failure(new TextEncoder().encode('hello, this is text and not an ELF file at all'))).toMatch(
      /not an ELF file/,
    );
    expect(await failure(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toMatch(/ELF/);
    expect(await failure(libc.slice(0, 40))).toMatch(/too short/);
  });

  it('rejects a file cut before its section headers', async () => {
    expect(await failure(libc.slice(0, 100_000))).toMatch(/section headers past the end of the file/);
  });

  it('rejects absurd counts and offsets without reading them', async () => {
    // e_phnum = 0xfffe with 56-byte entries runs past the end of the file.
    expect(await failure(patched((v) => v.setUint16(56, 0xfffe, true)))).toMatch(/program headers/);
    // e_shoff far beyond the file.
    expect(await failure(patched((v) => v.setBigUint64(40, 1n << 50n, true)))).toMatch(/section headers/);
    // e_shentsize not 64.
    expect(await failure(patched((v) => v.setUint16(58, 12, true)))).toMatch(/e_shentsize/);
    // e_shnum = 0 defers to section header 0, whose sh_size claims 2^40 sections.
    const shoff = Number(new DataView(libc.buffer, libc.byteOffset).getBigUint64(40, true));
    const huge = patched((v) => {
      v.setUint16(60, 0, true);
      v.setBigUint64(shoff + 32, 1n << 40n, true);
    });
    expect(await failure(huge)).toMatch(/sections/);
  });

  it('rejects a section whose bytes lie past the end of the file when it is read', async () => {
    const image = await openElfImage(new MemorySource(libc));
    const dynsym = image.section('.dynsym');
    const sh = Number(new DataView(libc.buffer, libc.byteOffset).getBigUint64(40, true)) + (dynsym?.index ?? 0) * 64;
    const broken = await openElfImage(new MemorySource(patched((v) => v.setBigUint64(sh + 32, 1n << 40n, true))));
    await expect(broken.readSection('.dynsym')).rejects.toThrow(ImageError);
  });

  it('gives an image, a partial result or an ImageError for randomly corrupted headers, never anything else', async () => {
    const ls = new Uint8Array(readFileSync(LS));
    const shoff = Number(new DataView(ls.buffer, ls.byteOffset).getBigUint64(40, true));
    let state = 12345;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    let opened = 0;
    let rejected = 0;
    for (let round = 0; round < 150; round++) {
      const bytes = ls.slice();
      for (let k = 0; k < 8; k++) {
        // The ELF and program headers, or the section header table (sizes, offsets, links, types).
        const at = random(2) === 0 ? random(64 + 13 * 56) : shoff + random(ls.length - shoff);
        bytes[at] = random(256);
      }
      try {
        const image = await openElfImage(new MemorySource(bytes));
        await loadSymbols(image, () => undefined);
        await image.readSection('.text').catch((e: unknown) => {
          if (!(e instanceof ImageError)) throw e;
        });
        opened++;
      } catch (e) {
        expect(e).toBeInstanceOf(ImageError);
        rejected++;
      }
    }
    expect(opened + rejected).toBe(150);
    expect(opened).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
