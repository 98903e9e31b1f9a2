/**
 * Conformance: every ELF core of ../shared/corpus through analyzeCore, compared with the independent oracles in
 * ../shared/corpus/oracle (read PROVENANCE.md there: which tool to trust for which fact).
 *
 * One `it` per core; every comparison is a "check" (field, ours, oracle value, which oracle said so) and one
 * expect. Oracles that agree with each other are merged into one check ("readelf+llvm-readelf"); oracles that
 * disagree each get their own, so a wrong oracle shows up as such. Disagreements that are understood are listed in
 * KNOWN below with the reason — a known entry is asserted to STILL disagree, so a fix (or a new oracle) forces the
 * table to be updated. Registers are checked by prstatus-corpus.test.ts, not here.
 *
 * Which oracle for what (PROVENANCE.md "Oracle caveats"):
 * - ELF header, program headers: binutils readelf (resolves PN_XNUM; LLVM 19's llvm-readelf does not) and
 *   llvm-readelf; Go's debug/elf test table for go-hello-world-core.
 * - NT_FILE: llvm-readelf (page offsets, converted here with its page size) and eu-readelf (byte offsets); binutils
 *   2.40 cannot print 64-bit NT_FILE.
 * - NT_PRSTATUS count/tids/cursig, NT_PRPSINFO, NT_SIGINFO: eu-readelf where it decodes the machine, and the raw
 *   descriptor bytes llvm-readelf prints (decoded here from the kernel's struct layouts) everywhere.
 * - Modules: eu-unstrip -n --core (it also walks the link map, as the engine does without NT_FILE, and scans the
 *   dumped pages for ELF headers, which the engine does not).
 * - Values the source projects' tests assert (oracle/*.expected.md) wherever they map onto the Analysis.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { isDumpError } from '../../src/core/errors';
import { MemorySource } from '../../src/core/io/byte-source';
import type { Analysis, Module, Region } from '../../src/core/types';
import { coreBytes, coreSize, corpusEntries, openCore, type CorpusEntry } from './corpus-files';
import { corpusSkipReason, expectedRows, parseEuReadelfPrstatus, rizinRegisters } from './corpus-notes';
import {
  codeBlockAfter,
  euFileEntries,
  euPrpsinfo,
  euSiginfo,
  expectedEuReadelfBlock,
  expectedUnstripBlocks,
  parseEuReadelfNotes,
  parseEuUnstrip,
  parseLlvmNotes,
  parseProvenanceSummary,
  parseReadelfHeader,
  parseReadelfProgramHeaders,
  readOracleText,
  type EuNote,
  type LlvmNote,
  type OraclePhdr,
  type UnstripModule,
} from './oracle-parsers';

// ---------------------------------------------------------------------------------------------------------------
// Known, explained disagreements: THE table. `core`/`field`/`source` match a check (strings exactly, RegExps by
// test); `kind` says whose side is wrong: the oracle's, ours by design, or a gap in the engine (to be fixed; the
// entry then goes away).

interface Known {
  readonly core: string | RegExp;
  readonly field: string | RegExp;
  /** Substring of the check's oracle source, when only one oracle disagrees. */
  readonly source?: string;
  readonly kind: 'oracle' | 'by design' | 'engine gap';
  readonly reason: string;
}

const PN_XNUM_CORES = /^(elfutils-testfile-phdrs|rizin-more-than-65535-segments)$/;
const MIPS_CORES = /^(lldb-linux-mips.*|rizin-core-linux-mips.*)$/;

/** Cores without NT_FILE whose images the process's records (auxv, the link map) do not place either. */
const UNPLACED_IMAGE_CORES = /^(elfutils-testfile66|lldb-netbsd-.*|rizin-core-openbsd-sparc64)$/;

const KNOWN: readonly Known[] = [
  // --- the oracle is wrong
  {
    core: PN_XNUM_CORES,
    field: /^(dump\.(programHeaders|loadSegments)|regions\.totalSize \(PT_LOAD regions\))$/,
    source: 'llvm-readelf',
    kind: 'oracle',
    reason:
      'LLVM 19 llvm-readelf does not resolve PN_XNUM: it prints e_phnum (65535) and lists only 65535 headers (binutils readelf prints the real count)',
  },
  {
    core: MIPS_CORES,
    field: /^process\.(signalCode|signalErrno|faultAddress)$/,
    source: 'eu-readelf',
    kind: 'oracle',
    reason:
      "eu-readelf 0.188 decodes MIPS siginfo in the generic order (signo, errno, code); MIPS has si_code before si_errno (arch/mips/include/uapi/asm/siginfo.h), so it also sees si_code 0 and prints no fault address; the raw bytes decoded in MIPS's order agree with the engine",
  },
  {
    core: 'elfutils-test-core',
    field: /^module@0x7f67f2(a|c)af000 \(test-core-lib\.so\) buildId$/,
    source: 'eu-unstrip',
    kind: 'oracle',
    reason:
      "without -e, eu-unstrip 0.188 places test-core-lib.so at 0x7f67f2caf000, the value elfutils' own test calls the old failure; with -e (and in the test's expected output) it is 0x7f67f2aaf000, where NT_FILE and the engine put it",
  },
  {
    core: /^(angr-true-libc-ld|lief-ELF64_x86-64_core_hello-c|rizin-core-linux-arm64)$/,
    field: /^module@0x[0-9a-f]+ \(\[vdso\]\) buildId$/,
    source: 'eu-unstrip',
    kind: 'oracle',
    reason:
      'eu-unstrip 0.188 does not list the vDSO of these cores, yet its ELF header and build-id are in the dump at AT_SYSINFO_EHDR (checked with eu-readelf -n on the extracted page)',
  },
  {
    core: /^lldb-linux-(mipsel-gnuabio32|mips64el-gnuabin32)$/,
    field: /^(files\.count|files\[\d+\])$/,
    source: 'readelf',
    kind: 'oracle',
    reason:
      'the MIPS kernel wrote NT_FILE with 64-bit words into this ELF32 core; llvm-readelf and eu-readelf decode 32-bit words and print a garbage mapping; the engine detects the 64-bit layout and agrees with the note decoded by hand',
  },
  // --- ours differs by design
  {
    core: 'elfutils-testfile-phdrs',
    field: 'regions.totalSize (PT_LOAD regions)',
    kind: 'by design',
    reason:
      'the 66000 PT_LOADs are identical (synthetic file): overlapping PT_LOADs are clipped so each byte is counted once (model/regions.ts), the PT_LOAD sum counts it 66000 times',
  },
  {
    core: /^lldb-gcore-linux-(i386|x86_64)$/,
    field: 'threads[*].stopSignal',
    kind: 'by design',
    reason:
      "gdb's gcore writes pr_cursig 0 and one NT_SIGINFO (SIGSTOP) per thread; lldb reports the per-thread NT_SIGINFO, the engine reports pr_cursig per thread and the first NT_SIGINFO as the process signal (process.signal = 19 agrees)",
  },
  {
    core: 'elfutils-test-core',
    field: 'module@0x400000 (test-core.exec) buildId',
    source: 'eu-unstrip -e',
    kind: 'by design',
    reason:
      "elfutils' test hands eu-unstrip the executable (-e test-core.exec); the core holds neither its ELF header (p_filesz 0) nor a .so name, so the engine does not list it (plain eu-unstrip does not either)",
  },
  // --- gaps in the engine (to be fixed; the entry then goes away)
  {
    core: UNPLACED_IMAGE_CORES,
    field: /^module@/,
    kind: 'engine gap',
    reason:
      "no NT_FILE note, and the engine's fallback (the executable at AT_PHDR or by its entry point, the link map, ld.so at AT_BASE) does not reach these images: a link-map entry whose name is not in the dump and an AT_BASE that is not ld.so's (testfile66), BSD cores (no link map read); eu-unstrip also scans every dumped page for ELF headers",
  },
];

