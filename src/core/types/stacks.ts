/**
 * What the stacks pass finds per thread (its frames, the system call it is blocked in), how threads group by their
 * frames, the process environment, and the findings drawn from all of it. Plain data: it crosses postMessage and
 * becomes the JSON document's `threads[].frames`, `threads[].syscall`, `stackGroups`, `findings`.
 */

/**
 * How a frame was found, best first (as Breakpad and rust-minidump say it):
 *   context  frame 0: the thread's registers
 *   cfi      DWARF call frame information (.eh_frame, .debug_frame)
 *   fp       the frame-pointer chain, validated (the caller's frame is above this one, inside the stack)
 *   scan     a stack word pointing just after a call instruction: the last resort
 */
export type FrameTrust = 'context' | 'cfi' | 'fp' | 'scan';

/** Where a frame's name came from: the dump's own memory (.dynsym), a provided file, a perf map. */
export type SymbolSource = 'dump' | 'file' | 'perfmap';

export interface Frame {
  /** Frame 0: the thread's pc; callers: the return address (as gdb and eu-stack print it). */
  readonly pc: bigint;
  readonly trust: FrameTrust;
  /** The module's path (NT_FILE), when pc is inside one. */
  module?: string;
  /** pc − the module's start. */
  offset?: number;
  /** Demangled; looked up at pc − 1 for caller frames. */
  symbol?: string;
  symbolOffset?: number;
  symbolSource?: SymbolSource;
  /** pc is in JIT code: anonymous executable memory or a runtime's code heap (CLRCode). */
  jit?: boolean;
  file?: string;
  line?: number;
}

/** Why a thread's walk ended. */
export type UnwindStop = 'outermost' | 'loop' | 'limit' | 'unreadable' | 'no-unwind-info';

export interface ThreadStack {
  readonly tid: number;
  readonly frames: readonly Frame[];
  readonly stop: UnwindStop;
  /** The stop in words ("the return address at 0x7ffd… is not in the dump"). */
  readonly stopDetail?: string;
}

/** The system call a thread is in, from its registers alone (model/syscall.ts). */
export interface Syscall {
  readonly nr: number;
  readonly name: string;
  /** The argument registers, in order (six on Linux). */
  readonly args: readonly bigint[];
  /** The call returned -EINTR/-ERESTART…: a signal interrupted it (the dump was taken in the handler's path). */
  readonly interrupted: boolean;
  /** "recvmsg(fd 127, …)", "futex(0x7f…, FUTEX_WAIT_PRIVATE, …)": what the Threads view shows. */
  readonly text: string;
  /** How it was read ("orig_rax", "x8 at an svc #0"). */
  readonly evidence: string;
}

/** Threads whose frames are the same (by symbol where known, else by pc), largest group first. */
export interface StackGroup {
  readonly threads: readonly number[];
  readonly frames: readonly Frame[];
}

/** Whether a module's names and unwind data were found, matched by GNU build-id. */
export type ModuleSymbols = 'dump' | 'file' | 'missing' | 'build-id-mismatch';

/** One module and whether its file (names, unwind tables) was found. */
export interface ModuleSymbolStatus {
  readonly path: string;
  readonly buildId?: string;
  readonly symbols: ModuleSymbols;
  /** The matched file's base name (the page knows no more). */
  readonly symbolFile?: string;
}

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly address: bigint;
}

/** What the main thread's initial stack holds: argv, envp (as the process started, not as it is now). */
export interface ProcessEnvironment {
  readonly argv: readonly string[];
  readonly env: readonly EnvironmentVariable[];
  /** Where the strings were found, for the hex view. */
  readonly address?: bigint;
  readonly warnings: readonly string[];
}

export type FindingSeverity = 'info' | 'warning' | 'problem';

/** What a finding points at: rows of the views (the page links them, the JSON lists them). */
export type FindingEvidence =
  | { readonly kind: 'threads'; readonly tids: readonly number[]; readonly text: string }
  | { readonly kind: 'regions'; readonly starts: readonly bigint[]; readonly text: string }
  | { readonly kind: 'stack-group'; readonly group: number; readonly text: string }
  | { readonly kind: 'environment'; readonly name: string; readonly value: string; readonly text: string }
  | { readonly kind: 'module'; readonly path: string; readonly text: string }
  | { readonly kind: 'fact'; readonly text: string };

export interface Finding {
  /** Stable: "thread-stacks-reserve", "same-stack", "glibc-arenas", "dotnet-gc-reserve", "incomplete-dump". */
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly title: string;
  readonly detail: string;
  readonly advice?: string;
  /** The exact setting the advice names, to copy as it is (`COMPlus_DefaultStackSize=40000`, `MALLOC_ARENA_MAX=2`). */
  readonly fix?: string;
  readonly evidence: readonly FindingEvidence[];
  /** The finding rests on the census (touched pages): absent without it. */
  readonly needsCensus?: boolean;
}
