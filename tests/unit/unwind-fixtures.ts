/**
 * Fixtures for the unwinder's tests: ELF sections read with readelf's section table and node:fs, readelf's own
 * decoding of the call frame tables (`--debug-dump=frames-interp`) as the oracle, register sets built from a
 * name → value map, and an in-memory UnwindSpace (sparse memory, modules, executable ranges).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BinaryView } from '../../src/core/elf/binary-view';
import { RegisterSet } from '../../src/core/types';
import type { UnwindModule, UnwindSection, UnwindSpace } from '../../src/core/unwind/unwind-space';

export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export interface SectionInfo {
  readonly vaddr: bigint;
  readonly offset: number;
  readonly size: number;
}

/** `readelf -SW`: name → address, file offset, size. */
export function sectionTable(path: string): Map<string, SectionInfo> {
  const out = execFileSync('readelf', ['-SW', path], { encoding: 'utf8' });
  const table = new Map<string, SectionInfo>();
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (m) table.set(m[1]!, { vaddr: BigInt(`0x${m[2]}`), offset: parseInt(m[3]!, 16), size: parseInt(m[4]!, 16) });
  }
  return table;
}

/** A section's bytes at its link-time address, read from the file. */
export function sectionBytes(path: string, name: string): UnwindSection | undefined {
  const info = sectionTable(path).get(name);
  if (info === undefined) return undefined;
  const file = readFileSync(path);
  return { vaddr: info.vaddr, bytes: new Uint8Array(file.subarray(info.offset, info.offset + info.size)) };
}

export interface OracleRow {
  readonly loc: bigint;
  /** Column name → readelf's text ("rsp+16", "c-8", "u", "exp", …); CFA under "CFA". */
  readonly columns: ReadonlyMap<string, string>;
}

export interface OracleFde {
  readonly section: string;
  readonly cie: number;
  readonly pcBegin: bigint;
  readonly pcEnd: bigint;
  readonly rows: readonly OracleRow[];
  /** The CIE's augmentation has 'S' (a signal trampoline). */
  readonly signal: boolean;
}

/** readelf --debug-dump=frames-interp: every FDE with its rows (an FDE without rows takes its CIE's). */
export function readelfFrames(path: string): OracleFde[] {
  // readelf exits 1 on files without .debug_info even when it printed every table: its output is what counts.
  const out = spawnSync('readelf', ['--debug-dump=frames-interp', '-W', path], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  }).stdout;
  const fdes: OracleFde[] = [];
  const cieRows = new Map<string, OracleRow[]>();
  const cieSignal = new Set<string>();
  let section = '';
  let current:
    | { kind: 'cie' | 'fde'; key: string; fde?: { cie: number; pcBegin: bigint; pcEnd: bigint }; rows: OracleRow[] }
    | undefined;
  let header: string[] = [];
  const flush = (): void => {
    if (current === undefined) return;
    if (current.kind === 'cie') cieRows.set(current.key, current.rows);
    else if (current.fde !== undefined) {
      const rows =
        current.rows.length > 0
          ? current.rows
          : (cieRows.get(`${section}:${current.fde.cie}`) ?? []).map((r) => ({ ...r, loc: current!.fde!.pcBegin }));
      fdes.push({ section, ...current.fde, rows, signal: cieSignal.has(`${section}:${current.fde.cie}`) });
    }
    current = undefined;
  };
  for (const line of out.split('\n')) {
    const sec = /^Contents of the (\S+) section/.exec(line);
    if (sec) {
      flush();
      section = sec[1]!;
      continue;
    }
    if (/^[0-9a-f]+ ZERO terminator/.test(line)) {
      flush();
      header = [];
      continue;
    }
    const cie = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ CIE "([^"]*)"/.exec(line);
    if (cie) {
      flush();
      if (cie[2]!.includes('S')) cieSignal.add(`${section}:${parseInt(cie[1]!, 16)}`);
      current = { kind: 'cie', key: `${section}:${parseInt(cie[1]!, 16)}`, rows: [] };
      header = [];
      continue;
    }
    const fde = /^[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line);
    if (fde) {
      flush();
      current = {
        kind: 'fde',
        key: '',
        fde: { cie: parseInt(fde[1]!, 16), pcBegin: BigInt(`0x${fde[2]}`), pcEnd: BigInt(`0x${fde[3]}`) },
        rows: [],
      };
      header = [];
      continue;
    }
    if (/^\s+LOC\s+CFA/.test(line)) {
      header = line.trim().split(/\s+/);
      continue;
    }
    const row = /^([0-9a-f]+)\s+(.*)$/.exec(line);
    if (row && current !== undefined && header.length > 0) {
      // A register rule prints as "r9 (r9)": one value, named by what is in the parentheses.
      const values = (row[2]!.match(/r\d+ \([^)]*\)|\S+/g) ?? []).map((v) => /\((.*)\)/.exec(v)?.[1] ?? v);
      const columns = new Map<string, string>();
      header.slice(1).forEach((name, i) => columns.set(name, values[i] ?? ''));
      current.rows.push({ loc: BigInt(`0x${row[1]}`), columns });
    }
  }
  flush();
  return fdes;
}

