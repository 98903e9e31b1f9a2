/**
 * The call frame rows the unwinder decodes, checked row by row against readelf's own interpretation
 * (`readelf --debug-dump=frames-interp`) for this machine's libc (.eh_frame through .eh_frame_hdr, and through
 * the linear index when the header is left out), for a gcc -O2 program, and for the .debug_frame gcc writes with
 * -g -fno-asynchronous-unwind-tables (its bytes taken with objcopy).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleCfi } from '../../src/core/unwind/cfi-table';
import type { CfiRow } from '../../src/core/unwind/cfi-row';
import type { UnwindModule } from '../../src/core/unwind/unwind-space';
import { hasTool, readelfFrames, sectionBytes, type OracleFde } from './unwind-fixtures';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const X86_64_NAMES = [
  'rax',
  'rdx',
  'rcx',
  'rbx',
  'rsi',
  'rdi',
  'rbp',
  'rsp',
  'r8',
  'r9',
  'r10',
  'r11',
  'r12',
  'r13',
  'r14',
  'r15',
];

/** Our row in readelf's notation, for the columns readelf shows. */
function asReadelf(row: CfiRow, column: string): string {
  if (column === 'CFA') {
    if (row.cfa.kind === 'expression') return 'exp';
    const off = row.cfa.offset;
    return `${X86_64_NAMES[row.cfa.register] ?? `r${row.cfa.register}`}${off >= 0n ? '+' : ''}${off}`;
  }
  const reg = column === 'ra' ? row.raColumn : X86_64_NAMES.indexOf(column);
  const rule = row.rules.get(reg);
  if (rule === undefined) return 'u';
  switch (rule.kind) {
    case 'undefined':
      return 'u';
    case 'same':
      return 's';
    case 'offset':
      return `c${rule.offset >= 0n ? '+' : ''}${rule.offset}`;
    case 'val-offset':
      return `v${rule.offset >= 0n ? '+' : ''}${rule.offset}`;
    case 'register':
      return X86_64_NAMES[rule.register] ?? `r${rule.register}`;
    case 'expression':
      return 'exp';
    case 'val-expression':
      return 'vexp';
  }
}

