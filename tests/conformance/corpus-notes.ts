/**
 * Test helper: a deliberately small, independent ELF core reader for the conformance tests (it does not use
 * the engine's ELF code, so a bug there cannot hide a bug here), plus parsers for the oracle text files.
 * Reads the corpus in place (COREVIEW_CORPUS, else ../shared/corpus beside the repository); nothing is copied into it.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const CORPUS_DIR =
  process.env.COREVIEW_CORPUS ?? fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const ORACLE_DIR = join(CORPUS_DIR, 'oracle');

export interface CorpusNote {
  readonly name: string;
  readonly type: number;
  readonly desc: Uint8Array;
}

export interface CorpusLoad {
  readonly vaddr: bigint;
  readonly memsz: bigint;
  /** PF_X 1, PF_W 2, PF_R 4. */
  readonly flags: number;
}

export interface CorpusCore {
  /** Corpus name without directory and .core/.core.gz ("elfutils-backtrace.x32"). */
  readonly name: string;
  readonly machine: number;
  readonly bits: 32 | 64;
  readonly endian: 'little' | 'big';
  readonly flags: number;
  readonly notes: readonly CorpusNote[];
  readonly loads: readonly CorpusLoad[];
}

/** Every ELF core of the corpus: top-level *.core and compressed/*.core.gz. */
export function corpusCoreFiles(): string[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const top = readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.core'))
    .map((f) => join(CORPUS_DIR, f));
  const gzDir = join(CORPUS_DIR, 'compressed');
  const gz = existsSync(gzDir)
    ? readdirSync(gzDir)
        .filter((f) => f.endsWith('.core.gz'))
        .map((f) => join(gzDir, f))
    : [];
  return [...top, ...gz].sort();
}

/**
 * Why the corpus suites skip as a group, or undefined when they run: the corpus sits beside the repository on the
 * project's own machines and in CI, not in a clone of it.
 */
export function corpusSkipReason(): string | undefined {
  if (!existsSync(CORPUS_DIR)) return `${CORPUS_DIR} not found`;
  return corpusCoreFiles().length === 0 ? `no cores in ${CORPUS_DIR}` : undefined;
}

export function coreName(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.core(\.gz)?$/, '');
}

/** Reads a core; undefined for PN_XNUM files (e_phnum 0xffff: the corpus' two are synthetic and have no notes). */
export function loadCorpusCore(path: string): CorpusCore | undefined {
  let bytes: Uint8Array = readFileSync(path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== 0x7f454c46) throw new Error(`${path}: not ELF`);
  const bits = bytes[4] === 2 ? 64 : 32;
  const little = bytes[5] === 1;
  const u16 = (o: number) => dv.getUint16(o, little);
  const u32 = (o: number) => dv.getUint32(o, little);
  const word = (o: number) => (bits === 64 ? dv.getBigUint64(o, little) : BigInt(dv.getUint32(o, little)));
  const num = (o: number) => Number(word(o));
  const machine = u16(18);
  const phoff = bits === 64 ? num(32) : num(28);
  const flags = bits === 64 ? u32(48) : u32(36);
  const phentsize = bits === 64 ? u16(54) : u16(42);
  const phnum = bits === 64 ? u16(56) : u16(44);
  if (phnum === 0xffff) return undefined;
  const notes: CorpusNote[] = [];
  const loads: CorpusLoad[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const type = u32(p);
    if (type === 1) {
      loads.push(
        bits === 64
          ? { vaddr: word(p + 16), memsz: word(p + 40), flags: u32(p + 4) }
          : { vaddr: word(p + 8), memsz: word(p + 20), flags: u32(p + 24) },
      );
    }
    if (type !== 4) continue;
    const offset = bits === 64 ? num(p + 8) : num(p + 4);
    const filesz = bits === 64 ? num(p + 32) : num(p + 16);
    const end = Math.min(offset + filesz, bytes.length);
    let at = offset;
    while (at + 12 <= end) {
      const namesz = u32(at);
      const descsz = u32(at + 4);
      const ntype = u32(at + 8);
      const nameBytes = bytes.subarray(at + 12, at + 12 + namesz);
      const nul = nameBytes.indexOf(0);
      const descAt = at + 12 + Math.ceil(namesz / 4) * 4;
      if (descAt + descsz > end) break;
      notes.push({
        name: Buffer.from(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes).toString('latin1'),
        type: ntype,
        desc: bytes.subarray(descAt, descAt + descsz),
      });
      at = descAt + Math.ceil(descsz / 4) * 4;
    }
  }
  return { name: coreName(path), machine, bits, endian: little ? 'little' : 'big', flags, notes, loads };
}

export function readOracle(file: string): string | undefined {
  const p = join(ORACLE_DIR, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

export interface EuPrstatus {
  /** pid, ppid, cursig, info.si_signo, … as printed in the header lines. */
  readonly header: ReadonlyMap<string, bigint>;
  /** Register name (eu-readelf's spelling) to value, from the lines after "utime:". Empty if not decoded. */
  readonly registers: ReadonlyMap<string, bigint>;
}

const PAIR = /([A-Za-z_][\w.]*):\s+(-?0x[0-9a-fA-F]+|-?\d+)(?![\d.])/g;

function pairs(line: string, into: Map<string, bigint>): void {
  for (const m of line.matchAll(PAIR)) {
    const [, key, raw] = m;
    if (key === undefined || raw === undefined) continue;
    const neg = raw.startsWith('-');
    const v = BigInt(neg ? raw.slice(1) : raw);
    into.set(key, neg ? -v : v);
  }
}

/** The PRSTATUS blocks of an eu-readelf -n listing, in file order. */
export function parseEuReadelfPrstatus(text: string): EuPrstatus[] {
  const out: EuPrstatus[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s+CORE\s+\d+\s+PRSTATUS\s*$/.test(lines[i] ?? '')) continue;
    const header = new Map<string, bigint>();
    const registers = new Map<string, bigint>();
    let inRegs = false;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (!/^ {4}\S/.test(line)) break;
      if (inRegs) pairs(line, registers);
      else pairs(line, header);
      if (/^\s+utime:/.test(line)) inRegs = true;
    }
    out.push({ header, registers });
  }
  return out;
}

/** The raw NT_PRSTATUS descriptors printed by llvm-readelf ("description data: 0b 00 …"), in file order. */
export function parseLlvmReadelfPrstatusBytes(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s+CORE\s+0x[0-9a-f]+\s+NT_PRSTATUS\b/.test(lines[i] ?? '')) continue;
    const m = /description data:((?: [0-9a-f]{2})+)/.exec(lines[i + 1] ?? '');
    if (m?.[1]) out.push(Uint8Array.from(m[1].trim().split(' '), (h) => parseInt(h, 16)));
  }
  return out;
}

/** `| key | value |` rows of an expected.md file. */
export function expectedRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of text.matchAll(/^\| ([^|]+?) \| ([^|]+?) \|$/gm)) {
    if (m[1] !== undefined && m[2] !== undefined) rows.set(m[1], m[2]);
  }
  return rows;
}

/** `name = 0x…` lines of the rizin "core regs" blocks of an expected.md file. */
export function rizinRegisters(text: string): Map<string, bigint> {
  const regs = new Map<string, bigint>();
  const block = /core regs[^\n]*\n```\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  for (const m of block.matchAll(/^(\w+) = (0x[0-9a-f]+)$/gm)) {
    if (m[1] !== undefined && m[2] !== undefined) regs.set(m[1], BigInt(m[2]));
  }
  return regs;
}
