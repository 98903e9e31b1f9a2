/**
 * The stacks pass: what every thread is doing. It runs after the region table is shown (the page) or when asked
 * (`--stacks`): the system call each thread is in, from its registers alone (reported first: it needs no
 * unwinding); the process environment from the main thread's initial stack; then every thread's walk
 * (unwind/unwind-thread.ts), its frames named (symbolizer.ts), streamed in batches; then the groups of identical
 * stacks. The same function runs in the page's engine worker and in the CLI.
 */
import type { MemoryReader } from '../memory/memory-reader';
import { regionIndexAt } from '../memory/region-lookup';
import { moduleAt } from '../model/address-label';
import { groupStacks } from '../model/stack-groups';
import type {
  Analysis,
  Module,
  ModuleSymbols,
  ModuleSymbolStatus,
  ProcessEnvironment,
  StackGroup,
  Syscall,
  ThreadStack,
} from '../types';
import { UNKNOWN_PERMS } from '../types';
import { unwindSupport, unwindThread } from '../unwind/unwind-thread';
import type { UnwindModule, UnwindSpace } from '../unwind/unwind-space';
import { bindModules, type ModuleFiles } from './module-files';
import { ProcessMemory } from './process-memory';
import { baseOf, ProvidedFiles } from './provided-files';
import { Symbolizer } from './symbolizer';
import { readThreadFacts } from './thread-facts';
import { loadUnwindModule } from './unwind-tables';

export interface StacksPassOptions {
  readonly files?: ProvidedFiles;
  /** What the host found out about modules itself (the CLI's file search: 'build-id-mismatch'). */
  readonly statusOf?: (module: Module) => ModuleSymbols | undefined;
  readonly demangle?: (name: string) => string;
  readonly maxFrames?: number;
  /** Before any walk: each thread's system call (by thread index) and the environment. */
  readonly onStart?: (start: StacksStart) => void;
  readonly onBatch?: (batch: StacksBatch) => void;
  readonly isCancelled?: () => boolean;
  /** Milliseconds between batches (default 50). */
  readonly batchMs?: number;
  /** Bytes of the dump read at once for the walk (process-memory.ts; default 16 KiB, for the page's round trips). */
  readonly pageSize?: number;
  /** Threads walked at once (default 8). */
  readonly lanes?: number;
}

export interface StacksStart {
  readonly syscalls: readonly (Syscall | undefined)[];
  readonly environment?: ProcessEnvironment;
  readonly modules: readonly ModuleSymbolStatus[];
  readonly total: number;
}

export interface StacksBatch {
  /** Thread indices (Analysis.threads order) and their stacks. */
  readonly indices: readonly number[];
  readonly stacks: readonly ThreadStack[];
  readonly done: number;
  readonly total: number;
}

export interface StacksResult {
  /** By thread index. */
  readonly stacks: readonly ThreadStack[];
  readonly syscalls: readonly (Syscall | undefined)[];
  readonly groups: readonly StackGroup[];
  readonly environment?: ProcessEnvironment;
  readonly modules: readonly ModuleSymbolStatus[];
  readonly warnings: readonly string[];
  /** False when cancelled before every thread was walked. */
  readonly complete: boolean;
}

/** Threads walked at once: their reads overlap (each is a round trip in the page). */
const LANES = 8;

