/** Types for make-dump.mjs (plain Node ESM, so the bench and the tests can import it without a build step). */

export type DumpProducer = 'kernel' | 'gcore';

export interface MakeDumpOptions {
  /** Worker threads to start (the process has one more: the main thread). 0–4096. */
  readonly threads: number;
  readonly producer: DumpProducer;
  /** Created if missing; receives core, maps.txt, tids.txt, meta.json. */
  readonly outDir: string;
  /** Deadline for the whole run (build, start, dump); the child is killed when it passes. Default 60 000. */
  readonly timeoutMs?: number;
  /** `ulimit -s` for the program, i.e. glibc's default thread stack size. Default 8192 (8 MiB). */
  readonly stackKb?: number;
  /** More arguments for threads.c, such as `--brk-holes`. */
  readonly programArgs?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface DumpMeta {
  readonly pid: number;
  readonly producer: DumpProducer;
  /** Threads in the process (main + workers), as listed in /proc/PID/task. */
  readonly threads: number;
  readonly workerThreads: number;
  /** The executable that was dumped (a content-addressed build under the system temp dir). */
  readonly exe: string;
  readonly stackKb: number;
  /** Apparent size of the core file (kernel cores are sparse on disk). */
  readonly coreSize: number;
  /** `uname -r` of the machine that made the dump. */
  readonly kernel: string;
  readonly arch: string;
  readonly createdAt: string;
  /** Milliseconds spent building, starting the program until all threads block, and dumping. */
  readonly ms: { readonly build: number; readonly start: number; readonly dump: number };
}

export interface MadeDump {
  readonly dir: string;
  /** Absolute paths of the files written. */
  readonly core: string;
  readonly maps: string;
  readonly tids: string;
  readonly meta: DumpMeta;
}

export class MakeDumpError extends Error {}

export function makeDump(options: MakeDumpOptions): Promise<MadeDump>;

/** The checks every dump script makes first (thread count, producer, out dir, core_pattern or gcore). */
export function prepareDump(options: {
  readonly threads: number;
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly producer: string;
  readonly outDir: string;
  readonly timeoutMs: number;
}): Promise<{ readonly started: number; readonly deadline: number; readonly dir: string }>;

/** Builds threads.c (cached by content) and returns the executable's path. */
export function buildThreads(options?: { readonly cc?: string }): Promise<string>;
