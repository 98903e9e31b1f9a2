/**
 * Symbol tables of real files named the way binutils names them: for sampled addresses inside functions, the
 * name must be one of the functions readelf -sW says cover the address (the nearest start; aliases share it).
 * Programs compiled here add what system files do not show on demand: size-less functions, a 1.5 MiB gap, a
 * stripped binary whose local functions live only in MiniDebugInfo (.gnu_debugdata, built as Fedora builds it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/io/byte-source';
import { openElfImage, type ElfImage } from '../../src/core/image/elf-image';
import { loadSymbols, SymbolTable } from '../../src/core/image/symbols';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const NODE = process.execPath;

function run(cmd: string, args: string[], cwd?: string): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', cwd, maxBuffer: 1 << 30 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${out.stderr}`);
  return out.stdout;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function open(path: string): Promise<ElfImage> {
  return openElfImage(new MemorySource(new Uint8Array(readFileSync(path))), path);
}

interface Sym {
  readonly value: bigint;
  readonly size: number;
  readonly type: string;
  readonly ndx: string;
  readonly name: string;
}

/** readelf -sW rows of every symbol table (.dynsym and .symtab), version suffixes dropped. */
function readelfSymbols(path: string, dynamicOnly = false): Sym[] {
  return run('readelf', [dynamicOnly ? '--dyn-syms' : '-sW', '-W', path])
    .split('\n')
    .map((l) => /^\s*\d+:\s+([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({
      value: BigInt(`0x${m[1]}`),
      size: Number(m[2]),
      type: m[3] ?? '',
      ndx: m[6] ?? '',
      name: (m[7] ?? '').replace(/@.*$/, ''),
    }));
}

const isCode = (s: Sym) => (s.type === 'FUNC' || s.type === 'IFUNC') && s.ndx !== 'UND' && s.ndx !== 'ABS';

/** The names of the sized functions that cover `address` and start nearest below it. */
function coveringNames(functions: readonly Sym[], address: bigint): Set<string> {
  let best: bigint | undefined;
  const names = new Set<string>();
  for (const f of functions) {
    if (f.size <= 0 || address < f.value || address >= f.value + BigInt(f.size)) continue;
    if (best === undefined || f.value > best) {
      best = f.value;
      names.clear();
    }
    if (f.value === best) names.add(f.name);
  }
  return names;
}

/** A small deterministic generator, so that a failure repeats. */
function sampler(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

function checkSample(table: SymbolTable, functions: readonly Sym[], count: number, seed: number): void {
  const sized = functions.filter((f) => f.size > 0);
  const pick = sampler(seed);
  for (let i = 0; i < count; i++) {
    const f = sized[pick(sized.length)];
    if (f === undefined) throw new Error('no functions');
    const address = f.value + BigInt(pick(f.size));
    const expected = coveringNames(sized, address);
    const hit = table.lookup(address);
    expect(hit, `0x${address.toString(16)} in ${f.name}`).toBeDefined();
    expect(
      expected.has(hit?.name ?? ''),
      `0x${address.toString(16)}: ${hit?.name} not in ${[...expected].join(', ')}`,
    ).toBe(true);
    const start = sized.find((g) => g.name === hit?.name && g.value <= address && address - g.value < g.size);
    expect(hit?.offset).toBe(Number(address - (start?.value ?? 0n)));
  }
}

describe.skipIf(!existsSync(LIBC) || !has('readelf'))('the system libc (.dynsym only)', () => {
  it('names 50 sampled addresses as readelf does', async () => {
    const image = await open(LIBC);
    const table = await loadSymbols(image);
    const functions = readelfSymbols(LIBC).filter(isCode);
    expect(table.count).toBeGreaterThan(1000);
    checkSample(table, functions, 50, 7);
  });

  it('names nothing before the first section or far beyond the last', async () => {
    const table = await loadSymbols(await open(LIBC));
    expect(table.lookup(0n)).toBeUndefined();
    expect(table.lookup(0x7fff_0000_0000n)).toBeUndefined();
    expect(table.lookup(0xffff_ffff_ffff_fff0n)).toBeUndefined();
  });
});

describe('a table of 100k+ symbols (this node binary)', () => {
  // Entries of .symtab and .dynsym, from the section sizes readelf -SW prints (24-byte Elf64_Sym).
  const symbolCount = existsSync(NODE)
    ? run('readelf', ['-SW', NODE])
        .split('\n')
        .map((l) => /\s(?:SYMTAB|DYNSYM)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+18\s/.exec(l)?.[1])
        .reduce((n, size) => n + (size === undefined ? 0 : Number.parseInt(size, 16) / 24), 0)
    : 0;
  if (symbolCount < 100_000) {
    it.skip(`skipped: ${NODE} has ${symbolCount} symbols, fewer than 100k`, () => {});
    return;
  }
  it('loads quickly and names 50 sampled addresses as readelf does', async () => {
    const image = await open(NODE);
    const started = performance.now();
    const table = await loadSymbols(image);
    const built = performance.now() - started;
    const lookups = performance.now();
    for (let i = 0; i < 10_000; i++) table.lookup(0x400000n + BigInt(i * 4099));
    const looked = performance.now() - lookups;
    console.log(
      `${table.count} symbols (of ${symbolCount}): built in ${built.toFixed(0)} ms, 10k lookups ${looked.toFixed(0)} ms`,
    );
    // Bounds loose enough for a CI machine running other suites at once (an idle one reads and builds this table in
    // a few tens of ms): they catch a quadratic sort or walk, which would take minutes here, not a slow machine.
    expect(built).toBeLessThan(10_000);
    expect(looked).toBeLessThan(5_000);
    checkSample(table, readelfSymbols(NODE).filter(isCode), 50, 11);
  });
});

const missing = ['gcc', 'objcopy', 'strip', 'xz', 'nm', 'readelf'].filter((t) => !has(t));
describe('programs compiled here', () => {
  if (missing.length > 0) {
    it.skip(`skipped: ${missing.join(', ')} not installed`, () => {});
    return;
  }
  let dir = '';
  const at = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'coreview-symbols-'));
    writeFileSync(
      at('prog.c'),
      [
        '#include <stdio.h>',
        '__attribute__((noinline)) static int helper(int x) { return x * 3 + 1; }',
        '__attribute__((noinline)) static int other_local(int x) { return helper(x) ^ 0x55; }',
        '__attribute__((noinline)) int compute(int n) { int s = 0; for (int i = 0; i < n; i++) s += other_local(i); return s; }',
        '__asm__(".section .text.labels,\\"ax\\",@progbits\\n"',
        '        ".globl zero_a\\n.type zero_a,@function\\nzero_a:\\n nop\\n nop\\n nop\\n ret\\n"',
        '        ".globl zero_b\\n.type zero_b,@function\\nzero_b:\\n ret\\n"',
        '        ".skip 0x180000, 0x90\\n"',
        '        ".globl after_gap\\n.type after_gap,@function\\nafter_gap:\\n ret\\n.size after_gap, 1\\n"',
        '        ".text\\n");',
        'int main(int argc, char **argv) { printf("%d\\n", compute(argc * 10)); return 0; }',
      ].join('\n'),
    );
    run('gcc', ['-g', '-O1', '-o', 'prog', 'prog.c'], dir);
    run('objcopy', ['--only-keep-debug', 'prog', 'prog.debug'], dir);
    run('strip', ['--strip-all', '-o', 'prog.stripped', 'prog'], dir);
    // MiniDebugInfo as Fedora's find-debuginfo makes it: the function symbols that .dynsym lacks, kept in an
    // otherwise empty copy of the debug file, xz-compressed into the stripped binary's .gnu_debugdata.
    run(
      'sh',
      [
        '-c',
        [
          "nm -D prog --format=posix --defined-only | awk '{ print $1 }' | sort > dynsyms",
          'nm prog.debug --format=posix --defined-only | awk \'{ if ($2 == "T" || $2 == "t" || $2 == "D") print $1 }\' | sort > funcsyms',
          'comm -13 dynsyms funcsyms > keep_symbols',
          'objcopy -S --remove-section .gdb_index --remove-section .comment --keep-symbols=keep_symbols prog.debug mini_debuginfo',
          'xz -f mini_debuginfo',
          'objcopy --add-section .gnu_debugdata=mini_debuginfo.xz prog.stripped prog.mini',
        ].join(' && '),
      ],
      dir,
    );
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const value = (syms: readonly Sym[], name: string) => {
    const s = syms.find((x) => x.name === name);
    if (s === undefined) throw new Error(`${name} not in readelf's output`);
    return s.value;
  };

  it('names every sized function of the program as readelf does', async () => {
    const table = await loadSymbols(await open(at('prog')));
    const functions = readelfSymbols(at('prog')).filter(isCode);
    for (const f of functions.filter((x) => x.size > 0)) {
      for (const delta of [0n, BigInt(f.size - 1)]) {
        const hit = table.lookup(f.value + delta);
        expect(coveringNames(functions, f.value + delta).has(hit?.name ?? '')).toBe(true);
      }
    }
  });

  it('lets a size-less function cover up to the next symbol, never more than 1 MiB', async () => {
    const table = await loadSymbols(await open(at('prog')));
    const syms = readelfSymbols(at('prog'));
    const a = value(syms, 'zero_a');
    const b = value(syms, 'zero_b');
    expect(table.lookup(a + 2n)).toEqual({ name: 'zero_a', offset: 2, size: 0 });
    expect(table.lookup(b)).toEqual({ name: 'zero_b', offset: 0, size: 0 });
    expect(table.lookup(b + 0x100n)).toEqual({ name: 'zero_b', offset: 0x100, size: 0 });
    expect(table.lookup(b + 0x100001n)).toBeUndefined();
    expect(table.lookup(value(syms, 'after_gap'))).toEqual({ name: 'after_gap', offset: 0, size: 1 });
  });

  it('never answers with a symbol of another section', async () => {
    const image = await open(at('prog'));
    const table = await loadSymbols(image);
    const rodata = image.section('.rodata');
    const fini = image.section('.fini');
    expect(rodata).toBeDefined();
    // The nearest code symbol below .rodata is in .fini (_fini, size-less), which ends before .rodata starts.
    const below = readelfSymbols(at('prog'))
      .filter((s) => isCode(s) && s.value <= (rodata?.addr ?? 0n))
      .sort((x, y) => (x.value < y.value ? 1 : -1))[0];
    expect(below?.name).toBe('_fini');
    expect((fini?.addr ?? 0n) + BigInt(fini?.size ?? 0)).toBeLessThanOrEqual(rodata?.addr ?? 0n);
    expect(table.lookup(rodata?.addr ?? 0n)).toBeUndefined();
  });

  it('reads the same names from the separate debug file', async () => {
    const table = await loadSymbols(await open(at('prog.debug')));
    const syms = readelfSymbols(at('prog'));
    expect(table.lookup(value(syms, 'helper') + 1n)?.name).toBe('helper');
    expect(table.lookup(value(syms, 'compute'))?.name).toBe('compute');
  });

  it('finds local functions of a stripped binary in its MiniDebugInfo', async () => {
    const image = await open(at('prog.mini'));
    expect(image.section('.symtab')).toBeUndefined();
    expect(image.section('.gnu_debugdata')).toBeDefined();
    const syms = readelfSymbols(at('prog'));
    const stripped = await loadSymbols(await open(at('prog.stripped')));
    const helper = value(syms, 'helper');
    expect(stripped.lookup(helper + 1n)).toBeUndefined();
    const warnings: string[] = [];
    const table = await loadSymbols(image, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(table.lookup(helper + 1n)?.name).toBe('helper');
    expect(table.lookup(value(syms, 'other_local'))?.name).toBe('other_local');
    expect(table.lookup(value(syms, 'compute'))?.name).toBe('compute');
  });

  it('skips a corrupt MiniDebugInfo with a warning', async () => {
    const bytes = new Uint8Array(readFileSync(at('prog.mini')));
    const image = await openElfImage(new MemorySource(bytes));
    const s = image.section('.gnu_debugdata');
    bytes.fill(0x41, (s?.offset ?? 0) + 40, (s?.offset ?? 0) + (s?.size ?? 0));
    const warnings: string[] = [];
    const table = await loadSymbols(await openElfImage(new MemorySource(bytes)), (w) => warnings.push(w));
    expect(warnings.join('\n')).toMatch(/MiniDebugInfo skipped: .gnu_debugdata: xz data is corrupt/);
    expect(table.lookup(value(readelfSymbols(at('prog')), 'main'))).toBeUndefined();
  });

  it('merges tables without repeating a symbol', async () => {
    const exe = await loadSymbols(await open(at('prog')));
    const debug = await loadSymbols(await open(at('prog.debug')));
    const merged = SymbolTable.merge([exe, debug]);
    expect(merged.count).toBe(exe.count);
    const syms = readelfSymbols(at('prog'));
    expect(merged.lookup(value(syms, 'main'))?.name).toBe('main');
    expect(SymbolTable.merge([]).count).toBe(0);
    expect(SymbolTable.merge([]).lookup(value(syms, 'main'))).toBeUndefined();
  });
});
