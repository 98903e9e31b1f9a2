import { readElfHeader, readSectionHeaderZero } from './elf/header';
import { readProgramHeaders } from './elf/program-headers';
import { dumpFingerprint } from './elf/fingerprint';
import { EM, PT_LOAD } from './elf/constants';
import { CountingSource, type ByteSource } from './io/byte-source';
import { AT, auxvValue } from './notes/auxv';
import { collectNotes } from './notes/collect-notes';
import { signalName } from './notes/siginfo';
import { classifyRegions } from './model/classify';
import { MemoryReader } from './memory/memory-reader';
import { findArenaHeaps } from './model/glibc-heaps';
import { loadedImages } from './model/link-map';
import { hex } from './text/hex';
import { findModules, probeModule } from './model/modules';
import { detectProducer } from './model/producer';
import { addUnsegmentedFiles, buildRegions } from './model/regions';
import { detectRuntime, mapsCoreclr } from './model/runtime';
import { isGcoreSnapshot, markSignalled } from './model/signalled';
import { annotateThreads, basename, buildThreads } from './model/threads';
import { imageTotals, kindTotals } from './model/totals';
import type { Analysis, FileMapping, Module, ProcessInfo, Thread } from './types';
import { parseBsdNotes, type BsdProcess } from './notes/bsd-notes';
import { osFromLibraryPaths } from './scan/identify-os';
import type { CollectedNotes } from './notes/collect-notes';

export interface AnalyzeOptions {
  /** Called for each warning as it is found (they are also collected in dump.warnings). */
  readonly onWarning?: (message: string) => void;
  /** Progress of the header pass: which step, and the bytes read so far. */
  readonly onProgress?: (step: string, bytesRead: number) => void;
}

/** createdump's diagnostics page: a fixed address, starting with this signature. */
const DIAGINFO_ADDRESS = 0x7ffffff10000n;
const DIAGINFO_SIGNATURE = 'DIAGINFOHEADER';

/**
 * The header pass: ELF header, program headers, every PT_NOTE and the first page of each mapped image. What it
 * reads does not grow with the dump's size (see CountingSource in the result's dump.bytesRead).
 * Throws DumpError for input that is not a readable core; anything else it can parse comes back with warnings.
 */
