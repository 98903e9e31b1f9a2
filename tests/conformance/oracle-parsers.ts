/**
 * Parsers for the corpus' oracle files (see ../shared/corpus/PROVENANCE.md for which tool produced what, and which
 * oracle to trust for which fact). Each parser reads one tool's text format and nothing else: no value here comes
 * from the engine. Formats:
 * - `readelf -W -h -l -n` (binutils 2.40) and `llvm-readelf -W -h -l -n` (LLVM 19): ELF header, program headers,
 *   note list. llvm-readelf prints raw "description data" for notes it does not decode and decodes NT_FILE with
 *   offsets in PAGES; binutils cannot decode 64-bit NT_FILE at all. LLVM 19 does not resolve PN_XNUM.
 * - `eu-readelf -n` (elfutils 0.188): decoded PRSTATUS/PRPSINFO/SIGINFO/FILE (offsets in BYTES) for the machines it
 *   knows; only the note header line for the others (MIPS, hppa, LoongArch, BSD notes).
 * - `eu-unstrip -n --core` lines: `0xSTART+0xSIZE BUILDID@NOTEADDR FILE DEBUGFILE NAME`, `-` = none.
 * - PROVENANCE.md's summary table of ELF cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORPUS_DIR, ORACLE_DIR } from './corpus-notes';

/** An oracle text file, or its `.gz` twin (the PN_XNUM listings are stored gzipped); undefined when absent. */
export function readOracleText(file: string): string | undefined {
  const p = join(ORACLE_DIR, file);
  if (existsSync(p)) return readFileSync(p, 'utf8');
  if (existsSync(`${p}.gz`)) return gunzipSync(readFileSync(`${p}.gz`)).toString('utf8');
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// readelf / llvm-readelf

export interface ReadelfHeader {
  /** "ELF32" / "ELF64". */
  readonly elfClass: string;
  readonly endian: 'little' | 'big';
  /** The Machine: line as printed ("Advanced Micro Devices X86-64", "9026" when the tool does not know it). */
  readonly machine: string;
  readonly type: string;
  /** e_phnum as written. */
  readonly phnum: number;
  /** binutils prints `65535 (66000)` for PN_XNUM: the resolved count. */
  readonly phnumResolved?: number;
}

export function parseReadelfHeader(text: string): ReadelfHeader | undefined {
  const field = (label: string) => new RegExp(`^\\s+${label}:\\s+(.*?)\\s*$`, 'm').exec(text)?.[1];
  const elfClass = field('Class');
  const data = field('Data');
  const machine = field('Machine');
  const type = field('Type');
  const ph = field('Number of program headers');
  if (elfClass === undefined || data === undefined || machine === undefined || type === undefined || ph === undefined)
    return undefined;
  const m = /^(\d+)(?: \((\d+)\))?$/.exec(ph);
  if (m?.[1] === undefined) return undefined;
  return {
    elfClass,
    endian: /big endian/.test(data) ? 'big' : 'little',
    machine,
    type,
    phnum: Number(m[1]),
    ...(m[2] !== undefined ? { phnumResolved: Number(m[2]) } : {}),
  };
}

export interface OraclePhdr {
  /** Row index in the table = program header index. */
  readonly index: number;
  readonly type: string;
  readonly offset: bigint;
  readonly vaddr: bigint;
  readonly filesz: bigint;
  readonly memsz: bigint;
  /** PF_X 1, PF_W 2, PF_R 4 (from the `Flg` column). */
  readonly flags: number;
}

const PHDR_ROW =
  /^ {2}(\S+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) ([R ])([W ])([E ]) /;

/** The `Program Headers:` table of readelf / llvm-readelf -W, in file order. */
export function parseReadelfProgramHeaders(text: string): OraclePhdr[] {
  const start = text.indexOf('\nProgram Headers:\n');
  if (start < 0) return [];
  const out: OraclePhdr[] = [];
  let at = text.indexOf('\n', start + 1) + 1; // skip "Program Headers:"
  at = text.indexOf('\n', at) + 1; // skip the column titles
  while (at > 0 && at < text.length) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end < 0 ? text.length : end);
    const m = PHDR_ROW.exec(line);
    if (m === null) break;
    const [, type = '', offset = '0', vaddr = '0', , filesz = '0', memsz = '0', r, w, e] = m;
    out.push({
      index: out.length,
      type,
      offset: BigInt(`0x${offset}`),
      vaddr: BigInt(`0x${vaddr}`),
      filesz: BigInt(`0x${filesz}`),
      memsz: BigInt(`0x${memsz}`),
      flags: (r === 'R' ? 4 : 0) | (w === 'W' ? 2 : 0) | (e === 'E' ? 1 : 0),
    });
    if (end < 0) break;
    at = end + 1;
  }
  return out;
}