/** A register set holding `values` (name → value), laid out as 8- or 4-byte slots. */
export function registers(values: Record<string, bigint>, size: 4 | 8 = 8): RegisterSet {
  const names = Object.keys(values);
  const bytes = new Uint8Array(names.length * size);
  const view = new DataView(bytes.buffer);
  names.forEach((name, i) => {
    if (size === 8) view.setBigUint64(i * size, values[name]!, true);
    else view.setUint32(i * size, Number(values[name]!), true);
  });
  const slots = names.map((name, i) => ({ name, offset: i * size, size }));
  return new RegisterSet(new BinaryView(bytes, 'little', size === 8 ? 64 : 32), 0, slots);
}

/** An UnwindSpace over byte ranges placed in memory, with modules and executable ranges. */
export class TestSpace implements UnwindSpace {
  readonly ranges: { start: bigint; bytes: Uint8Array }[] = [];
  readonly modules: UnwindModule[] = [];
  readonly code: { start: bigint; end: bigint }[] = [];
  reads = 0;

  constructor(
    readonly arch: string,
    readonly bits: 32 | 64 = 64,
    readonly littleEndian = true,
  ) {}

  map(start: bigint, bytes: Uint8Array): this {
    this.ranges.push({ start, bytes });
    return this;
  }

  /** A stack of `words` (64- or 32-bit little-endian) at `start`. */
  mapWords(start: bigint, words: readonly bigint[]): this {
    const size = this.bits / 8;
    const bytes = new Uint8Array(words.length * size);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => {
      if (size === 8) view.setBigUint64(i * size, w, this.littleEndian);
      else view.setUint32(i * size, Number(w), this.littleEndian);
    });
    return this.map(start, bytes);
  }

  executableRange(start: bigint, end: bigint): this {
    this.code.push({ start, end });
    return this;
  }

  addModule(module: UnwindModule): this {
    this.modules.push(module);
    this.code.push({ start: module.start, end: module.end });
    return this;
  }

  read(address: bigint, length: number): Promise<Uint8Array | undefined> {
    this.reads++;
    for (const r of this.ranges) {
      if (address >= r.start && address + BigInt(length) <= r.start + BigInt(r.bytes.length)) {
        const at = Number(address - r.start);
        return Promise.resolve(r.bytes.subarray(at, at + length));
      }
    }
    return Promise.resolve(undefined);
  }

  module(pc: bigint): Promise<UnwindModule | undefined> {
    return Promise.resolve(this.modules.find((m) => pc >= m.start && pc < m.end));
  }

  executable(pc: bigint): boolean {
    return this.code.some((c) => pc >= c.start && pc < c.end);
  }
}

