/**
 * Memory Kind tagging. Linux cores name no anonymous region: there is no "[heap]" or "[stack]" in a core, so
 * every kind below is derived. What rests on a fact (a register, a file name, an auxv entry) is plain; what rests
 * on a guess is a named heuristic, recorded on the region with its evidence and shown to the user as such.
 */
import { anonymousRuns } from './anonymous-runs';
import { tagArenaHeaps, type ArenaHeap } from './glibc-heaps';
import { regionIndexAt } from '../memory/region-lookup';
import { hex } from '../text/hex';
import type { Module, Region } from '../types';

export interface ClassifyContext {
  readonly threads: readonly { readonly tid: number; readonly sp?: bigint }[];
  readonly modules: readonly Module[];
  /** AT_SYSINFO_EHDR: the vDSO's address. */
  readonly vdso?: bigint;
  /** AT_EXECFN: a pointer into the main thread's stack (argv/envp/auxv strings live there). */
  readonly execfn?: bigint;
  /** Path of the main executable, to place the brk heap after it. */
  readonly executable?: string;
  /** Start of createdump's DIAGINFOHEADER page when it is present. */
  readonly diagInfo?: bigint;
  /** The process maps libcoreclr.so: .NET heuristics apply. */
  readonly dotnet: boolean;
  /** gdb's gcore writes every segment readable (PF_R), so no-access guard pages arrive as read-only. */
  readonly permissionsLost: boolean;
  /** Without NT_FILE: where each image's mappings were found instead (link-map.ts), by path. */
  readonly imageEvidence?: ReadonlyMap<string, string>;
  /** glibc malloc arena heaps found in the dump's memory (glibc-heaps.ts). */
  readonly arenaHeaps?: readonly ArenaHeap[];
}

const X86_64_VSYSCALL = 0xffffffffff600000n;
/** The GC reserves its whole heap range up front (256 GiB by default on 64-bit); anything this big qualifies. */
const GC_RESERVATION_MIN = 256 * 1024 * 1024;
/** Linux randomises the brk start up to 32 MiB after the executable (x86_64) and up to 1 GiB on arm64. */
const BRK_WINDOW = 1n << 30n;

export function classifyRegions(regions: Region[], ctx: ClassifyContext): void {
  const images = new Set(ctx.modules.map((m) => m.path));
  // Indexed loops over regions and threads (thousands): in a process this short-lived the code runs cold, and
  // for…of then costs an iterator call and a result object per step.
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r === undefined) throw new RangeError(`no region ${i}`);
    if (r.image !== undefined) tagFileMapping(r, images, ctx.imageEvidence);
  }
  tagVdso(regions, ctx);
  tagDiagInfo(regions, ctx);
  tagStacks(regions, ctx);
  tagMainStackFromAuxv(regions, ctx);
  tagStackGuards(regions, ctx.permissionsLost);
  // Arenas first: their heap_info is firmer evidence than the brk heap's position, whose run must stop at them.
  if (ctx.arenaHeaps !== undefined) tagArenaHeaps(regions, ctx.arenaHeaps, ctx.permissionsLost);
  tagBrkHeap(regions, ctx);
  if (ctx.dotnet) tagGcHeap(regions);
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r === undefined) throw new RangeError(`no region ${i}`);
    if (r.kind !== '') continue;
    r.kind = r.state === 'MEM_RESERVE' ? '[RESERVED]' : r.protect;
    if (ctx.permissionsLost && r.image === undefined && r.perms === 'r--') {
      r.heuristic = {
        name: GCORE_NOACCESS,
        evidence: 'gcore writes no-access memory readable; the census will tell (no-access memory is all zero)',
      };
    }
  }
}

/** Heuristic names; after-census.ts settles regions tagged `gcore-noaccess-as-readonly`. */
export const BRK_HEAP = 'brk-heap-after-executable';
export const GCORE_NOACCESS = 'gcore-noaccess-as-readonly';

