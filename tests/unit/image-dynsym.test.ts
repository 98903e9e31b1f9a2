/**
 * Exported functions read from a process's memory: from this very test process (its libc, whose .dynamic ld.so
 * relocated in place, read through /proc/self/mem), and from memory built out of the libc file's segments mapped
 * at a base, both as a loader that relocates .dynamic leaves it and as one that does not. The names are checked
 * against readelf --dyn-syms and the count against the file's own .dynsym.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { dynamicSymbolsFromMemory } from '../../src/core/image/dump-dynsym';
import { openElfImage, type ElfImage } from '../../src/core/image/elf-image';
import { loadSymbols, type SymbolTable } from '../../src/core/image/symbols';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
/** An x86_64 Debian/Ubuntu libc and binutils' readelf as the oracle. */
const noLibc = !existsSync(LIBC) || spawnSync('readelf', ['-v']).status !== 0;

type Read = (address: bigint, length: number) => Promise<Uint8Array | undefined>;

interface Func {
  readonly value: bigint;
  readonly size: number;
  readonly name: string;
}

/** readelf --dyn-syms: defined functions with a size. */
function readelfFunctions(path: string): Func[] {
  const out = spawnSync('readelf', ['--dyn-syms', '-W', path], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  return out
    .split('\n')
    .map((l) => /^\s*\d+:\s+([0-9a-f]+)\s+(\S+)\s+I?FUNC\s+\S+\s+\S+\s+(\d+)\s+(\S+)/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ value: BigInt(`0x${m[1]}`), size: Number(m[2]), name: (m[4] ?? '').replace(/@.*$/, '') }))
    .filter((f) => f.size > 0);
}

function expectNames(table: SymbolTable, functions: readonly Func[]): void {
  let state = 3;
  for (let i = 0; i < 50; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const f = functions[state % functions.length];
    if (f === undefined) throw new Error('no functions');
    const address = f.value + BigInt(state % f.size);
    const aliases = functions.filter((g) => g.value === f.value).map((g) => g.name);
    const hit = table.lookup(address);
    expect(aliases, `0x${address.toString(16)}`).toContain(hit?.name);
    expect(hit?.offset).toBe(Number(address - f.value));
  }
}

/** Memory holding `image`'s PT_LOADs at `base` (file bytes, then zeros up to p_memsz), with edits applied. */
function mappedImage(image: ElfImage, file: Uint8Array, base: bigint) {
  const segments = image.loads.map((l) => {
    const bytes = new Uint8Array(l.memSize);
    bytes.set(file.subarray(l.fileOffset, l.fileOffset + l.fileSize));
    return { start: base + l.vaddr, bytes };
  });
  const read: Read = (address, length) => {
    for (const s of segments) {
      if (address < s.start) continue;
      const at = Number(address - s.start);
      if (at + length <= s.bytes.length) return Promise.resolve(s.bytes.slice(at, at + length));
    }
    return Promise.resolve(undefined);
  };
  const view = (address: bigint) => {
    for (const s of segments) {
      const at = Number(address - s.start);
      if (address >= s.start && at < s.bytes.length) return new DataView(s.bytes.buffer, at);
    }
    throw new Error(`0x${address.toString(16)} not mapped`);
  };
  return { read, view };
}