export async function runStacksPass(
  analysis: Analysis,
  reader: MemoryReader,
  options: StacksPassOptions = {},
): Promise<StacksResult> {
  const files = options.files ?? new ProvidedFiles();
  const { dump } = analysis;
  const warnings: string[] = [...files.warnings];
  const support = unwindSupport(dump.arch);
  if (support.warning !== undefined) warnings.push(support.warning);

  const bindings = bindModules(analysis, files, options.statusOf);
  const used = new Set(bindings.flatMap((b) => [b.image, b.debug]));
  for (const given of files.images) {
    if (used.has(given) || given.image.buildId === undefined) continue;
    warnings.push(`${given.name}: its build-id (${given.image.buildId}) is no module's of this dump; it is not used`);
  }
  const perfMaps = perfMapsFor(files, analysis.process.pid);
  const otherPid = files.perfMaps.filter((p) => !perfMaps.includes(p));
  for (const p of otherPid) warnings.push(`${p.name}: a perf map of another process (pid ${p.pid ?? '?'}); not used`);
  const fileBytes = fileBacked(analysis, bindings);
  const memory = new ProcessMemory(reader, fileBytes, options.pageSize);
  const read = (address: bigint, length: number) => memory.read(address, length);
  const core = { bits: dump.bits, endian: dump.endian };
  const headerAddress = (m: Module) => headerOf(analysis, m);
  const symbolizer = new Symbolizer({
    regions: analysis.regions,
    modules: analysis.modules,
    bindings,
    bits: dump.bits,
    littleEndian: dump.endian === 'little',
    read,
    headerAddress,
    perfMaps: perfMaps.map((p) => p.map),
    ...(options.demangle ? { demangle: options.demangle } : {}),
  });

  const { syscalls, environment } = await readThreadFacts(analysis, reader, read);
  const modulesBefore = bindings.map((b) => moduleStatus(b, b.status));
  options.onStart?.({
    syscalls,
    ...(environment ? { environment } : {}),
    modules: modulesBefore,
    total: analysis.threads.length,
  });

  const unwindModules = new Map<Module, Promise<UnwindModule>>();
  const space: UnwindSpace = {
    arch: dump.arch,
    bits: dump.bits,
    littleEndian: dump.endian === 'little',
    read,
    module(pc) {
      const m = moduleAt(pc, analysis.regions, analysis.modules);
      const binding = m === undefined ? undefined : bindings.find((b) => b.module === m);
      if (m === undefined || binding === undefined) return Promise.resolve(undefined);
      let loaded = unwindModules.get(m);
      if (loaded === undefined) {
        loaded = loadUnwindModule(binding, reader, core, headerAddress(m));
        unwindModules.set(m, loaded);
      }
      return loaded;
    },
    executable(pc) {
      const region = analysis.regions[regionIndexAt(analysis.regions, pc)];
      if (region === undefined) return false;
      if (region.perms.includes('x') || region.kind === 'CLRCode') return true;
      if (region.perms !== UNKNOWN_PERMS || region.image === undefined) return false;
      // A file mapping NT_FILE lists but the dump has no segment for (gdb's gcore leaves out unmodified file
      // mappings, code among them): its protection is not recorded. An ELF module's program headers tell; any other
      // file (a .NET ReadyToRun .dll mapped r-x) is taken as code — a frame-pointer step into it is validated by
      // the stack anyway, and the kernel's dump of the same process records it r-x.
      const binding = bindings.find((b) => b.module.path === region.image);
      const loads = binding?.image?.image.loads;
      return loads === undefined || loads.some((l) => executableLoad(l, pc - (binding?.bias ?? 0n)));
    },
  };

  const stacks: (ThreadStack | undefined)[] = new Array<ThreadStack | undefined>(analysis.threads.length);
  let done = 0;
  let pending: number[] = [];
  const batchMs = options.batchMs ?? 50;
  let lastBatch = Date.now();
  const flush = () => {
    if (pending.length === 0) return;
    const indices = pending;
    pending = [];
    lastBatch = Date.now();
    options.onBatch?.({
      indices,
      stacks: indices.map((i) => stacks[i] ?? emptyStack(analysis.threads[i]?.tid ?? 0)),
      done,
      total: analysis.threads.length,
    });
  };
  let next = 0;
  let cancelled = false;
  const lane = async () => {
    while (next < analysis.threads.length) {
      if (options.isCancelled?.() === true) {
        cancelled = true;
        return;
      }
      const i = next++;
      const thread = analysis.threads[i];
      if (thread === undefined) continue;
      const walk = await unwindThread(
        space,
        {
          registers: thread.registers,
          ...(thread.stackStart !== undefined ? { stackStart: thread.stackStart } : {}),
          ...(thread.stackEnd !== undefined ? { stackEnd: thread.stackEnd } : {}),
        },
        options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {},
      );
      const frames = [];
      for (const f of walk.frames) frames.push(await symbolizer.frame(f.pc, f.trust));
      stacks[i] = {
        tid: thread.tid,
        frames,
        stop: walk.stop,
        ...(walk.stopDetail !== undefined ? { stopDetail: walk.stopDetail } : {}),
      };
      done++;
      pending.push(i);
      if (Date.now() - lastBatch >= batchMs) flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.lanes ?? LANES, analysis.threads.length) }, lane));
  flush();

  const walked = stacks.filter((s): s is ThreadStack => s !== undefined);
  const modules = await Promise.all(
    bindings.map(async (b) => {
      if (b.status !== 'missing') return moduleStatus(b, b.status);
      const fromDump = await symbolizer.symbols(b);
      return moduleStatus(b, fromDump?.source === 'dump' ? 'dump' : 'missing');
    }),
  );
  return {
    stacks: fillMissing(stacks, analysis),
    syscalls,
    groups: groupStacks(walked),
    ...(environment ? { environment } : {}),
    modules,
    warnings,
    complete: !cancelled,
  };
}

function moduleStatus(b: ModuleFiles, symbols: ModuleSymbols): ModuleSymbolStatus {
  const file = b.image ?? b.debug;
  return {
    path: b.module.path,
    ...(b.module.buildId !== undefined ? { buildId: b.module.buildId } : {}),
    symbols,
    ...(symbols === 'file' && file ? { symbolFile: baseOf(file.name) } : {}),
  };
}

/** Reads a file-backed address from the matched image of the module mapping it. */
function fileBacked(analysis: Analysis, bindings: readonly ModuleFiles[]) {
  return async (address: bigint, length: number): Promise<Uint8Array | undefined> => {
    const m = moduleAt(address, analysis.regions, analysis.modules);
    const binding = m === undefined ? undefined : bindings.find((b) => b.module === m);
    const image = binding?.image?.image;
    if (binding === undefined || image === undefined) return undefined;
    return image.readAtVaddr(address - binding.bias, length);
  };
}

/** The module's ELF header in memory: its mapping of file offset 0 (NT_FILE), else its lowest address. */
function headerOf(analysis: Analysis, module: Module): bigint | undefined {
  const mapping = analysis.files.find((f) => f.path === module.path && f.fileOffset === 0n);
  return mapping?.start ?? (module.headerInDump ? module.start : undefined);
}

const PF_X = 1;

function executableLoad(load: { vaddr: bigint; memSize: number; flags: number }, vaddr: bigint): boolean {
  return (load.flags & PF_X) !== 0 && vaddr >= load.vaddr && vaddr < load.vaddr + BigInt(load.memSize);
}

/** Perf maps of this process: named for its pid, or named for none. */
function perfMapsFor(files: ProvidedFiles, pid: number | undefined) {
  return files.perfMaps.filter((p) => p.pid === undefined || pid === undefined || p.pid === pid);
}

function emptyStack(tid: number): ThreadStack {
  return { tid, frames: [], stop: 'unreadable', stopDetail: 'the walk did not run (cancelled)' };
}

function fillMissing(stacks: readonly (ThreadStack | undefined)[], analysis: Analysis): ThreadStack[] {
  return analysis.threads.map((t, i) => stacks[i] ?? emptyStack(t.tid));
}