export async function analyzeCore(input: ByteSource, options: AnalyzeOptions = {}): Promise<Analysis> {
  const source = new CountingSource(input);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const progress = (step: string) => options.onProgress?.(step, source.bytesRead);

  progress('ELF header');
  const header = await readElfHeader(source);
  progress('program headers');
  const phdrs = await readProgramHeaders(source, header, warn);
  // Hashed beside the rest of the pass, from the uncounted input: dump.bytesRead stays what the analysis reads.
  const fingerprint = dumpFingerprint(input, header, phdrs);
  fingerprint.catch(() => undefined);
  progress('notes');
  const notes = await collectNotes(source, header, phdrs, warn);
  const os = detectOs(notes);
  const core = { bits: header.bits, endian: header.endian };
  // NT_FILE's mappings; without the note, those of the loaded images the process's own records name (auxv, the
  // link map: link-map.ts), which then split the regions as NT_FILE's would have (buildRegions warned already).
  const noteFiles: FileMapping[] = notes.file?.mappings ?? [];
  let files = noteFiles;
  let segmentRegions = buildRegions(phdrs, files, source.size, warn);
  let memory = new MemoryReader(source, segmentRegions);
  const execfn = auxvValue(notes.auxv, AT.EXECFN);
  const fromRecords = notes.file === undefined && os === 'Linux';
  // AT_EXECFN's string names the executable on the link map, so without NT_FILE it is read here, once; with
  // NT_FILE it is read below, with the other small reads.
  const execfnEarly = fromRecords && execfn !== undefined ? await memory.readCString(execfn) : undefined;
  const loaded = fromRecords
    ? await loadedImages(memory, segmentRegions, notes.auxv, core, executableName(execfnEarly, notes))
    : undefined;
  const usesLoaded = loaded !== undefined && loaded.mappings.length > 0;
  if (usesLoaded) {
    files = loaded.mappings;
    segmentRegions = buildRegions(phdrs, files, source.size, () => undefined);
    memory = new MemoryReader(source, segmentRegions);
  }

  progress('modules');
  const vdso = auxvValue(notes.auxv, AT.SYSINFO_EHDR);
  // Only a file mapping AT the vDSO's address makes it a named module: a module's start..end hull can enclose it
  // (ld.so's text and data straddle the vDSO in older layouts), which used to hide the vDSO and its build-id.
  const vdsoUnnamed = vdso !== undefined && !files.some((f) => vdso >= f.start && vdso < f.end);
  // The small reads of memory that follow the notes do not depend on each other: issued together, so a source
  // whose every read is a round trip (a File in the page) waits for one round instead of one per read.
  const [execfnRaw, found, vdsoModule, diagBytes, arenaHeaps] = await Promise.all([
    fromRecords ? execfnEarly : execfn === undefined ? undefined : memory.readCString(execfn),
    findModules(files, memory, core, warn),
    vdsoUnnamed ? probeModule(memory, vdso, '[vdso]', core) : undefined,
    header.bits === 64 ? memory.readAvailable(DIAGINFO_ADDRESS, DIAGINFO_SIGNATURE.length) : undefined,
    os === 'Linux' ? findArenaHeaps(segmentRegions, memory, core) : [],
  ]);
  // An empty string (zeros where AT_EXECFN points) names nothing: it used to become the executable "".
  const execfnText = execfnRaw || undefined;
  const executable = pickExecutable(files, execfnText, notes);
  const modules: Module[] = vdsoModule === undefined ? found : [...found, vdsoModule];
  const diagInfo = diagBytes !== undefined && new TextDecoder().decode(diagBytes) === DIAGINFO_SIGNATURE;

  progress('regions');
  const regions = addUnsegmentedFiles(segmentRegions, noteFiles);
  if (regions.length > segmentRegions.length) {
    warn(
      `${regions.length - segmentRegions.length} file mapping(s) listed in NT_FILE have no segment in the dump (not in dump; their protection is unknown)`,
    );
  }
  const processSignal = notes.siginfo?.signo || notes.threads[0]?.signal || undefined;
  const bsd =
    os === 'Linux'
      ? undefined
      : parseBsdNotes(notes.bsdNotes, { machine: header.machine, bits: header.bits, endian: header.endian });
  bsd?.warnings.forEach(warn);
  const threads: Thread[] = bsd ? bsd.threads.map((t) => ({ ...t })) : buildThreads(notes.threads, processSignal);
  const dotnet = mapsCoreclr(files);
  // createdump's section header sits right after the ELF header: read (a few bytes the header pass has seen) only then.
  const elfHeaderSize = header.bits === 64 ? 64 : 52;
  const section0 =
    header.shoff === elfHeaderSize
      ? await readSectionHeaderZero(source, header.shoff, header.bits, header.endian)
      : undefined;
  const producer = detectProducer({
    notes,
    sectionHeaders: header.shnum,
    extendedNumbering: header.extendedNumbering !== undefined,
    diagInfo,
    os,
    sectionTable: {
      offset: header.shoff,
      rawCount: header.rawShnum,
      ...(section0 !== undefined ? { info: section0.info } : {}),
    },
    elfHeaderSize,
    programHeaders: header.phnum,
  });
  const permissionsLost = producer.name === 'gdb gcore';
  const snapshot =
    !bsd &&
    isGcoreSnapshot(
      producer.name,
      notes.threads.map((t) => t.signal),
      notes.siginfo?.signo,
      header.machine,
    );
  markSignalled(threads, producer.name, snapshot);
  if (permissionsLost) {
    warn(
      "written by gdb's gcore, which marks every segment readable: no-access memory arrives as read-only zeros (shown PAGE_READONLY? until the census finds it all zero, then [RESERVED]?), and unmodified read-only file mappings are left out",
    );
  }
  classifyRegions(regions, {
    threads,
    modules,
    dotnet,
    permissionsLost,
    arenaHeaps,
    ...(usesLoaded ? { imageEvidence: loaded.evidence } : {}),
    ...(vdso !== undefined ? { vdso } : {}),
    ...(execfn !== undefined ? { execfn } : {}),
    ...(executable !== undefined ? { executable } : {}),
    ...(diagInfo ? { diagInfo: DIAGINFO_ADDRESS } : {}),
  });
  annotateThreads(threads, regions, modules, header.machine === EM.PARISC);

  const loadSegments = phdrs.filter((p) => p.type === PT_LOAD).length;
  if (loadSegments === 0)
    warn('the core holds no memory segments (no PT_LOAD): only process facts and threads can be shown');
  if (os === 'Linux' && notes.threads.length === 0 && notes.list.length > 0)
    warn('no NT_PRSTATUS notes: the core lists no threads');
  if (os !== 'Linux')
    warn(
      `${os} cores are partially supported: regions are complete; threads, registers and process facts may be missing`,
    );
  if (usesLoaded) {
    const list =
      loaded.linkMap === undefined
        ? "the executable's program headers only: no link map — a static executable, or its pages are not in the dump"
        : `the dynamic linker's link map at ${hex(loaded.linkMap.rDebug)} lists ${loaded.linkMap.objects} objects`;
    warn(
      `no usable NT_FILE note: ${loaded.evidence.size} loaded ELF image(s) are named from the process's own records (${list}) and placed by their program headers; other file mappings cannot be told from anonymous memory`,
    );
  } else if (files.length === 0 && loadSegments > 0 && os === 'Linux') {
    warn(
      'no usable NT_FILE note: file-backed mappings cannot be told from anonymous memory (old kernels and some writers omit it, the kernel drops it above ~65k mappings, and a cut-short or corrupt note is skipped)',
    );
  }

  const process = bsd
    ? bsdProcess(bsd.process)
    : buildProcess(notes, header.machine, executable, execfnText, files, snapshot);
  progress('done');
  return {
    dump: {
      size: source.size,
      arch: archName(header.machineName, header.bits),
      machine: header.machine,
      bits: header.bits,
      endian: header.endian,
      os,
      pageSize: pageSizeOf(notes),
      producer,
      programHeaders: phdrs.length,
      loadSegments,
      notes: notes.list,
      warnings,
      bytesRead: source.bytesRead,
      fingerprint: await fingerprint,
    },
    process,
    regions,
    totals: kindTotals(regions),
    imageTotals: imageTotals(regions),
    threads,
    modules,
    files: noteFiles,
    auxv: notes.auxv,
  };
}