function knownFor(core: string, c: { field: string; source: string }): Known | undefined {
  const match = (p: string | RegExp, v: string) => (typeof p === 'string' ? p === v : p.test(v));
  return KNOWN.find(
    (k) => match(k.core, core) && match(k.field, c.field) && (k.source === undefined || c.source.includes(k.source)),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

interface OracleValue {
  readonly source: string;
  readonly value: string;
}

interface Check {
  readonly field: string;
  readonly ours: string;
  readonly oracle: string;
  /** Which oracle(s) gave this value, joined with "+". */
  readonly source: string;
  known?: Known;
}

/** CONFORMANCE_VERBOSE=<regexp of core names>: print every check of those cores, not only the disagreements. */
const VERBOSE = process.env.CONFORMANCE_VERBOSE ? new RegExp(process.env.CONFORMANCE_VERBOSE) : undefined;

/**
 * The checks of one core. Each check is asserted as it is made (one expect each, labelled with the core, the field
 * and the oracle); only the disagreements are kept, for the summary (a PN_XNUM core makes 131070 checks).
 */
class Checks {
  count = 0;
  readonly disagreements: Check[] = [];
  readonly knownUsed = new Set<Known>();
  constructor(readonly core: string) {}

  /** One check per distinct oracle value (oracles that agree are merged). No oracle, no check. */
  add(field: string, ours: string, oracles: readonly (OracleValue | undefined)[]): void {
    const byValue = new Map<string, string[]>();
    for (const o of oracles) {
      if (o === undefined) continue;
      const sources = byValue.get(o.value);
      if (sources) sources.push(o.source);
      else byValue.set(o.value, [o.source]);
    }
    for (const [value, sources] of byValue) {
      this.count++;
      if (VERBOSE?.test(this.core))
        console.log(`${this.core}: ${field}: ${ours} ${ours === value ? '==' : 'vs'} ${value} [${sources.join('+')}]`);
      const label = () => `${this.core}: ${field} [${sources.join('+')}]`;
      if (ours === value) {
        expect.soft(ours).toBe(value);
        continue;
      }
      const check: Check = { field, ours, oracle: value, source: sources.join('+') };
      const known = knownFor(this.core, check);
      if (known) {
        check.known = known;
        this.knownUsed.add(known);
        expect.soft(ours, `${label()} — KNOWN (${known.kind}): ${known.reason}`).not.toBe(value);
      } else {
        expect.soft(ours, label()).toBe(value);
      }
      this.disagreements.push(check);
    }
  }
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const NONE = '(none)';
const opt = (v: string | number | bigint | undefined): string =>
  v === undefined ? NONE : typeof v === 'bigint' ? hex(v) : typeof v === 'string' ? JSON.stringify(v) : String(v);
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

// ---------------------------------------------------------------------------------------------------------------
// Oracle decoding helpers (independent of the engine)

/** readelf's / PROVENANCE's machine names → e_machine. */
const MACHINES: Record<string, number> = {
  'Advanced Micro Devices X86-64': 62,
  'x86-64': 62,
  'Intel 80386': 3,
  i386: 3,
  AArch64: 183,
  ARM: 40,
  HPPA: 15,
  'IBM S/390': 22,
  'S/390': 22,
  LoongArch: 258,
  MC68000: 4,
  m68k: 4,
  'MIPS R3000': 8,
  MIPS: 8,
  PowerPC: 20,
  PowerPC64: 21,
  'RISC-V': 243,
  'Sparc v9': 43,
  'SPARC V9': 43,
  Alpha: 0x9026,
  '9026': 0x9026, // llvm-readelf 19 prints unknown machines as hex digits
};

function machineValue(source: string, name: string | undefined): OracleValue | undefined {
  if (name === undefined) return undefined;
  return { source, value: String(MACHINES[name] ?? `unknown machine name ${name}`) };
}

interface Shape {
  readonly bits: 32 | 64;
  readonly little: boolean;
  readonly machine: number;
}

function view(bytes: Uint8Array) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * elf_prstatus fields from the raw descriptor: pr_info (3 ints), pr_cursig (short) at 12, then pr_sigpend and
 * pr_sighold (longs), so pr_pid sits at 24 (ILP32) or 32 (LP64) — except on m68k, whose ABI aligns longs to 2
 * bytes: no padding after pr_cursig, pr_pid at 22.
 */
function rawPrstatus(desc: Uint8Array, s: Shape): { tid: number; cursig: number } | undefined {
  const pidAt = s.machine === 4 ? 22 : s.bits === 64 ? 32 : 24;
  if (desc.length < pidAt + 4) return undefined;
  const dv = view(desc);
  return { tid: dv.getInt32(pidAt, s.little), cursig: dv.getUint16(12, s.little) };
}

/** elf_prpsinfo ends with pr_pid, pr_ppid, pr_pgrp, pr_sid (4 bytes each), pr_fname[16], pr_psargs[80]: anchor at the end. */
function rawPrpsinfo(
  desc: Uint8Array,
  s: Shape,
): { pid: number; ppid: number; fname: string; psargs: string } | undefined {
  if (desc.length < 112) return undefined;
  const dv = view(desc);
  const text = (at: number, n: number) => {
    const b = desc.subarray(at, at + n);
    const nul = b.indexOf(0);
    return Buffer.from(nul >= 0 ? b.subarray(0, nul) : b).toString('latin1');
  };
  const end = desc.length;
  return {
    pid: dv.getInt32(end - 112, s.little),
    ppid: dv.getInt32(end - 108, s.little),
    fname: text(end - 96, 16),
    psargs: text(end - 80, 80),
  };
}

/** Signals whose number differs from x86/arm's on MIPS, SPARC, Alpha, PA-RISC (SIGBUS is 10 there). */
function sigbus(machine: number): number {
  return [8, 43, 2, 18, 0x9026, 15].includes(machine) ? 10 : 7;
}

/**
 * siginfo_t from the raw descriptor: si_signo, si_errno, si_code — except MIPS, which has si_code before si_errno
 * (arch/mips/include/uapi/asm/siginfo.h). si_addr, the first union member, follows the 3 ints padded to the word
 * size; it is meaningful for the fault signals when 0 < si_code < SI_KERNEL (kernel/signal.c siginfo_layout()).
 */
function rawSiginfo(
  desc: Uint8Array,
  s: Shape,
): { signo: number; code: number; errno: number; fault?: bigint } | undefined {
  if (desc.length < 16) return undefined;
  const dv = view(desc);
  const mips = s.machine === 8;
  const signo = dv.getInt32(0, s.little);
  const errno = dv.getInt32(mips ? 8 : 4, s.little);
  const code = dv.getInt32(mips ? 4 : 8, s.little);
  const addrAt = s.bits === 64 ? 16 : 12;
  const faultSignals = [4, 5, 8, 11, sigbus(s.machine)];
  const hasAddr = faultSignals.includes(signo) && code > 0 && code < 0x80 && desc.length >= addrAt + s.bits / 8;
  const fault = hasAddr
    ? s.bits === 64
      ? dv.getBigUint64(addrAt, s.little)
      : BigInt(dv.getUint32(addrAt, s.little))
    : undefined;
  return { signo, code, errno, ...(fault !== undefined ? { fault } : {}) };
}

/** e_machine → the NetBSD PT_GETREGS note type (sys/arch/<arch>/include/ptrace.h: amd64 PT_FIRSTMACH+1, aarch64 +0). */
const NETBSD_GETREGS: Record<number, number> = { 62: 33, 183: 32 };

function llvmTypeNumber(n: LlvmNote): number | undefined {
  const m = /\(0x([0-9a-f]+)\)/.exec(n.typeName);
  return m?.[1] !== undefined ? parseInt(m[1], 16) : undefined;
}

/** Per-thread notes of BSD cores: owner `NetBSD-CORE@<lwp>` (PT_GETREGS) or `OpenBSD@<tid>` (NT_OPENBSD_REGS). */
function bsdThreadIds(notes: readonly LlvmNote[], machine: number): number[] | undefined {
  const netbsd = notes.filter(
    (n) => n.owner.startsWith('NetBSD-CORE@') && llvmTypeNumber(n) === NETBSD_GETREGS[machine],
  );
  if (notes.some((n) => n.owner.startsWith('NetBSD-CORE'))) return netbsd.map((n) => Number(n.owner.split('@')[1]));
  if (notes.some((n) => n.owner.startsWith('OpenBSD'))) {
    return notes
      .filter((n) => n.owner.startsWith('OpenBSD@') && n.typeName === 'NT_OPENBSD_REGS')
      .map((n) => Number(n.owner.split('@')[1]));
  }
  return undefined;
}

/**
 * BSD procinfo, raw: NetBSD struct netbsd_elfcore_procinfo (cpi_signo at 8, cpi_sigcode at 12; cpi_pid at 80, after
 * 4 ints and four 4-word signal sets), OpenBSD struct elfcore_procinfo (cpi_signo 8, cpi_sigcode 12; cpi_pid at 32,
 * after 4 ints and 4 words).
 */
function rawBsdProcinfo(
  notes: readonly LlvmNote[],
  s: Shape,
): { pid: number; signo: number; sigcode: number; source: string } | undefined {
  const net = notes.find((n) => n.owner === 'NetBSD-CORE' && n.typeName === 'NT_NETBSDCORE_PROCINFO');
  const open = notes.find((n) => n.owner === 'OpenBSD' && n.typeName === 'NT_OPENBSD_PROCINFO');
  const note = net ?? open;
  if (note?.desc === undefined || note.desc.length < 84) return undefined;
  const dv = view(note.desc);
  return {
    pid: dv.getInt32(net ? 80 : 32, s.little),
    signo: dv.getInt32(8, s.little),
    sigcode: dv.getInt32(12, s.little),
    source: net ? 'llvm-readelf raw netbsd_elfcore_procinfo' : 'llvm-readelf raw OpenBSD elfcore_procinfo',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Region helpers

function regionsBySegment(regions: readonly Region[]): Map<number, Region[]> {
  const out = new Map<number, Region[]>();
  for (const r of regions) {
    const list = out.get(r.segment);
    if (list) list.push(r);
    else out.set(r.segment, [r]);
  }
  return out;
}

/** Address ranges, adjacent ones merged: "0x1000-0x3000,0x5000-0x6000". */
function coverage(ranges: readonly { start: bigint; end: bigint }[]): string {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: { start: bigint; end: bigint }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
    else merged.push({ start: r.start, end: r.end });
  }
  return merged.length === 0 ? NONE : merged.map((r) => `${hex(r.start)}-${hex(r.end)}`).join(',');
}

/** How many bytes starting at `address` are in the dump, across address-contiguous regions. */
function readableBytes(regions: readonly Region[], address: bigint, length: number): number {
  let at = address;
  let got = 0;
  while (got < length) {
    const r = regions.find((x) => at >= x.start && at < x.end);
    if (r === undefined) break;
    const into = Number(at - r.start);
    const avail = r.inDump - into;
    if (avail <= 0) break;
    const take = Math.min(avail, length - got);
    got += take;
    at += BigInt(take);
    if (into + take < r.size) break; // the rest of this region is not in the dump
  }
  return got;
}

function permsOf(flags: number): string {
  return `${flags & 4 ? 'r' : '-'}${flags & 2 ? 'w' : '-'}${flags & 1 ? 'x' : '-'}`;
}

/**
 * What a PT_LOAD table implies for the regions of each PT_LOAD, given the file size, as one line:
 * "0x400000-0x401000 r-x @0x2000 inDump=4096" (+ " truncated"): the address range the regions cover, their
 * protection, p_offset (each region's dumpOffset minus its distance from p_vaddr), and the bytes present
 * (min(p_filesz, p_memsz, bytes the file holds)). Overlapping PT_LOADs are clipped in address order, as
 * model/regions.ts documents; a PT_LOAD with nothing left yields "(none)".
 */
function expectSegments(phdrs: readonly OraclePhdr[], fileSize: number): Map<number, string> {
  const loads = phdrs.filter((p) => p.type === 'LOAD');
  if (loads.some((p, i) => i > 0 && p.vaddr < (loads[i - 1]?.vaddr ?? 0n))) {
    loads.sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : a.index - b.index));
  }
  const out = new Map<number, string>();
  let prevEnd = 0n;
  for (const p of loads) {
    const end = p.vaddr + p.memsz;
    const start = p.vaddr > prevEnd ? p.vaddr : prevEnd;
    if (p.memsz === 0n || end <= start) {
      out.set(p.index, NONE);
      continue;
    }
    const skipped = start - p.vaddr;
    const wanted = p.filesz < p.memsz ? p.filesz : p.memsz;
    const avail = BigInt(fileSize) - p.offset;
    const inFile = avail <= 0n ? 0n : wanted < avail ? wanted : avail;
    const present = inFile - skipped > 0n ? inFile - skipped : 0n;
    out.set(
      p.index,
      segmentLine(`${hex(start)}-${hex(end)}`, permsOf(p.flags), hex(p.offset), present, inFile < wanted),
    );
    prevEnd = end;
  }
  return out;
}

function segmentLine(
  range: string,
  perms: string,
  offset: string,
  inDump: bigint | number,
  truncated: boolean,
): string {
  return `${range} ${perms} @${offset} inDump=${inDump}${truncated ? ' truncated' : ''}`;
}

/** The same line from the engine's regions of one PT_LOAD. */
function oursSegment(rs: readonly Region[], vaddr: bigint | undefined): string {
  if (rs.length === 0) return NONE;
  const perms = [...new Set(rs.map((r) => r.perms))].join(',');
  const bases =
    vaddr === undefined ? '?' : [...new Set(rs.map((r) => hex(BigInt(r.dumpOffset) - (r.start - vaddr))))].join(',');
  const inDump = rs.reduce((n, r) => n + r.inDump, 0);
  return segmentLine(
    coverage(rs),
    perms,
    bases,
    inDump,
    rs.some((r) => r.truncated),
  );
}

/** Go's debug/elf test table: `| PT_LOAD | X+R | 0x1000 | 0x400000 | 0x0 | 0x0 | 0x1000 | 0x1000 |`. */
function goProgHeaders(md: string): OraclePhdr[] {
  const rows = [
    ...md.matchAll(
      /^\| PT_(\w+) \| ([^|]+) \| (0x[0-9a-f]+) \| (0x[0-9a-f]+) \| 0x[0-9a-f]+ \| (0x[0-9a-f]+) \| (0x[0-9a-f]+) \| 0x[0-9a-f]+ \|$/gm,
    ),
  ];
  return rows.map((m, index) => {
    const flags = (m[2] ?? '').trim();
    return {
      index,
      type: m[1] ?? '',
      offset: BigInt(m[3] ?? 0),
      vaddr: BigInt(m[4] ?? 0),
      filesz: BigInt(m[5] ?? 0),
      memsz: BigInt(m[6] ?? 0),
      flags: (flags.includes('R') ? 4 : 0) | (flags.includes('W') ? 2 : 0) | (flags.includes('X') ? 1 : 0),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The checks for one core

interface Oracles {
  readonly readelf?: string;
  readonly llvm?: string;
  readonly eu?: string;
  readonly unstrip?: string;
  readonly expected?: string;
}

function loadOracles(name: string): Oracles {
  const o: Record<string, string> = {};
  const put = (key: keyof Oracles, file: string) => {
    const t = readOracleText(file);
    if (t !== undefined) o[key] = t;
  };
  put('readelf', `${name}.readelf.txt`);
  put('llvm', `${name}.llvm-readelf.txt`);
  put('eu', `${name}.eu-readelf.txt`);
  put('unstrip', `${name}.eu-unstrip.txt`);
  put('expected', `${name}.expected.md`);
  return o;
}

const provenance = parseProvenanceSummary();

function checkHeader(c: Checks, a: Analysis, entry: CorpusEntry, o: Oracles, phdrs: Map<string, OraclePhdr[]>): void {
  const bin = o.readelf ? parseReadelfHeader(o.readelf) : undefined;
  const llvm = o.llvm ? parseReadelfHeader(o.llvm) : undefined;
  const prov = provenance.get(entry.name);
  c.add('elf.class', `ELF${a.dump.bits}`, [
    bin && { source: 'readelf', value: bin.elfClass },
    llvm && { source: 'llvm-readelf', value: llvm.elfClass },
    prov && { source: 'PROVENANCE', value: `ELF${prov.bits}` },
  ]);
  c.add('elf.endian', a.dump.endian, [
    bin && { source: 'readelf', value: bin.endian },
    llvm && { source: 'llvm-readelf', value: llvm.endian },
    prov && { source: 'PROVENANCE', value: prov.endian },
  ]);
  c.add('elf.machine', String(a.dump.machine), [
    machineValue('readelf', bin?.machine),
    machineValue('llvm-readelf', llvm?.machine),
    machineValue('PROVENANCE', prov?.arch),
  ]);
  c.add('dump.programHeaders', String(a.dump.programHeaders), [
    bin && { source: 'readelf', value: String(bin.phnumResolved ?? bin.phnum) },
    llvm && { source: 'llvm-readelf', value: String(llvm.phnumResolved ?? llvm.phnum) },
  ]);
  const loads = [...phdrs].map(([source, list]) => ({
    source,
    value: String(list.filter((p) => p.type === 'LOAD').length),
  }));
  c.add('dump.loadSegments', String(a.dump.loadSegments), [
    ...loads,
    prov && { source: 'PROVENANCE', value: String(prov.loads) },
  ]);
  c.add('dump.size', String(a.dump.size), [prov && { source: 'PROVENANCE', value: String(prov.size) }]);
}

function checkSegments(
  c: Checks,
  a: Analysis,
  fileSize: number,
  phdrs: Map<string, OraclePhdr[]>,
  fileRanges: readonly { start: bigint; end: bigint }[] | undefined,
): void {
  const ours = regionsBySegment(a.regions);
  const expectations = [...phdrs].map(([source, list]) => ({ source, list, segments: expectSegments(list, fileSize) }));
  const indices = new Set<number>();
  const rows = Math.max(0, ...expectations.map((e) => e.list.length));
  for (let i = 0; i < rows; i++) {
    const oracles: OracleValue[] = [];
    let vaddr: bigint | undefined;
    for (const e of expectations) {
      const value = e.segments.get(i);
      if (value === undefined) continue;
      oracles.push({ source: e.source, value });
      vaddr ??= e.list[i]?.vaddr;
    }
    if (oracles.length === 0) continue; // not a PT_LOAD
    indices.add(i);
    c.add(`PT_LOAD[${i}]`, oursSegment(ours.get(i) ?? [], vaddr), oracles);
  }
  let order = 'sorted, disjoint';
  for (let i = 1; i < a.regions.length; i++) {
    const p = a.regions[i - 1];
    const r = a.regions[i];
    if (p !== undefined && r !== undefined && r.start < p.end) {
      order = `region ${i} at ${hex(r.start)} starts before region ${i - 1} ends (${hex(p.end)})`;
      break;
    }
  }
  c.add('regions.order', order, [
    { source: 'types/region.ts (regions sorted by address, no byte twice)', value: 'sorted, disjoint' },
  ]);
  // Regions outside every PT_LOAD (segment -1): the NT_FILE mappings no PT_LOAD covers (gdb's gcore leaves
  // unmodified read-only file mappings out), with nothing in the dump.
  const outside = a.regions.filter((r) => r.segment === -1);
  const stray = a.regions.filter((r) => r.segment !== -1 && !indices.has(r.segment)).map((r) => r.segment);
  c.add('regions.segment', stray.length === 0 ? 'PT_LOAD or -1' : `not a PT_LOAD: ${[...new Set(stray)].join(',')}`, [
    phdrs.size > 0 ? { source: [...phdrs.keys()].join('+'), value: 'PT_LOAD or -1' } : undefined,
  ]);
  const outsideOracles: OracleValue[] = [];
  const totalOracles: OracleValue[] = [];
  for (const [source, list] of phdrs) {
    const loads = list.filter((p) => p.type === 'LOAD');
    if (fileRanges !== undefined) {
      const uncovered = subtract(
        fileRanges,
        loads.filter((p) => p.memsz > 0n).map((p) => ({ start: p.vaddr, end: p.vaddr + p.memsz })),
      );
      outsideOracles.push({ source: `${source} + llvm-readelf NT_FILE`, value: `${coverage(uncovered)} inDump=0` });
    }
    totalOracles.push({
      source: `${source} (sum of PT_LOAD p_memsz)`,
      value: String(loads.reduce((n, p) => n + p.memsz, 0n)),
    });
  }
  c.add(
    'regions outside PT_LOADs (NT_FILE only)',
    `${coverage(outside)} inDump=${outside.reduce((n, r) => n + r.inDump, 0)}`,
    outsideOracles,
  );
  const total = a.regions.filter((r) => r.segment !== -1).reduce((n, r) => n + BigInt(r.size), 0n);
  c.add('regions.totalSize (PT_LOAD regions)', String(total), totalOracles);
}

/** `ranges` minus the union of `holes`. */
function subtract(
  ranges: readonly { start: bigint; end: bigint }[],
  holes: readonly { start: bigint; end: bigint }[],
): { start: bigint; end: bigint }[] {
  const out: { start: bigint; end: bigint }[] = [];
  for (const r of ranges) {
    let pieces = [{ start: r.start, end: r.end }];
    for (const h of holes) {
      pieces = pieces.flatMap((p) => {
        if (h.end <= p.start || h.start >= p.end) return [p];
        const keep: { start: bigint; end: bigint }[] = [];
        if (h.start > p.start) keep.push({ start: p.start, end: h.start });
        if (h.end < p.end) keep.push({ start: h.end, end: p.end });
        return keep;
      });
    }
    out.push(...pieces.filter((p) => p.end > p.start));
  }
  return out;
}

function checkWarnings(
  c: Checks,
  a: Analysis,
  fileSize: number,
  phdrs: readonly OraclePhdr[] | undefined,
  source: string,
): void {
  if (phdrs === undefined) return;
  const loads = phdrs.filter((p) => p.type === 'LOAD');
  const truncated = loads.some((p) => p.offset + (p.filesz < p.memsz ? p.filesz : p.memsz) > BigInt(fileSize));
  c.add('warnings: truncated', a.dump.warnings.some((w) => /truncated/.test(w)) ? 'yes' : 'no', [
    { source: `${source} + file size`, value: truncated ? 'yes' : 'no' },
  ]);
  c.add('warnings: no PT_LOAD', a.dump.warnings.some((w) => /no PT_LOAD/.test(w)) ? 'yes' : 'no', [
    { source, value: loads.length === 0 ? 'yes' : 'no' },
  ]);
}

function checkThreads(
  c: Checks,
  a: Analysis,
  s: Shape,
  llvmNotes: readonly LlvmNote[] | undefined,
  euSources: readonly { source: string; text: string }[],
): void {
  const prov = provenance.get(c.core);
  const ours = {
    count: String(a.threads.length),
    tids: a.threads.map((t) => t.tid).join(',') || NONE,
    cursig: a.threads.map((t) => t.signal).join(',') || NONE,
  };
  const counts: (OracleValue | undefined)[] = [prov && { source: 'PROVENANCE', value: String(prov.threads) }];
  const tids: OracleValue[] = [];
  const sigs: OracleValue[] = [];
  const bsd = llvmNotes ? bsdThreadIds(llvmNotes, s.machine) : undefined;
  if (bsd !== undefined) {
    counts.push({ source: 'llvm-readelf (BSD per-thread register notes)', value: String(bsd.length) });
    tids.push({ source: 'llvm-readelf (BSD note owner @id)', value: bsd.join(',') || NONE });
  } else if (llvmNotes !== undefined) {
    const pr = llvmNotes.filter((n) => n.owner === 'CORE' && n.typeName === 'NT_PRSTATUS');
    counts.push({ source: 'llvm-readelf', value: String(pr.length) });
    const raw = pr.map((n) => (n.desc ? rawPrstatus(n.desc, s) : undefined));
    if (raw.every((r) => r !== undefined)) {
      tids.push({ source: 'llvm-readelf raw pr_pid', value: raw.map((r) => r.tid).join(',') || NONE });
      sigs.push({ source: 'llvm-readelf raw pr_cursig', value: raw.map((r) => r.cursig).join(',') || NONE });
    }
  }
  for (const eu of euSources) {
    const blocks = parseEuReadelfPrstatus(eu.text);
    if (bsd === undefined) counts.push({ source: eu.source, value: String(blocks.length) });
    if (blocks.length > 0 && blocks.every((b) => b.header.has('pid'))) {
      tids.push({ source: eu.source, value: blocks.map((b) => b.header.get('pid')).join(',') });
      sigs.push({ source: eu.source, value: blocks.map((b) => b.header.get('cursig')).join(',') });
    }
  }
  c.add('threads.count', ours.count, counts);
  c.add('threads.tids', ours.tids, tids);
  c.add('threads.cursig', ours.cursig, sigs);
}

function checkProcess(
  c: Checks,
  a: Analysis,
  s: Shape,
  llvmNotes: readonly LlvmNote[] | undefined,
  euSources: readonly { source: string; text: string }[],
): void {
  const p = a.process;
  const fields: Record<'pid' | 'ppid' | 'uid' | 'gid' | 'fname' | 'psargs', OracleValue[]> = {
    pid: [],
    ppid: [],
    uid: [],
    gid: [],
    fname: [],
    psargs: [],
  };
  const psargs = (v: string) => JSON.stringify(v.trimEnd());
  const prpsinfoNotes = llvmNotes?.filter((n) => n.owner === 'CORE' && n.typeName === 'NT_PRPSINFO') ?? [];
  const raw = prpsinfoNotes[0]?.desc ? rawPrpsinfo(prpsinfoNotes[0].desc, s) : undefined;
  if (raw) {
    const src = 'llvm-readelf raw prpsinfo';
    fields.pid.push({ source: src, value: String(raw.pid) });
    fields.ppid.push({ source: src, value: String(raw.ppid) });
    fields.fname.push({ source: src, value: JSON.stringify(raw.fname) });
    fields.psargs.push({ source: src, value: psargs(raw.psargs) });
  } else if (
    llvmNotes !== undefined &&
    !llvmNotes.some((n) => n.owner.startsWith('NetBSD') || n.owner.startsWith('OpenBSD'))
  ) {
    // No NT_PRPSINFO (a kernel crash dump, a hand-made core): no name or arguments to show.
    fields.fname.push({ source: 'llvm-readelf (no NT_PRPSINFO)', value: NONE });
    fields.psargs.push({ source: 'llvm-readelf (no NT_PRPSINFO)', value: NONE });
  }
  for (const eu of euSources) {
    const notes = parseEuReadelfNotes(eu.text);
    const info = notes.map(euPrpsinfo).find((x) => x !== undefined);
    if (info === undefined) continue;
    fields.pid.push({ source: eu.source, value: String(info.pid) });
    fields.ppid.push({ source: eu.source, value: String(info.ppid) });
    fields.uid.push({ source: eu.source, value: String(info.uid) });
    fields.gid.push({ source: eu.source, value: String(info.gid) });
    fields.fname.push({ source: eu.source, value: JSON.stringify(info.fname) });
    fields.psargs.push({ source: eu.source, value: psargs(info.psargs) });
  }
  if (llvmNotes) {
    const bsd = rawBsdProcinfo(llvmNotes, s);
    if (bsd) fields.pid.push({ source: bsd.source, value: String(bsd.pid) });
  }
  c.add('process.pid', opt(p.pid), fields.pid);
  c.add('process.ppid', opt(p.ppid), fields.ppid);
  c.add('process.uid', opt(p.uid), fields.uid);
  c.add('process.gid', opt(p.gid), fields.gid);
  c.add('process.name', p.name === undefined ? NONE : JSON.stringify(p.name), fields.fname);
  // pr_psargs: the kernel joins argv with spaces and leaves a trailing one; the engine trims trailing blanks
  // (notes/prpsinfo.ts), so the oracle's value is compared trimmed too.
  c.add('process.args (trailing blanks trimmed)', p.args === undefined ? NONE : JSON.stringify(p.args), fields.psargs);
}

function checkSignal(
  c: Checks,
  a: Analysis,
  s: Shape,
  llvmNotes: readonly LlvmNote[] | undefined,
  euSources: readonly { source: string; text: string }[],
): void {
  const p = a.process;
  const sig: (OracleValue | undefined)[] = [];
  const code: OracleValue[] = [];
  const errno: OracleValue[] = [];
  const fault: OracleValue[] = [];
  const rawNote = llvmNotes?.find((n) => n.owner === 'CORE' && n.typeName === 'NT_SIGINFO');
  const raw = rawNote?.desc ? rawSiginfo(rawNote.desc, s) : undefined;
  const rawSrc = s.machine === 8 ? 'llvm-readelf raw siginfo (MIPS order)' : 'llvm-readelf raw siginfo';
  if (raw) {
    sig.push({ source: rawSrc, value: String(raw.signo) });
    code.push({ source: rawSrc, value: String(raw.code) });
    errno.push({ source: rawSrc, value: String(raw.errno) });
    fault.push({ source: rawSrc, value: opt(raw.fault) });
  }
  for (const eu of euSources) {
    const si = parseEuReadelfNotes(eu.text)
      .map(euSiginfo)
      .find((x) => x !== undefined);
    if (si !== undefined) {
      sig.push({ source: eu.source, value: String(si.signo) });
      code.push({ source: eu.source, value: String(si.code) });
      errno.push({ source: eu.source, value: String(si.errno) });
      // eu-readelf prints si_addr only for SIGILL/SIGFPE/SIGSEGV/SIGBUS (not SIGTRAP) with si_code > 0.
      if (si.signo !== 5) fault.push({ source: eu.source, value: opt(si.faultAddress) });
    } else if (llvmNotes !== undefined && rawNote === undefined) {
      // No NT_SIGINFO: the process signal is the first thread's pr_cursig.
      const first = parseEuReadelfPrstatus(eu.text)[0]?.header.get('cursig');
      if (first !== undefined) sig.push({ source: `${eu.source} (first PRSTATUS cursig)`, value: String(first) });
    }
  }
  if (llvmNotes !== undefined && rawNote === undefined) {
    const first = llvmNotes.find((n) => n.owner === 'CORE' && n.typeName === 'NT_PRSTATUS');
    const pr = first?.desc ? rawPrstatus(first.desc, s) : undefined;
    if (pr) sig.push({ source: 'llvm-readelf raw first pr_cursig', value: String(pr.cursig) });
    const bsd = rawBsdProcinfo(llvmNotes, s);
    if (bsd) {
      sig.push({ source: bsd.source, value: String(bsd.signo) });
      code.push({ source: bsd.source, value: String(bsd.sigcode) });
    } else {
      code.push({ source: 'llvm-readelf (no NT_SIGINFO)', value: NONE });
    }
  }
  c.add('process.signal', String(p.signal ?? 0), sig);
  c.add('process.signalCode', opt(p.signalCode), code);
  c.add('process.signalErrno', opt(p.signalErrno), errno);
  c.add('process.faultAddress', opt(p.faultAddress), fault);
}

function checkFiles(
  c: Checks,
  a: Analysis,
  llvmNotes: readonly LlvmNote[] | undefined,
  euSources: readonly { source: string; text: string }[],
  expected: string | undefined,
): void {
  const lists: { source: string; entries: string[]; pageSize?: number }[] = [];
  const fmt = (start: bigint, end: bigint, offset: bigint, path: string) =>
    `${hex(start)}-${hex(end)} @${hex(offset)} ${path}`;
  const llvmFile = llvmNotes?.find((n) => n.owner === 'CORE' && n.typeName === 'NT_FILE');
  if (llvmFile?.file) {
    const page = BigInt(llvmFile.file.pageSize);
    lists.push({
      source: 'llvm-readelf',
      pageSize: llvmFile.file.pageSize,
      entries: llvmFile.file.entries.map((e) => fmt(e.start, e.end, e.pageOffset * page, e.path)),
    });
  } else if (llvmNotes !== undefined) {
    lists.push({ source: 'llvm-readelf (no NT_FILE)', entries: [] });
  }
  for (const eu of euSources) {
    const file = parseEuReadelfNotes(eu.text).find((n: EuNote) => n.type === 'FILE');
    const entries = file ? euFileEntries(file) : undefined;
    if (entries) lists.push({ source: eu.source, entries: entries.map((e) => fmt(e.start, e.end, e.offset, e.path)) });
  }
  if (expected !== undefined && /## NT_FILE/.test(expected)) {
    // pyelftools' 64-bit test lists byte offsets, its 32-bit test the raw page_offset ("(pages)" in the header).
    const page = /page_offset \(pages\)/.test(expected) ? BigInt(/page_size = (\d+)/.exec(expected)?.[1] ?? 1) : 1n;
    const rows = [...expected.matchAll(/^\| \d+ \| (0x[0-9a-f]+) \| (0x[0-9a-f]+) \| (0x[0-9a-f]+) \| (.+?) \|$/gm)];
    lists.push({
      source: 'pyelftools test',
      entries: rows.map((m) => fmt(BigInt(m[1] ?? 0), BigInt(m[2] ?? 0), BigInt(m[3] ?? 0) * page, m[4] ?? '')),
    });
  }
  const hand = NT_FILE_BY_HAND[c.core];
  if (hand)
    lists.push({
      source: 'NT_FILE decoded by hand (64-bit words)',
      entries: hand.map((e) => fmt(e.start, e.end, e.offset, e.path)),
    });
  const prov = provenance.get(c.core);
  const ours = a.files.map((f) => fmt(f.start, f.end, f.fileOffset, f.path));
  c.add('files.count', String(ours.length), [
    ...lists.map((l) => ({ source: l.source, value: String(l.entries.length) })),
    prov && !prov.ntFile ? { source: 'PROVENANCE (no NT_FILE)', value: '0' } : undefined,
  ]);
  const n = Math.max(ours.length, ...lists.map((l) => l.entries.length));
  for (let i = 0; i < n; i++) {
    c.add(
      `files[${i}]`,
      ours[i] ?? NONE,
      lists.map((l) => ({ source: l.source, value: l.entries[i] ?? NONE })),
    );
  }
  // dump.pageSize is the MMU page size: AT_PAGESZ, and NT_FILE's page_size when it is one (gdb writes 1: its
  // offsets are in bytes; the MIPS cores below have 0).
  const pageSizes: OracleValue[] = lists
    .filter((l) => l.pageSize !== undefined && l.pageSize >= 1024)
    .map((l) => ({ source: `${l.source} NT_FILE page size`, value: String(l.pageSize) }));
  for (const eu of euSources) {
    const auxv = parseEuReadelfNotes(eu.text).find((n) => n.type === 'AUXV');
    const pagesz = auxv?.body.map((l) => /^\s+PAGESZ: (\d+)/.exec(l)?.[1]).find((v) => v !== undefined);
    if (pagesz !== undefined) pageSizes.push({ source: `${eu.source} AT_PAGESZ`, value: pagesz });
  }
  c.add('dump.pageSize', String(a.dump.pageSize), pageSizes);
}

function checkModules(c: Checks, a: Analysis, name: string, o: Oracles): void {
  const sources: { source: string; modules: UnstripModule[] }[] = [];
  if (o.unstrip !== undefined) sources.push({ source: 'eu-unstrip', modules: parseEuUnstrip(o.unstrip) });
  const withExec = readOracleText(`${name}.eu-unstrip-with-exec.txt`);
  if (withExec !== undefined) sources.push({ source: 'eu-unstrip -e', modules: parseEuUnstrip(withExec) });
  if (o.expected !== undefined) {
    for (const block of expectedUnstripBlocks(o.expected))
      sources.push({ source: 'elfutils test (expected eu-unstrip)', modules: parseEuUnstrip(block) });
  }
  if (sources.length === 0) return;
  // Ours for an eu-unstrip start address: the module starting there, else a module no eu-unstrip line starts at one
  // of whose own NT_FILE mappings holds it (eu-unstrip starts a module where it found the ELF header, which for
  // some executables is their second mapping, also at file offset 0).
  // Without NT_FILE, an image's mappings are its own range (placed by its PT_LOADs).
  const mappingsOf = (m: Module) => (a.files.length > 0 ? a.files.filter((f) => f.path === m.path) : [m]);
  const buildId = (m: Module | undefined) => (m === undefined ? NONE : (m.buildId ?? '-'));
  const starts = new Set<bigint>();
  for (const s of sources) for (const m of s.modules) starts.add(m.start);
  const exact = new Set(a.modules.filter((m) => starts.has(m.start)));
  const oursFor = (start: bigint): Module | undefined =>
    a.modules.find((m) => m.start === start) ??
    a.modules.find((m) => !exact.has(m) && mappingsOf(m).some((f) => start >= f.start && start < f.end));
  const matched = new Set<Module>();
  for (const start of [...starts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const names = new Set<string>();
    const values = sources.map((s) => {
      const m = s.modules.find((x) => x.start === start);
      if (m) names.add(basename(m.name));
      return { source: s.source, value: m === undefined ? NONE : (m.buildId ?? '-') };
    });
    const ours = oursFor(start);
    if (ours) matched.add(ours);
    const at = ours === undefined || ours.start === start ? '' : ` (ours from ${hex(ours.start)})`;
    c.add(`module@${hex(start)} (${[...names].join('|')}) buildId${at}`, buildId(ours), values);
  }
  // Modules we list that eu-unstrip does not: only the ones whose ELF header we found (the others are named
  // by their NT_FILE path alone, and eu-unstrip needs a header or a link-map entry).
  for (const m of a.modules) {
    if (matched.has(m) || !m.headerInDump) continue;
    c.add(
      `module@${hex(m.start)} (${basename(m.path)}) buildId`,
      buildId(m),
      sources.map((s) => ({ source: s.source, value: NONE })),
    );
  }
}

/** Values the source projects' tests assert (oracle/<name>.expected.md), where they map onto the Analysis. */
function checkExpected(c: Checks, a: Analysis, md: string | undefined): void {
  if (md === undefined) return;
  const rows = expectedRows(md);
  const src = 'expected.md';
  const int = (v: string | undefined) => (v === undefined ? undefined : /^-?\d+/.exec(v)?.[0]);
  const tick = (v: string | undefined) => (v === undefined ? undefined : /`([^`]*)`/.exec(v)?.[1]);
  const add = (field: string, ours: string, value: string | undefined, what: string) => {
    if (value !== undefined) c.add(field, ours, [{ source: `${src} ${what}`, value }]);
  };
  // lldb (TestLinuxCore.py, TestGCore.py, TestLinuxCoreThreads.py, TestNetBSDCore.py), golang/debug, pyelftools.
  add('process.pid', opt(a.process.pid), int(rows.get('process id')), '(process id)');
  add(
    'threads.count',
    String(a.threads.length),
    int(rows.get('thread count') ?? rows.get('thread (LWP) count')),
    '(thread count)',
  );
  const fname = tick(
    rows.get('thread name (= NT_PRPSINFO pr_fname, 16-byte field, 15 chars + NUL)') ?? rows.get('pr_fname (16 bytes)'),
  );
  add('process.name', opt(a.process.name), fname === undefined ? undefined : JSON.stringify(fname), '(pr_fname)');
  // "lldb regions" = the PT_LOAD count (each expected.md says so).
  add(
    'dump.loadSegments',
    String(a.dump.loadSegments),
    int(rows.get('memory regions')),
    '(lldb memory regions = PT_LOADs)',
  );
  const args = tick(rows.get('Args() (from NT_PRPSINFO pr_psargs)') ?? rows.get('pr_psargs (80 bytes)'));
  add(
    'process.args (trailing blanks trimmed)',
    opt(a.process.args),
    args === undefined ? undefined : JSON.stringify(args.trimEnd()),
    '(pr_psargs)',
  );
  for (const [key, field] of [
    ['pr_uid', 'process.uid'],
    ['pr_gid', 'process.gid'],
    ['pr_pid', 'process.pid'],
    ['pr_ppid', 'process.ppid'],
  ] as const) {
    add(field, opt(a.process[field.slice(8) as 'uid' | 'gid' | 'pid' | 'ppid']), int(rows.get(key)), `(${key})`);
  }
  if (rows.get('PtrSize / LogPtrSize') !== undefined)
    add('elf.class', `ELF${a.dump.bits}`, `ELF${Number(int(rows.get('PtrSize / LogPtrSize'))) * 8}`, '(PtrSize)');
  if (rows.get('ByteOrder') === 'LittleEndian') add('elf.endian', a.dump.endian, 'little', '(ByteOrder)');
  if (rows.get('Arch') === 'amd64') add('elf.machine', String(a.dump.machine), '62', '(Arch amd64)');
  const triple = rows.get('Architecture');
  if (triple !== undefined) {
    add('elf.machine', String(a.dump.machine), triple.startsWith('x86_64') ? '62' : triple, '(Architecture)');
    add('dump.os', a.dump.os, /netbsd/.test(triple) ? 'NetBSD' : triple, '(Architecture)');
  }

  // Thread that took the signal, and the others (lldb: only the signalled thread has a stop reason).
  const crashing = /^(\d+); stop signal (\d+)/.exec(rows.get('crashing thread id') ?? '');
  if (crashing) {
    const t = a.threads.find((x) => x.crashed);
    add('threads.crashed.tid', opt(t?.tid), crashing[1], '(crashing thread id)');
    add('threads.crashed.signal', opt(t?.signal), crashing[2], '(crashing thread stop signal)');
    add(
      'threads[0].tid (the kernel writes the signalled thread first)',
      opt(a.threads[0]?.tid),
      crashing[1],
      '(crashing thread id)',
    );
  }
  if (rows.get('other threads') === 'stop signal 0') {
    // lldb's per-thread stop signal comes from NT_SIGINFO, which only the signalled thread has; the engine's
    // equivalent is `crashed` (pr_cursig itself is repeated in every thread by the kernel).
    add(
      'threads[others].crashed',
      a.threads
        .filter((t) => !t.crashed)
        .map(() => 'false')
        .join(','),
      'false,false',
      '(other threads: stop signal 0)',
    );
  }
  const every = /^signal (\d+)/.exec(rows.get("every thread's stop reason") ?? '');
  if (every) {
    add('process.signal', String(a.process.signal ?? 0), every[1], "(every thread's stop reason)");
    add(
      'threads[*].stopSignal',
      a.threads.map((t) => t.signal).join(','),
      a.threads.map(() => every[1]).join(','),
      "(every thread's stop reason)",
    );
  }
  const stop = rows.get('stop info');
  if (stop !== undefined) {
    // NetBSD: "LWP 1 signalled SIGSEGV (11)…", "selected thread = LWP 2, signal SIGSEGV…; LWP 1 ALSO reports SIGSEGV",
    // "selected thread = LWP 2, signal SIGSEGV (11)…; LWP 1 has signal 0".
    const lwp = /LWP (\d+)(?: signalled|, signal) SIGSEGV/.exec(stop);
    if (lwp)
      add(`thread ${lwp[1]} signal`, opt(a.threads.find((t) => t.tid === Number(lwp[1]))?.signal), '11', '(stop info)');
    const also = /LWP (\d+) ALSO reports SIGSEGV/.exec(stop);
    if (also)
      add(
        `thread ${also[1]} signal`,
        opt(a.threads.find((t) => t.tid === Number(also[1]))?.signal),
        '11',
        '(stop info)',
      );
    const zero = /LWP (\d+) has signal 0/.exec(stop);
    if (zero)
      add(
        `thread ${zero[1]} signal`,
        opt(a.threads.find((t) => t.tid === Number(zero[1]))?.signal),
        '0',
        '(stop info)',
      );
    add('process.signal', String(a.process.signal ?? 0), '11', '(stop info: SIGSEGV)');
  }
  for (const [key, value] of rows) {
    const read = /^memory read of (\d+) bytes at (0x[0-9a-f]+)$/.exec(key);
    if (read && /must FAIL/.test(value))
      add(
        `readable bytes at ${read[2]}`,
        String(readableBytes(a.regions, BigInt(read[2] ?? 0), Number(read[1]))),
        '0',
        '(memory read must fail: p_filesz 0)',
      );
  }
  const short = /reading (\d+) bytes at (0x[0-9A-Fa-f]+) returns only (\d+) bytes/.exec(md);
  if (short)
    add(
      `readable bytes at ${short[2]}`,
      String(readableBytes(a.regions, BigInt(short[2] ?? 0), Number(short[1]))),
      short[3],
      '(test_read_memory)',
    );
  // lldb test_same_pid_running: the pid's file offsets inside NT_PRSTATUS (pr_pid) and NT_PRPSINFO (pr_pid).
  const offsets =
    /at FILE OFFSET (0x[0-9a-f]+) \(inside NT_PRSTATUS\) and at FILE OFFSET (0x[0-9a-f]+) \(inside NT_PRPSINFO\)/.exec(
      md,
    );
  if (offsets) {
    const noteAt = (off: number) =>
      a.dump.notes.find((n) => off >= n.offset && off < n.offset + 12 + Math.ceil((n.name.length + 1) / 4) * 4 + n.size)
        ?.typeName ?? NONE;
    add(`note holding file offset ${offsets[1]}`, noteAt(Number(offsets[1])), 'NT_PRSTATUS', '(pid file offset)');
    add(`note holding file offset ${offsets[2]}`, noteAt(Number(offsets[2])), 'NT_PRPSINFO', '(pid file offset)');
  }

  // elfutils eu-stack outputs: "PID n", "TID n:", frame lines "#0  0x… symbol - module".
  const stack = codeBlockAfter(md, '## Expected `eu-stack') ?? codeBlockAfter(md, '## Expected (grep');
  if (stack !== undefined) {
    const pid = /^PID (\d+)/m.exec(stack)?.[1];
    add('process.pid', opt(a.process.pid), pid, '(eu-stack PID)');
    const tids = [...stack.matchAll(/^TID (\d+):/gm)].map((m) => m[1]);
    if (tids.length > 0) add('threads.tids', a.threads.map((t) => t.tid).join(','), tids.join(','), '(eu-stack TIDs)');
    const frames = [...stack.matchAll(/^#(\d+)\s+0x([0-9a-f]+)(?: \S+ - (\S+))?/gm)];
    const pc0 = frames.find((f) => f[1] === '0');
    if (pc0) add('threads[0].pc (eu-stack frame #0)', opt(a.threads[0]?.pc), hex(BigInt(`0x${pc0[2]}`)), '(eu-stack)');
    for (const f of frames) {
      if (f[3] === undefined) continue;
      const addr = BigInt(`0x${f[2]}`);
      const m = a.modules.find((x) => addr >= x.start && addr < x.end);
      add(
        `address ${hex(addr)} module`,
        m ? basename(m.path) : '(in no module)',
        basename(f[3]),
        '(eu-stack frame module)',
      );
    }
  }

  // rizin `ar` (first NT_PRSTATUS): pc and sp only (registers are prstatus-corpus.test.ts's).
  const regs = rizinRegisters(md);
  if (regs.size > 0) {
    const pc = regs.get('rip') ?? regs.get('eip') ?? regs.get('pc');
    const sp = regs.get('rsp') ?? regs.get('esp') ?? regs.get('sp');
    add('threads[0].pc', opt(a.threads[0]?.pc), pc === undefined ? undefined : hex(pc), '(rizin ar)');
    add('threads[0].sp', opt(a.threads[0]?.sp), sp === undefined ? undefined : hex(sp), '(rizin ar)');
  }
  // rizin `iSS~?` counts the lines of its segment listing: one per program header plus 3 (both rizin tests agree).
  const iss = codeBlockAfter(md, '`iSS~?`')?.trim() ?? /`iSS~\?`[^\n]*== (\d+)/.exec(md)?.[1];
  if (iss !== undefined && /^\d+$/.test(iss))
    add('dump.programHeaders + 3', String(a.dump.programHeaders + 3), iss, '(rizin iSS~? line count)');
  // Program header counts (elfutils getphdrnum, rizin).
  add(
    'dump.programHeaders',
    String(a.dump.programHeaders),
    /elf_getphdrnum\) -> `(\d+)`/.exec(md)?.[1],
    '(getphdrnum)',
  );
  add(
    'dump.programHeaders',
    String(a.dump.programHeaders),
    /program header count \(PN_XNUM resolved\) == (\d+)/.exec(md)?.[1],
    '(PN_XNUM count)',
  );
  // Go debug/elf FileHeader.
  const fh = /Class ELFCLASS(\d+), Data ELFDATA2(LSB|MSB),.*Machine EM_(\w+)/.exec(md);
  if (fh) {
    add('elf.class', `ELF${a.dump.bits}`, `ELF${fh[1]}`, '(go FileHeader)');
    add('elf.endian', a.dump.endian, fh[2] === 'LSB' ? 'little' : 'big', '(go FileHeader)');
    add('elf.machine', String(a.dump.machine), fh[3] === 'X86_64' ? '62' : fh[3], '(go FileHeader)');
  }
}

/**
 * NT_FILE of the two MIPS ELF32 cores from a 64-bit kernel, which wrote the note with 64-bit words (count 1,
 * page_size 4096, one mapping, offset 0): every tool (llvm-readelf, eu-readelf) decodes it with 32-bit words and
 * prints garbage (page size 0, start 0x1000, end 0, empty name). Decoded by hand from the raw descriptor.
 */
const NT_FILE_BY_HAND: Readonly<
  Record<string, readonly { start: bigint; end: bigint; offset: bigint; path: string }[]>
> = {
  'lldb-linux-mipsel-gnuabio32': [
    {
      start: 0x400000n,
      end: 0x401000n,
      offset: 0n,
      path: '/home/nin/LLVM-new/llvm/tools/lldb/packages/Python/lldbsuite/test/functionalities/postmortem/elf-core/linux-mipsel-gnuabio32.out',
    },
  ],
  'lldb-linux-mips64el-gnuabin32': [
    {
      start: 0x10000000n,
      end: 0x10001000n,
      offset: 0n,
      path: '/home/nin/LLVM-new/llvm/tools/lldb/packages/Python/lldbsuite/test/functionalities/postmortem/elf-core/linux-mips64el-gnuabin32.out',
    },
  ],
};

/**
 * Addresses elfutils' addr2line tests resolve in a core (run-addrname-test.sh; transcribed from the expected.md
 * files: "symbol resolved from the vDSO image inside the core", "libfunc+0x9" in test-core-lib.so, …): the module
 * that holds them. `module` undefined = "some module" (the executable, whose name the core does not give).
 */
const ADDR2LINE: Readonly<Record<string, readonly { address: bigint; module?: string }[]>> = {
  'elfutils-testfile65': [{ address: 0x7fff94bffa30n, module: '[vdso]' }],
  'elfutils-testfile66': [{ address: 0x461b02d8n }, { address: 0x461c03d0n }],
  'elfutils-testfile69': [
    { address: 0x7f0bc6a33535n, module: 'testfile69.so' },
    { address: 0x7f0bc6a33546n, module: 'testfile69.so' },
  ],
  'elfutils-testfile70': [{ address: 0x7ff2cfe9b6b5n }],
  'elfutils-test-core': [{ address: 0x7f67f2aaf619n, module: 'test-core-lib.so' }],
};

function checkAddr2line(c: Checks, a: Analysis): void {
  for (const { address, module } of ADDR2LINE[c.core] ?? []) {
    const m = a.modules.find((x) => address >= x.start && address < x.end);
    const ours = m === undefined ? '(in no module)' : module === undefined ? 'a module' : basename(m.path);
    c.add(`address ${hex(address)} module`, ours, [
      { source: 'expected.md (elfutils addr2line test)', value: module ?? 'a module' },
    ]);
  }
}

/**
 * Cut copies of the core (inside the header, inside the program headers, inside the notes, half way) must give a
 * result or a DumpError, never anything else.
 */
async function checkCutCopies(c: Checks, bytes: Uint8Array, phdrs: readonly OraclePhdr[] | undefined): Promise<void> {
  const note = phdrs?.find((p) => p.type === 'NOTE');
  const cuts = [3, 40, 63, 100, note ? Number(note.offset) + 30 : 500, Math.floor(bytes.length / 2)].filter(
    (n) => n < bytes.length,
  );
  const outcomes: string[] = [];
  for (const cut of [...new Set(cuts)]) {
    try {
      await analyzeCore(new MemorySource(bytes.subarray(0, cut)));
    } catch (e) {
      if (!isDumpError(e)) outcomes.push(`${cut} bytes: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  }
  c.add('cut copies: result or DumpError', outcomes.join('; ') || 'yes', [
    { source: "coreview's contract: a core it cannot read throws DumpError (src/core/errors.ts)", value: 'yes' },
  ]);
}

async function checkCore(entry: CorpusEntry): Promise<Checks> {
  const c = new Checks(entry.name);
  const o = loadOracles(entry.name);
  const fileSize = coreSize(entry);
  const bytes = coreBytes(entry);
  const shape: Shape = {
    bits: bytes[4] === 2 ? 64 : 32,
    little: bytes[5] === 1,
    machine: view(bytes).getUint16(18, bytes[5] === 1),
  };

  let analysis: Analysis | undefined;
  let outcome = 'ok';
  const { source, close } = await openCore(entry);
  try {
    analysis = await analyzeCore(source);
  } catch (e) {
    outcome = isDumpError(e)
      ? `DumpError: ${(e as Error).message}`
      : `threw ${e instanceof Error ? e.stack : String(e)}`;
  } finally {
    await close();
  }
  c.add('analyzeCore', outcome, [{ source: 'PROVENANCE (an ELF core the oracles read)', value: 'ok' }]);

  const phdrs = new Map<string, OraclePhdr[]>();
  if (o.readelf) phdrs.set('readelf', parseReadelfProgramHeaders(o.readelf));
  if (o.llvm) phdrs.set('llvm-readelf', parseReadelfProgramHeaders(o.llvm));
  if (o.expected && /## ProgHeaders/.test(o.expected)) phdrs.set('go debug/elf test', goProgHeaders(o.expected));
  await checkCutCopies(c, bytes, phdrs.get('readelf'));
  if (analysis === undefined) return c;

  const a = analysis;
  const llvmNotes = o.llvm ? parseLlvmNotes(o.llvm) : undefined;
  const euSources: { source: string; text: string }[] = [];
  if (o.eu) euSources.push({ source: 'eu-readelf', text: o.eu });
  const euExpected = o.expected ? expectedEuReadelfBlock(o.expected) : undefined;
  if (euExpected) euSources.push({ source: 'elfutils test (expected eu-readelf)', text: euExpected });

  checkHeader(c, a, entry, o, phdrs);
  if (llvmNotes) {
    const os = llvmNotes.some((n) => n.owner.startsWith('NetBSD-CORE'))
      ? 'NetBSD'
      : llvmNotes.some((n) => n.owner.startsWith('OpenBSD'))
        ? 'OpenBSD'
        : 'Linux';
    c.add('dump.os', a.dump.os, [{ source: 'llvm-readelf note owners', value: os }]);
  }
  const ntFile = llvmNotes?.find((n) => n.owner === 'CORE' && n.typeName === 'NT_FILE')?.file?.entries;
  checkSegments(c, a, fileSize, phdrs, llvmNotes === undefined ? undefined : (ntFile ?? []));
  checkWarnings(c, a, fileSize, phdrs.get('readelf'), 'readelf');
  checkThreads(c, a, shape, llvmNotes, euSources);
  checkProcess(c, a, shape, llvmNotes, euSources);
  checkSignal(c, a, shape, llvmNotes, euSources);
  checkFiles(c, a, llvmNotes, euSources, o.expected);
  checkModules(c, a, entry.name, o);
  checkExpected(c, a, o.expected);
  checkAddr2line(c, a);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------

const entries = corpusEntries();
const reports: Checks[] = [];
const skipReason = corpusSkipReason();
const title = 'corpus conformance (ELF cores vs oracles)';

describe.skipIf(skipReason !== undefined)(
  skipReason === undefined ? title : `${title} — skipped: ${skipReason}`,
  () => {
    for (const entry of entries) {
      it(entry.name, async () => {
        reports.push(await checkCore(entry));
      });
    }

    it('every KNOWN entry still matches a disagreement', () => {
      const ran = new Set(reports.map((r) => r.core));
      const used = new Set(reports.flatMap((r) => [...r.knownUsed]));
      for (const k of KNOWN) {
        const applies = [...ran].some((core) => (typeof k.core === 'string' ? k.core === core : k.core.test(core)));
        if (applies)
          expect
            .soft(
              used.has(k),
              `stale KNOWN entry (no longer disagrees; remove it): ${String(k.core)} ${String(k.field)}`,
            )
            .toBe(true);
      }
    });

    afterAll(() => {
      if (reports.length === 0) return;
      const disagreeing = reports.filter((r) => r.disagreements.length > 0);
      const unexplained = reports.filter((r) => r.disagreements.some((x) => !x.known));
      const checks = reports.reduce((n, r) => n + r.count, 0);
      const lines = [
        `conformance: ${reports.length - disagreeing.length}/${reports.length} cores agree with the oracles ` +
          `(${checks} checks; ${disagreeing.length - unexplained.length} cores with explained disagreements only, ${unexplained.length} with unexplained ones)`,
      ];
      for (const r of reports) {
        for (const x of r.disagreements) {
          const why = x.known ? `  — known (${x.known.kind}): ${x.known.reason}` : '  — UNEXPLAINED';
          lines.push(`  ${r.core}: ${x.field}: ${x.ours} vs ${x.oracle} [${x.source}]${why}`);
        }
      }
      console.log(lines.join('\n'));
    });
  },
);