/** A file mapped whole at `base` (its link-time address 0 → base), with its frame sections, as a module. */
export function fileModule(
  path: string,
  base: bigint,
  sections = ['.eh_frame_hdr', '.eh_frame'],
): { module: UnwindModule; file: Uint8Array } {
  const file = new Uint8Array(readFileSync(path));
  const module: UnwindModule = {
    path,
    start: base,
    end: base + BigInt(file.length),
    bias: base,
    ehFrameHdr: sections.includes('.eh_frame_hdr') ? sectionBytes(path, '.eh_frame_hdr') : undefined,
    ehFrame: sections.includes('.eh_frame') ? sectionBytes(path, '.eh_frame') : undefined,
    debugFrame: sections.includes('.debug_frame') ? sectionBytes(path, '.debug_frame') : undefined,
  };
  return { module, file };
}

/** A dynamic symbol's address (`nm -D`), by name. */
export function dynamicSymbol(path: string, name: string): bigint | undefined {
  const out = execFileSync('nm', ['-D', '--defined-only', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of out.split('\n')) {
    const [address, , symbol] = line.trim().split(/\s+/);
    if (symbol !== undefined && address !== undefined && symbol.replace(/@.*$/, '') === name)
      return BigInt(`0x${address}`);
  }
  return undefined;
}

/** objdump's instructions in [start, end): address and mnemonic text. */
export function disassemble(path: string, start: bigint, end: bigint): { address: bigint; text: string }[] {
  const out = execFileSync(
    'objdump',
    [
      '-d',
      '--no-show-raw-insn',
      `--start-address=0x${start.toString(16)}`,
      `--stop-address=0x${end.toString(16)}`,
      path,
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const lines: { address: bigint; text: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s+([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m) lines.push({ address: BigInt(`0x${m[1]}`), text: m[2]!.trim() });
  }
  return lines;
}

/** readelf's row text for `column` at link-time `pc`. */
export function oracleAt(fdes: readonly OracleFde[], pc: bigint, column: string): string | undefined {
  const fde = fdes.find((f) => pc >= f.pcBegin && pc < f.pcEnd);
  if (fde === undefined) return undefined;
  let text: string | undefined;
  for (const row of fde.rows) if (row.loc <= pc) text = row.columns.get(column);
  return text;
}

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export interface BuiltCie {
  readonly codeAlign: number;
  readonly dataAlign: number;
  readonly ra: number;
  readonly initial: readonly number[];
  /** Extra augmentation letters after "zR" (e.g. "S"). */
  readonly extra?: string;
}

export interface BuiltFde {
  readonly start: bigint;
  readonly length: number;
  readonly instructions: readonly number[];
  /** Overrides the CIE pointer field (for damaged tables). */
  readonly ciePointer?: number;
}

/** An .eh_frame (little-endian) at `vaddr`: one "zR" CIE with pcrel sdata4 addresses, its FDEs, a terminator. */
export function buildEhFrame(vaddr: bigint, cie: BuiltCie, fdes: readonly BuiltFde[]): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const record = (body: number[]): void => {
    while ((body.length + 4) % 4 !== 0) body.push(0); // DW_CFA_nop padding
    out.push(...u32(body.length), ...body);
  };
  const augmentation = `zR${cie.extra ?? ''}`;
  record([
    ...u32(0),
    1,
    ...Array.from(new TextEncoder().encode(augmentation)),
    0,
    ...uleb(cie.codeAlign),
    ...sleb(cie.dataAlign),
    ...uleb(cie.ra),
    1,
    0x1b,
    ...cie.initial,
  ]);
  for (const fde of fdes) {
    const fieldOffset = out.length + 4;
    const pcField = fieldOffset + 4;
    const pcrel = Number(fde.start - (vaddr + BigInt(pcField)));
    record([...u32(fde.ciePointer ?? fieldOffset), ...u32(pcrel >>> 0), ...u32(fde.length), 0, ...fde.instructions]);
  }
  out.push(0, 0, 0, 0);
  return new Uint8Array(out);
}