describe.skipIf(noLibc)('the .dynsym of libc in memory', () => {
  let file: Uint8Array;
  let image: ElfImage;
  let fromFile: SymbolTable;
  let functions: Func[];
  beforeAll(async () => {
    file = new Uint8Array(readFileSync(LIBC));
    image = await openElfImage(new MemorySource(file), LIBC);
    fromFile = await loadSymbols(image);
    functions = readelfFunctions(LIBC);
  });

  const base = 0x7f12_3456_0000n;
  const dynamicTags = (m: ReturnType<typeof mappedImage>) => {
    const dynamic = image.section('.dynamic');
    const tags: { at: bigint; tag: number; value: bigint }[] = [];
    for (let i = 0; i < (dynamic?.size ?? 0) / 16; i++) {
      const at = base + (dynamic?.addr ?? 0n) + BigInt(i * 16);
      const v = m.view(at);
      tags.push({ at, tag: Number(v.getBigUint64(0, true)), value: v.getBigUint64(8, true) });
    }
    return tags;
  };

  it('is read from an unrelocated .dynamic (a read-only one, or a loader that does not relocate)', async () => {
    const m = mappedImage(image, file, base);
    const table = await dynamicSymbolsFromMemory(m.read, { start: base, base }, 64, true);
    expect(table?.count).toBe(fromFile.count);
    expectNames(table ?? fromFile, functions);
  });

  it('is read from a .dynamic that ld.so relocated in place, even when the bias is smaller than the image', async () => {
    for (const bias of [base, 0x10000n]) {
      const m = mappedImage(image, file, bias);
      for (const t of dynamicTags({ view: (a) => m.view(a - base + bias), read: m.read })) {
        // DT_HASH, DT_STRTAB, DT_SYMTAB, DT_GNU_HASH: the pointers glibc relocates.
        if ([4, 5, 6, 0x6ffffef5].includes(t.tag)) m.view(t.at - base + bias).setBigUint64(8, t.value + bias, true);
      }
      const table = await dynamicSymbolsFromMemory(m.read, { start: bias, base: bias }, 64, true);
      expect(table?.count).toBe(fromFile.count);
      expectNames(table ?? fromFile, functions);
    }
  });

  it('is undefined when a byte of the string table is not in memory', async () => {
    const m = mappedImage(image, file, base);
    const dynstr = image.section('.dynstr');
    const strStart = base + (dynstr?.addr ?? 0n);
    const strEnd = strStart + BigInt(dynstr?.size ?? 0);
    const holed: typeof m.read = (address, length) =>
      address < strEnd && address + BigInt(length) > strStart + 100n
        ? Promise.resolve(undefined)
        : m.read(address, length);
    expect(await dynamicSymbolsFromMemory(holed, { start: base, base }, 64, true)).toBeUndefined();
  });

  it('is undefined for a module header that is not ELF, and for absurd hash tables', async () => {
    const m = mappedImage(image, file, base);
    expect(await dynamicSymbolsFromMemory(m.read, { start: base + 0x1000n, base }, 64, true)).toBeUndefined();
    expect(await dynamicSymbolsFromMemory(m.read, { start: base, base }, 32, true)).toBeUndefined();
    const gnuHash = dynamicTags(m).find((t) => t.tag === 0x6ffffef5);
    m.view(base + (gnuHash?.value ?? 0n)).setUint32(0, 0xffffffff, true);
    const started = Date.now();
    expect(await dynamicSymbolsFromMemory(m.read, { start: base, base }, 64, true)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });
  it('gives a table or undefined for randomly corrupted headers, .dynamic and hash table, never a throw', async () => {
    const m = mappedImage(image, file, base);
    const gnuHash = image.section('.gnu.hash');
    const dynamic = image.section('.dynamic');
    const places = [
      { at: 0n, size: 64 + 14 * 56 },
      { at: dynamic?.addr ?? 0n, size: dynamic?.size ?? 0 },
      { at: gnuHash?.addr ?? 0n, size: 64 },
    ];
    let state = 99;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let round = 0; round < 60; round++) {
      const edits: { view: DataView; old: number }[] = [];
      for (let k = 0; k < 4; k++) {
        const place = places[random(places.length)] ?? places[0];
        const view = m.view(base + (place?.at ?? 0n) + BigInt(random(place?.size ?? 1)));
        edits.push({ view, old: view.getUint8(0) });
        view.setUint8(0, random(256));
      }
      const table = await dynamicSymbolsFromMemory(m.read, { start: base, base }, 64, true);
      expect(table === undefined || table.count >= 0).toBe(true);
      for (const e of edits.reverse()) e.view.setUint8(0, e.old);
    }
  });
});

describe.skipIf(noLibc)('the .dynsym of libc in this process, read through /proc/self/mem', () => {
  const mapping = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((l) => /^([0-9a-f]+)-[0-9a-f]+ r\S+ 0+ \S+ \d+\s+(\S+)$/.exec(l))
    .find((m): m is RegExpExecArray => m !== null && m[2] === LIBC);
  let fd = -1;
  beforeAll(() => {
    try {
      fd = openSync('/proc/self/mem', 'r');
    } catch {
      fd = -1;
    }
  });
  afterAll(() => {
    if (fd >= 0) closeSync(fd);
  });

  it('names functions as readelf does', async (context) => {
    if (mapping === undefined || fd < 0) {
      context.skip('libc is not mapped from its usual path, or /proc/self/mem cannot be read');
      return;
    }
    const start = BigInt(`0x${mapping[1]}`);
    const read: Read = (address, length) => {
      const buffer = new Uint8Array(length);
      try {
        return Promise.resolve(readSync(fd, buffer, 0, length, address) === length ? buffer : undefined);
      } catch {
        return Promise.resolve(undefined);
      }
    };
    // libc's first PT_LOAD is at link-time address 0, so the bias is where it is mapped.
    const table = await dynamicSymbolsFromMemory(read, { start, base: start }, 64, true);
    const fromFile = await loadSymbols(await openElfImage(new MemorySource(new Uint8Array(readFileSync(LIBC)))));
    expect(table?.count).toBe(fromFile.count);
    expectNames(table ?? fromFile, readelfFunctions(LIBC));
  });
});
