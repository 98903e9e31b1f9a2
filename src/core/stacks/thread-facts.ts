/**
 * What the dump says about its threads before any unwinding: the system call each one is in (from its registers)
 * and the environment the process started with (from the main thread's initial stack). Cheap — a read per thread
 * at most — so every JSON document and the page's first look have them; the stacks pass adds the frames.
 */
import type { MemoryReader } from '../memory/memory-reader';
import { readProcessEnvironment } from '../model/process-environment';
import { decodeSyscall } from '../model/syscall';
import type { Analysis, ProcessEnvironment, Syscall } from '../types';

export interface ThreadFacts {
  /** By thread index. */
  readonly syscalls: readonly (Syscall | undefined)[];
  readonly environment?: ProcessEnvironment;
}

export async function readThreadFacts(
  analysis: Analysis,
  reader: MemoryReader,
  read: (address: bigint, length: number) => Promise<Uint8Array | undefined>,
): Promise<ThreadFacts> {
  const arch = analysis.dump.arch;
  const syscalls = await Promise.all(analysis.threads.map((t) => decodeSyscall(arch, t.registers, read)));
  const environment = await readProcessEnvironment(reader, analysis);
  return { syscalls, ...(environment ? { environment } : {}) };
}

/** The syscalls by tid, as the findings take them. */
export function syscallsByTid(analysis: Analysis, syscalls: readonly (Syscall | undefined)[]): Map<number, Syscall> {
  const byTid = new Map<number, Syscall>();
  analysis.threads.forEach((t, i) => {
    const s = syscalls[i];
    if (s !== undefined) byTid.set(t.tid, s);
  });
  return byTid;
}
