/**
 * NetBSD and OpenBSD core notes. These systems write no NT_PRSTATUS: one process-wide procinfo note (owner
 * "NetBSD-CORE" / "OpenBSD") carries pid, name and the signal, and per-thread notes whose owner name carries
 * the thread id after an "@" ("NetBSD-CORE@<lwpid>", "OpenBSD@<tid>") carry the machine's ptrace register set.
 *
 * Sources: NetBSD sys/sys/exec_elf.h (struct netbsd_elfcore_procinfo, ELF_NOTE_NETBSD_CORE_PROCINFO = 1) and
 * sys/kern/core_elf32.c; OpenBSD sys/sys/exec_elf.h (struct elfcore_procinfo, NT_OPENBSD_PROCINFO = 10,
 * NT_OPENBSD_REGS = 20) and sys/kern/exec_elf.c. Register layouts: ./arch/bsd.ts. Checked against the corpus'
 * 7 NetBSD cores (pids, LWP ids and per-LWP signals as lldb's tests assert them) and the OpenBSD/sparc64 core.
 */
import { BinaryView, type Endian, type WordBits } from '../elf/binary-view';
import { machineName } from '../elf/constants';
import { RegisterSet } from '../types';
import { netbsdRegisterLayout, openbsdRegisterLayout, type BsdRegisterLayout } from './arch/bsd';

export interface BsdNote {
  readonly name: string;
  readonly type: number;
  readonly desc: Uint8Array;
}

export interface BsdContext {
  readonly machine: number;
  readonly bits: WordBits;
  readonly endian: Endian;
}

export interface BsdProcess {
  pid?: number;
  ppid?: number;
  pgrp?: number;
  sid?: number;
  /** Real user and group ids. */
  uid?: number;
  gid?: number;
  /** The command name (p_comm, 32 bytes at most). */
  name?: string;
  /** The signal that caused the dump (0: none, e.g. gcore). */
  signal?: number;
  signalCode?: number;
  /** NetBSD cpi_siglwp: the LWP the signal was sent to; 0 for a process-directed signal. */
  signalLwp?: number;
  /** NetBSD cpi_nlwps. */
  lwpCount?: number;
}

export interface BsdThread {
  readonly tid: number;
  signal: number;
  crashed: boolean;
  registers: RegisterSet;
  pc?: bigint;
  sp?: bigint;
}

export interface BsdCoreNotes {
  readonly os: 'NetBSD' | 'OpenBSD';
  readonly process: BsdProcess;
  readonly threads: BsdThread[];
  readonly warnings: string[];
}

export const NT_NETBSDCORE_PROCINFO = 1;
export const NT_OPENBSD_PROCINFO = 10;

interface Flavor {
  readonly os: 'NetBSD' | 'OpenBSD';
  readonly owner: string;
  readonly procinfoType: number;
  readonly readProcinfo: (view: BinaryView) => BsdProcess;
  readonly registers: (machine: number) => BsdRegisterLayout | undefined;
}

/** Reads a 32-bit field when the descriptor holds it (procinfo notes may come from older, shorter versions). */
function field(view: BinaryView, offset: number, signed = false): number | undefined {
  if (offset + 4 > view.length) return undefined;
  return signed ? view.i32(offset) : view.u32(offset);
}