export interface LlvmNote {
  readonly owner: string;
  readonly size: number;
  /** "NT_PRSTATUS", "NT_FILE", … or "Unknown note type: (0x00000020)". */
  readonly typeName: string;
  /** Raw descriptor ("description data:"), when llvm-readelf printed it. */
  readonly desc?: Uint8Array;
  /** NT_FILE decoded by llvm-readelf. */
  readonly file?: {
    readonly pageSize: number;
    readonly entries: { start: bigint; end: bigint; pageOffset: bigint; path: string }[];
  };
}

/** The note list of llvm-readelf -n, in file order (all PT_NOTE segments). */
export function parseLlvmNotes(text: string): LlvmNote[] {
  const out: LlvmNote[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {2}(\S+)\s+0x([0-9a-f]{8})\t(.*?)\s*$/.exec(lines[i] ?? '');
    if (m === null) continue;
    const [, owner = '', size = '0', typeName = ''] = m;
    const note: { owner: string; size: number; typeName: string; desc?: Uint8Array; file?: LlvmNote['file'] } = {
      owner,
      size: parseInt(size, 16),
      // "NT_PRSTATUS (prstatus structure)" → "NT_PRSTATUS"; "Unknown note type: (0x00000020)" is kept whole.
      typeName: typeName.startsWith('NT_') ? typeName.replace(/ \(.*\)$/, '').trim() : typeName.trim(),
    };
    const data = /^\s+description data:((?: [0-9a-f]{2})*)\s*$/.exec(lines[i + 1] ?? '');
    if (data) {
      const hex = (data[1] ?? '').trim();
      note.desc = hex === '' ? new Uint8Array(0) : Uint8Array.from(hex.split(' '), (h) => parseInt(h, 16));
    }
    if (note.typeName === 'NT_FILE') {
      const page = /^\s+Page size: (\d+)/.exec(lines[i + 1] ?? '');
      const entries: { start: bigint; end: bigint; pageOffset: bigint; path: string }[] = [];
      for (let j = i + 3; j + 1 < lines.length; j += 2) {
        const e = /^ {4}0x([0-9a-f]+) {2}0x([0-9a-f]+) {2}0x([0-9a-f]+)$/.exec(lines[j] ?? '');
        if (e === null) break;
        const path = (lines[j + 1] ?? '').replace(/^ {8}/, '');
        entries.push({ start: BigInt(`0x${e[1]}`), end: BigInt(`0x${e[2]}`), pageOffset: BigInt(`0x${e[3]}`), path });
      }
      if (page) note.file = { pageSize: Number(page[1]), entries };
    }
    out.push(note);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// eu-readelf -n

export interface EuNote {
  readonly owner: string;
  readonly size: number;
  /** "PRSTATUS", "PRPSINFO", "SIGINFO", "FILE", "AUXV", "<unknown>: 32", … */
  readonly type: string;
  /** The decoded lines under the header (indented 4+), empty when eu-readelf did not decode the note. */
  readonly body: readonly string[];
}

export function parseEuReadelfNotes(text: string): EuNote[] {
  const out: EuNote[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {2}(\S+)\s+(\d+)\s{2}(.+?)\s*$/.exec(lines[i] ?? '');
    if (m === null || m[1] === 'Owner') continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && /^ {4}/.test(lines[j] ?? ''); j++) body.push(lines[j] ?? '');
    out.push({ owner: m[1] ?? '', size: Number(m[2]), type: m[3] ?? '', body });
  }
  return out;
}

/** `key: value` pairs of an eu-readelf note body (numbers decimal or 0x hex; other values kept as text). */
function euFields(body: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of body) {
    for (const m of line.matchAll(/([A-Za-z_][\w.]*): (\S+?)(?:,|$| )/g)) {
      if (m[1] !== undefined && m[2] !== undefined && !fields.has(m[1])) fields.set(m[1], m[2]);
    }
  }
  return fields;
}

export interface EuPrpsinfo {
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly fname: string;
  /** As printed, including the kernel's trailing space. */
  readonly psargs: string;
}

export function euPrpsinfo(note: EuNote): EuPrpsinfo | undefined {
  if (note.type !== 'PRPSINFO' || note.body.length === 0) return undefined;
  const f = euFields(note.body);
  const names = note.body.map((l) => /^\s+fname: (.*?), psargs: (.*)$/.exec(l)).find((m) => m !== null);
  if (names == null) return undefined;
  return {
    uid: Number(f.get('uid')),
    gid: Number(f.get('gid')),
    pid: Number(f.get('pid')),
    ppid: Number(f.get('ppid')),
    fname: names[1] ?? '',
    psargs: names[2] ?? '',
  };
}

export interface EuSiginfo {
  readonly signo: number;
  readonly errno: number;
  readonly code: number;
  /** Printed for kernel-raised fault signals ("fault address: 0x…"). */
  readonly faultAddress?: bigint;
}