/** The executable's path for a link map, whose entry for it has no name: AT_EXECFN's string, else pr_fname. */
function executableName(execfnText: string | undefined, notes: CollectedNotes): string {
  return execfnText || notes.prpsinfo?.fname || '[exe]';
}

/**
 * The MMU page size. NT_FILE's page_size is only the unit of its file offsets: gdb writes 1 (offsets in bytes)
 * and some cores 0, which used to come out as "pageSize: 1"; below 1 KiB it is not a page size, so AT_PAGESZ
 * (or 4096) is used instead. A corrupt AT_PAGESZ (not a power of two up to 1 GiB) is ignored likewise.
 */
function pageSizeOf(notes: CollectedNotes): number {
  const plausible = (n: number) => n >= 1024 && n <= 1 << 30 && (n & (n - 1)) === 0;
  const fromFile = notes.file?.pageSize ?? 0;
  if (plausible(fromFile)) return fromFile;
  const aux = auxvValue(notes.auxv, AT.PAGESZ);
  const fromAuxv = aux !== undefined && aux <= 1n << 30n ? Number(aux) : 0;
  return plausible(fromAuxv) ? fromAuxv : 4096;
}

function detectOs(notes: CollectedNotes): string {
  for (const owner of notes.owners) {
    if (owner.startsWith('NetBSD-CORE')) return 'NetBSD';
    if (owner.startsWith('OpenBSD')) return 'OpenBSD';
  }
  return 'Linux';
}