/** Checks every row of every FDE at its first pc and its last; returns how many pcs were compared. */
function compare(cfi: ModuleCfi, fdes: readonly OracleFde[]): number {
  let checked = 0;
  const mismatches: string[] = [];
  for (const fde of fdes) {
    if (fde.pcEnd <= fde.pcBegin) continue;
    fde.rows.forEach((row, i) => {
      const end = fde.rows[i + 1]?.loc ?? fde.pcEnd;
      for (const pc of new Set([row.loc, end - 1n])) {
        if (pc < fde.pcBegin || pc >= fde.pcEnd) continue;
        const ours = cfi.row(pc);
        checked++;
        if (ours === undefined) {
          mismatches.push(`0x${pc.toString(16)}: no row`);
          continue;
        }
        for (const [column, text] of row.columns) {
          if (column !== 'CFA' && column !== 'ra' && !X86_64_NAMES.includes(column)) continue;
          const mine = asReadelf(ours, column);
          if (mine !== text) mismatches.push(`0x${pc.toString(16)} ${column}: readelf ${text}, ours ${mine}`);
        }
      }
    });
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
  return checked;
}

function moduleOf(
  path: string,
  sections: { ehFrameHdr?: boolean; ehFrame?: boolean; debugFrame?: boolean },
): UnwindModule {
  return {
    path,
    start: 0n,
    end: 1n << 40n,
    bias: 0n,
    ehFrameHdr: sections.ehFrameHdr === true ? sectionBytes(path, '.eh_frame_hdr') : undefined,
    ehFrame: sections.ehFrame === true ? sectionBytes(path, '.eh_frame') : undefined,
    debugFrame: sections.debugFrame === true ? sectionBytes(path, '.debug_frame') : undefined,
  };
}

const haveReadelf = hasTool('readelf');
const haveGcc = hasTool('gcc');

describe.skipIf(!haveReadelf || !existsSync(LIBC))('CFI rows of libc agree with readelf', () => {
  const fdes = haveReadelf && existsSync(LIBC) ? readelfFrames(LIBC).filter((f) => f.section === '.eh_frame') : [];

  it('through the .eh_frame_hdr search table', () => {
    const cfi = new ModuleCfi(moduleOf(LIBC, { ehFrameHdr: true, ehFrame: true }), true, 8);
    expect(fdes.length).toBeGreaterThan(1000);
    expect(compare(cfi, fdes)).toBeGreaterThan(5000);
  });

  it('through the linear index of .eh_frame when there is no header', () => {
    const cfi = new ModuleCfi(moduleOf(LIBC, { ehFrame: true }), true, 8);
    expect(compare(cfi, fdes)).toBeGreaterThan(5000);
  });

  it('finds no row between functions', () => {
    const cfi = new ModuleCfi(moduleOf(LIBC, { ehFrameHdr: true, ehFrame: true }), true, 8);
    const sorted = [...fdes].sort((a, b) => (a.pcBegin < b.pcBegin ? -1 : 1));
    let gaps = 0;
    for (let i = 0; i + 1 < sorted.length && gaps < 200; i++) {
      const a = sorted[i]!;
      const b = sorted[i + 1]!;
      if (b.pcBegin > a.pcEnd) {
        expect(cfi.row(a.pcEnd)).toBeUndefined();
        gaps++;
      }
    }
    expect(gaps).toBeGreaterThan(10);
  });
});

const PROGRAM = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <alloca.h>
#include <stdarg.h>
__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }
__attribute__((noinline)) int recurse(int n, int *out) {
  int buf[64];
  memset(buf, n, sizeof buf);
  if (n <= 0) return leaf(buf[3]);
  out[n & 7] += buf[n & 63];
  return recurse(n - 1, out) + leaf(n);
}
__attribute__((noinline)) int dynamic(int n) {
  char *p = alloca(n + 16);
  memset(p, 1, n + 16);
  return p[n] + recurse(n % 5, (int *)p);
}
__attribute__((noinline)) long sum(int count, ...) {
  va_list ap; long total = 0;
  va_start(ap, count);
  for (int i = 0; i < count; i++) total += va_arg(ap, long);
  va_end(ap);
  return total;
}
__attribute__((noinline)) double mixed(double a, long b, long c, long d, long e, long f, long g) {
  long r[8] = { b, c, d, e, f, g, b ^ c, d ^ e };
  double t = a;
  for (int i = 0; i < 8; i++) t += r[i] * (a - i);
  return t + sum(3, b, c, d);
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 7;
  printf("%d %ld %f\\n", dynamic(n), sum(4, 1L, 2L, 3L, (long)n), mixed(1.5, n, 2, 3, 4, 5, 6));
  return 0;
}
`;

function build(flags: string[], compiler = 'gcc'): string {
  const dir = mkdtempSync(join(tmpdir(), 'coreview-unwind-'));
  const source = join(dir, 'p.c');
  const binary = join(dir, 'p');
  writeFileSync(source, PROGRAM);
  execFileSync(compiler, [...flags, '-o', binary, source]);
  return binary;
}

describe.skipIf(!haveReadelf || !haveGcc)('CFI rows of a gcc program agree with readelf', () => {
  it('gcc -O2: .eh_frame', () => {
    const binary = build(['-O2']);
    const fdes = readelfFrames(binary).filter((f) => f.section === '.eh_frame');
    const cfi = new ModuleCfi(moduleOf(binary, { ehFrameHdr: true, ehFrame: true }), true, 8);
    expect(compare(cfi, fdes)).toBeGreaterThan(20);
  });

  it('gcc -O0 -fno-omit-frame-pointer: rbp-based CFA rows', () => {
    const binary = build(['-O0', '-fno-omit-frame-pointer']);
    const fdes = readelfFrames(binary).filter((f) => f.section === '.eh_frame');
    expect(fdes.some((f) => f.rows.some((r) => r.columns.get('CFA') === 'rbp+16'))).toBe(true);
    const cfi = new ModuleCfi(moduleOf(binary, { ehFrameHdr: true, ehFrame: true }), true, 8);
    expect(compare(cfi, fdes)).toBeGreaterThan(20);
  });

  it.skipIf(!hasTool('objcopy'))('gcc -g -fno-asynchronous-unwind-tables: .debug_frame', () => {
    const binary = build(['-O2', '-g', '-fno-asynchronous-unwind-tables']);
    const fdes = readelfFrames(binary).filter((f) => f.section === '.debug_frame');
    expect(fdes.length).toBeGreaterThanOrEqual(5);
    const out = `${binary}.debug_frame`;
    execFileSync('objcopy', [
      '-O',
      'binary',
      '--only-section=.debug_frame',
      '--set-section-flags',
      '.debug_frame=alloc',
      binary,
      out,
    ]);
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes.length).toBeGreaterThan(0);
    const module: UnwindModule = {
      path: binary,
      start: 0n,
      end: 1n << 40n,
      bias: 0n,
      debugFrame: { vaddr: 0n, bytes },
    };
    expect(compare(new ModuleCfi(module, true, 8), fdes)).toBeGreaterThan(15);
  });
});

describe.skipIf(!haveReadelf || !hasTool('clang'))('CFI rows of a clang program agree with readelf', () => {
  it('clang -O2: .eh_frame', () => {
    const binary = build(['-O2'], 'clang');
    const fdes = readelfFrames(binary).filter((f) => f.section === '.eh_frame');
    const cfi = new ModuleCfi(moduleOf(binary, { ehFrameHdr: true, ehFrame: true }), true, 8);
    expect(compare(cfi, fdes)).toBeGreaterThan(20);
  });
});
