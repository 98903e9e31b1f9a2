/** Types for make-runtime-dump.mjs (plain Node ESM, so tests can import it without a build step). */
import { MakeDumpError } from './make-dump.mjs';

export { MakeDumpError };

export type Runtime = 'dotnet' | 'node';
export type RuntimeDumpProducer = 'kernel' | 'gcore' | 'createdump';

export interface MakeRuntimeDumpOptions {
  readonly runtime: Runtime;
  /** createdump needs runtime 'dotnet'. */
  readonly producer: RuntimeDumpProducer;
  /** Created if missing; receives core, maps.txt, tids.txt, os-release, meta.json. */
  readonly outDir: string;
  /** Threads blocked in a socket receive (dotnet only), 1–1000. Default 20. */
  readonly threads?: number;
  /** Deadline for the whole run (start, dump; not the runtime's install); the program is killed when it passes. Default 90 000. */
  readonly timeoutMs?: number;
  /** Whether a missing .NET runtime may be installed from the npm registry into the cache. Default true. */
  readonly install?: boolean;
  /**
   * Extra environment variables for the program, e.g. `{ DOTNET_PerfMapEnabled: '1' }`. For .NET (2.0 reads the
   * COMPlus_ prefix only) each DOTNET_<setting> is also set as COMPlus_<setting> unless that is given too.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options before the script, e.g. ['--perf-basic-prof', '--interpreted-frames-native-stack'] (node only). */
  readonly nodeArgs?: readonly string[];
  /**
   * Node only: the main thread waits inside named JavaScript functions (coreviewServeRequests →
   * coreviewHandleRequest → coreviewWaitForReply, in Atomics.wait) rather than in the event loop. Default false.
   */
  readonly blockInJs?: boolean;
  readonly log?: (line: string) => void;
}

/** The functions node-heap.cjs's blockInJs chain waits in, outermost first. */
export const NODE_JS_CHAIN: readonly ['coreviewServeRequests', 'coreviewHandleRequest', 'coreviewWaitForReply'];
/** recv-threads.cs's own methods every receiving thread runs, outermost first (then Socket.Receive). */
export const DOTNET_WORKER_METHODS: readonly ['RequestWorker::Serve', 'RequestWorker::WaitForRequest'];

export interface RuntimeDumpMeta {
  readonly pid: number;
  readonly runtime: Runtime;
  /** "2.0.0" for .NET; `node --version` without its "v" for Node.js. */
  readonly runtimeVersion: string;
  readonly producer: RuntimeDumpProducer;
  /** Threads in the process (every thread the runtime started), as listed in /proc/PID/task. */
  readonly threads: number;
  readonly workerThreads: number;
  /** The runtime's executable that ran the program, and its arguments. */
  readonly command: string;
  readonly args: readonly string[];
  /** The variables added to the program's environment (for .NET with their COMPlus_ twins). */
  readonly env: Readonly<Record<string, string>>;
  /** The copy of /tmp/perf-PID.map the process wrote (absent when it wrote none). */
  readonly perfMap?: string;
  /** Apparent size of the core file. */
  readonly coreSize: number;
  readonly kernel: string;
  readonly arch: string;
  readonly createdAt: string;
  readonly ms: { readonly build: number; readonly start: number; readonly dump: number };
}

export interface MadeRuntimeDump {
  readonly dir: string;
  /** Absolute paths of the files written. */
  readonly core: string;
  readonly maps: string;
  readonly tids: string;
  /** A copy of the machine's /etc/os-release (absent when the machine has none). */
  readonly osRelease: string;
  /** DIR/perf-PID.map, the perf map the process wrote, copied before the dump (absent when it wrote none). */
  readonly perfMap?: string;
  readonly meta: RuntimeDumpMeta;
}

export function makeRuntimeDump(options: MakeRuntimeDumpOptions): Promise<MadeRuntimeDump>;

/** The .NET Core 2.0 root ($COREVIEW_DOTNET_ROOT, else the cache, installed there when missing and allowed). */
export function findDotnet(options?: {
  readonly install?: boolean;
  readonly log?: (line: string) => void;
}): Promise<string>;

/** Builds recv-threads.cs with mcs (cached by content) and returns the .exe's path. */
export function buildDotnetProgram(options?: { readonly mcs?: string }): Promise<string>;

/** $COREVIEW_RUNTIME_CACHE, else coreview-runtimes under the system temp dir. */
export function runtimeCacheDir(): string;