/** x32 and MIPS n32 are 64-bit machines running a 32-bit ABI: say so rather than "x86_64, 32-bit". */
function archName(machine: string, bits: 32 | 64): string {
  if (machine === 'x86_64' && bits === 32) return 'x32';
  if (machine === 'mips') return bits === 64 ? 'mips64' : 'mips';
  if (machine === 'riscv') return bits === 64 ? 'riscv64' : 'riscv32';
  if (machine === 'loongarch') return bits === 64 ? 'loongarch64' : 'loongarch32';
  if (machine === 's390' && bits === 64) return 's390x';
  return machine;
}

/**
 * The executable: the NT_FILE image whose name matches AT_EXECFN (the path given to execve, maybe relative) or
 * pr_fname; else the file mapped where AT_ENTRY (its entry point) lies; else AT_EXECFN's path, else the first file
 * mapped at offset 0 (the kernel lists mappings by address, the executable usually lowest).
 */
function pickExecutable(
  files: readonly FileMapping[],
  execfn: string | undefined,
  notes: CollectedNotes,
): string | undefined {
  const atZero = files.filter((f) => f.fileOffset === 0n);
  const wanted = execfn !== undefined ? basename(execfn) : undefined;
  const fname = notes.prpsinfo?.fname;
  const entry = auxvValue(notes.auxv, AT.ENTRY);
  const match =
    atZero.find((f) => wanted !== undefined && basename(f.path) === wanted) ??
    atZero.find((f) => fname !== undefined && fname.length > 0 && basename(f.path).startsWith(fname)) ??
    files.find((f) => entry !== undefined && entry >= f.start && entry < f.end);
  return match?.path ?? execfn ?? atZero[0]?.path;
}

function bsdProcess(p: BsdProcess): ProcessInfo {
  const info: ProcessInfo = {};
  for (const key of ['pid', 'ppid', 'uid', 'gid', 'name', 'signal', 'signalCode'] as const) {
    if (p[key] !== undefined) Object.assign(info, { [key]: p[key] });
  }
  return info;
}

function buildProcess(
  notes: CollectedNotes,
  machine: number,
  executable: string | undefined,
  execfn: string | undefined,
  files: readonly FileMapping[],
  snapshot: boolean,
): ProcessInfo {
  const p: ProcessInfo = {};
  const ps = notes.prpsinfo;
  if (ps !== undefined)
    Object.assign(p, {
      pid: ps.pid,
      ppid: ps.ppid,
      uid: ps.uid,
      gid: ps.gid,
      name: ps.fname,
      args: ps.psargs,
      state: ps.sname,
    });
  else if (notes.threads[0] !== undefined) p.pid = notes.threads[0].tid;
  const si = notes.siginfo;
  const signal = si?.signo || notes.threads[0]?.signal || 0;
  if (signal !== 0) {
    p.signal = signal;
    const name = signalName(signal, machine);
    if (name !== undefined) p.signalName = name;
  }
  if (si !== undefined && si.signo !== 0) {
    p.signalCode = si.code;
    p.signalErrno = si.errno;
    if (si.faultAddress !== undefined) p.faultAddress = si.faultAddress;
  }
  // The signal fields stay as the notes give them (gdb's SIGSTOP); the flag says no signal ended the process.
  if (snapshot) p.snapshot = true;
  if (executable !== undefined) p.executable = executable;
  else if (execfn !== undefined) p.executable = execfn;
  const runtime = detectRuntime(files);
  if (runtime !== undefined) p.runtime = runtime;
  const os = osFromLibraryPaths(files);
  if (os !== undefined) p.os = os;
  return p;
}