export function euSiginfo(note: EuNote): EuSiginfo | undefined {
  if (note.type !== 'SIGINFO' || note.body.length === 0) return undefined;
  const f = euFields(note.body);
  const fault = note.body.map((l) => /^\s+fault address: (\S+)/.exec(l)?.[1]).find((v) => v !== undefined);
  return {
    signo: Number(f.get('si_signo')),
    errno: Number(f.get('si_errno')),
    code: Number(f.get('si_code')),
    ...(fault !== undefined ? { faultAddress: BigInt(fault) } : {}),
  };
}

export interface EuFileEntry {
  readonly start: bigint;
  readonly end: bigint;
  /** BYTES (eu-readelf multiplies by the page size). */
  readonly offset: bigint;
  readonly path: string;
}

export function euFileEntries(note: EuNote): EuFileEntry[] | undefined {
  if (note.type !== 'FILE' || note.body.length === 0) return undefined;
  const out: EuFileEntry[] = [];
  for (const line of note.body) {
    const m = /^ {6}([0-9a-f]+)-([0-9a-f]+) ([0-9a-f]+) (-?\d+) +(.*)$/.exec(line);
    if (m === null) continue;
    out.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), offset: BigInt(`0x${m[3]}`), path: m[5] ?? '' });
  }
  return out;
}

/** The `Expected eu-readelf -n … output` code block of an elfutils expected.md (run-readelf-mixed-corenote.sh). */
export function expectedEuReadelfBlock(expectedMd: string): string | undefined {
  return /## Expected `eu-readelf -n[^`]*` output[^\n]*\n```\n([\s\S]*?)```/.exec(expectedMd)?.[1];
}

// ---------------------------------------------------------------------------------------------------------------
// eu-unstrip -n --core

export interface UnstripModule {
  readonly start: bigint;
  readonly size: bigint;
  readonly buildId?: string;
  /** The module name column (path from the link map / NT_FILE, soname, `[exe]`, `[pie]`, …). */
  readonly name: string;
}

export function parseEuUnstrip(text: string): UnstripModule[] {
  const out: UnstripModule[] = [];
  for (const line of text.split('\n')) {
    const m = /^0x([0-9a-f]+)\+0x([0-9a-f]+) (\S+) (\S+) (\S+) (.*)$/.exec(line);
    if (m === null) continue;
    const id = m[3] ?? '-';
    out.push({
      start: BigInt(`0x${m[1]}`),
      size: BigInt(`0x${m[2]}`),
      ...(id !== '-' ? { buildId: id.replace(/@0x[0-9a-f]+$/, '') } : {}),
      name: m[6] ?? '',
    });
  }
  return out;
}

/** Code blocks of an expected.md that hold eu-unstrip output lines. */
export function expectedUnstripBlocks(expectedMd: string): string[] {
  return [...expectedMd.matchAll(/## Expected `eu-unstrip -n[^\n]*\n```\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

// ---------------------------------------------------------------------------------------------------------------
// PROVENANCE.md summary table

export interface ProvenanceRow {
  readonly arch: string;
  readonly bits: number;
  readonly endian: 'little' | 'big';
  readonly loads: number;
  /** NT_PRSTATUS count, or the BSD per-thread register-note count. */
  readonly threads: number;
  readonly ntFile: boolean;
  /** Bytes of the (decompressed) core. */
  readonly size: number;
}

/** `| file | arch | bits | endian | #PT_LOAD | #threads | NT_FILE? | size (bytes) | remarks |`, keyed by core name. */
export function parseProvenanceSummary(): Map<string, ProvenanceRow> {
  const out = new Map<string, ProvenanceRow>();
  const p = join(CORPUS_DIR, 'PROVENANCE.md');
  if (!existsSync(p)) return out;
  const row =
    /^\| `(?:compressed\/)?([^`]+?)\.core(?:\.gz)?` \| ([^|]+) \| (32|64) \| (LE|BE) \| (\d+) \| (\d+)[^|]* \| (yes|no) \| (\d+)(?: \(gz; (\d+) raw\))? \|/gm;
  for (const m of readFileSync(p, 'utf8').matchAll(row)) {
    const [, name = '', arch = '', bits, endian, loads, threads, ntFile, size, raw] = m;
    out.set(name, {
      arch: arch.trim(),
      bits: Number(bits),
      endian: endian === 'BE' ? 'big' : 'little',
      loads: Number(loads),
      threads: Number(threads),
      ntFile: ntFile === 'yes',
      size: Number(raw ?? size),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// expected.md helpers

/** Text of the fenced block right after a heading line that contains `heading`. */
export function codeBlockAfter(expectedMd: string, heading: string): string | undefined {
  const at = expectedMd.indexOf(heading);
  if (at < 0) return undefined;
  return /```\n([\s\S]*?)```/.exec(expectedMd.slice(at))?.[1];
}