function tagFileMapping(
  r: Region,
  images: ReadonlySet<string>,
  imageEvidence: ReadonlyMap<string, string> | undefined,
): void {
  const path = r.image ?? '';
  const found = imageEvidence?.get(path);
  if (found !== undefined) {
    // No NT_FILE: the image is named by the process's records, and this range derived from its program headers.
    r.type = 'MEM_IMAGE';
    r.kind = 'Image';
    r.heuristic = {
      name: 'image-without-nt-file',
      evidence: `no NT_FILE note: ${path} is ${found}, and this range is one of its PT_LOADs`,
    };
    return;
  }
  if (path.startsWith('/memfd:doublemapper')) {
    // .NET's W^X scheme maps JIT code twice through a memfd it names "doublemapper" (coreclr's doublemapping.cpp).
    r.kind = 'CLRCode';
    r.heuristic = {
      name: 'dotnet-doublemapper-memfd',
      evidence: `mapped from ${path}: the memfd .NET's W^X double mapping creates for JIT code`,
    };
    return;
  }
  if (images.has(path)) {
    r.type = 'MEM_IMAGE';
    r.kind = 'Image';
  } else {
    r.kind = 'MappedFile';
  }
}

/** vDSO: AT_SYSINFO_EHDR is a fact; its data pages (vvar) sit right below it; vsyscall has a fixed address. */
function tagVdso(regions: Region[], ctx: ClassifyContext): void {
  const i = ctx.vdso === undefined ? -1 : regionIndexAt(regions, ctx.vdso);
  const vdso = regions[i];
  if (vdso !== undefined && vdso.image === undefined) {
    vdso.kind = 'Vdso';
    // vvar: the kernel maps its data pages directly below the vDSO text — one [vvar] mapping before Linux 6.x, then
    // [vvar] (16 KiB) and [vvar_vclock] (8 KiB) — read-only or no-access, together well under 64 KiB.
    let budget = 64 * 1024;
    for (let j = i - 1, top = vdso.start; j >= 0; j--) {
      const below = regions[j];
      if (
        below === undefined ||
        below.end !== top ||
        below.image !== undefined ||
        below.kind !== '' ||
        below.perms[1] !== '-' ||
        below.size > budget
      )
        break;
      below.kind = 'Vdso';
      below.heuristic = {
        name: 'vvar-below-vdso',
        evidence: `read-only ${below.size}-byte region directly below the vDSO at ${hex(vdso.start)}, where the kernel maps vvar`,
      };
      budget -= below.size;
      top = below.start;
    }
  }
  const vsyscall = regions[regionIndexAt(regions, X86_64_VSYSCALL)];
  if (vsyscall !== undefined && vsyscall.start === X86_64_VSYSCALL) vsyscall.kind = 'Vdso';
}

function tagDiagInfo(regions: Region[], ctx: ClassifyContext): void {
  if (ctx.diagInfo === undefined) return;
  const r = regions[regionIndexAt(regions, ctx.diagInfo)];
  if (r !== undefined && r.kind === '') r.kind = 'DiagInfo';
}

/** A region holding a thread's stack pointer is that thread's stack (a fact: the register says so). */
function tagStacks(regions: Region[], ctx: ClassifyContext): void {
  for (let i = 0; i < ctx.threads.length; i++) {
    const t = ctx.threads[i];
    if (t === undefined) throw new RangeError(`no thread ${i}`);
    if (t.sp === undefined) continue;
    const r = regions[regionIndexAt(regions, t.sp)];
    if (r === undefined || r.image !== undefined || (r.kind !== '' && r.kind !== 'Stack')) continue;
    r.kind = 'Stack';
    r.tid ??= t.tid;
  }
}

