/** Types for make-stacks-dump.mjs (plain Node ESM, so tests can import it without a build step). */
import { MakeDumpError } from './make-dump.mjs';

export { MakeDumpError };

export type StacksVariant = 'O2-nofp' | 'O0-fp';
export type StacksGroup = 'main' | 'conn' | 'pool' | 'timer' | 'poll';

/** The compiler flags that make each variant (besides -g, -pthread and a build-id). */
export const STACKS_VARIANTS: Readonly<Record<StacksVariant, readonly string[]>>;

/** Per group: each named function on its threads' stacks and how many frames it has there. */
export const STACKS_CHAINS: Readonly<Record<StacksGroup, Readonly<Record<string, number>>>>;

export interface MakeStacksDumpOptions {
  readonly variant: StacksVariant;
  readonly producer: 'kernel' | 'gcore';
  /** Created if missing; receives core, stacks (the executable) and meta.json. */
  readonly outDir: string;
  /** Threads per group (four groups, plus the main thread). 1–256, default 3. */
  readonly threads?: number;
  /** Deadline for the whole run (build, start, dump); the program is killed when it passes. Default 60 000. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface StacksThread {
  readonly tid: number;
  readonly group: StacksGroup;
  /** The system call number the thread slept in just before the dump (/proc/PID/task/TID/syscall). */
  readonly syscall: number;
}

export interface MadeStacksDump {
  readonly dir: string;
  readonly core: string;
  /** The executable that ran (DIR/stacks): the core's NT_FILE names this path. */
  readonly exe: string;
  readonly pid: number;
  /** Main thread first. */
  readonly tids: readonly StacksThread[];
  readonly producer: 'kernel' | 'gcore';
  readonly variant: StacksVariant;
  /** Milliseconds spent building (or finding the cached build), until every thread slept, and dumping. */
  readonly ms: { readonly build: number; readonly ready: number; readonly dump: number };
}

export function makeStacksDump(options: MakeStacksDumpOptions): Promise<MadeStacksDump>;

/** Builds one variant of stacks.c (cached by content) and returns the executable's path. */
export function buildStacks(options: { readonly variant: StacksVariant; readonly cc?: string }): Promise<string>;