function stripUndefined(p: BsdProcess): BsdProcess {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

/**
 * struct netbsd_elfcore_procinfo (160 bytes): cpi_version, cpi_cpisize, cpi_signo, cpi_sigcode,
 * cpi_sigpend[4], cpi_sigmask[4], cpi_sigignore[4], cpi_sigcatch[4] (at 16..80), cpi_pid 80, cpi_ppid 84,
 * cpi_pgrp 88, cpi_sid 92, cpi_ruid 96, euid, svuid, cpi_rgid 108, egid, svgid, cpi_nlwps 120,
 * cpi_name[32] 124, cpi_siglwp 156.
 */
function readNetbsdProcinfo(view: BinaryView): BsdProcess {
  return stripUndefined({
    signal: field(view, 8, true),
    signalCode: field(view, 12, true),
    pid: field(view, 80),
    ppid: field(view, 84),
    pgrp: field(view, 88),
    sid: field(view, 92),
    uid: field(view, 96),
    gid: field(view, 108),
    lwpCount: field(view, 120),
    name: view.length >= 156 ? view.cstring(124, 32) : undefined,
    signalLwp: field(view, 156),
  });
}

/**
 * struct elfcore_procinfo (104 bytes): cpi_version, cpi_cpisize, cpi_signo, cpi_sigcode, cpi_sigpend,
 * cpi_sigmask, cpi_sigignore, cpi_sigcatch (one word each), cpi_pid 32, cpi_ppid 36, cpi_pgrp 40, cpi_sid 44,
 * cpi_ruid 48, euid, svuid, cpi_rgid 60, egid, svgid, cpi_name[32] 72.
 */
function readOpenbsdProcinfo(view: BinaryView): BsdProcess {
  return stripUndefined({
    signal: field(view, 8, true),
    signalCode: field(view, 12, true),
    pid: field(view, 32),
    ppid: field(view, 36),
    pgrp: field(view, 40),
    sid: field(view, 44),
    uid: field(view, 48),
    gid: field(view, 60),
    name: view.length >= 104 ? view.cstring(72, 32) : undefined,
  });
}

const NETBSD: Flavor = {
  os: 'NetBSD',
  owner: 'NetBSD-CORE',
  procinfoType: NT_NETBSDCORE_PROCINFO,
  readProcinfo: readNetbsdProcinfo,
  registers: netbsdRegisterLayout,
};
const OPENBSD: Flavor = {
  os: 'OpenBSD',
  owner: 'OpenBSD',
  procinfoType: NT_OPENBSD_PROCINFO,
  readProcinfo: readOpenbsdProcinfo,
  registers: openbsdRegisterLayout,
};

/** Splits "NetBSD-CORE@12" into the flavor and thread id 12; "NetBSD-CORE" gives tid undefined. */
function owner(name: string): { flavor: Flavor; tid?: number; badSuffix?: string } | undefined {
  for (const flavor of [NETBSD, OPENBSD]) {
    if (name === flavor.owner) return { flavor };
    if (name.startsWith(`${flavor.owner}@`)) {
      const suffix = name.slice(flavor.owner.length + 1);
      const tid = /^\d{1,10}$/.test(suffix) ? Number(suffix) : NaN;
      return Number.isSafeInteger(tid) && tid <= 0xffffffff ? { flavor, tid } : { flavor, badSuffix: suffix };
    }
  }
  return undefined;
}

/** Which BSD wrote these notes, if any did. */
export function bsdNoteOs(notes: readonly BsdNote[]): 'NetBSD' | 'OpenBSD' | undefined {
  for (const n of notes) {
    const o = owner(n.name);
    if (o) return o.flavor.os;
  }
  return undefined;
}

type ThreadRegisters = Pick<BsdThread, 'registers' | 'pc' | 'sp'>;

function readRegisters(desc: Uint8Array, layout: BsdRegisterLayout, ctx: BsdContext): ThreadRegisters {
  const view = new BinaryView(desc, ctx.endian, ctx.bits);
  const registers = new RegisterSet(view, 0, layout.registers);
  const pc = registers.value(layout.pc);
  const sp = registers.value(layout.sp);
  return {
    registers,
    ...(pc === undefined ? {} : { pc }),
    ...(sp === undefined ? {} : { sp: layout.spAddress ? layout.spAddress(sp) : sp }),
  };
}

/**
 * Process facts and threads from a NetBSD or OpenBSD core's notes; undefined when no note has a BSD owner.
 * Never throws. Thread order is the order of the threads' first notes (the kernel writes the signalled
 * thread's notes first on OpenBSD; NetBSD names the signalled LWP in cpi_siglwp).
 */
export function parseBsdNotes(notes: readonly BsdNote[], ctx: BsdContext): BsdCoreNotes | undefined {
  const os = bsdNoteOs(notes);
  if (!os) return undefined;
  const flavor = os === 'NetBSD' ? NETBSD : OPENBSD;
  const warnings: string[] = [];
  let process: BsdProcess = {};
  const threads = new Map<number, BsdThread>();
  const layout = flavor.registers(ctx.machine);
  if (!layout) warnings.push(`registers unknown for ${os} ${machineName(ctx.machine)} thread notes`);
  try {
    for (const note of notes) {
      const o = owner(note.name);
      if (!o || o.flavor !== flavor) continue;
      if (o.badSuffix !== undefined) {
        warnings.push(`${os} note owner "${note.name}" does not end in a thread id; note skipped`);
      } else if (o.tid === undefined) {
        if (note.type === flavor.procinfoType) process = readProcinfoChecked(flavor, note.desc, ctx, warnings);
      } else {
        let thread = threads.get(o.tid);
        if (!thread) {
          thread = { tid: o.tid, signal: 0, crashed: false, registers: RegisterSet.EMPTY };
          threads.set(o.tid, thread);
        }
        if (layout && note.type === layout.noteType)
          addRegisters(thread, note.desc, layout, ctx, `${os} ${layout.arch}`, warnings);
      }
    }
  } catch (e) {
    warnings.push(
      `${os} notes could not be fully decoded (internal error: ${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const list = [...threads.values()];
  const missing = assignSignal(os, process, list);
  if (missing !== undefined) {
    warnings.push(
      `${os} procinfo names LWP ${missing} as the signalled one, but the core has no notes for it; the first thread is marked instead`,
    );
  }
  return { os, process, threads: list, warnings };
}

function addRegisters(
  thread: BsdThread,
  desc: Uint8Array,
  layout: BsdRegisterLayout,
  ctx: BsdContext,
  what: string,
  warnings: string[],
): void {
  if (desc.length < layout.size) {
    warnings.push(
      `registers unknown for ${what} thread ${thread.tid}: register note of ${desc.length} bytes (expected ${layout.size})`,
    );
    return;
  }
  if (desc.length !== layout.size) {
    warnings.push(
      `unexpected ${what} register note size ${desc.length} bytes (expected ${layout.size}) for thread ${thread.tid}`,
    );
  }
  Object.assign(thread, readRegisters(desc, layout, ctx));
}

function readProcinfoChecked(flavor: Flavor, desc: Uint8Array, ctx: BsdContext, warnings: string[]): BsdProcess {
  const view = new BinaryView(desc, ctx.endian, ctx.bits);
  const version = field(view, 0, true);
  const size = field(view, 4);
  if (version !== 1) {
    warnings.push(`${flavor.os} procinfo version ${version ?? 'missing'} (expected 1); fields read as version 1`);
  }
  if (size !== undefined && size !== desc.length) {
    warnings.push(`${flavor.os} procinfo says it is ${size} bytes but the note holds ${desc.length}`);
  }
  return flavor.readProcinfo(view);
}

/**
 * NetBSD: cpi_siglwp names the LWP the signal was delivered to; 0 means the signal was sent to the process,
 * and then every LWP reports it (as lldb does). The crashed thread is that LWP, or the first one written.
 * OpenBSD has no such field; it writes the thread that took the signal first.
 */
function assignSignal(os: 'NetBSD' | 'OpenBSD', process: BsdProcess, threads: BsdThread[]): number | undefined {
  const signo = process.signal ?? 0;
  if (signo <= 0 || threads.length === 0) return undefined;
  const lwp = os === 'NetBSD' ? (process.signalLwp ?? 0) : 0;
  const target = lwp > 0 ? threads.find((t) => t.tid === lwp) : undefined;
  if (os === 'NetBSD' && lwp === 0) {
    for (const t of threads) t.signal = signo;
  }
  const crashed = target ?? threads[0];
  if (crashed) {
    crashed.signal = signo;
    crashed.crashed = true;
  }
  return lwp > 0 && !target ? lwp : undefined;
}