/** Without register notes (or sp), the main stack is the region that holds AT_EXECFN's string. */
function tagMainStackFromAuxv(regions: Region[], ctx: ClassifyContext): void {
  if (ctx.execfn === undefined) return;
  const r = regions[regionIndexAt(regions, ctx.execfn)];
  if (r === undefined || r.kind !== '' || r.image !== undefined) return;
  r.kind = 'Stack';
  r.heuristic = {
    name: 'auxv-execfn-on-main-stack',
    evidence: `holds AT_EXECFN (${hex(ctx.execfn)}): the kernel puts argv, envp and auxv strings at the top of the main thread's stack`,
  };
}

/**
 * glibc puts a no-access guard directly below each thread stack it allocates (pthread_attr guardsize, one page by
 * default). gcore writes it readable, so in a gcore a small read-only anonymous region there is taken for the
 * guard — a heuristic, since gcore lost the evidence.
 */
function tagStackGuards(regions: Region[], permissionsLost: boolean): void {
  for (let i = 1; i < regions.length; i++) {
    const r = regions[i];
    const below = regions[i - 1];
    if (
      r?.kind !== 'Stack' ||
      below === undefined ||
      below.end !== r.start ||
      below.kind !== '' ||
      below.image !== undefined
    )
      continue;
    if (below.perms === '---') {
      below.kind = 'StackGuard';
    } else if (permissionsLost && below.perms === 'r--' && below.size <= 64 * 1024) {
      below.kind = 'StackGuard';
      below.heuristic = {
        name: 'gcore-guard-below-stack',
        evidence: `${below.size}-byte anonymous region directly below the stack at ${hex(r.start)}; gcore writes guard pages as read-only`,
      };
    } else {
      continue;
    }
    if (r.tid !== undefined) below.tid = r.tid;
  }
}

/**
 * brk heap: Linux cores do not label [heap]; brk memory starts after the executable's last mapping (its bss),
 * randomised up to 32 MiB (x86_64) or 1 GiB (arm64) higher. The first anonymous read-write region past the
 * executable's bss, before the next file mapping, is taken to be the heap — and with it the anonymous pieces that
 * follow it without a gap: a program that mprotect()s pages inside its brk memory splits [heap] into several
 * mappings (read-write, then no-access, then read-write…). The core does not record where brk ends.
 */
function tagBrkHeap(regions: Region[], ctx: ClassifyContext): void {
  const exe = ctx.modules.find((m) => m.path === ctx.executable) ?? ctx.modules[0];
  if (exe === undefined) return;
  const exeEnd = loadImageEnd(regions, exe.path) ?? exe.end;
  let i = regions.findIndex((r) => r.start >= exeEnd);
  const runs: number[][] = [];
  for (; i >= 0 && i < regions.length && runs.length < 2; i++) {
    const r = regions[i];
    if (r === undefined || r.image !== undefined || r.kind !== '' || r.start > exeEnd + BRK_WINDOW) break;
    if (r.perms !== 'rw-') continue;
    const run = brkRun(regions, i, ctx.permissionsLost);
    runs.push(run);
    i = run[run.length - 1] ?? i;
  }
  const firstRun = runs[0];
  const first = regions[firstRun?.[0] ?? -1];
  if (firstRun === undefined || first === undefined) return;
  // An anonymous rw region flush against the executable is its bss when another one follows; else it holds both.
  // A bss is one mapping: a run of pieces there is the heap.
  const heapRun = first.start === exeEnd && firstRun.length === 1 && runs[1] !== undefined ? runs[1] : firstRun;
  const heap = regions[heapRun[0] ?? -1];
  if (heap === undefined) return;
  heap.kind = 'Heap';
  heap.heuristic = {
    name: BRK_HEAP,
    evidence: `first anonymous read-write region after ${exe.path} (which ends at ${hex(exeEnd)}): where brk() places the heap`,
  };
  for (let k = 1; k < heapRun.length; k++) {
    const r = regions[heapRun[k] ?? -1];
    if (r === undefined) continue;
    const prev = regions[(heapRun[k] ?? 0) - 1];
    r.kind = 'Heap';
    const what =
      r.perms === 'rw-'
        ? 'anonymous read-write piece'
        : r.perms === '---'
          ? 'anonymous no-access hole'
          : 'anonymous read-only piece (gcore writes a no-access hole readable)';
    const where =
      prev !== undefined && prev.end !== r.start
        ? `${Number(r.start - prev.end)} bytes after the brk heap piece before it (a gap the gcore left out: untouched [heap] holes are not dumped)`
        : 'adjacent to the brk heap piece before it (no gap)';
    r.heuristic = {
      name: BRK_HEAP,
      evidence: `${what} ${where}, in the run that starts at ${hex(heap.start)} after ${exe.path}: brk memory the program split with mprotect()`,
    };
  }
}

/**
 * Where the executable's load image (its PT_LOADs, bss included) ends: the end of its mappings from the lowest one
 * on, up to the first gap wider than the brk window. A mapping of the executable far above it is not its image: Node.js
 * maps part of its own text again into huge pages, next to the libraries.
 */
function loadImageEnd(regions: readonly Region[], path: string): bigint | undefined {
  let end: bigint | undefined;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r === undefined || r.image !== path) continue;
    if (end !== undefined && r.start > end + BRK_WINDOW) break;
    if (end === undefined || r.end > end) end = r.end;
  }
  return end;
}

/**
 * The largest block glibc's malloc serves from brk by default (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit): a hole the
 * program made inside brk memory lies in such a block, so a bigger no-access region is something else's.
 */
const BRK_HOLE_MAX = 32 * 1024 * 1024;

/**
 * Region `i` and the untagged anonymous pieces that follow it without a gap: read-write ones, and no-access holes
 * (read-only in a gcore) between two read-write ones. Indices, in address order; ends on a read-write piece.
 */
function brkRun(regions: readonly Region[], i: number, permissionsLost: boolean): number[] {
  const run = [i];
  let holes: number[] = [];
  for (let j = i + 1; j < regions.length; j++) {
    const r = regions[j];
    const prev = regions[j - 1];
    if (r === undefined || prev === undefined || r.image !== undefined || r.kind !== '') break;
    // gcore leaves out [heap] pieces with no pages in memory (gdb takes the name for a file's): a no-access hole
    // never written is missing from its dump, so there a gap of hole size between read-write pieces is allowed.
    const gap = r.start - prev.end;
    if (gap !== 0n && !(permissionsLost && r.perms === 'rw-' && gap > 0n && gap <= BigInt(BRK_HOLE_MAX))) break;
    if (r.perms === 'rw-') {
      run.push(...holes, j);
      holes = [];
    } else if ((r.perms === '---' || (permissionsLost && r.perms === 'r--')) && r.size <= BRK_HOLE_MAX) {
      holes.push(j);
    } else {
      break;
    }
  }
  return run;
}

/**
 * .NET GC: the GC reserves one huge PROT_NONE range (MADV_DONTDUMP) and commits read-write pieces inside it, so a
 * run of contiguous anonymous regions holding a reservation of 256 MiB or more, in a process that maps
 * libcoreclr.so, is GC heap where it is read-write. Probable only: without the runtime's data (the DAC) it
 * cannot be confirmed.
 */
function tagGcHeap(regions: Region[]): void {
  for (const { first, last } of anonymousRuns(regions)) {
    const run = regions.slice(first, last + 1);
    const reserved = run.filter((x) => x.perms === '---' && x.image === undefined).reduce((sum, x) => sum + x.size, 0);
    if (reserved < GC_RESERVATION_MIN) continue;
    for (const x of run) {
      if (x.kind !== '' || x.perms !== 'rw-') continue;
      x.kind = 'GCHeap';
      x.heuristic = {
        name: 'dotnet-gc-reservation',
        evidence: `read-write anonymous memory inside a ${formatMiB(reserved)} no-access reservation starting at ${hex(run[0]?.start ?? x.start)}, in a process that maps libcoreclr.so`,
      };
    }
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}
